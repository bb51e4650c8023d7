/* spell.c - the only file that touches Hunspell: dictionaries, a cache of lookups, stems, suggestions. */
#include <errno.h>
#include <glob.h>
#include <iconv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hunspell/hunspell.h>

#include "internal.h"

/* Where Debian and most systems install Hunspell dictionaries. */
static const char *const dict_dirs[] = {
	"/usr/share/hunspell", "/usr/share/myspell/dicts", "/usr/share/myspell",
	"/usr/local/share/hunspell", NULL
};

static char not_yet;
#define NOT_YET (&not_yet)   /* an entry's stem not worked out yet */
#define MAX_WORD 100

/*
 * The cache of lookups: each distinct word is asked of Hunspell once
 * while it stays in the cache, which holds the PL_SPELL_CACHE words used
 * most recently (a post's words are mostly the words of the posts before
 * it).  The words are spread over shards by hash, each with its own lock
 * and its own least-recently-used list, so threads seldom wait for each
 * other.  Nothing outside this file holds an entry: what callers get is
 * copied out under the shard's lock, so an entry may go at any time.
 */
#define NSHARD 64
#define SHARD_CAP (PL_SPELL_CACHE / NSHARD)

struct link {
	struct link *next, *prev;
};
/* A word of the cache.  Whether it is correct and its stem are each
 * worked out when first asked for: posts ask the stem of the lowercase
 * content word and the verdict on the word as written, so most entries
 * need only one of the two. */
struct entry {
	struct link lru;               /* first: the shard's list, newest first */
	struct entry *chain;           /* the next in its bucket */
	size_t len, hash;
	signed char known;     /* Hunspell's verdict; -1: not asked yet */
	signed char nsugg;     /* -1: no suggestions made yet */
	char *stem;            /* NOT_YET, or NULL: the word is its own stem */
	char **sugg;
	char word[];           /* in the entry: one cache miss a lookup, not two */
};

struct shard {
	pthread_mutex_t m;
	struct entry **bucket;         /* SHARD_CAP chains, made when first used */
	struct link lru;               /* lru.next is the newest, lru.prev the oldest */
	size_t n;
};

/* One Hunspell instance and its converters.  Hunspell is not
 * thread-safe: a thread takes an instance (its mutex) for each call. */
struct hun {
	Hunhandle *h;
	iconv_t to_dic, from_dic;
	pthread_mutex_t m;
};
#define MAX_HUN 4

struct pl_speller {
	int utf8;              /* else words are converted for the dictionary */
	char aff[1024], dic[1024];
	char **extra;          /* the team's .dic files, added to each instance */
	size_t nextra;
	/* Threads share the cache; a thread that finds every instance busy
	 * makes another, up to maxhun (the cores, at most MAX_HUN) */
	struct hun hun[MAX_HUN];
	atomic_size_t nhun;
	atomic_size_t maxhun;
	pthread_mutex_t more;      /* making an instance */
	struct shard shard[NSHARD];
	struct pl_set accept;  /* config words, compared as written */
	struct pl_lemmas lemmas;   /* irregular forms and their lemmas */
};

static int
exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The .aff/.dic pair for LANG ("en_US", or "en" for any English one):
 * fills AFF and DIC and returns 0, or -1. */
static int
find_dict(const char *lang, const char *datadir, char *aff, char *dic,
    size_t cap)
{
	char pat[1024];
	size_t i;
	const char *dirs[8];
	size_t nd = 0;
	char local[1024];

	snprintf(local, sizeof(local), "%s/dicts/hunspell", datadir);
	dirs[nd++] = local;
	for (i = 0; dict_dirs[i] != NULL; i++)
		dirs[nd++] = dict_dirs[i];
	for (i = 0; i < nd; i++) {
		snprintf(dic, cap, "%s/%s.dic", dirs[i], lang);
		snprintf(aff, cap, "%s/%s.aff", dirs[i], lang);
		if (exists(dic) && exists(aff))
			return 0;
		if (strchr(lang, '_') == NULL) {
			glob_t g;

			snprintf(pat, sizeof(pat), "%s/%s_*.dic", dirs[i], lang);
			if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
				snprintf(dic, cap, "%s", g.gl_pathv[0]);
				snprintf(aff, cap, "%.*s.aff", (int)strlen(dic) - 4, dic);
				globfree(&g);
				if (exists(aff))
					return 0;
			} else if (g.gl_pathc == 0)
				globfree(&g);
		}
	}
	return -1;
}

/* Converts between UTF-8 and the dictionary's encoding; NULL when the
 * text has no form there. */
static char *
convert(iconv_t cd, const char *s, size_t n)
{
	size_t cap = n * 4 + 8, left = cap - 1, in = n;
	char *out = pl_malloc(cap), *o = out;
	char *src = (char *)s;

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &src, &in, &o, &left) == (size_t)-1) {
		free(out);
		return NULL;
	}
	*o = '\0';
	return out;
}

/* Loads an instance of the dictionary into U; the first one decides
 * whether words need converting.  0, or -1 with ERR set. */
static int
hun_open(struct pl_speller *sp, struct hun *u, struct postlint_error *err)
{
	const char *enc;
	size_t i;

	u->to_dic = u->from_dic = (iconv_t)-1;
	u->h = Hunspell_create(sp->aff, sp->dic);
	if (u->h == NULL) {
		pl_error_set(err, sp->dic, 0, 0,
		    "Hunspell could not load the dictionary");
		return -1;
	}
	enc = Hunspell_get_dic_encoding(u->h);
	if (u == &sp->hun[0])
		sp->utf8 = enc == NULL || strcasecmp(enc, "UTF-8") == 0 ||
		    strcasecmp(enc, "UTF8") == 0;
	if (!sp->utf8) {
		u->to_dic = iconv_open(enc, "UTF-8");
		u->from_dic = iconv_open("UTF-8", enc);
		if (u->to_dic == (iconv_t)-1 || u->from_dic == (iconv_t)-1) {
			pl_error_set(err, sp->dic, 0, 0, "cannot convert to the "
			    "dictionary's encoding %s", enc);
			return -1;
		}
	}
	for (i = 0; i < sp->nextra; i++)
		Hunspell_add_dic(u->h, sp->extra[i]);
	return 0;
}

static void
hun_close(struct hun *u)
{
	if (u->to_dic != (iconv_t)-1 && u->to_dic != NULL)
		iconv_close(u->to_dic);
	if (u->from_dic != (iconv_t)-1 && u->from_dic != NULL)
		iconv_close(u->from_dic);
	if (u->h != NULL)
		Hunspell_destroy(u->h);
	u->h = NULL;
}

struct pl_speller *
pl_speller_new(const char *lang, const char *datadir,
    const struct pl_strlist *accept, struct postlint_error *err)
{
	struct pl_speller *sp;
	char aff[1024], dic[1024], pat[1100];
	size_t i, n;
	glob_t g;

	if (find_dict(lang, datadir, aff, dic, sizeof(aff)) != 0) {
		char pkg[32];

		snprintf(pkg, sizeof(pkg), "%.*s", 5, lang);
		for (i = 0; pkg[i]; i++)
			pkg[i] = pkg[i] == '_' ? '-' : (char)(pkg[i] | 0x20);
		pl_error_set(err, NULL, 0, 0, "no Hunspell dictionary for %s "
		    "(looked for %s.dic in /usr/share/hunspell and the other "
		    "usual folders; on Debian: apt-get install hunspell-%s; or "
		    "turn spelling off with --no-spelling)", lang, lang, pkg);
		return NULL;
	}
	sp = pl_calloc(1, sizeof(*sp));
	snprintf(sp->aff, sizeof(sp->aff), "%s", aff);
	snprintf(sp->dic, sizeof(sp->dic), "%s", dic);
	for (i = 0; i < MAX_HUN; i++)
		pthread_mutex_init(&sp->hun[i].m, NULL);
	pthread_mutex_init(&sp->more, NULL);
	for (i = 0; i < NSHARD; i++) {
		pthread_mutex_init(&sp->shard[i].m, NULL);
		sp->shard[i].lru.next = sp->shard[i].lru.prev =
		    &sp->shard[i].lru;
	}
	{
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		atomic_init(&sp->maxhun, cores < 1 ? 1 : cores > MAX_HUN ?
		    MAX_HUN : (size_t)cores);
	}
	/* The team's word lists for this language share the system .aff, so
	 * their affix flags work as Hunspell's own. */
	snprintf(pat, sizeof(pat), "%s/dicts/%.*s/*.dic", datadir,
	    (int)strcspn(lang, "_"), lang);
	if (glob(pat, 0, NULL, &g) == 0) {
		sp->extra = pl_calloc(g.gl_pathc, sizeof(*sp->extra));
		for (i = 0; i < g.gl_pathc; i++)
			if (exists(g.gl_pathv[i]))   /* regular files only */
				sp->extra[sp->nextra++] = pl_strdup(g.gl_pathv[i]);
		globfree(&g);
	}
	if (hun_open(sp, &sp->hun[0], err) != 0) {
		pl_speller_free(sp);
		return NULL;
	}
	atomic_store(&sp->nhun, 1);
	snprintf(pat, sizeof(pat), "%s/dicts/%.*s/lemmas.txt", datadir,
	    (int)strcspn(lang, "_"), lang);
	if (pl_lemmas_load(&sp->lemmas, pat) != 0) {
		pl_error_set(err, pat, 0, 0, "cannot read the word forms: %s",
		    strerror(errno));
		pl_speller_free(sp);
		return NULL;
	}
	for (i = 0; accept != NULL && i < accept->n; i++) {
		n = strlen(accept->v[i]);
		pl_set_add(&sp->accept, accept->v[i], n);
	}
	return sp;
}

static void
entry_free(struct entry *e)
{
	signed char i;

	for (i = 0; i < e->nsugg; i++)
		free(e->sugg[i]);
	free(e->sugg);
	if (e->stem != NOT_YET)
		free(e->stem);
	free(e);
}

void
pl_speller_free(struct pl_speller *sp)
{
	size_t i;

	if (sp == NULL)
		return;
	for (i = 0; i < NSHARD; i++) {
		struct shard *sh = &sp->shard[i];
		struct link *l, *next;

		for (l = sh->lru.next; l != &sh->lru; l = next) {
			next = l->next;
			entry_free((struct entry *)l);
		}
		free(sh->bucket);
		pthread_mutex_destroy(&sh->m);
	}
	pl_set_free(&sp->accept);
	pl_lemmas_free(&sp->lemmas);
	for (i = 0; i < MAX_HUN; i++) {
		hun_close(&sp->hun[i]);
		pthread_mutex_destroy(&sp->hun[i].m);
	}
	for (i = 0; i < sp->nextra; i++)
		free(sp->extra[i]);
	free(sp->extra);
	pthread_mutex_destroy(&sp->more);
	free(sp);
}

/* pl_hash, then a 64-bit finalizer, as the table takes the low bits. */
static size_t
hash(const char *s, size_t n)
{
	uint64_t h = pl_hash(s, n);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

/* Takes an instance of Hunspell: a free one, else a new one while there
 * are fewer than maxhun, else waits for the first. */
static struct hun *
hun_take(struct pl_speller *sp)
{
	size_t i, n = atomic_load_explicit(&sp->nhun, memory_order_acquire);
	struct postlint_error err;

	for (i = 0; i < n; i++)
		if (pthread_mutex_trylock(&sp->hun[i].m) == 0)
			return &sp->hun[i];
	if (n < atomic_load_explicit(&sp->maxhun, memory_order_relaxed)) {
		pthread_mutex_lock(&sp->more);
		n = atomic_load_explicit(&sp->nhun, memory_order_relaxed);
		if (n < atomic_load_explicit(&sp->maxhun, memory_order_relaxed)) {
			if (hun_open(sp, &sp->hun[n], &err) == 0) {
				pthread_mutex_lock(&sp->hun[n].m);
				atomic_store_explicit(&sp->nhun, n + 1,
				    memory_order_release);
				pthread_mutex_unlock(&sp->more);
				return &sp->hun[n];
			}
			/* loaded once, so this is memory: go on with fewer */
			hun_close(&sp->hun[n]);
			atomic_store_explicit(&sp->maxhun, n, memory_order_relaxed);
		}
		pthread_mutex_unlock(&sp->more);
	}
	pthread_mutex_lock(&sp->hun[0].m);
	return &sp->hun[0];
}

static void
hun_give(struct hun *u)
{
	pthread_mutex_unlock(&u->m);
}

/* WORD in the dictionary's encoding; caller frees.  NULL: not expressible. */
static char *
dic_word(struct pl_speller *sp, struct hun *u, const char *w, size_t n)
{
	return sp->utf8 ? pl_strndup(w, n) : convert(u->to_dic, w, n);
}

static char *
utf8_word(struct pl_speller *sp, struct hun *u, const char *w)
{
	return sp->utf8 ? pl_strdup(w) : convert(u->from_dic, w, strlen(w));
}

/* The lemma of an irregular FORM from the list, or NULL. */
static char *
irregular(struct pl_speller *sp, const char *w, size_t n)
{
	const char *lem = pl_lemma_of(&sp->lemmas, w, n);

	return lem != NULL ? pl_strdup(lem) : NULL;
}

static void
lock(struct shard *sh)
{
	int i;

	/* held for a few hundred cycles: spin a little before sleeping, as
	 * a futex wait and wake costs more than that */
	for (i = 0; i < 64; i++)
		if (pthread_mutex_trylock(&sh->m) == 0)
			return;
	pthread_mutex_lock(&sh->m);
}

static void
unlock(struct shard *sh)
{
	pthread_mutex_unlock(&sh->m);
}

/* The shard of a word of hash H: bits above the bucket's. */
static struct shard *
shard_of(struct pl_speller *sp, size_t h)
{
	return &sp->shard[(h / SHARD_CAP) % NSHARD];
}

static void
lru_unlink(struct link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
}

static void
lru_push(struct shard *sh, struct link *l)
{
	l->next = sh->lru.next;
	l->prev = &sh->lru;
	sh->lru.next->prev = l;
	sh->lru.next = l;
}

/* The entry of W in SH, made the newest; NULL when it is not there.
 * The caller holds SH's lock. */
static struct entry *
get(struct shard *sh, const char *w, size_t n, size_t h)
{
	struct entry *e;

	if (sh->bucket == NULL)
		return NULL;
	for (e = sh->bucket[h % SHARD_CAP]; e != NULL; e = e->chain)
		if (e->hash == h && e->len == n && memcmp(e->word, w, n) == 0) {
			if (sh->lru.next != &e->lru) {
				lru_unlink(&e->lru);
				lru_push(sh, &e->lru);
			}
			return e;
		}
	return NULL;
}

/* Drops the least recently used entry of SH (the caller holds its lock). */
static void
evict(struct shard *sh)
{
	struct entry *e = (struct entry *)sh->lru.prev, **pp;

	for (pp = &sh->bucket[e->hash % SHARD_CAP]; *pp != e; pp = &(*pp)->chain)
		;
	*pp = e->chain;
	lru_unlink(&e->lru);
	entry_free(e);
	sh->n--;
}

/* The entry of W in SH, made when it is not there; a full shard first
 * drops its least recently used word.  The caller holds SH's lock. */
static struct entry *
put(struct shard *sh, const char *w, size_t n, size_t h)
{
	struct entry *e = get(sh, w, n, h), **b;

	if (e != NULL)
		return e;
	if (sh->bucket == NULL)
		sh->bucket = pl_calloc(SHARD_CAP, sizeof(*sh->bucket));
	if (sh->n == SHARD_CAP)
		evict(sh);
	e = pl_calloc(1, sizeof(*e) + n + 1);
	memcpy(e->word, w, n);
	e->len = n;
	e->hash = h;
	e->known = e->nsugg = -1;
	e->stem = NOT_YET;
	b = &sh->bucket[h % SHARD_CAP];
	e->chain = *b;
	*b = e;
	lru_push(sh, &e->lru);
	sh->n++;
	return e;
}

/* Copies N bytes of S to OUT as a string of at most CAP - 1 bytes. */
static size_t
copy_out(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

/* Hunspell's own verdict on W, in instance U (NULL: take one). */
static int
ask(struct pl_speller *sp, struct hun *u, const char *w, size_t n)
{
	struct hun *mine = u == NULL ? hun_take(sp) : NULL;
	char *dw = dic_word(sp, u ? u : mine, w, n);
	int k = dw != NULL && Hunspell_spell((u ? u : mine)->h, dw) != 0;

	free(dw);
	if (mine != NULL)
		hun_give(mine);
	return k;
}

/* Whether W is a word of the dictionary: through the cache, since the
 * same words come up as words of posts and as stems of others.  U is
 * an instance the caller holds, or NULL.  Two threads asking at once
 * each ask Hunspell, and get the same answer. */
static int
known(struct pl_speller *sp, struct hun *u, const char *w, size_t n)
{
	size_t h;
	struct shard *sh;
	struct entry *e;
	int k;

	if (n == 0 || n > MAX_WORD)
		return ask(sp, u, w, n);
	h = hash(w, n);
	sh = shard_of(sp, h);
	lock(sh);
	e = get(sh, w, n, h);
	k = e != NULL ? e->known : -1;
	unlock(sh);
	if (k >= 0)
		return k;
	k = ask(sp, u, w, n);
	lock(sh);
	put(sh, w, n, h)->known = (signed char)k;
	unlock(sh);
	return k;
}

/* One step towards the stem: Hunspell's shortest stem, else a regular
 * suffix taken off when what is left is a word ("running" -> "run",
 * "cities" -> "city").  Caller frees; NULL when there is no shorter form. */
static char *
stem_step(struct pl_speller *sp, struct hun *u, const char *w, size_t n)
{
	static const struct { const char *suffix, *repl; int dbl; } rules[] = {
		{ "ies", "y", 0 }, { "ing", "", 1 }, { "ing", "e", 0 },
		{ "ing", "", 0 }, { "ed", "", 1 }, { "ed", "e", 0 }, { "ed", "", 0 },
		{ "es", "", 0 }, { "s", "", 0 },
	};
	char *dw = dic_word(sp, u, w, n), **list = NULL, *best = NULL, buf[128];
	/* Hunspell has no stem for a word it does not know, and looking for
	 * one costs it a clock() call, a system call on some machines */
	int k = dw && known(sp, u, w, n) ? Hunspell_stem(u->h, &list, dw) : 0, i;
	size_t r;

	for (i = 0; i < k; i++) {
		char *st = utf8_word(sp, u, list[i]);

		if (st != NULL && strlen(st) < n && strlen(st) >= 2 &&
		    (best == NULL || strlen(st) < strlen(best))) {
			free(best);
			best = st;
		} else
			free(st);
	}
	if (list != NULL)
		Hunspell_free_list(u->h, &list, k);
	free(dw);
	if (best != NULL)
		return best;
	for (r = 0; r < sizeof(rules) / sizeof(*rules); r++) {
		size_t sl = strlen(rules[r].suffix), base;

		if (n <= sl + 2 || memcmp(w + n - sl, rules[r].suffix, sl) != 0)
			continue;
		base = n - sl;
		/* "running": the doubled consonant goes too */
		if (rules[r].dbl && !(base >= 2 && w[base - 1] == w[base - 2] &&
		    strchr("aeiou", w[base - 1]) == NULL))
			continue;
		if (rules[r].dbl)
			base--;
		if (base + strlen(rules[r].repl) >= sizeof(buf))
			continue;
		memcpy(buf, w, base);
		strcpy(buf + base, rules[r].repl);
		if (known(sp, u, buf, strlen(buf)))
			return pl_strdup(buf);
	}
	return NULL;
}

/* The stem: irregular forms from the list, then steps until nothing
 * shorter is found ("deployments" -> "deployment" -> "deploy").  NULL
 * when the word is its own stem. */
static char *
stem_of(struct pl_speller *sp, struct hun *u, const char *w, size_t n)
{
	char *cur = irregular(sp, w, n), *next;
	int steps;

	if (cur != NULL)
		return cur;
	cur = pl_strndup(w, n);
	for (steps = 0; steps < 3 && (next = stem_step(sp, u, cur,
	    strlen(cur))) != NULL; steps++) {
		free(cur);
		cur = next;
	}
	if (strlen(cur) == n && memcmp(cur, w, n) == 0) {
		free(cur);
		return NULL;
	}
	return cur;
}

/* Whether the word is correct: on the configuration's list, or known to
 * Hunspell. */
int
pl_speller_correct(struct pl_speller *sp, const char *w, size_t n)
{
	if (n == 0 || n > MAX_WORD)
		return 1;
	return known(sp, NULL, w, n) || pl_set_has(&sp->accept, w, n);
}

/* The stem, worked out once while the word is cached; when two threads
 * race, the first to store it wins and the other's copy is dropped. */
size_t
pl_speller_stem(struct pl_speller *sp, const char *w, size_t n, char *out,
    size_t cap)
{
	size_t h, len;
	struct shard *sh;
	struct entry *e;
	struct hun *u;
	char *mine;

	if (n == 0 || n > MAX_WORD)
		return copy_out(out, cap, w, n);
	h = hash(w, n);
	sh = shard_of(sp, h);
	lock(sh);
	e = get(sh, w, n, h);
	if (e != NULL && e->stem != NOT_YET) {
		len = e->stem ? copy_out(out, cap, e->stem, strlen(e->stem)) :
		    copy_out(out, cap, w, n);
		unlock(sh);
		return len;
	}
	unlock(sh);
	u = hun_take(sp);
	mine = stem_of(sp, u, w, n);
	hun_give(u);
	lock(sh);
	e = put(sh, w, n, h);
	if (e->stem == NOT_YET)
		e->stem = mine;
	else
		free(mine);
	len = e->stem ? copy_out(out, cap, e->stem, strlen(e->stem)) :
	    copy_out(out, cap, w, n);
	unlock(sh);
	return len;
}

/* Copies E's suggestions to OUT (the caller holds the shard's lock). */
static size_t
copy_suggestions(const struct entry *e, char **out)
{
	signed char i;

	for (i = 0; i < e->nsugg; i++)
		out[i] = pl_strdup(e->sugg[i]);
	return (size_t)e->nsugg;
}

/* Suggestions cost Hunspell tens of milliseconds a word: they are made
 * only for words that are reported, once each while the word is cached. */
size_t
pl_speller_suggest(struct pl_speller *sp, const char *w, size_t n, char **out)
{
	size_t h, got;
	struct shard *sh;
	struct entry *e;
	struct hun *u;
	char *dw, **list = NULL, **mine;
	int k, i;
	signed char nmine = 0;

	if (n == 0 || n > MAX_WORD)
		return 0;
	h = hash(w, n);
	sh = shard_of(sp, h);
	lock(sh);
	e = get(sh, w, n, h);
	if (e != NULL && e->nsugg >= 0) {
		got = copy_suggestions(e, out);
		unlock(sh);
		return got;
	}
	unlock(sh);
	u = hun_take(sp);
	dw = dic_word(sp, u, w, n);
	k = dw ? Hunspell_suggest(u->h, &list, dw) : 0;
	mine = pl_calloc(PL_MAX_SUGGESTIONS, sizeof(*mine));
	for (i = 0; i < k && nmine < PL_MAX_SUGGESTIONS; i++) {
		char *s = utf8_word(sp, u, list[i]);

		if (s != NULL)
			mine[nmine++] = s;
	}
	if (list != NULL)
		Hunspell_free_list(u->h, &list, k);
	free(dw);
	hun_give(u);
	lock(sh);
	e = put(sh, w, n, h);
	if (e->nsugg < 0) {
		e->sugg = mine;
		e->nsugg = nmine;
	} else {
		while (nmine > 0)
			free(mine[--nmine]);
		free(mine);
	}
	got = copy_suggestions(e, out);
	unlock(sh);
	return got;
}

size_t
pl_speller_cached(struct pl_speller *sp)
{
	size_t i, n = 0;

	for (i = 0; i < NSHARD; i++) {
		lock(&sp->shard[i]);
		n += sp->shard[i].n;
		unlock(&sp->shard[i]);
	}
	return n;
}

int
pl_speller_holds(struct pl_speller *sp, const char *w, size_t n)
{
	size_t h = hash(w, n);
	struct shard *sh = shard_of(sp, h);
	const struct entry *e = NULL;

	lock(sh);
	if (sh->bucket != NULL)
		for (e = sh->bucket[h % SHARD_CAP]; e != NULL; e = e->chain)
			if (e->hash == h && e->len == n &&
			    memcmp(e->word, w, n) == 0)
				break;
	unlock(sh);
	return e != NULL;
}
