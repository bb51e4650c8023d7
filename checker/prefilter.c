/* prefilter.c - which rules can match a post, from one pass over its bytes. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * Most rules cannot match most posts: "tag a friend" needs "tag", and a
 * post without it need not be searched for the whole pattern.  Each
 * pattern is read for a set of literals, one of which occurs in every
 * match; one Aho-Corasick pass over a post then tells which rules have a
 * literal in it, and only those run their pattern.  The automaton is
 * built once a checker has judged a few posts (pl_checker_prefilter).
 *
 * The literals are over a folded alphabet, so that case and Unicode do
 * not have to be reasoned about: ASCII letters are lowercased, every
 * white-space character (as \s sees it) is a space and a run of them is
 * one space, and every other non-ASCII character is the byte 0x80.  Post
 * and literals are folded alike, so a match of the pattern in the post is
 * a match of the literal in the folded post.  The reading is conservative:
 * whatever it does not understand (backreferences, recursion, \Q...\E,
 * \xhh, (?x)) gives "no literal", and the rule always runs.
 *
 * Caseless matching lets a few non-ASCII characters match ASCII letters
 * (U+017F long s matches s, U+212A Kelvin sign matches k).  A literal
 * cannot stand for those, so a pattern that names one has no literal and
 * a post that holds one runs every rule; test_prefilter.c checks against
 * PCRE2 itself that the list below is all of them.
 */

#define NONASCII 0x80   /* the folded byte for other non-ASCII characters */
#define MAX_EXACT 64    /* strings in a set that lists every match */
#define MAX_REQ 256     /* strings in a set of which one must occur */
#define MAX_LIT 48      /* bytes in one literal */
#define MAX_TABLE (4u << 20)   /* entries in the automaton (16 MiB) */

/* Code points that caseless matching equates with ASCII (see above). */
static int
asciifold_cp(unsigned long cp)
{
	return cp == 0x17F || cp == 0x212A || cp == 0x130 || cp == 0x131;
}

/* What \s matches under PCRE2_UCP: White_Space, and U+180E, which
 * PCRE2 10.42 still counts. */
static int
space_cp(unsigned long cp)
{
	return (cp >= 9 && cp <= 13) || cp == ' ' || cp == 0x85 || cp == 0xA0 ||
	    cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* The folded byte for CP; -1 for the code points of asciifold_cp. */
static int
fold_cp(unsigned long cp)
{
	if (space_cp(cp))
		return ' ';
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? (int)cp + 32 : (int)cp;
	return asciifold_cp(cp) ? -1 : NONASCII;
}

/* The code point at S (N > 0 bytes) and its length; a byte that starts
 * no valid character is one U+FFFD (posts and patterns are valid UTF-8
 * by the time they get here). */
static unsigned long
decode(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t cp;

	*len = pl_utf8_decode(s, n, &cp);
	if (*len == 0) {
		*len = 1;
		return 0xFFFD;
	}
	return cp;
}

/* ---- sets of literals ---- */

struct lset {
	char **v;
	size_t n, cap;
	int exact;   /* v lists every string the node matches */
};

static void
lset_free(struct lset *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Adds S with whitespace runs collapsed, unless it is there already.
 * N is at most MAX_LIT: product() refuses longer strings, and nothing
 * else builds them (a cut string would no longer be exact). */
static void
lset_add(struct lset *l, const char *s, size_t n)
{
	char t[MAX_LIT + 1];
	size_t i, k = 0;

	for (i = 0; i < n && k < MAX_LIT; i++)
		if (s[i] != ' ' || k == 0 || t[k - 1] != ' ')
			t[k++] = s[i];
	t[k] = '\0';
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], t) == 0)
			return;
	PL_GROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = pl_strdup(t);
}

static int
lset_has_empty(const struct lset *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i][0] == '\0')
			return 1;
	return 0;
}

/* Nothing known: the empty string occurs everywhere. */
static void
lset_any(struct lset *l)
{
	lset_free(l);
	lset_add(l, "", 0);
	l->exact = 0;
}

static void
lset_move(struct lset *to, struct lset *from)
{
	lset_free(to);
	*to = *from;
	memset(from, 0, sizeof(*from));
}

/* How much a set narrows the search: its weakest string, where an ASCII
 * byte counts 2 and a folded non-ASCII byte 1; fewer strings break ties. */
static size_t
quality(const struct lset *l)
{
	size_t i, j, q = (size_t)-1;

	for (i = 0; i < l->n; i++) {
		size_t k = 0;

		for (j = 0; l->v[i][j] != '\0'; j++)
			k += (unsigned char)l->v[i][j] == NONASCII ? 1 : 2;
		if (k < q)
			q = k;
	}
	return l->n == 0 ? 0 : q;
}

/* Keeps in BEST the better of BEST and CAND (CAND taken as required). */
static void
consider(struct lset *best, struct lset *cand)
{
	size_t qb = quality(best), qc = quality(cand);

	if (qc > qb || (qc == qb && qc > 0 && cand->n < best->n)) {
		lset_move(best, cand);
		best->exact = 0;
	}
}

/* E x A into E, if it stays small; 0 if it would not. */
static int
product(struct lset *e, const struct lset *a)
{
	struct lset r = { NULL, 0, 0, 1 };
	size_t i, j;

	if (e->n * a->n > MAX_EXACT)
		return 0;
	for (i = 0; i < e->n; i++)
		for (j = 0; j < a->n; j++) {
			size_t ln = strlen(e->v[i]), la = strlen(a->v[j]);
			char t[2 * MAX_LIT + 1];

			if (ln + la > MAX_LIT) {
				lset_free(&r);
				return 0;
			}
			memcpy(t, e->v[i], ln);
			memcpy(t + ln, a->v[j], la);
			lset_add(&r, t, ln + la);
		}
	lset_move(e, &r);
	e->exact = 1;
	return 1;
}

/* ---- reading a pattern ---- */

struct rd {
	const unsigned char *p, *end;
	int bad;     /* something not understood: no literals at all */
	int depth;
};

static void alt(struct rd *r, struct lset *out);

/* What an escape (after its backslash) stands for: a code point, or one
 * of these.  Escapes not listed are not guessed at: the pattern is not
 * read (backreferences, \Q...\E, \c, \g, octal, \xhh). */
#define E_BAD (-1)
#define E_ZERO (-2)    /* \b \B \A \z \Z \G \K: match no character */
#define E_DIGIT (-3)   /* \d */
#define E_SPACE (-4)   /* \s */
#define E_OTHER (-5)   /* \w \W \S \D \h \H \v \V \N \R \X \p \P */
#define E_PICT (-6)    /* \p{Extended_Pictographic}: no ASCII, no space */

static long
escape(struct rd *r, int in_class)
{
	unsigned long cp = 0;
	int c, k = 0;

	if (r->p >= r->end)
		return E_BAD;
	c = *r->p++;
	switch (c) {
	case 'b':
		return in_class ? 8 : E_ZERO;
	case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		return in_class ? E_BAD : E_ZERO;
	case 'd':
		return E_DIGIT;
	case 's':
		return E_SPACE;
	case 'w': case 'W': case 'S': case 'D': case 'h': case 'H': case 'v':
	case 'V': case 'N': case 'R': case 'X':
		return E_OTHER;
	case 'p': case 'P': {
		const unsigned char *name = r->p + 1;

		if (r->p < r->end && *r->p == '{') {
			while (r->p < r->end && *r->p != '}')
				r->p++;
		}
		if (r->p >= r->end)
			return E_BAD;
		/* every emoji-like character is one the folding makes 0x80
		 * (test_prefilter.c checks each against PCRE2) */
		if (c == 'p' && (size_t)(r->p - name) == 21 &&
		    memcmp(name, "Extended_Pictographic", 21) == 0) {
			r->p++;
			return E_PICT;
		}
		r->p++;
		return E_OTHER;
	}
	case 'x':
		if (r->p >= r->end || *r->p != '{')
			return E_BAD;
		for (r->p++; r->p < r->end && *r->p != '}'; r->p++, k++) {
			int h = *r->p;

			if (k >= 6)
				return E_BAD;
			if (h >= '0' && h <= '9')
				cp = cp * 16 + (unsigned long)(h - '0');
			else if ((h | 32) >= 'a' && (h | 32) <= 'f')
				cp = cp * 16 + (unsigned long)((h | 32) - 'a' + 10);
			else
				return E_BAD;
		}
		if (r->p >= r->end || k == 0)
			return E_BAD;
		r->p++;
		return (long)cp;
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'e': return 27;
	case 'a': return 7;
	default:
		/* \. \$ \- \\ and every other ASCII punctuation */
		if (c < 0x80 && !((c | 32) >= 'a' && (c | 32) <= 'z') &&
		    !(c >= '0' && c <= '9'))
			return c;
		return E_BAD;
	}
}

/* A literal character of the pattern, as a code point. */
static unsigned long
pat_char(struct rd *r)
{
	size_t len;
	unsigned long cp = decode(r->p, (size_t)(r->end - r->p), &len);

	r->p += len;
	return cp;
}

static void
add_digits(struct lset *l)
{
	char d, na = (char)NONASCII;

	for (d = '0'; d <= '9'; d++)
		lset_add(l, &d, 1);
	lset_add(l, &na, 1);   /* \d under UCP: the digits of other scripts */
}

/* Adds the folded CP to L; 0 if it has no folded form. */
static int
add_cp(struct lset *l, unsigned long cp)
{
	int f = fold_cp(cp);
	char b = (char)f;

	if (f < 0)
		return 0;
	lset_add(l, &b, 1);
	return 1;
}

/* A [...] class, after its '[': its members when they are few and known. */
static void
class(struct rd *r, struct lset *out)
{
	struct lset s = { NULL, 0, 0, 1 };
	int known = 1, first = 1;
	long prev = -1;   /* the last single character, for a range */

	if (r->p < r->end && *r->p == '^') {
		known = 0;
		r->p++;
	}
	for (;;) {
		long c;

		if (r->p >= r->end) {
			r->bad = 1;
			break;
		}
		if (*r->p == ']' && !first) {
			r->p++;
			break;
		}
		first = 0;
		if (*r->p == '[' && r->p + 1 < r->end &&
		    (r->p[1] == ':' || r->p[1] == '.' || r->p[1] == '=')) {
			const unsigned char *q = r->p + 2;

			while (q + 1 < r->end && !(q[0] == r->p[1] && q[1] == ']'))
				q++;
			if (q + 1 >= r->end) {
				r->bad = 1;
				break;
			}
			r->p = q + 2;
			known = 0;
			prev = -1;
			continue;
		}
		if (*r->p == '-' && prev >= 0 && r->p + 1 < r->end &&
		    r->p[1] != ']') {
			long hi, k;

			r->p++;
			if (*r->p == '\\') {
				r->p++;
				hi = escape(r, 1);
			} else
				hi = (long)pat_char(r);
			if (hi == E_BAD) {
				r->bad = 1;
				break;
			}
			/* short ASCII ranges are listed; others unknown */
			if (hi < prev || hi >= 0x80 || hi - prev > 10)
				known = 0;
			else
				for (k = prev + 1; k <= hi; k++)
					add_cp(&s, (unsigned long)k);
			prev = -1;
			continue;
		}
		if (*r->p == '\\') {
			r->p++;
			c = escape(r, 1);
		} else
			c = (long)pat_char(r);
		prev = -1;
		if (c == E_BAD) {
			r->bad = 1;
			break;
		} else if (c == E_DIGIT)
			add_digits(&s);
		else if (c == E_SPACE)
			lset_add(&s, " ", 1);
		else if (c == E_PICT) {
			char na = (char)NONASCII;

			lset_add(&s, &na, 1);
		} else if (c < 0)
			known = 0;
		else {
			if (!add_cp(&s, (unsigned long)c))
				known = 0;
			prev = c;
		}
	}
	if (known && s.n > 0 && s.n <= 16) {
		s.exact = 1;
		lset_move(out, &s);
	} else {
		lset_free(&s);
		lset_any(out);
	}
}

/* Applies a quantifier, if one follows, to OUT. */
static void
quantifier(struct rd *r, struct lset *out)
{
	unsigned long lo = 0, hi = 0;
	int c, open = 0, space;

	if (r->p >= r->end)
		return;
	c = *r->p;
	if (c == '{') {
		const unsigned char *q = r->p + 1;
		int digits = 0;

		while (q < r->end && *q >= '0' && *q <= '9' && digits < 6)
			lo = lo * 10 + (unsigned long)(*q++ - '0'), digits++;
		if (digits == 0 || q >= r->end) {
			r->bad = 1;   /* a literal '{', or {,n}: not read */
			return;
		}
		hi = lo;
		if (*q == ',') {
			q++;
			open = 1;
			digits = 0;
			hi = 0;
			while (q < r->end && *q >= '0' && *q <= '9' && digits < 6)
				hi = hi * 10 + (unsigned long)(*q++ - '0'), digits++;
			if (digits > 0)
				open = 0;
		}
		if (q >= r->end || *q != '}') {
			r->bad = 1;
			return;
		}
		r->p = q + 1;
	} else if (c == '?') {
		r->p++;
		lo = 0, hi = 1;
	} else if (c == '*') {
		r->p++;
		lo = 0, open = 1;
	} else if (c == '+') {
		r->p++;
		lo = 1, open = 1;
	} else
		return;
	if (r->p < r->end && (*r->p == '?' || *r->p == '+'))
		r->p++;   /* lazy or possessive: the same strings */

	/* a run of spaces folds to one space */
	space = out->exact && out->n == 1 && strcmp(out->v[0], " ") == 0;

	if (lo == 1 && hi == 1 && !open)
		return;
	if (lo == 0 && !open && hi == 1 && out->exact) {
		lset_add(out, "", 0);   /* X? : X or nothing */
		return;
	}
	if (space) {
		if (lo == 0)
			lset_add(out, "", 0);
		return;
	}
	if (lo == 0)
		lset_any(out);
	else
		out->exact = 0;   /* X+, X{2,}: each match holds one X */
}

/* One atom and its quantifier. */
static void
atom(struct rd *r, struct lset *out)
{
	int c = *r->p, look = 0;
	long e;

	lset_free(out);
	out->exact = 1;
	if (c == '(') {
		r->p++;
		if (r->p < r->end && *r->p == '*') {
			r->bad = 1;   /* verbs, (*pla: ...) */
			return;
		}
		if (r->p < r->end && *r->p == '?') {
			r->p++;
			c = r->p < r->end ? *r->p : 0;
			if (c == ':' || c == '>' || c == '|')
				r->p++;
			else if (c == '=' || c == '!') {
				r->p++;
				look = 1;
			} else if (c == '<' && r->p + 1 < r->end &&
			    (r->p[1] == '=' || r->p[1] == '!')) {
				r->p += 2;
				look = 1;
			} else if (c == '<' || c == '\'' ||
			    (c == 'P' && r->p + 1 < r->end && r->p[1] == '<')) {
				/* a named group */
				int close = c == '\'' ? '\'' : '>';

				r->p += c == 'P' ? 2 : 1;
				while (r->p < r->end && (*r->p == '_' ||
				    ((*r->p | 32) >= 'a' && (*r->p | 32) <= 'z') ||
				    (*r->p >= '0' && *r->p <= '9')))
					r->p++;
				if (r->p >= r->end || *r->p != close) {
					r->bad = 1;
					return;
				}
				r->p++;
			} else {
				/* options: (?i) (?-i) (?i:...); x and the rest not */
				while (r->p < r->end && *r->p != '\0' &&
				    strchr("imnsJU-^", *r->p) != NULL)
					r->p++;
				if (r->p >= r->end || (*r->p != ')' && *r->p != ':')) {
					r->bad = 1;
					return;
				}
				if (*r->p++ == ')') {
					lset_add(out, "", 0);
					return;
				}
			}
		}
		if (++r->depth > 250) {
			r->bad = 1;
			return;
		}
		alt(r, out);
		r->depth--;
		if (r->bad || r->p >= r->end || *r->p != ')') {
			r->bad = 1;
			return;
		}
		r->p++;
		if (look) {
			lset_free(out);
			lset_add(out, "", 0);
			out->exact = 1;
		}
	} else if (c == '[') {
		r->p++;
		class(r, out);
	} else if (c == '\\') {
		r->p++;
		e = escape(r, 0);
		if (e == E_BAD) {
			r->bad = 1;
			return;
		} else if (e == E_ZERO)
			lset_add(out, "", 0);
		else if (e == E_DIGIT)
			add_digits(out);
		else if (e == E_SPACE)
			lset_add(out, " ", 1);
		else if (e == E_PICT) {
			char na = (char)NONASCII;

			lset_add(out, &na, 1);
		} else if (e == E_OTHER || !add_cp(out, (unsigned long)e))
			lset_any(out);
	} else if (c == '^' || c == '$') {
		r->p++;
		lset_add(out, "", 0);
	} else if (c == '.') {
		r->p++;
		lset_any(out);
	} else if (c == '?' || c == '*' || c == '+' || c == '{') {
		r->bad = 1;
		return;
	} else if (!add_cp(out, pat_char(r)))
		lset_any(out);
	if (!r->bad)
		quantifier(r, out);
}

/* A sequence of atoms, up to '|' or ')' or the end. */
static void
seq(struct rd *r, struct lset *out)
{
	struct lset e = { NULL, 0, 0, 1 }, best = { NULL, 0, 0, 0 }, a = { 0 };
	int exact = 1;

	lset_add(&e, "", 0);
	lset_any(&best);
	while (!r->bad && r->p < r->end && *r->p != '|' && *r->p != ')') {
		atom(r, &a);
		if (r->bad)
			break;
		if (a.exact && product(&e, &a))
			continue;
		exact = 0;
		consider(&best, &e);
		lset_free(&e);
		if (a.exact) {
			lset_move(&e, &a);
		} else {
			consider(&best, &a);
			lset_add(&e, "", 0);
		}
		e.exact = 1;
	}
	lset_free(&a);
	if (exact) {
		lset_move(out, &e);
		out->exact = 1;
	} else {
		consider(&best, &e);
		lset_move(out, &best);
		out->exact = 0;
	}
	lset_free(&e);
	lset_free(&best);
}

/* Branches separated by '|'. */
static void
alt(struct rd *r, struct lset *out)
{
	struct lset b = { 0 };
	size_t i;

	seq(r, out);
	while (!r->bad && r->p < r->end && *r->p == '|') {
		r->p++;
		seq(r, &b);
		if (r->bad)
			break;
		if (!b.exact)
			out->exact = 0;
		for (i = 0; i < b.n; i++)
			lset_add(out, b.v[i], strlen(b.v[i]));
		lset_free(&b);
	}
	lset_free(&b);
	if (out->exact && out->n > MAX_EXACT)
		out->exact = 0;   /* still one of them occurs */
	if (out->n > MAX_REQ || (!out->exact && lset_has_empty(out)))
		lset_any(out);
}

int
pl_pattern_literals(const char *pat, size_t len, struct pl_lits *lits)
{
	struct rd r = { (const unsigned char *)pat,
		(const unsigned char *)pat + len, 0, 0 };
	struct lset s = { 0 };
	size_t i;

	lits->v = NULL;
	lits->n = 0;
	alt(&r, &s);
	if (r.bad || r.p != r.end || s.n == 0 || lset_has_empty(&s)) {
		lset_free(&s);
		return 0;
	}
	lits->v = pl_malloc(s.n * sizeof(*lits->v));
	for (i = 0; i < s.n; i++)
		lits->v[i] = s.v[i];
	lits->n = s.n;
	free(s.v);
	return 1;
}

void
pl_lits_free(struct pl_lits *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- one pass over a post ---- */

#define NO_OUT UINT32_MAX

struct pl_prefilter {
	size_t nrules;
	size_t ntargets;           /* the rules, then their patterns' branches */
	size_t *altbase;           /* rule -> target of its first branch, or 0 */
	unsigned char *filtered;   /* target i runs only when may[i] is set */
	unsigned char cls[256];    /* folded byte -> input class; 0: in no literal */
	unsigned char ascii[128];  /* ASCII byte -> its class, folded first */
	size_t ncls, nstates;
	uint32_t *next;            /* nstates x ncls: the automaton */
	uint32_t *out;             /* state -> first of its rules in outs, or NO_OUT */
	uint32_t *outs;            /* runs of rule indices, each ended by NO_OUT */
};

/* POSTLINT_NO_PREFILTER=1 runs every rule's pattern on every post: the
 * same findings, slower; for checking that claim. */
static int
prefilter_wanted(void)
{
	const char *v = getenv("POSTLINT_NO_PREFILTER");

	return v == NULL || v[0] == '\0' || strcmp(v, "0") == 0;
}

/*
 * The scan is one dependent load a byte, so the table is laid out for
 * it: states in breadth-first order, which puts the shallow states that
 * most bytes lead to side by side in the cache; each entry is the next
 * state's offset in the table (its number times ncls), with HAS_OUT set
 * when that state ends a literal, so that out[] is read only then.
 */
#define HAS_OUT 0x80000000u

static void
renumber(struct pl_prefilter *pf, const uint32_t *order)
{
	uint32_t *rank = pl_malloc(pf->nstates * sizeof(*rank));
	uint32_t *next = pl_malloc(pf->nstates * pf->ncls * sizeof(*next));
	uint32_t *out = pl_malloc(pf->nstates * sizeof(*out));
	size_t i, k;

	for (i = 0; i < pf->nstates; i++)
		rank[order[i]] = (uint32_t)i;
	for (i = 0; i < pf->nstates; i++) {
		uint32_t u = order[i];

		out[i] = pf->out[u];
		for (k = 0; k < pf->ncls; k++) {
			uint32_t v = pf->next[u * pf->ncls + k];

			next[i * pf->ncls + k] = rank[v] * (uint32_t)pf->ncls |
			    (pf->out[v] != NO_OUT ? HAS_OUT : 0);
		}
	}
	free(pf->next);
	free(pf->out);
	free(rank);
	pf->next = next;
	pf->out = out;
}

static void
lits_free_all(struct pl_lits *lits, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pl_lits_free(&lits[i]);
	free(lits);
}

struct pl_prefilter *
pl_prefilter_new(const struct pl_rules *rs)
{
	struct pl_prefilter *pf;
	uint32_t *child = NULL, *fail, *queue, *ownhead, (*own)[2] = NULL;
	struct pl_lits *lits;
	size_t capc = 0, capown = 0, nown = 0, i, j, k, head, tail, nouts = 0;
	size_t capouts = 0;
	int used[256] = { 0 };

	if (!prefilter_wanted())
		return NULL;
	pf = pl_calloc(1, sizeof(*pf));
	pf->nrules = rs->n;
	/* A pattern written as <alt> branches runs them one by one (see
	 * pl_regex_add_alt); each branch is a target of its own, so that a
	 * post runs only the branches whose literals it holds. */
	pf->altbase = pl_calloc(rs->n ? rs->n : 1, sizeof(*pf->altbase));
	pf->ntargets = rs->n;
	for (i = 0; i < rs->n; i++)
		if (rs->v[i].kind != PL_RULE_SEQUENCE && rs->v[i].re != NULL &&
		    pl_regex_nalts(rs->v[i].re) > 0) {
			pf->altbase[i] = pf->ntargets;
			pf->ntargets += pl_regex_nalts(rs->v[i].re);
		}
	pf->filtered = pl_calloc(pf->ntargets ? pf->ntargets : 1, 1);
	lits = pl_calloc(pf->ntargets ? pf->ntargets : 1, sizeof(*lits));
	for (i = 0; i < rs->n; i++) {
		if (rs->v[i].kind == PL_RULE_SEQUENCE)
			pl_seq_literals(&rs->v[i].seq, &lits[i]);
		else if (rs->v[i].src != NULL)
			pl_pattern_literals(rs->v[i].src, strlen(rs->v[i].src),
			    &lits[i]);
		if (pf->altbase[i] > 0)
			for (j = 0; j < pl_regex_nalts(rs->v[i].re); j++) {
				const char *a = pl_regex_alt_src(rs->v[i].re, j);

				pl_pattern_literals(a, strlen(a),
				    &lits[pf->altbase[i] + j]);
			}
	}
	for (i = 0; i < pf->ntargets; i++)
		for (j = 0; j < lits[i].n; j++)
			for (k = 0; lits[i].v[j][k] != '\0'; k++)
				used[(unsigned char)lits[i].v[j][k]] = 1;
	pf->ncls = 1;
	for (i = 0; i < 256; i++)
		pf->cls[i] = used[i] ? (unsigned char)pf->ncls++ : 0;
	for (i = 0; i < 128; i++)
		pf->ascii[i] = pf->cls[fold_cp(i)];

	/* the trie of every literal, with the rules each one ends */
	pf->nstates = 1;
	PL_GROW(child, capc, pf->ncls);
	memset(child, 0, pf->ncls * sizeof(*child));
	for (i = 0; i < pf->ntargets; i++) {
		const struct pl_lits *l = &lits[i];

		pf->filtered[i] = l->n > 0;
		for (j = 0; j < l->n; j++) {
			uint32_t st = 0;

			for (k = 0; l->v[j][k] != '\0'; k++) {
				size_t c = pf->cls[(unsigned char)l->v[j][k]];

				if (child[st * pf->ncls + c] == 0) {
					if ((pf->nstates + 1) * pf->ncls > MAX_TABLE) {
						/* packs this large run every rule */
						free(child);
						free(own);
						lits_free_all(lits, pf->ntargets);
						pl_prefilter_free(pf);
						return NULL;
					}
					PL_GROW(child, capc, (pf->nstates + 1) * pf->ncls);
					memset(child + pf->nstates * pf->ncls, 0,
					    pf->ncls * sizeof(*child));
					child[st * pf->ncls + c] = (uint32_t)pf->nstates++;
				}
				st = child[st * pf->ncls + c];
			}
			PL_GROW(own, capown, nown + 1);
			own[nown][0] = st;
			own[nown++][1] = (uint32_t)i;
		}
	}

	/* own[j] becomes a list per state: ownhead[state], own[j][0] next */
	ownhead = pl_malloc(pf->nstates * sizeof(*ownhead));
	for (i = 0; i < pf->nstates; i++)
		ownhead[i] = NO_OUT;
	for (j = 0; j < nown; j++) {
		uint32_t st = own[j][0];

		own[j][0] = ownhead[st];
		ownhead[st] = (uint32_t)j;
	}

	/* failure links breadth first; the automaton follows them ahead */
	pf->next = pl_malloc(pf->nstates * pf->ncls * sizeof(*pf->next));
	fail = pl_calloc(pf->nstates, sizeof(*fail));
	queue = pl_malloc(pf->nstates * sizeof(*queue));
	head = tail = 0;
	queue[tail++] = 0;
	while (head < tail) {
		uint32_t u = queue[head++];

		for (k = 0; k < pf->ncls; k++) {
			uint32_t v = child[u * pf->ncls + k];
			uint32_t via = u == 0 ? 0 : pf->next[fail[u] * pf->ncls + k];

			if (v != 0) {
				fail[v] = via;
				pf->next[u * pf->ncls + k] = v;
				queue[tail++] = v;
			} else
				pf->next[u * pf->ncls + k] = via;
		}
	}

	/* each state's rules: its own and those of its failure chain */
	pf->out = pl_malloc(pf->nstates * sizeof(*pf->out));
	for (i = 0; i < pf->nstates; i++) {
		size_t start = nouts;
		uint32_t st = queue[i];   /* any order works; this one is BFS */

		for (uint32_t t = st;; t = fail[t]) {
			for (j = ownhead[t]; j != NO_OUT; j = own[j][0]) {
				for (k = start; k < nouts; k++)
					if (pf->outs[k] == own[j][1])
						break;
				if (k == nouts) {
					PL_GROW(pf->outs, capouts, nouts + 1);
					pf->outs[nouts++] = own[j][1];
				}
			}
			if (t == 0)
				break;
		}
		if (nouts == start)
			pf->out[st] = NO_OUT;
		else {
			PL_GROW(pf->outs, capouts, nouts + 1);
			pf->outs[nouts++] = NO_OUT;
			pf->out[st] = (uint32_t)start;
		}
	}
	renumber(pf, queue);
	lits_free_all(lits, pf->ntargets);
	free(child);
	free(fail);
	free(queue);
	free(own);
	free(ownhead);
	return pf;
}

void
pl_prefilter_free(struct pl_prefilter *pf)
{
	if (pf == NULL)
		return;
	free(pf->altbase);
	free(pf->filtered);
	free(pf->next);
	free(pf->out);
	free(pf->outs);
	free(pf);
}

int
pl_prefilter_scan(const struct pl_prefilter *pf, const char *s, size_t n,
    unsigned char *may)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t st = 0, o;
	size_t i, len;
	unsigned c, sp = pf->cls[' '];
	int f, space = 0;

	for (i = 0; i < n; i += len) {
		if (u[i] < 0x80) {
			len = 1;
			c = pf->ascii[u[i]];
		} else {
			unsigned long cp = decode(u + i, n - i, &len);

			f = fold_cp(cp);
			if (f < 0)
				return 1;   /* U+017F and the like: cannot tell */
			c = pf->cls[f];
		}
		/* A run of spaces is one space.  When no literal has a space,
		 * its class is 0, shared with other bytes; skipping a run of
		 * class 0 changes nothing then, as class 0 leads to the root. */
		if (c == sp) {
			if (space)
				continue;
			space = 1;
		} else
			space = 0;
		st = pf->next[(st & ~HAS_OUT) + c];
		if (st & HAS_OUT)
			for (o = pf->out[(st & ~HAS_OUT) / pf->ncls];
			    pf->outs[o] != NO_OUT; o++)
				may[pf->outs[o]] = 1;
	}
	return 0;
}

int
pl_prefilter_skips(const struct pl_prefilter *pf, size_t rule)
{
	return pf->filtered[rule];
}

size_t
pl_prefilter_size(const struct pl_prefilter *pf)
{
	return pf->ntargets;
}

int
pl_prefilter_skips_alt(const struct pl_prefilter *pf, size_t rule,
    size_t alt, const unsigned char *may)
{
	size_t t;

	if (pf->altbase[rule] == 0)
		return 0;
	t = pf->altbase[rule] + alt;
	return pf->filtered[t] && !may[t];
}
