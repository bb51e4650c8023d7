/* composite.c - expressions over other rules' hits and the post's figures, in the manner of SpamAssassin's meta rules. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 *   expr  := and ("or" and)*
 *   and   := unary ("and" unary)*
 *   unary := "not" unary | atom
 *   atom  := "(" expr ")" | "count(" refs ")" CMP NUMBER | "any(" refs ")"
 *          | "hits(" refs ")" CMP NUMBER | REF | FIGURE CMP NUMBER
 *   refs  := REF ("," REF)*
 *
 * A REF names a rule ("spam.urgency") or rules by glob ("bait.*"),
 * always with a dot; it holds when one of them fired.  count() is how
 * many of the rules fired, hits() how many hits they had together
 * (after their exceptions).  A FIGURE is one of
 * postlint-rules(5)'s figures.  Rules are those defined before the
 * composite, so that composites are evaluated in order and none can
 * depend on itself.
 */

/* A hostile pack could nest "not (not (not ..." without end. */
#define MAX_DEPTH 32
#define MAX_REFS 256

enum { E_OR, E_AND, E_NOT, E_COUNT, E_HITS, E_FIGURE };

struct pl_expr {
	int op;
	struct pl_expr *a, *b;
	size_t *rules;
	size_t nrules;
	int cmp;                    /* 0 <, 1 <=, 2 >, 3 >=, 4 ==, 5 != */
	double value;
	int metric;
};

struct parser {
	const char *p;
	const struct pl_rules *rs;
	size_t self;
	const char *file;
	long line;
	struct postlint_error *err;
	int depth;
	int failed;
};

static void
fail(struct parser *ps, const char *what, const char *near)
{
	if (ps->failed)
		return;
	ps->failed = 1;
	pl_error_set(ps->err, ps->file, ps->line, 0, "rule %s: %s%s%.20s%s",
	    ps->rs->v[ps->self].info.id, what, near ? " at '" : "",
	    near ? near : "", near ? "'" : "");
}

static void
space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	    *ps->p == '\r')
		ps->p++;
}

static int
ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	    c == '*';
}

/* The next word, into BUF; its length (0: none). */
static size_t
word(struct parser *ps, char *buf, size_t cap)
{
	size_t n = 0;

	space(ps);
	while (ident_char(ps->p[n]) && n + 1 < cap) {
		buf[n] = ps->p[n];
		n++;
	}
	buf[n] = '\0';
	if (ident_char(ps->p[n]))
		return 0;   /* too long to be a name */
	return n;
}

static int
keyword(struct parser *ps, const char *kw)
{
	char buf[16];
	const char *save = ps->p;
	size_t n = word(ps, buf, sizeof(buf));

	if (n > 0 && strcmp(buf, kw) == 0) {
		ps->p += n;
		return 1;
	}
	ps->p = save;
	return 0;
}

static int
punct(struct parser *ps, char c)
{
	space(ps);
	if (*ps->p == c) {
		ps->p++;
		return 1;
	}
	return 0;
}

static struct pl_expr *
node(int op)
{
	struct pl_expr *e = pl_calloc(1, sizeof(*e));

	e->op = op;
	return e;
}

static void
add_ref(struct parser *ps, struct pl_expr *e, const char *glob)
{
	size_t i, found = 0;

	for (i = 0; i < ps->self; i++)
		if (fnmatch(glob, ps->rs->v[i].info.id, 0) == 0) {
			size_t j;

			for (j = 0; j < e->nrules; j++)
				if (e->rules[j] == i)
					break;
			found++;
			if (j < e->nrules)
				continue;
			if (e->nrules == MAX_REFS) {
				fail(ps, "more than 256 rules in one reference", glob);
				return;
			}
			e->rules = pl_realloc(e->rules,
			    (e->nrules + 1) * sizeof(*e->rules));
			e->rules[e->nrules++] = i;
		}
	if (found == 0)
		fail(ps, "names no rule defined before it", glob);
}

static int
comparison(struct parser *ps, struct pl_expr *e)
{
	static const char *const ops[] = { "<=", ">=", "==", "!=", "<", ">" };
	static const int codes[] = { 1, 3, 4, 5, 0, 2 };
	size_t i;
	char *end;

	space(ps);
	for (i = 0; i < 6; i++)
		if (strncmp(ps->p, ops[i], strlen(ops[i])) == 0)
			break;
	if (i == 6) {
		fail(ps, "expected a comparison (< <= > >= == !=)", ps->p);
		return -1;
	}
	ps->p += strlen(ops[i]);
	e->cmp = codes[i];
	space(ps);
	e->value = strtod(ps->p, &end);
	if (end == ps->p) {
		fail(ps, "expected a number", ps->p);
		return -1;
	}
	ps->p = end;
	return 0;
}

static struct pl_expr *expr(struct parser *ps);

static struct pl_expr *
refs(struct parser *ps, struct pl_expr *e)
{
	char buf[128];
	size_t n;

	do {
		if ((n = word(ps, buf, sizeof(buf))) == 0 ||
		    strchr(buf, '.') == NULL) {
			fail(ps, "expected a rule id", ps->p);
			return e;
		}
		ps->p += n;
		add_ref(ps, e, buf);
	} while (!ps->failed && punct(ps, ','));
	if (!ps->failed && !punct(ps, ')'))
		fail(ps, "expected ')'", ps->p);
	return e;
}

static struct pl_expr *
atom(struct parser *ps)
{
	struct pl_expr *e;
	char buf[128];
	const char *save;
	size_t n;

	if (punct(ps, '(')) {
		e = expr(ps);
		if (!ps->failed && !punct(ps, ')'))
			fail(ps, "expected ')'", ps->p);
		return e;
	}
	save = ps->p;
	if ((n = word(ps, buf, sizeof(buf))) == 0) {
		fail(ps, "expected a rule, a figure or '('", ps->p);
		return NULL;
	}
	ps->p += n;
	if ((strcmp(buf, "count") == 0 || strcmp(buf, "any") == 0 ||
	    strcmp(buf, "hits") == 0) && punct(ps, '(')) {
		e = node(buf[0] == 'h' ? E_HITS : E_COUNT);
		refs(ps, e);
		if (buf[0] == 'a') {
			e->cmp = 3;
			e->value = 1;
		} else if (!ps->failed)
			comparison(ps, e);
		return e;
	}
	if (strchr(buf, '.') != NULL) {
		e = node(E_COUNT);
		add_ref(ps, e, buf);
		e->cmp = 3;
		e->value = 1;
		return e;
	}
	e = node(E_FIGURE);
	if ((e->metric = pl_metric_lookup(buf)) < 0) {
		ps->p = save;
		fail(ps, "unknown figure (see postlint-rules(5))", buf);
		return e;
	}
	comparison(ps, e);
	return e;
}

static struct pl_expr *
unary(struct parser *ps)
{
	struct pl_expr *e;

	if (++ps->depth > MAX_DEPTH) {
		fail(ps, "expression nested too deep", ps->p);
		return NULL;
	}
	if (keyword(ps, "not")) {
		e = node(E_NOT);
		e->a = unary(ps);
	} else
		e = atom(ps);
	ps->depth--;
	return e;
}

static struct pl_expr *
binary(struct parser *ps, int op)
{
	struct pl_expr *e = op == E_OR ? binary(ps, E_AND) : unary(ps);

	while (!ps->failed && keyword(ps, op == E_OR ? "or" : "and")) {
		struct pl_expr *x = node(op);

		x->a = e;
		x->b = op == E_OR ? binary(ps, E_AND) : unary(ps);
		e = x;
	}
	return e;
}

static struct pl_expr *
expr(struct parser *ps)
{
	struct pl_expr *e;

	if (++ps->depth > MAX_DEPTH) {
		fail(ps, "expression nested too deep", ps->p);
		return NULL;
	}
	e = binary(ps, E_OR);
	ps->depth--;
	return e;
}

struct pl_expr *
pl_expr_parse(const char *text, const struct pl_rules *rs, size_t self,
    const char *file, long line, struct postlint_error *err)
{
	struct parser ps = { text, rs, self, file, line, err, 0, 0 };
	struct pl_expr *e = expr(&ps);

	space(&ps);
	if (!ps.failed && *ps.p != '\0')
		fail(&ps, "unexpected text", ps.p);
	if (ps.failed) {
		pl_expr_free(e);
		return NULL;
	}
	return e;
}

void
pl_expr_free(struct pl_expr *e)
{
	if (e == NULL)
		return;
	pl_expr_free(e->a);
	pl_expr_free(e->b);
	free(e->rules);
	free(e);
}

static int
compare(int cmp, double x, double v)
{
	switch (cmp) {
	case 0: return x < v;
	case 1: return x <= v;
	case 2: return x > v;
	case 3: return x >= v;
	case 4: return x == v;
	default: return x != v;
	}
}

int
pl_expr_eval(const struct pl_expr *e, const size_t *counts,
    const struct pl_metrics *mt)
{
	size_t i, fired = 0;

	switch (e->op) {
	case E_OR:
		return pl_expr_eval(e->a, counts, mt) || pl_expr_eval(e->b, counts, mt);
	case E_AND:
		return pl_expr_eval(e->a, counts, mt) && pl_expr_eval(e->b, counts, mt);
	case E_NOT:
		return !pl_expr_eval(e->a, counts, mt);
	case E_COUNT:
		for (i = 0; i < e->nrules; i++)
			fired += counts[e->rules[i]] > 0;
		return compare(e->cmp, (double)fired, e->value);
	case E_HITS:
		for (i = 0; i < e->nrules; i++)
			fired += counts[e->rules[i]];
		return compare(e->cmp, (double)fired, e->value);
	default:
		return !mt->is_null[e->metric] &&
		    compare(e->cmp, mt->v[e->metric], e->value);
	}
}

void
pl_expr_rules(const struct pl_expr *e, size_t **v, size_t *n, size_t *cap)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nrules; i++) {
		PL_GROW(*v, *cap, *n + 1);
		(*v)[(*n)++] = e->rules[i];
	}
	pl_expr_rules(e->a, v, n, cap);
	pl_expr_rules(e->b, v, n, cap);
}
