/* sequence.c - concepts (named classes of words) and token sequences over them, in the manner of LanguageTool's token patterns. */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "internal.h"

/*
 * A sequence that backtracks through optional steps and gaps could try
 * many ways through a long post; past SEQ_BUDGET step tries in one call,
 * and SEQ_PER_TOKEN more for each token the call starts from (a post of
 * 200,000 tokens tries one step at each), the rule gets
 * postlint.match-limit, as a pattern does.
 */
#define SEQ_BUDGET 200000
#define SEQ_PER_TOKEN 64

/* Steps nest only one level (a <near> of token steps), and a sequence
 * has at most this many steps: packs are data from anywhere. */
#define MAX_STEPS 32
#define MAX_REPEAT 16
#define MAX_GAP 20
/* A concept's words as --explain shows them, before "...". */
#define SHOWN_ENTRIES 12

/* Folds [S, S+N) into B: ASCII lowercase, the typographic apostrophe
 * as ', everything else as it is. */
static void
fold_into(struct pl_buf *b, const char *s, size_t n)
{
	size_t i;
	char *o;

	/* folding never lengthens: reserve once, write in place */
	PL_GROW(b->p, b->cap, b->len + n + 1);
	o = b->p + b->len;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x99) {
			*o++ = '\'';
			i += 2;
		} else
			*o++ = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	*o = '\0';
	b->len = (size_t)(o - b->p);
}

static int
vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static void
add_form(struct pl_set *s, const char *w, size_t n, const char *suffix)
{
	char buf[160];
	size_t k = strlen(suffix);

	if (n >= sizeof(buf) || k >= sizeof(buf) - n)
		return;
	memcpy(buf, w, n);
	memcpy(buf + n, suffix, k);
	pl_set_add(s, buf, n + k);
}

/*
 * The regular English inflections of W: plural and third person, past,
 * -ing, the agent noun and its plural, and the possessive.  A few more
 * forms than English has ("likeer") cost nothing: they never occur.
 * Irregular forms (bought, won) are written as entries of their own.
 */
static void
inflect(struct pl_set *s, const char *w, size_t n)
{
	char last = n > 0 ? w[n - 1] : 0;
	int letters = 1;
	size_t i;

	pl_set_add(s, w, n);
	for (i = 0; i < n; i++)
		letters &= (w[i] >= 'a' && w[i] <= 'z');
	if (!letters || n < 2)
		return;
	add_form(s, w, n, "'s");
	if (last == 's' || last == 'x' || last == 'z' || last == 'h')
		add_form(s, w, n, "es");
	add_form(s, w, n, "s");
	if (last == 'y' && !vowel(w[n - 2])) {
		add_form(s, w, n - 1, "ies");
		add_form(s, w, n - 1, "ied");
		add_form(s, w, n, "ing");
		add_form(s, w, n - 1, "ier");
		add_form(s, w, n - 1, "iers");
		return;
	}
	if (last == 'e') {
		add_form(s, w, n, "d");
		add_form(s, w, n - 1, "ing");
		add_form(s, w, n, "r");
		add_form(s, w, n, "rs");
		return;
	}
	add_form(s, w, n, "ed");
	add_form(s, w, n, "ing");
	add_form(s, w, n, "er");
	add_form(s, w, n, "ers");
	/* get -> getting, win -> winner: a short word ending in one vowel
	 * and a consonant doubles it */
	if (n >= 3 && n <= 4 && !vowel(last) && last != 'w' && last != 'x' &&
	    last != 'y' && vowel(w[n - 2]) && !vowel(w[n - 3])) {
		char buf[16];

		memcpy(buf, w, n);
		buf[n] = last;
		add_form(s, buf, n + 1, "ing");
		add_form(s, buf, n + 1, "ed");
		add_form(s, buf, n + 1, "er");
		add_form(s, buf, n + 1, "ers");
	}
}

/* Adds the words of TEXT (split on white space) to S, inflected or not. */
static size_t
add_words(struct pl_set *s, const char *text, int inflected)
{
	struct pl_buf b = { 0 };
	size_t i = 0, n = strlen(text), count = 0;

	fold_into(&b, text, n);
	while (i < b.len) {
		size_t j;

		while (i < b.len && strchr(" \t\r\n", b.p[i]) != NULL)
			i++;
		for (j = i; j < b.len && strchr(" \t\r\n", b.p[j]) == NULL; j++)
			;
		if (j > i) {
			if (inflected)
				inflect(s, b.p + i, j - i);
			else
				pl_set_add(s, b.p + i, j - i);
			count++;
		}
		i = j;
	}
	pl_buf_free(&b);
	return count;
}

static void
show(struct pl_concept *c, const char *entry)
{
	struct pl_buf b = { 0 };

	if (c->nentries > SHOWN_ENTRIES)
		return;
	if (c->shown != NULL)
		pl_buf_adds(&b, c->shown);
	free(c->shown);
	if (c->nentries == SHOWN_ENTRIES)
		pl_buf_adds(&b, ", ...");
	else {
		if (b.len > 0)
			pl_buf_adds(&b, ", ");
		pl_buf_adds(&b, entry);
	}
	c->shown = b.p;
}

/* A phrase of several words: the words NUL-separated, the last one in
 * each of its inflections, so "buy follower" also stands as "buy
 * followers". */
static void
add_phrase(struct pl_concept *c, const char *text)
{
	struct pl_buf b = { 0 }, w = { 0 };
	struct pl_set last = { 0 };
	size_t i = 0, lastw = 0, k;

	fold_into(&b, text, strlen(text));
	while (i < b.len) {
		size_t j;

		while (i < b.len && b.p[i] == ' ')
			i++;
		for (j = i; j < b.len && b.p[j] != ' '; j++)
			;
		if (j > i) {
			lastw = w.len;
			pl_buf_add(&w, b.p + i, j - i);
			pl_buf_addc(&w, '\0');
		}
		i = j;
	}
	if (w.len == 0) {
		pl_buf_free(&b);
		return;
	}
	inflect(&last, w.p + lastw, strlen(w.p + lastw));
	for (k = 0; k < last.cap; k++) {
		struct pl_buf e = { 0 };

		if (last.keys[k] == NULL)
			continue;
		pl_buf_add(&e, w.p, lastw);
		pl_buf_add(&e, last.keys[k], last.lens[k]);
		pl_buf_addc(&e, '\0');
		pl_buf_addc(&e, '\0');
		PL_GROW(c->phrases, c->capphrases, c->nphrases + 1);
		c->phrases[c->nphrases++] = e.p;
		pl_set_add(&c->firsts, e.p, strlen(e.p));
	}
	pl_set_free(&last);
	pl_buf_free(&w);
	pl_buf_free(&b);
}

/* Phrases sorted by their first word (strcmp stops at the first NUL), so
 * a token finds the phrases it can open by a binary search. */
static int
phrase_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first phrase of C whose first word is not below token F, N. */
static size_t
phrase_lower(const struct pl_concept *c, const char *f, size_t n)
{
	size_t lo = 0, hi = c->nphrases;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *w = c->phrases[mid];
		size_t wl = c->firstlen[mid];
		int d = memcmp(w, f, wl < n ? wl : n);

		if (d < 0 || (d == 0 && wl < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
concept_free(struct pl_concept *c)
{
	size_t j;

	pl_set_free(&c->words);
	pl_set_free(&c->firsts);
	for (j = 0; j < c->nphrases; j++)
		free(c->phrases[j]);
	free(c->phrases);
	free(c->firstlen);
	free(c->shown);
}

int
pl_concept_parse(struct pl_concepts *cs, struct pl_pool *pool,
    struct _xmlNode *n, const char *file, struct postlint_error *err)
{
	struct pl_concept *c;
	xmlNodePtr k;
	char *id = pl_xml_attr(pool, n, "id");
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i].id, id) == 0) {
			pl_error_set(err, file, xmlGetLineNo(n), 0,
			    "duplicate concept '%s' (first defined at %s:%ld)", id,
			    cs->v[i].file, cs->v[i].line);
			return -1;
		}
	PL_GROW(cs->v, cs->cap, cs->n + 1);
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->file = pl_pool_strndup(pool, file, strlen(file));
	c->line = xmlGetLineNo(n);
	for (k = n->children; k != NULL; k = k->next) {
		xmlChar *t;
		char *inf;
		int inflected;

		if (!pl_xml_is(k, "words") && !pl_xml_is(k, "phrase"))
			continue;
		t = xmlNodeGetContent(k);
		inf = pl_xml_attr(pool, k, "inflect");
		inflected = inf == NULL || strcmp(inf, "no") != 0;
		if (pl_xml_is(k, "words")) {
			struct pl_buf b = { 0 };
			const char *p = (const char *)t;

			add_words(&c->words, p, inflected);
			while (*p != '\0') {
				size_t j;

				while (*p != '\0' && strchr(" \t\r\n", *p) != NULL)
					p++;
				for (j = 0; p[j] != '\0' && strchr(" \t\r\n", p[j]) == NULL;
				    j++)
					;
				if (j > 0) {
					b.len = 0;
					pl_buf_add(&b, p, j);
					show(c, b.p);
					c->nentries++;
				}
				p += j;
			}
			pl_buf_free(&b);
		} else {
			char *text = pl_strdup((const char *)t);
			char *q;

			for (q = text; *q != '\0'; q++)
				if (strchr("\t\r\n", *q) != NULL)
					*q = ' ';
			add_phrase(c, text);
			show(c, text);
			c->nentries++;
			free(text);
		}
		xmlFree(t);
	}
	if (c->nphrases > 1)
		qsort(c->phrases, c->nphrases, sizeof(*c->phrases), phrase_cmp);
	if (c->nphrases > 0) {
		c->firstlen = pl_calloc(c->nphrases, sizeof(*c->firstlen));
		for (i = 0; i < c->nphrases; i++)
			c->firstlen[i] = strlen(c->phrases[i]);
	}
	if (c->nentries == 0) {
		pl_error_set(err, file, c->line, 0, "concept '%s' has no words",
		    id);
		concept_free(c);
		cs->n--;
		return -1;
	}
	return 0;
}

void
pl_concepts_truncate(struct pl_concepts *cs, size_t n)
{
	while (cs->n > n)
		concept_free(&cs->v[--cs->n]);
}

void
pl_concepts_free(struct pl_concepts *cs)
{
	pl_concepts_truncate(cs, 0);
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

const struct pl_concept *
pl_concept_find(const struct pl_concepts *cs, const char *id)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i].id, id) == 0)
			return &cs->v[i];
	return NULL;
}

/* ---- steps ---------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} type_names[] = {
	{ "word", PL_TT_WORD }, { "number", PL_TT_NUMBER },
	{ "hashtag", PL_TT_HASHTAG }, { "mention", PL_TT_MENTION },
	{ "url", PL_TT_URL }, { "email", PL_TT_EMAIL }, { "emoji", PL_TT_EMOJI },
	{ "punct", PL_TT_PUNCT }, { "money", PL_TT_MONEY },
	{ "percent", PL_TT_PERCENT }, { "capitalised", PL_TT_CAPITAL },
	{ "capitals", PL_TT_UPPER }, { "sentence-end", PL_TT_SENTENCE_END },
};

static int
int_prop(xmlNodePtr n, const char *name, int def, int lo, int hi, int *out)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *end;
	long x;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	x = strtol((const char *)v, &end, 10);
	if (*end != '\0' || end == (char *)v)
		x = (long)lo - 1;
	xmlFree(v);
	if (x < lo || x > hi)
		return -1;
	*out = (int)x;
	return 0;
}

static void
show_step(struct pl_buf *b, const struct pl_step *st, xmlNodePtr n)
{
	static const char *const attrs[] = { "word", "stem", "concept", "type",
		"regex" };
	size_t i;
	int any = 0;

	if (st->op == PL_STEP_SKIP) {
		pl_buf_printf(b, "skip %d-%d", st->min, st->max);
		return;
	}
	if (st->at_start)
		pl_buf_adds(b, "^");
	pl_buf_adds(b, st->negate ? "not[" : "[");
	for (i = 0; i < sizeof(attrs) / sizeof(*attrs); i++) {
		xmlChar *v = xmlGetProp(n, (const xmlChar *)attrs[i]);

		if (v == NULL)
			continue;
		pl_buf_printf(b, "%s%s=%s", any ? " " : "", attrs[i],
		    (const char *)v);
		any = 1;
		xmlFree(v);
	}
	pl_buf_addc(b, ']');
	if (st->min == 0 && st->max == 1)
		pl_buf_addc(b, '?');
	else if (st->min != 1 || st->max != 1)
		pl_buf_printf(b, "{%d,%d}", st->min, st->max);
}

static int
parse_token(struct pl_step *st, struct pl_pool *pool, xmlNodePtr n,
    const char *file, const char *rule, struct postlint_error *err)
{
	char *v, *save = NULL, *t, *copy;
	char *opt = pl_xml_attr(pool, n, "optional"), *neg = pl_xml_attr(pool, n, "not");
	char *at_start = pl_xml_attr(pool, n, "start");
	long line = xmlGetLineNo(n);

	st->op = PL_STEP_TOKEN;
	st->line = line;
	st->fid = -1;
	st->negate = neg != NULL && strcmp(neg, "yes") == 0;
	st->at_start = at_start != NULL && strcmp(at_start, "yes") == 0;
	if (int_prop(n, "min", opt && strcmp(opt, "yes") == 0 ? 0 : 1, 0,
	    MAX_REPEAT, &st->min) != 0 || int_prop(n, "max",
	    st->min > 1 ? st->min : 1, 1, MAX_REPEAT, &st->max) != 0 ||
	    st->max < st->min) {
		pl_error_set(err, file, line, 0, "rule %s: min and max of a "
		    "token must be 0-%d, min at most max", rule, MAX_REPEAT);
		return -1;
	}
	if ((v = pl_xml_attr(pool, n, "word")) != NULL)
		add_words(&st->forms, v, 0);
	if ((v = pl_xml_attr(pool, n, "stem")) != NULL)
		add_words(&st->forms, v, 1);
	if ((v = pl_xml_attr(pool, n, "concept")) != NULL) {
		copy = pl_pool_strndup(pool, v, strlen(v));
		for (t = strtok_r(copy, " ", &save); t != NULL;
		    t = strtok_r(NULL, " ", &save)) {
			st->cnames = pl_realloc(st->cnames,
			    (st->nconcepts + 1) * sizeof(*st->cnames));
			st->cnames[st->nconcepts++] = t;
		}
	}
	if ((v = pl_xml_attr(pool, n, "type")) != NULL) {
		copy = pl_pool_strndup(pool, v, strlen(v));
		save = NULL;
		for (t = strtok_r(copy, " ", &save); t != NULL;
		    t = strtok_r(NULL, " ", &save)) {
			size_t i;

			for (i = 0; i < sizeof(type_names) / sizeof(*type_names); i++)
				if (strcmp(type_names[i].name, t) == 0)
					break;
			if (i == sizeof(type_names) / sizeof(*type_names)) {
				pl_error_set(err, file, line, 0, "rule %s: unknown "
				    "token type '%s' (see postlint-rules(5))", rule, t);
				return -1;
			}
			st->types |= type_names[i].bit;
		}
	}
	if ((v = pl_xml_attr(pool, n, "regex")) != NULL) {
		char msg[256];
		size_t off;

		st->re = pl_regex_compile(v, strlen(v), PL_RE_CASELESS, &off, msg,
		    sizeof(msg));
		if (st->re == NULL) {
			pl_error_set(err, file, line, 0, "rule %s: bad token regex at "
			    "offset %zu: %s", rule, off, msg);
			return -1;
		}
	}
	if (st->forms.n == 0 && st->nconcepts == 0 && st->types == 0 &&
	    st->re == NULL) {
		pl_error_set(err, file, line, 0, "rule %s: a token step needs a "
		    "word, stem, concept, type or regex", rule);
		return -1;
	}
	return 0;
}

static void
step_free(struct pl_step *st)
{
	size_t i;

	pl_set_free(&st->forms);
	pl_regex_free(st->re);
	free(st->cnames);
	free(st->concepts);
	for (i = 0; i < st->nkids; i++)
		step_free(&st->kids[i]);
	free(st->kids);
}

int
pl_seq_parse(struct pl_seq *sq, struct pl_pool *pool, struct _xmlNode *n,
    const char *file, const char *rule, struct postlint_error *err)
{
	xmlNodePtr k;
	struct pl_buf shown = { 0 };
	size_t cap = 0;

	memset(sq, 0, sizeof(*sq));
	sq->file = file;
	for (k = n->children; k != NULL; k = k->next) {
		struct pl_step *st;
		long line = xmlGetLineNo(k);

		if (!pl_xml_is(k, "t") && !pl_xml_is(k, "skip") && !pl_xml_is(k, "near"))
			continue;
		if (sq->nsteps == MAX_STEPS) {
			pl_error_set(err, file, line, 0, "rule %s: more than %d steps "
			    "in a sequence", rule, MAX_STEPS);
			goto fail;
		}
		PL_GROW(sq->steps, cap, sq->nsteps + 1);
		st = &sq->steps[sq->nsteps++];
		memset(st, 0, sizeof(*st));
		if (shown.len > 0)
			pl_buf_addc(&shown, ' ');
		if (pl_xml_is(k, "t")) {
			if (parse_token(st, pool, k, file, rule, err) != 0)
				goto fail;
			show_step(&shown, st, k);
		} else if (pl_xml_is(k, "skip")) {
			st->op = PL_STEP_SKIP;
			st->line = line;
			if (int_prop(k, "min", 0, 0, MAX_GAP, &st->min) != 0 ||
			    int_prop(k, "max", 3, 0, MAX_GAP, &st->max) != 0 ||
			    st->max < st->min) {
				pl_error_set(err, file, line, 0, "rule %s: a skip's min "
				    "and max must be 0-%d, min at most max", rule,
				    MAX_GAP);
				goto fail;
			}
			show_step(&shown, st, k);
		} else {
			xmlNodePtr c;
			size_t capk = 0;

			st->op = PL_STEP_NEAR;
			st->line = line;
			st->min = st->max = 1;
			if (int_prop(k, "within", 5, 1, MAX_GAP, &st->within) != 0) {
				pl_error_set(err, file, line, 0, "rule %s: near's within "
				    "must be 1-%d", rule, MAX_GAP);
				goto fail;
			}
			pl_buf_printf(&shown, "near(%d:", st->within);
			for (c = k->children; c != NULL; c = c->next) {
				if (!pl_xml_is(c, "t"))
					continue;
				if (st->nkids == MAX_STEPS) {
					pl_error_set(err, file, xmlGetLineNo(c), 0, "rule %s: "
					    "more than %d steps in a near", rule, MAX_STEPS);
					goto fail;
				}
				PL_GROW(st->kids, capk, st->nkids + 1);
				memset(&st->kids[st->nkids], 0, sizeof(*st->kids));
				if (parse_token(&st->kids[st->nkids++], pool, c, file, rule,
				    err) != 0)
					goto fail;
				st->kids[st->nkids - 1].min = st->kids[st->nkids - 1].max = 1;
				pl_buf_addc(&shown, ' ');
				show_step(&shown, &st->kids[st->nkids - 1], c);
			}
			pl_buf_addc(&shown, ')');
			if (st->nkids < 2) {
				pl_error_set(err, file, line, 0, "rule %s: a near needs two "
				    "or more tokens", rule);
				goto fail;
			}
		}
	}
	if (sq->nsteps == 0 || sq->steps[0].op == PL_STEP_SKIP ||
	    sq->steps[sq->nsteps - 1].op == PL_STEP_SKIP) {
		pl_error_set(err, file, xmlGetLineNo(n), 0, "rule %s: a sequence "
		    "needs a token, and starts and ends with one", rule);
		goto fail;
	}
	sq->shown = shown.p;
	return 0;
fail:
	pl_buf_free(&shown);
	pl_seq_free(sq);
	return -1;
}

int
pl_seq_concept(struct pl_seq *sq, struct pl_pool *pool, const char *name,
    const char *file, long line)
{
	struct pl_buf b = { 0 };

	memset(sq, 0, sizeof(*sq));
	sq->file = file;
	sq->steps = pl_calloc(1, sizeof(*sq->steps));
	sq->nsteps = 1;
	sq->steps[0].op = PL_STEP_TOKEN;
	sq->steps[0].fid = -1;
	sq->steps[0].min = sq->steps[0].max = 1;
	sq->steps[0].line = line;
	sq->steps[0].cnames = pl_malloc(sizeof(*sq->steps[0].cnames));
	sq->steps[0].cnames[0] = pl_pool_strndup(pool, name, strlen(name));
	sq->steps[0].nconcepts = 1;
	pl_buf_printf(&b, "[concept=%s]", name);
	sq->shown = b.p;
	return 0;
}

static int
link_step(struct pl_step *st, const struct pl_concepts *cs, const char *file,
    const char *rule, struct postlint_error *err)
{
	size_t i;

	if (st->nconcepts > 0 && st->concepts == NULL) {
		st->concepts = pl_calloc(st->nconcepts, sizeof(*st->concepts));
		for (i = 0; i < st->nconcepts; i++)
			if ((st->concepts[i] = pl_concept_find(cs, st->cnames[i])) ==
			    NULL) {
				pl_error_set(err, file, st->line, 0, "rule %s: unknown "
				    "concept '%s' (no loaded pack defines it)",
				    rule, st->cnames[i]);
				return -1;
			}
	}
	for (i = 0; i < st->nkids; i++)
		if (link_step(&st->kids[i], cs, file, rule, err) != 0)
			return -1;
	return 0;
}

int
pl_seq_link(struct pl_seq *sq, const struct pl_concepts *cs,
    const char *rule, struct postlint_error *err)
{
	size_t i;

	for (i = 0; i < sq->nsteps; i++)
		if (link_step(&sq->steps[i], cs, sq->file, rule, err) != 0)
			return -1;
	return 0;
}

static void
concept_lines(struct pl_buf *b, const struct pl_step *st)
{
	size_t i;

	for (i = 0; i < st->nconcepts; i++) {
		const struct pl_concept *c = st->concepts[i];
		char needle[160];

		snprintf(needle, sizeof(needle), "concept %s (", c->id);
		if (b->p != NULL && strstr(b->p, needle) != NULL)
			continue;
		pl_buf_printf(b, "concept %s (%s:%ld), %zu entries: %s\n", c->id,
		    c->file, c->line, c->nentries, c->shown ? c->shown : "");
	}
	for (i = 0; i < st->nkids; i++)
		concept_lines(b, &st->kids[i]);
}

void
pl_seq_explain(const struct pl_seq *sq, struct pl_buf *b)
{
	size_t i;

	for (i = 0; i < sq->nsteps; i++)
		concept_lines(b, &sq->steps[i]);
}

static void
need_free(struct pl_seq *sq)
{
	size_t i;

	for (i = 0; i < sq->nneed; i++)
		free(sq->need[i].lex);
	free(sq->need);
	sq->need = NULL;
	sq->nneed = 0;
}

void
pl_seq_free(struct pl_seq *sq)
{
	size_t i;

	for (i = 0; i < sq->nsteps; i++)
		step_free(&sq->steps[i]);
	free(sq->steps);
	free(sq->shown);
	need_free(sq);
	memset(sq, 0, sizeof(*sq));
}

/* ---- literals for the prefilter ------------------------------------- */

/* How much of the folded word S is a literal of the prefilter's
 * alphabet: the plain ASCII before any apostrophe (which the prefilter
 * folds as another byte when it is typographic) or other non-ASCII byte.
 * Every token that is S holds that prefix, so it is in every match.
 * 0: none (the word starts with such a byte). */
static size_t
literal_len(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\'' || s[i] == ' ')
			break;
	return i;
}

static int
lit_add(struct pl_lits *l, const char *s, size_t n)
{
	size_t k = literal_len(s, n), i;

	if (k == 0)
		return 0;
	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == k && memcmp(l->v[i], s, k) == 0)
			return 1;
	l->v = pl_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = pl_strndup(s, k);
	return 1;
}

/* The literals of one token step: each of its words, and of each entry
 * of its concepts the longest word; none (it cannot tell) when it matches by
 * type, regex or negation, or when a word is not plain ASCII. */
static int
step_literals(const struct pl_step *st, struct pl_lits *l)
{
	size_t i, j;

	if (st->op != PL_STEP_TOKEN || st->min == 0 || st->negate ||
	    st->types != 0 || st->re != NULL)
		return 0;
	for (i = 0; i < st->forms.cap; i++)
		if (st->forms.keys[i] != NULL &&
		    !lit_add(l, st->forms.keys[i], st->forms.lens[i]))
			return 0;
	for (i = 0; i < st->nconcepts; i++) {
		const struct pl_concept *c = st->concepts[i];

		for (j = 0; j < c->words.cap; j++)
			if (c->words.keys[j] != NULL &&
			    !lit_add(l, c->words.keys[j], c->words.lens[j]))
				return 0;
		for (j = 0; j < c->nphrases; j++) {
			/* every word of a phrase is in each of its matches:
			 * the longest says most ("strange", not "found") */
			const char *w, *best = c->phrases[j];
			size_t bl = literal_len(best, strlen(best));

			for (w = best; *w != '\0'; w += strlen(w) + 1)
				if (literal_len(w, strlen(w)) > bl) {
					best = w;
					bl = literal_len(w, strlen(w));
				}
			if (!lit_add(l, best, strlen(best)))
				return 0;
		}
	}
	return l->n > 0;
}

static size_t
shortest(const struct pl_lits *l)
{
	size_t i, m = (size_t)-1;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) < m)
			m = strlen(l->v[i]);
	return m;
}

/* Every match holds a token of each required step, so the literals of
 * one of them will do: the step whose shortest literal is longest (a
 * literal "i" is in nearly every post), then the one with fewest. */
void
pl_seq_literals(const struct pl_seq *sq, struct pl_lits *lits)
{
	size_t i;

	memset(lits, 0, sizeof(*lits));
	for (i = 0; i < sq->nsteps; i++) {
		const struct pl_step *st = &sq->steps[i];
		/* every token of a near is in every match, like a step's */
		size_t k, nk = st->op == PL_STEP_NEAR ? st->nkids : 1;

		for (k = 0; k < nk; k++) {
			struct pl_lits l = { NULL, 0 };

			if (step_literals(st->op == PL_STEP_NEAR ? &st->kids[k] : st,
			    &l) && (lits->n == 0 || shortest(&l) > shortest(lits) ||
			    (shortest(&l) == shortest(lits) && l.n < lits->n))) {
				pl_lits_free(lits);
				*lits = l;
			} else
				pl_lits_free(&l);
		}
	}
}

/* ---- the tokens of a post ------------------------------------------ */

static int
currency_symbol(const char *s, size_t n)
{
	return (n == 1 && s[0] == '$') ||
	    (n >= 2 && s[n - 1] == '$') ||
	    (n >= 2 && memcmp(s + n - 2, "\xC2\xA3", 2) == 0) ||     /* £ */
	    (n >= 2 && memcmp(s + n - 2, "\xC2\xA5", 2) == 0) ||     /* ¥ */
	    (n >= 3 && memcmp(s + n - 3, "\xE2\x82\xAC", 3) == 0) || /* € */
	    (n >= 3 && memcmp(s + n - 3, "\xE2\x82\xB9", 3) == 0);   /* ₹ */
}

static int
currency_word(const char *f, size_t n)
{
	static const char *const w[] = { "usd", "eur", "gbp", "dollars",
		"dollar", "euros", "euro", "pounds", "bucks", "usdt", "btc",
		"rupees", "naira", "k", "grand" };
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(*w); i++)
		if (strlen(w[i]) == n && memcmp(w[i], f, n) == 0)
			return 1;
	return 0;
}

/* ---- the lexmap ----------------------------------------------------- */

static size_t
lex_slot(const struct pl_lexmap *m, const char *k, size_t n)
{
	size_t i = pl_hash(k, n) & (m->cap - 1);

	while (m->keys[i] != NULL &&
	    !(m->lens[i] == n && memcmp(m->keys[i], k, n) == 0))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void
lex_add(struct pl_lexmap *m, const char *k, size_t n, int bit)
{
	size_t i = lex_slot(m, k, n);

	if (m->keys[i] == NULL) {
		m->keys[i] = pl_strndup(k, n);
		m->lens[i] = n;
		m->n++;
	}
	m->bits[i * m->words + (size_t)bit / 64] |= 1ULL << (bit % 64);
}

static void
lex_add_set(struct pl_lexmap *m, const struct pl_set *s, int bit)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		if (s->keys[i] != NULL)
			lex_add(m, s->keys[i], s->lens[i], bit);
}

static size_t
step_keys(const struct pl_step *st)
{
	size_t i, n = st->forms.n;

	for (i = 0; i < st->nkids; i++)
		n += step_keys(&st->kids[i]);
	return n;
}

static void
step_bits(struct pl_lexmap *m, struct pl_step *st, int *next)
{
	size_t i;

	st->fid = -1;
	if (st->forms.n > 0) {
		st->fid = (*next)++;
		lex_add_set(m, &st->forms, st->fid);
	}
	for (i = 0; i < st->nkids; i++)
		step_bits(m, &st->kids[i], next);
}

static int
step_count(const struct pl_step *st)
{
	int n = st->forms.n > 0;
	size_t i;

	for (i = 0; i < st->nkids; i++)
		n += step_count(&st->kids[i]);
	return n;
}

/*
 * What the steps that must match need of a post, so that a post none of
 * whose tokens could take one of them never runs the matcher.  A step
 * that may be left out, is negated or has a regex needs nothing.
 */
static void
need_add(struct pl_seq *sq, const struct pl_lexmap *map,
    const struct pl_step *st)
{
	struct pl_need *nd;
	size_t i;

	if (st->op == PL_STEP_NEAR) {
		for (i = 0; i < st->nkids; i++)
			need_add(sq, map, &st->kids[i]);
		return;
	}
	if (st->op != PL_STEP_TOKEN || st->min < 1 || st->negate ||
	    st->re != NULL)
		return;
	sq->need = pl_realloc(sq->need, (sq->nneed + 1) * sizeof(*sq->need));
	nd = &sq->need[sq->nneed++];
	nd->lex = pl_calloc(map->words, sizeof(*nd->lex));
	nd->types = st->types;
	if (st->fid >= 0)
		nd->lex[st->fid / 64] |= 1ULL << (st->fid % 64);
	for (i = 0; i < st->nconcepts; i++) {
		int w = st->concepts[i]->wid, f = st->concepts[i]->fid;

		nd->lex[w / 64] |= 1ULL << (w % 64);
		nd->lex[f / 64] |= 1ULL << (f % 64);
	}
}

/* 0 when some step that must match has no token of TV to match. */
static int
feasible(const struct pl_seq *sq, const struct pl_tview *tv)
{
	size_t i, w;

	if (tv->map == NULL || tv->lex == NULL)
		return 1;
	for (i = 0; i < sq->nneed; i++) {
		const struct pl_need *nd = &sq->need[i];

		if (nd->types & tv->types)
			continue;
		for (w = 0; w < tv->map->words; w++)
			if (nd->lex[w] & tv->lex[w])
				break;
		if (w == tv->map->words)
			return 0;
	}
	return 1;
}

void
pl_lexmap_build(struct pl_lexmap *map, struct pl_concepts *cs,
    struct pl_seq *const *seqs, size_t nseqs)
{
	size_t i, j, keys = 0;
	int bits = 0, next = 0;

	memset(map, 0, sizeof(*map));
	for (i = 0; i < cs->n; i++)
		keys += cs->v[i].words.n + cs->v[i].firsts.n;
	bits = 2 * (int)cs->n;
	for (i = 0; i < nseqs; i++)
		for (j = 0; j < seqs[i]->nsteps; j++) {
			keys += step_keys(&seqs[i]->steps[j]);
			bits += step_count(&seqs[i]->steps[j]);
		}
	map->words = (size_t)(bits + 63) / 64;
	if (map->words == 0)
		map->words = 1;
	for (map->cap = 64; map->cap < 2 * keys + 2; map->cap *= 2)
		;
	map->keys = pl_calloc(map->cap, sizeof(*map->keys));
	map->lens = pl_calloc(map->cap, sizeof(*map->lens));
	map->bits = pl_calloc(map->cap * map->words, sizeof(*map->bits));
	for (i = 0; i < cs->n; i++) {
		cs->v[i].wid = next++;
		cs->v[i].fid = next++;
		lex_add_set(map, &cs->v[i].words, cs->v[i].wid);
		lex_add_set(map, &cs->v[i].firsts, cs->v[i].fid);
	}
	for (i = 0; i < nseqs; i++)
		for (j = 0; j < seqs[i]->nsteps; j++)
			step_bits(map, &seqs[i]->steps[j], &next);
	for (i = 0; i < nseqs; i++) {
		need_free(seqs[i]);
		for (j = 0; j < seqs[i]->nsteps; j++)
			need_add(seqs[i], map, &seqs[i]->steps[j]);
	}
}

void
pl_lexmap_free(struct pl_lexmap *map)
{
	size_t i;

	for (i = 0; i < map->cap; i++)
		free(map->keys[i]);
	free(map->keys);
	free(map->lens);
	free(map->bits);
	memset(map, 0, sizeof(*map));
}

static const uint64_t *
lex_find(const struct pl_lexmap *m, const char *k, size_t n)
{
	size_t i;

	if (m == NULL || m->n == 0)
		return NULL;
	i = lex_slot(m, k, n);
	return m->keys[i] != NULL ? m->bits + i * m->words : NULL;
}

void
pl_tview_build(struct pl_tview *tv, const struct pl_lexmap *map,
    const char *s, size_t n, const struct postlint_token *toks, size_t ntoks)
{
	size_t i;
	int start = 1;

	(void)n;
	tv->map = map != NULL && map->n > 0 ? map : NULL;
	tv->n = 0;
	tv->text.len = 0;
	PL_GROW(tv->v, tv->cap, ntoks + 1);
	for (i = 0; i < ntoks; i++) {
		const struct postlint_token *t = &toks[i];
		struct pl_tv *x = &tv->v[tv->n++];
		unsigned char c0 = (unsigned char)s[t->offset];

		x->start = t->offset;
		x->end = t->offset + t->length;
		x->f = (const char *)(uintptr_t)tv->text.len;   /* fixed below */
		fold_into(&tv->text, s + t->offset, t->length);
		x->flen = tv->text.len - (size_t)(uintptr_t)x->f;
		x->bits = 1u << (t->kind - 1);
		if (t->kind == POSTLINT_TOKEN_WORD && c0 >= 'A' && c0 <= 'Z') {
			size_t j, up = 0;

			x->bits |= PL_TT_CAPITAL;
			for (j = 0; j < t->length; j++)
				up += s[t->offset + j] >= 'A' && s[t->offset + j] <= 'Z';
			if (up == t->length && up >= 2)
				x->bits |= PL_TT_UPPER;
		}
		/* a line break ends a sentence too: a title, a list item */
		if (tv->n > 1 && memchr(s + tv->v[tv->n - 2].end, '\n',
		    t->offset - tv->v[tv->n - 2].end) != NULL) {
			tv->v[tv->n - 2].bits |= PL_TT_SENTENCE_END;
			start = 1;
		}
		if (start)
			x->bits |= PL_TT_SENTENCE_START;
		start = t->sentence_end;
		if (t->sentence_end)
			x->bits |= PL_TT_SENTENCE_END;
	}
	tv->types = 0;
	if (tv->map != NULL) {
		/* kept from post to post: the map's size does not change */
		PL_GROW(tv->lex, tv->caplex, tv->map->words);
		memset(tv->lex, 0, tv->map->words * sizeof(*tv->lex));
	}
	for (i = 0; i < tv->n; i++) {
		tv->v[i].f = tv->text.p + (size_t)(uintptr_t)tv->v[i].f;
		tv->v[i].lex = lex_find(tv->map, tv->v[i].f, tv->v[i].flen);
		if (tv->v[i].lex != NULL) {
			size_t w;

			for (w = 0; w < tv->map->words; w++)
				tv->lex[w] |= tv->v[i].lex[w];
		}
	}
	/* money and percentages: a number next to a currency sign, or
	 * followed by a currency word; a number right before % */
	for (i = 0; i < tv->n; i++) {
		struct pl_tv *x = &tv->v[i];

		if (!(x->bits & PL_TT_NUMBER))
			continue;
		if (i > 0 && tv->v[i - 1].end == x->start &&
		    (tv->v[i - 1].bits & PL_TT_PUNCT) &&
		    currency_symbol(s + tv->v[i - 1].start,
		    tv->v[i - 1].end - tv->v[i - 1].start))
			x->bits |= PL_TT_MONEY;
		if (i + 1 < tv->n) {
			const struct pl_tv *y = &tv->v[i + 1];

			if ((y->bits & PL_TT_PUNCT) && y->start == x->end &&
			    y->flen >= 1 && (y->f[0] == '%' ||
			    currency_symbol(s + y->start, y->end - y->start)))
				x->bits |= y->f[0] == '%' ? PL_TT_PERCENT : PL_TT_MONEY;
			if ((y->bits & PL_TT_WORD) && currency_word(y->f, y->flen) &&
			    !(y->flen == 1 && y->start != x->end))
				x->bits |= PL_TT_MONEY;
		}
		/* 5k$, $5k, 12k usd: the number token holds the k */
		if (x->flen >= 2 && (x->f[x->flen - 1] == 'k' ||
		    x->f[x->flen - 1] == 'm') && i > 0 &&
		    currency_symbol(s + tv->v[i - 1].start,
		    tv->v[i - 1].end - tv->v[i - 1].start))
			x->bits |= PL_TT_MONEY;
	}
	for (i = 0; i < tv->n; i++)
		tv->types |= tv->v[i].bits;
	tv->built = 1;
}

void
pl_tview_free(struct pl_tview *tv)
{
	free(tv->v);
	free(tv->lex);
	pl_buf_free(&tv->text);
	memset(tv, 0, sizeof(*tv));
}

/* ---- matching ------------------------------------------------------- */

struct run {
	const struct pl_tview *tv;
	struct pl_match *m;
	const char *s;
	size_t limit;               /* tokens at or past this index: none */
	long budget;
};

/* How many tokens of concept C match at token I: the longest entry. */
static size_t
concept_at(const struct pl_concept *c, const struct run *r, size_t i)
{
	const struct pl_tv *x = &r->tv->v[i];
	size_t j, best = 0;

	if (r->tv->map != NULL) {
		/* one bit for the words, one for the phrases' first words */
		if (x->lex == NULL)
			return 0;
		best = (x->lex[c->wid / 64] >> (c->wid % 64)) & 1;
		if (!((x->lex[c->fid / 64] >> (c->fid % 64)) & 1))
			return best;
	} else {
		if (pl_set_has(&c->words, x->f, x->flen))
			best = 1;
		if (c->nphrases == 0 || !pl_set_has(&c->firsts, x->f, x->flen))
			return best;
	}
	for (j = phrase_lower(c, x->f, x->flen); j < c->nphrases; j++) {
		const char *w = c->phrases[j];
		size_t k = i;

		if (c->firstlen[j] != x->flen || memcmp(w, x->f, x->flen) != 0)
			break;          /* past the phrases this token opens */

		while (*w != '\0' && k < r->limit) {
			size_t wl = strlen(w);

			if (r->tv->v[k].flen != wl || memcmp(r->tv->v[k].f, w, wl) != 0)
				break;
			w += wl + 1;
			k++;
		}
		if (*w == '\0' && k - i > best)
			best = k - i;
	}
	return best;
}

/* How many tokens step ST takes at token I (0: it does not match). */
static size_t
token_at(const struct pl_step *st, struct run *r, size_t i)
{
	const struct pl_tv *x;
	size_t best = 0, j;

	if (i >= r->limit)
		return 0;
	x = &r->tv->v[i];
	if ((st->types & x->bits) != 0)
		best = 1;
	else if (st->forms.n > 0)
		best = r->tv->map != NULL && st->fid >= 0 ?
		    x->lex != NULL && ((x->lex[st->fid / 64] >> (st->fid % 64)) & 1) :
		    pl_set_has(&st->forms, x->f, x->flen);
	for (j = 0; j < st->nconcepts; j++) {
		size_t k = concept_at(st->concepts[j], r, i);

		if (k > best)
			best = k;
	}
	if (best == 0 && st->re != NULL) {
		size_t ms, me;
		int rc = pl_regex_next(st->re, r->m, r->s + x->start,
		    x->end - x->start, 0, &ms, &me);

		if (rc < 0)
			r->budget = -1;
		best = rc > 0;
	}
	if (st->negate)
		best = !best;
	/* start="yes": the token opens a sentence, after any emoji or
	 * punctuation that opens it */
	if (best && st->at_start) {
		size_t k = i;

		while (k > 0 && !(r->tv->v[k].bits & PL_TT_SENTENCE_START) &&
		    (r->tv->v[k - 1].bits & (PL_TT_EMOJI | PL_TT_PUNCT)) &&
		    !(r->tv->v[k - 1].bits & PL_TT_SENTENCE_END))
			k--;
		if (!(r->tv->v[k].bits & PL_TT_SENTENCE_START))
			return 0;
	}
	return best;
}

static long match_from(const struct pl_seq *sq, size_t si, size_t i,
    struct run *r);

/* NEAR: every kid matches somewhere in [I, I + within), one of them at
 * I, each at its own token.  Returns the end of the furthest, or 0. */
static size_t
near_at(const struct pl_step *st, struct run *r, size_t i)
{
	size_t used[MAX_STEPS], k, end = 0, hi = i + (size_t)st->within;
	int at_i = 0;

	if (hi > r->limit)
		hi = r->limit;
	for (k = 0; k < st->nkids; k++) {
		size_t j, n = 0;

		for (j = i; j < hi; j++) {
			size_t u, taken = 0;

			for (u = 0; u < k; u++)
				taken |= used[u] == j;
			if (!taken && (n = token_at(&st->kids[k], r, j)) > 0)
				break;
		}
		if (j >= hi)
			return 0;
		used[k] = j;
		at_i |= j == i;
		if (j + n > end)
			end = j + n;
	}
	return at_i ? end - i : 0;
}

/* Matches steps SI.. at token I; the end token of the match, or -1 (and
 * r->budget < 0 when the budget ran out). */
static long
match_from(const struct pl_seq *sq, size_t si, size_t i, struct run *r)
{
	const struct pl_step *st;
	size_t ends[MAX_REPEAT + 1], k, n;
	long e;
	int c;

	if (si == sq->nsteps)
		return (long)i;
	if (--r->budget < 0)
		return -1;
	st = &sq->steps[si];
	if (st->op == PL_STEP_SKIP) {
		/* the shortest gap first; a gap does not cross a sentence */
		for (k = 0; k <= (size_t)st->max; k++) {
			if (k > 0 && (i + k - 1 >= r->limit ||
			    (r->tv->v[i + k - 1].bits & PL_TT_SENTENCE_END)))
				break;
			if (k >= (size_t)st->min &&
			    (e = match_from(sq, si + 1, i + k, r)) >= 0)
				return e;
			if (r->budget < 0)
				return -1;
		}
		return -1;
	}
	if (st->op == PL_STEP_NEAR) {
		n = near_at(st, r, i);
		return n == 0 ? -1 : match_from(sq, si + 1, i + n, r);
	}
	/* a token step, as many times as it matches up to max, then fewer */
	ends[0] = i;
	for (c = 0; c < st->max; c++) {
		n = token_at(st, r, ends[c]);
		if (n == 0 || r->budget < 0)
			break;
		ends[c + 1] = ends[c] + n;
	}
	for (; c >= st->min; c--) {
		if ((e = match_from(sq, si + 1, ends[c], r)) >= 0)
			return e;
		if (r->budget < 0)
			return -1;
	}
	return -1;
}

/* The first token at or after prose offset OFF. */
static size_t
token_from(const struct pl_tview *tv, size_t off)
{
	size_t lo = 0, hi = tv->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (tv->v[mid].start < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
token_limit(const struct pl_tview *tv, size_t to)
{
	size_t i = token_from(tv, to);

	while (i > 0 && tv->v[i - 1].end > to)
		i--;
	return i;
}

int
pl_seq_next(const struct pl_seq *sq, const struct pl_tview *tv,
    struct pl_match *m, const char *s, size_t *at, size_t limit,
    size_t *ms, size_t *me)
{
	struct run r = { tv, m, s, token_limit(tv, limit), SEQ_BUDGET };
	size_t i, first;

	if (!feasible(sq, tv))
		return 0;
	first = token_from(tv, *at);
	if (r.limit > first)
		r.budget += SEQ_PER_TOKEN * (long)(r.limit - first);
	for (i = first; i < r.limit; i++) {
		long e = match_from(sq, 0, i, &r);

		if (r.budget < 0)
			return -1;
		if (e > (long)i) {
			*ms = tv->v[i].start;
			*me = tv->v[e - 1].end;
			*at = *me;
			return 1;
		}
	}
	return 0;
}

int
pl_seq_within(const struct pl_seq *sq, const struct pl_tview *tv,
    struct pl_match *m, const char *s, size_t from, size_t to)
{
	size_t at = from, ms, me;

	return pl_seq_next(sq, tv, m, s, &at, to, &ms, &me) == 1;
}
