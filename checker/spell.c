/* spell.c - the only file that touches Hunspell: dictionaries, a cache of lookups, stems, suggestions. */
#include <errno.h>
#include <glob.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <hunspell/hunspell.h>

#include "internal.h"

/* Where Debian and most systems install Hunspell dictionaries. */
static const char *const dict_dirs[] = {
	"/usr/share/hunspell", "/usr/share/myspell/dicts", "/usr/share/myspell",
	"/usr/local/share/hunspell", NULL
};

#define MAX_SUGGESTIONS 5
#define MAX_WORD 100

struct entry {
	char *word;
	size_t len;
	int correct;
	char *stem;            /* NULL: the word is its own stem */
	char **sugg;
	size_t nsugg;
	int suggested;
};

struct pl_speller {
	Hunhandle *h;
	int utf8;              /* else words are converted for the dictionary */
	iconv_t to_dic, from_dic;
	/* Hunspell and the cache are shared by threads: lookups of known
	 * words read under a shared lock; Hunspell and inserts take it alone */
	pthread_rwlock_t lock;
	pthread_mutex_t hunspell;   /* one Hunspell call at a time */
	struct entry **slots;
	size_t n, cap;
	struct pl_set accept;  /* config words, compared as written */
	/* irregular forms and their lemmas, sorted by form for bsearch */
	struct lemma { char *form, *lemma; } *lemmas;
	size_t nlemmas, caplemmas;
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

static int
lemma_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lemma *)a)->form,
	    ((const struct lemma *)b)->form);
}

/* FORM LEMMA pairs, sorted once here; a missing file means no irregular
 * forms, but a file that cannot be read to its end is an error. */
static int
load_lemmas(struct pl_speller *sp, const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[256];
	int bad;

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char form[100], lemma[100];

		if (line[0] == '#' || sscanf(line, "%99s %99s", form, lemma) != 2)
			continue;
		PL_GROW(sp->lemmas, sp->caplemmas, sp->nlemmas + 1);
		sp->lemmas[sp->nlemmas].form = pl_strdup(form);
		sp->lemmas[sp->nlemmas].lemma = pl_strdup(lemma);
		sp->nlemmas++;
	}
	bad = ferror(fp);
	fclose(fp);
	if (sp->nlemmas > 1)
		qsort(sp->lemmas, sp->nlemmas, sizeof(*sp->lemmas), lemma_cmp);
	return bad ? -1 : 0;
}

struct pl_speller *
pl_speller_new(const char *lang, const char *datadir,
    const struct pl_strlist *accept, struct postlint_error *err)
{
	struct pl_speller *sp;
	char aff[1024], dic[1024], pat[1100];
	const char *enc;
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
	sp->h = Hunspell_create(aff, dic);
	if (sp->h == NULL) {
		free(sp);
		pl_error_set(err, dic, 0, 0, "Hunspell could not load the dictionary");
		return NULL;
	}
	enc = Hunspell_get_dic_encoding(sp->h);
	sp->utf8 = enc == NULL || strcasecmp(enc, "UTF-8") == 0 ||
	    strcasecmp(enc, "UTF8") == 0;
	if (!sp->utf8) {
		sp->to_dic = iconv_open(enc, "UTF-8");
		sp->from_dic = iconv_open("UTF-8", enc);
		if (sp->to_dic == (iconv_t)-1 || sp->from_dic == (iconv_t)-1) {
			pl_error_set(err, dic, 0, 0, "cannot convert to the "
			    "dictionary's encoding %s", enc);
			pl_speller_free(sp);
			return NULL;
		}
	}
	/* The team's word lists for this language share the system .aff, so
	 * their affix flags work as Hunspell's own. */
	snprintf(pat, sizeof(pat), "%s/dicts/%.*s/*.dic", datadir,
	    (int)strcspn(lang, "_"), lang);
	if (glob(pat, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			Hunspell_add_dic(sp->h, g.gl_pathv[i]);
		globfree(&g);
	}
	snprintf(pat, sizeof(pat), "%s/dicts/%.*s/lemmas.txt", datadir,
	    (int)strcspn(lang, "_"), lang);
	pthread_rwlock_init(&sp->lock, NULL);
	pthread_mutex_init(&sp->hunspell, NULL);
	if (load_lemmas(sp, pat) != 0) {
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
	size_t i, j;

	if (sp == NULL)
		return;
	for (i = 0; i < sp->cap; i++) {
		struct entry *e = sp->slots[i];

		if (e == NULL)
			continue;
		for (j = 0; j < e->nsugg; j++)
			free(e->sugg[j]);
		free(e->sugg);
		free(e->stem);
		free(e->word);
		free(e);
	}
	free(sp->slots);
	pl_set_free(&sp->accept);
	for (i = 0; i < sp->nlemmas; i++) {
		free(sp->lemmas[i].form);
		free(sp->lemmas[i].lemma);
	}
	free(sp->lemmas);
	if (!sp->utf8) {
		if (sp->to_dic != (iconv_t)-1)
			iconv_close(sp->to_dic);
		if (sp->from_dic != (iconv_t)-1)
			iconv_close(sp->from_dic);
	}
	if (sp->h != NULL)
		Hunspell_destroy(sp->h);
	pthread_rwlock_destroy(&sp->lock);
	pthread_mutex_destroy(&sp->hunspell);
	free(sp);
}

static size_t
hash(const char *s, size_t n)
{
	size_t h = 5381;

	while (n--)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct entry **
slot(struct pl_speller *sp, const char *w, size_t n)
{
	size_t i = hash(w, n) & (sp->cap - 1);

	while (sp->slots[i] != NULL && !(sp->slots[i]->len == n &&
	    memcmp(sp->slots[i]->word, w, n) == 0))
		i = (i + 1) & (sp->cap - 1);
	return &sp->slots[i];
}

static void
grow(struct pl_speller *sp)
{
	struct entry **old = sp->slots;
	size_t oldcap = sp->cap, i;

	sp->cap = oldcap ? oldcap * 2 : 1024;
	sp->slots = pl_calloc(sp->cap, sizeof(*sp->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			*slot(sp, old[i]->word, old[i]->len) = old[i];
	free(old);
}

/* WORD in the dictionary's encoding; caller frees.  NULL: not expressible. */
static char *
dic_word(struct pl_speller *sp, const char *w, size_t n)
{
	return sp->utf8 ? pl_strndup(w, n) : convert(sp->to_dic, w, n);
}

static char *
utf8_word(struct pl_speller *sp, const char *w)
{
	return sp->utf8 ? pl_strdup(w) : convert(sp->from_dic, w, strlen(w));
}

/* The lemma of an irregular FORM from the list, or NULL. */
static char *
irregular(struct pl_speller *sp, const char *w, size_t n)
{
	struct lemma key, *hit;
	char form[128];

	if (sp->nlemmas == 0 || n >= sizeof(form))
		return NULL;
	memcpy(form, w, n);
	form[n] = '\0';
	key.form = form;
	hit = bsearch(&key, sp->lemmas, sp->nlemmas, sizeof(*sp->lemmas),
	    lemma_cmp);
	return hit ? pl_strdup(hit->lemma) : NULL;
}

/* Whether W is a word of the dictionary. */
static int
known(struct pl_speller *sp, const char *w, size_t n)
{
	char *dw = dic_word(sp, w, n);
	int ok = dw != NULL && Hunspell_spell(sp->h, dw) != 0;

	free(dw);
	return ok;
}

/* One step towards the stem: Hunspell's shortest stem, else a regular
 * suffix taken off when what is left is a word ("running" -> "run",
 * "cities" -> "city").  Caller frees; NULL when there is no shorter form. */
static char *
stem_step(struct pl_speller *sp, const char *w, size_t n)
{
	static const struct { const char *suffix, *repl; int dbl; } rules[] = {
		{ "ies", "y", 0 }, { "ing", "", 1 }, { "ing", "e", 0 },
		{ "ing", "", 0 }, { "ed", "", 1 }, { "ed", "e", 0 }, { "ed", "", 0 },
		{ "es", "", 0 }, { "s", "", 0 },
	};
	char *dw = dic_word(sp, w, n), **list = NULL, *best = NULL, buf[128];
	int k = dw ? Hunspell_stem(sp->h, &list, dw) : 0, i;
	size_t r;

	for (i = 0; i < k; i++) {
		char *st = utf8_word(sp, list[i]);

		if (st != NULL && strlen(st) < n && strlen(st) >= 2 &&
		    (best == NULL || strlen(st) < strlen(best))) {
			free(best);
			best = st;
		} else
			free(st);
	}
	if (list != NULL)
		Hunspell_free_list(sp->h, &list, k);
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
		if (known(sp, buf, strlen(buf)))
			return pl_strdup(buf);
	}
	return NULL;
}

/* The stem: irregular forms from the list, then steps until nothing
 * shorter is found ("deployments" -> "deployment" -> "deploy").  NULL
 * when the word is its own stem. */
static char *
stem_of(struct pl_speller *sp, const char *w, size_t n)
{
	char *cur = irregular(sp, w, n), *next;
	int steps;

	if (cur != NULL)
		return cur;
	cur = pl_strndup(w, n);
	for (steps = 0; steps < 3 && (next = stem_step(sp, cur,
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
find(struct pl_speller *sp, const char *w, size_t n)
{
	struct entry *e = NULL;

	pthread_rwlock_rdlock(&sp->lock);
	if (sp->cap > 0)
		e = *slot(sp, w, n);
	pthread_rwlock_unlock(&sp->lock);
	return e;
}

/*
 * Most words were seen before and are found under the shared lock.  A new
 * word is looked up in Hunspell under its own mutex (Hunspell is not
 * thread-safe), while other threads go on finding known words, and is
 * then added under the exclusive lock.
 */
const struct pl_spell_entry *
pl_speller_lookup(struct pl_speller *sp, const char *w, size_t n)
{
	struct entry **s, *e;
	char *dw;

	if (n == 0 || n > MAX_WORD)
		return NULL;
	if ((e = find(sp, w, n)) != NULL)
		return (const struct pl_spell_entry *)e;
	pthread_mutex_lock(&sp->hunspell);
	if ((e = find(sp, w, n)) != NULL) {   /* another thread added it */
		pthread_mutex_unlock(&sp->hunspell);
		return (const struct pl_spell_entry *)e;
	}
	dw = dic_word(sp, w, n);
	e = pl_calloc(1, sizeof(*e));
	e->word = pl_strndup(w, n);
	e->len = n;
	e->correct = pl_set_has(&sp->accept, w, n) ||
	    (dw != NULL && Hunspell_spell(sp->h, dw) != 0);
	e->stem = stem_of(sp, w, n);
	free(dw);
	pthread_rwlock_wrlock(&sp->lock);
	if (sp->cap == 0 || 2 * (sp->n + 1) > sp->cap)
		grow(sp);
	s = slot(sp, w, n);
	*s = e;
	sp->n++;
	pthread_rwlock_unlock(&sp->lock);
	pthread_mutex_unlock(&sp->hunspell);
	return (const struct pl_spell_entry *)e;
}

/* Suggestions cost Hunspell tens of milliseconds a word: they are made
 * only for words that are reported, once each. */
void
pl_speller_suggest(struct pl_speller *sp, const struct pl_spell_entry *pe,
    const char *const **sugg, size_t *nsugg)
{
	struct entry *e = (struct entry *)pe;

	pthread_mutex_lock(&sp->hunspell);
	if (!e->suggested) {
		char *dw = dic_word(sp, e->word, e->len), **list = NULL;
		int k = dw ? Hunspell_suggest(sp->h, &list, dw) : 0, i;

		e->sugg = pl_calloc(MAX_SUGGESTIONS, sizeof(*e->sugg));
		for (i = 0; i < k && e->nsugg < MAX_SUGGESTIONS; i++) {
			char *s = utf8_word(sp, list[i]);

			if (s != NULL)
				e->sugg[e->nsugg++] = s;
		}
		if (list != NULL)
			Hunspell_free_list(sp->h, &list, k);
		free(dw);
		e->suggested = 1;
	}
	pthread_mutex_unlock(&sp->hunspell);
	*sugg = (const char *const *)e->sugg;
	*nsugg = e->nsugg;
}

int
pl_spell_entry_correct(const struct pl_spell_entry *e)
{
	return ((const struct entry *)e)->correct;
}

const char *
pl_spell_entry_stem(const struct pl_spell_entry *e, size_t *len)
{
	const struct entry *x = (const struct entry *)e;

	if (x->stem == NULL) {
		*len = x->len;
		return x->word;
	}
	*len = strlen(x->stem);
	return x->stem;
}
