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

#define MAX_SUGGESTIONS 5
static char not_yet;
#define NOT_YET (&not_yet)   /* an entry's stem not worked out yet */
#define MAX_WORD 100

/* A word of the cache.  Whether it is correct and its stem are each
 * worked out when first asked for: posts ask the stem of the lowercase
 * content word and the verdict on the word as written, so most entries
 * need only one of the two. */
struct entry {
	size_t len, hash;
	atomic_int known;      /* Hunspell's verdict; -1: not asked yet */
	_Atomic(char *) stem;  /* NOT_YET, or NULL: the word is its own stem */
	char **sugg;
	size_t nsugg;
	int suggested;
	char word[];           /* in the entry: one cache miss a lookup, not two */
};

/* One Hunspell instance and its converters.  Hunspell is not
 * thread-safe: a thread takes an instance (its mutex) for each call. */
struct hun {
	Hunhandle *h;
	iconv_t to_dic, from_dic;
	pthread_mutex_t m;
};
#define MAX_HUN 4

/* The cache's table.  Readers take no lock: a slot, once set, never
 * changes, and a table outgrown is kept (older) until the speller goes,
 * since a reader may still be in it. */
struct slot {
	_Atomic(struct entry *) e;
	atomic_size_t hash;    /* the entry's, set before e: probes skip others */
};
struct table {
	size_t cap;
	struct table *older;
	struct slot slots[];
};

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
	pthread_mutex_t insert;    /* adding to the cache */
	pthread_mutex_t suggest;   /* making suggestions for an entry */
	_Atomic(struct table *) tab;
	size_t n;
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
	pthread_mutex_init(&sp->insert, NULL);
	pthread_mutex_init(&sp->suggest, NULL);
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

void
pl_speller_free(struct pl_speller *sp)
{
	struct table *t, *older;
	size_t i, j;

	if (sp == NULL)
		return;
	t = atomic_load(&sp->tab);
	for (i = 0; t != NULL && i < t->cap; i++) {
		struct entry *e = atomic_load_explicit(&t->slots[i].e,
		    memory_order_relaxed);

		if (e == NULL)
			continue;
		for (j = 0; j < e->nsugg; j++)
			free(e->sugg[j]);
		free(e->sugg);
		if (atomic_load(&e->stem) != NOT_YET)
			free(atomic_load(&e->stem));
		free(e);
	}
	for (; t != NULL; t = older) {
		older = t->older;
		free(t);
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
	pthread_mutex_destroy(&sp->insert);
	pthread_mutex_destroy(&sp->suggest);
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

/* Adds E to T, which has room (the caller holds sp->insert). */
static void
table_put(struct table *t, struct entry *e)
{
	size_t i = e->hash & (t->cap - 1);

	while (atomic_load_explicit(&t->slots[i].e, memory_order_relaxed) != NULL)
		i = (i + 1) & (t->cap - 1);
	atomic_store_explicit(&t->slots[i].hash, e->hash, memory_order_relaxed);
	atomic_store_explicit(&t->slots[i].e, e, memory_order_release);
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

/* Hunspell's verdict on E, asked once per entry (the caller holds U).
 * Threads asking at once get the same answer. */
static int
hun_knows(struct pl_speller *sp, struct hun *u, struct entry *e)
{
	int k = atomic_load_explicit(&e->known, memory_order_acquire);

	if (k < 0) {
		char *dw = dic_word(sp, u, e->word, e->len);

		k = dw != NULL && Hunspell_spell(u->h, dw) != 0;
		free(dw);
		atomic_store_explicit(&e->known, k, memory_order_release);
	}
	return k;
}

/* Whether W is a word of the dictionary: through the cache, since the
 * same words come up as words of posts and as stems of others. */
static int
known(struct pl_speller *sp, struct hun *u, const char *w, size_t n)
{
	struct entry *e = (struct entry *)pl_speller_lookup(sp, w, n);
	char *dw;
	int ok;

	if (e != NULL)
		return hun_knows(sp, u, e);
	dw = dic_word(sp, u, w, n);
	ok = dw != NULL && Hunspell_spell(u->h, dw) != 0;
	free(dw);
	return ok;
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

/*
 * Each distinct word is looked up once per speller: the cache keeps
 * whether it is correct and its stem.  Entries never move or change once
 * made (suggestions are added once, under the lock), so callers may keep
 * the pointer for the speller's life.
 */
static struct entry *
find(struct pl_speller *sp, const char *w, size_t n, size_t h)
{
	struct table *t = atomic_load_explicit(&sp->tab, memory_order_acquire);
	size_t i;

	if (t == NULL)
		return NULL;
	for (i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct entry *e = atomic_load_explicit(&t->slots[i].e,
		    memory_order_acquire);

		if (e == NULL)
			return NULL;
		if (atomic_load_explicit(&t->slots[i].hash, memory_order_relaxed) ==
		    h && e->len == n && memcmp(e->word, w, n) == 0)
			return e;
	}
}

/*
 * Most words were seen before and are found without a lock.  A new word
 * is added under the insert lock, unless another thread added it in the
 * meantime (then that entry is kept and this one dropped).
 */
const struct pl_spell_entry *
pl_speller_lookup(struct pl_speller *sp, const char *w, size_t n)
{
	struct entry *e, *had;
	struct table *t;
	size_t h, i;

	if (n == 0 || n > MAX_WORD)
		return NULL;
	h = hash(w, n);
	if ((e = find(sp, w, n, h)) != NULL)
		return (const struct pl_spell_entry *)e;
	e = pl_calloc(1, sizeof(*e) + n + 1);
	memcpy(e->word, w, n);
	e->len = n;
	e->hash = h;
	atomic_init(&e->known, -1);
	atomic_init(&e->stem, NOT_YET);

	/* held for a few hundred cycles: spin a little before sleeping, as
	 * a futex wait and wake costs more than that */
	for (i = 0; i < 64 && pthread_mutex_trylock(&sp->insert) != 0; i++)
		;
	if (i == 64)
		pthread_mutex_lock(&sp->insert);
	if ((had = find(sp, w, n, h)) != NULL) {
		pthread_mutex_unlock(&sp->insert);
		free(e);
		return (const struct pl_spell_entry *)had;
	}
	t = atomic_load_explicit(&sp->tab, memory_order_relaxed);
	if (t == NULL || 2 * (sp->n + 1) > t->cap) {
		size_t cap = t ? t->cap * 2 : 1024;
		struct table *nt = pl_calloc(1, sizeof(*nt) + cap *
		    sizeof(nt->slots[0]));

		nt->cap = cap;
		nt->older = t;
		for (i = 0; t != NULL && i < t->cap; i++) {
			struct entry *x = atomic_load_explicit(&t->slots[i].e,
			    memory_order_relaxed);

			if (x != NULL)
				table_put(nt, x);
		}
		atomic_store_explicit(&sp->tab, nt, memory_order_release);
		t = nt;
	}
	table_put(t, e);
	sp->n++;
	pthread_mutex_unlock(&sp->insert);
	return (const struct pl_spell_entry *)e;
}

/* Suggestions cost Hunspell tens of milliseconds a word: they are made
 * only for words that are reported, once each. */
void
pl_speller_suggest(struct pl_speller *sp, const struct pl_spell_entry *pe,
    const char *const **sugg, size_t *nsugg)
{
	struct entry *e = (struct entry *)pe;

	pthread_mutex_lock(&sp->suggest);
	if (!e->suggested) {
		struct hun *u = hun_take(sp);
		char *dw = dic_word(sp, u, e->word, e->len), **list = NULL;
		int k = dw ? Hunspell_suggest(u->h, &list, dw) : 0, i;

		e->sugg = pl_calloc(MAX_SUGGESTIONS, sizeof(*e->sugg));
		for (i = 0; i < k && e->nsugg < MAX_SUGGESTIONS; i++) {
			char *s = utf8_word(sp, u, list[i]);

			if (s != NULL)
				e->sugg[e->nsugg++] = s;
		}
		if (list != NULL)
			Hunspell_free_list(u->h, &list, k);
		free(dw);
		hun_give(u);
		e->suggested = 1;
	}
	pthread_mutex_unlock(&sp->suggest);
	*sugg = (const char *const *)e->sugg;
	*nsugg = e->nsugg;
}

/* Whether the word is correct: on the configuration's list, or known to
 * Hunspell, asked in an instance no other thread is using. */
int
pl_speller_correct(struct pl_speller *sp, const struct pl_spell_entry *pe)
{
	struct entry *e = (struct entry *)pe;
	int k = atomic_load_explicit(&e->known, memory_order_acquire);
	struct hun *u;

	if (k > 0 || pl_set_has(&sp->accept, e->word, e->len))
		return 1;
	if (k == 0)
		return 0;
	u = hun_take(sp);
	k = hun_knows(sp, u, e);
	hun_give(u);
	return k;
}

/* The stem, worked out once; when two threads race, the first to
 * publish wins and the other's copy is dropped. */
const char *
pl_speller_stem(struct pl_speller *sp, const struct pl_spell_entry *pe,
    size_t *len)
{
	struct entry *e = (struct entry *)pe;
	char *st = atomic_load_explicit(&e->stem, memory_order_acquire);

	if (st == NOT_YET) {
		struct hun *u = hun_take(sp);
		char *mine = stem_of(sp, u, e->word, e->len), *expect = NOT_YET;

		hun_give(u);
		if (atomic_compare_exchange_strong_explicit(&e->stem, &expect, mine,
		    memory_order_acq_rel, memory_order_acquire))
			st = mine;
		else {
			free(mine);
			st = expect;
		}
	}
	if (st == NULL) {
		*len = e->len;
		return e->word;
	}
	*len = strlen(st);
	return st;
}
