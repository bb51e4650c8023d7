/* stem.c - the stems that relevance matches words by, the same with or without a dictionary. */
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "internal.h"

/*
 * Relevance compares a post's words with the niche lexicons by stem, so
 * that "deploys" finds "deployment" and "recipes" finds "recipe".  The
 * stems come from Snowball's English stemmer, which is always there, and
 * not from Hunspell, which --no-spelling turns off: a post's relevance
 * does not depend on whether its spelling is checked.  Irregular forms
 * ("ran", "mice") go through dicts/en/lemmas.txt first, since no suffix
 * rule finds them.  A Snowball stemmer keeps state between calls, so each
 * thread has its own (one a pl_match); the lemmas are shared, read only.
 */

struct pl_stemmer {
	struct sb_stemmer *sb;
};

struct pl_stemmer *
pl_stemmer_new(void)
{
	struct pl_stemmer *st = pl_calloc(1, sizeof(*st));

	st->sb = sb_stemmer_new("english", NULL);
	if (st->sb == NULL)   /* only when out of memory: English is built in */
		pl_nomem();
	return st;
}

void
pl_stemmer_free(struct pl_stemmer *st)
{
	if (st == NULL)
		return;
	sb_stemmer_delete(st->sb);
	free(st);
}

static int
lemma_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pl_lemma *)a)->form,
	    ((const struct pl_lemma *)b)->form);
}

int
pl_lemmas_load(struct pl_lemmas *l, const char *path)
{
	FILE *fp = pl_fopen_regular(path);
	char line[256];
	int bad;

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char form[100], lemma[100];

		if (line[0] == '#' || sscanf(line, "%99s %99s", form, lemma) != 2)
			continue;
		PL_GROW(l->v, l->cap, l->n + 1);
		l->v[l->n].form = pl_strdup(form);
		l->v[l->n].lemma = pl_strdup(lemma);
		l->n++;
	}
	bad = ferror(fp);
	fclose(fp);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), lemma_cmp);
	return bad ? -1 : 0;
}

void
pl_lemmas_free(struct pl_lemmas *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].form);
		free(l->v[i].lemma);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const char *
pl_lemma_of(const struct pl_lemmas *l, const char *w, size_t n)
{
	size_t lo = 0, hi = l != NULL ? l->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *f = l->v[mid].form;
		int c = strncmp(f, w, n);

		if (c == 0)
			c = f[n] != '\0';
		if (c == 0)
			return l->v[mid].lemma;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t
pl_stem(struct pl_stemmer *st, const struct pl_lemmas *l, const char *w,
    size_t n, char *out, size_t cap)
{
	const char *lem = pl_lemma_of(l, w, n);
	const sb_symbol *s;
	size_t len;

	if (lem != NULL) {
		w = lem;
		n = strlen(lem);
	}
	if (n == 0 || cap == 0)
		return 0;
	s = sb_stemmer_stem(st->sb, (const sb_symbol *)w, (int)n);
	if (s == NULL)
		pl_nomem();
	len = (size_t)sb_stemmer_length(st->sb);
	if (len > cap)
		len = cap;
	memcpy(out, s, len);
	return len;
}
