/* engine.c - runs each rule of each enabled pack over a post and turns hits into findings. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/*
 * A rule that matches thousands of times in one post adds nothing after
 * the first hundred findings but memory; the rest still count for the
 * score (see postlint-rules(5)).
 */
#define MAX_FINDINGS_PER_RULE 100

struct hits {
	struct pl_hit *v;
	size_t n, cap;
};

static void
add_hit(struct hits *h, const struct pl_rule *r, const char *id, int sev,
    size_t start, size_t end)
{
	struct pl_hit *x;

	PL_GROW(h->v, h->cap, h->n + 1);
	x = &h->v[h->n++];
	x->rule = r;
	x->rule_id = id;
	x->severity = sev;
	x->start = start;
	x->end = end;
	x->src = x->src_end = 0;
	x->line = 0;
	x->message = NULL;
	x->sugg = NULL;
	x->nsugg = 0;
}

/* Frees what a hit owns, when it is dropped or turned into a finding. */
static void
hit_free(struct pl_hit *x)
{
	size_t i;

	free(x->message);
	for (i = 0; i < x->nsugg; i++)
		free(x->sugg[i]);
	free(x->sugg);
	x->message = NULL;
	x->sugg = NULL;
	x->nsugg = 0;
}

/* A pack for "en" runs on "en", "en_US" and "en_GB"; "*" runs on all. */
static int
lang_ok(const char *rule_lang, const char *post_lang)
{
	size_t n = strlen(rule_lang);

	if (strcmp(rule_lang, "*") == 0)
		return 1;
	return strncmp(rule_lang, post_lang, n) == 0 &&
	    (post_lang[n] == '\0' || post_lang[n] == '_');
}

static int
cond_holds(const struct pl_cond *c, const struct pl_metrics *mt)
{
	double v = mt->v[c->metric];

	if (mt->is_null[c->metric])
		return 0;
	switch (c->cmp) {
	case PL_ABOVE:
		return v > c->value;
	case PL_BELOW:
		return v < c->value;
	case PL_AT_LEAST:
		return v >= c->value;
	default:
		return v <= c->value;
	}
}

/* Whether all N conditions hold: a rule's <when> gates (a pattern,
 * phrases or sequence rule runs only where they hold; a metric rule is
 * nothing else), or an exception's <when>. */
static int
conds_hold(const struct pl_cond *c, size_t n, const struct pl_metrics *mt)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (!cond_holds(&c[j], mt))
			return 0;
	return 1;
}

static size_t
first_visible(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	return i;
}

static size_t
next_char(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return n;
	i++;
	while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

/* ---- sequences and exceptions --------------------------------------- */

/* What the token-reading parts of a rule share for one post. */
struct post_run {
	const struct pl_lexmap *map;
	struct pl_match *m;
	const char *s;
	size_t n;
	const struct pl_tokens *toks;
	struct pl_tview tv;         /* built on first use */
	const struct pl_metrics *mt;
};

static const struct pl_tview *
tview(struct post_run *pr)
{
	if (!pr->tv.built)
		pl_tview_build(&pr->tv, pr->map, pr->s, pr->n, pr->toks->v,
		    pr->toks->n);
	return &pr->tv;
}

static void
limit_hit(struct hits *h, size_t first, size_t *count, const struct pl_rule *r,
    const struct pl_match *m, const char *s, size_t n)
{
	struct pl_buf mb = { 0 };
	size_t ms;

	while (h->n > first)
		hit_free(&h->v[--h->n]);
	*count = 0;
	ms = first_visible(s, n);
	add_hit(h, NULL, "postlint.match-limit", POSTLINT_WARNING, ms,
	    next_char(s, n, ms));
	if (pl_regex_budget_spent(m))
		pl_buf_printf(&mb, "rule %s used up its time budget on this post "
		    "and was skipped", r->info.id);
	else
		pl_buf_printf(&mb, "rule %s hit the regex match limit on this "
		    "post and was skipped", r->info.id);
	h->v[h->n - 1].message = mb.p;
}

static void
run_sequence(const struct pl_rule *r, struct post_run *pr, size_t limit,
    struct hits *h, size_t *count)
{
	const struct pl_tview *tv = tview(pr);
	size_t at = 0, first = h->n, ms, me;
	int rc;

	while ((rc = pl_seq_next(&r->seq, tv, pr->m, pr->s, &at, limit, &ms,
	    &me)) == 1) {
		if (*count < MAX_FINDINGS_PER_RULE)
			add_hit(h, r, r->info.id, r->info.severity, ms, me);
		(*count)++;
	}
	if (rc < 0)
		limit_hit(h, first, count, r, pr->m, pr->s, pr->n);
}

/* The sentence around [MS, ME): from the token after the last sentence
 * end before it to the first sentence end at or after it. */
static void
sentence_of(const struct pl_tview *tv, size_t n, size_t ms, size_t me,
    size_t *from, size_t *to)
{
	size_t i = 0, j;

	*from = 0;
	*to = n;
	while (i < tv->n && tv->v[i].end <= ms)
		i++;
	for (j = i; j > 0; j--)
		if (tv->v[j - 1].bits & PL_TT_SENTENCE_END) {
			*from = tv->v[j].start;
			break;
		}
	for (j = i; j < tv->n; j++)
		if (tv->v[j].start >= me && (tv->v[j].bits & PL_TT_SENTENCE_END)) {
			*to = tv->v[j].end;
			break;
		} else if (tv->v[j].start < me && tv->v[j].end >= me &&
		    (tv->v[j].bits & PL_TT_SENTENCE_END)) {
			*to = tv->v[j].end;
			break;
		}
}

/* The quotation mark that starts at S[I], if any: 1 opening, 2 closing,
 * 3 either (a straight quote); its length in *LEN. */
static int
quote_at(const char *s, size_t n, size_t i, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s + i;

	*len = 1;
	if (u[0] == '"')
		return 3;
	if (u[0] == '\'') {
		int before = i == 0 || strchr(" \t\n(", s[i - 1]) != NULL;
		int after = i + 1 >= n || strchr(" \t\n.,;:!?)", s[i + 1]) != NULL;

		return before && !after ? 1 : after && !before ? 2 : 0;
	}
	if (i + 2 < n && u[0] == 0xE2 && u[1] == 0x80) {
		*len = 3;
		if (u[2] == 0x9C)
			return 1;   /* “ */
		if (u[2] == 0x9D)
			return 2;   /* ” */
		if (u[2] == 0x98)
			return 1;   /* ‘ */
		if (u[2] == 0x99)   /* ’, unless it is an apostrophe */
			return i + 3 >= n || strchr(" \t\n.,;:!?)", s[i + 3]) ? 2 : 0;
	}
	if (i + 1 < n && u[0] == 0xC2 && (u[1] == 0xAB || u[1] == 0xBB)) {
		*len = 2;
		return u[1] == 0xAB ? 1 : 2;
	}
	return 0;
}

/* Whether [MS, ME) stands inside quotation marks within [FROM, TO):
 * reported or quoted words, not the post's own. */
static int
quoted(const char *s, size_t n, size_t from, size_t to, size_t ms, size_t me)
{
	size_t i, len;
	int open = 0, q;

	for (i = from; i < ms; i += len)
		if ((q = quote_at(s, n, i, &len)) != 0)
			open = q == 3 ? !open : q == 1;
	if (!open)
		return 0;
	for (i = me; i < to && i < n; i += len)
		if ((q = quote_at(s, n, i, &len)) == 2 || q == 3)
			return 1;
	return 0;
}

static int
unless_holds(const struct pl_unless *u, struct post_run *pr, size_t ms,
    size_t me)
{
	size_t from = ms, to = me, a, b;

	if (u->kind == PL_UNLESS_WHEN)
		return conds_hold(u->conds, u->nconds, pr->mt);
	if (u->scope == PL_IN_POST) {
		from = 0;
		to = pr->n;
	} else if (u->scope == PL_IN_SENTENCE || u->kind == PL_UNLESS_QUOTED)
		sentence_of(tview(pr), pr->n, ms, me, &from, &to);
	switch (u->kind) {
	case PL_UNLESS_QUOTED:
		return quoted(pr->s, pr->n, from, to, ms, me);
	case PL_UNLESS_SEQUENCE:
		return pl_seq_within(&u->seq, tview(pr), pr->m, pr->s, from, to);
	default:
		return pl_regex_next(u->re, pr->m, pr->s, to, from, &a, &b) == 1;
	}
}

/* Drops the hits of R from FIRST on that one of its exceptions covers. */
static void
apply_unless(const struct pl_rule *r, struct post_run *pr, struct hits *h,
    size_t first, size_t *count)
{
	size_t i, j, kept = first;

	for (i = first; i < h->n; i++) {
		int drop = 0;

		for (j = 0; h->v[i].rule == r && j < r->nunless && !drop; j++)
			drop = unless_holds(&r->unless[j], pr, h->v[i].start,
			    h->v[i].end);
		if (drop) {
			if (*count > 0)
				(*count)--;
			hit_free(&h->v[i]);
			continue;
		}
		h->v[kept++] = h->v[i];
	}
	h->n = kept;
}

/* A composite that holds is found where the first hit of a rule it
 * reads is, or at the post's first character. */
static void
run_composite(const struct pl_rule *r, const struct pl_rules *rs,
    const size_t *counts, const struct pl_metrics *mt, struct hits *h,
    size_t *count, const char *s, size_t n)
{
	size_t i, j, ms = (size_t)-1, me = 0;

	if (!pl_expr_eval(r->expr, counts, mt))
		return;
	for (i = 0; i < h->n; i++)
		for (j = 0; h->v[i].rule != NULL && j < r->nrefs; j++)
			if (h->v[i].rule == &rs->v[r->refs[j]] && h->v[i].start < ms) {
				ms = h->v[i].start;
				me = h->v[i].end;
			}
	if (ms == (size_t)-1) {
		ms = first_visible(s, n);
		me = next_char(s, n, ms);
	}
	add_hit(h, r, r->info.id, r->info.severity, ms, me);
	*count = 1;
}

static void
run_regex(const struct pl_rule *r, struct pl_match *m, const char *s,
    size_t n, struct hits *h, size_t *count, const struct pl_prefilter *pf,
    size_t ri, const unsigned char *may)
{
	size_t pos = 0, first = h->n, ms, me, a;
	int rc;

	pl_regex_begin(m, r->re);
	/* branches none of whose literals the post holds are not run */
	if (may != NULL)
		for (a = 0; a < pl_regex_nalts(r->re); a++)
			if (pl_prefilter_skips_alt(pf, ri, a, may))
				pl_regex_skip_alt(m, a);
	while (pos <= n) {
		rc = pl_regex_next(r->re, m, s, n, pos, &ms, &me);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* The post is judged without this rule. */
			pl_regex_end(m);
			limit_hit(h, first, count, r, m, s, n);
			return;
		}
		if (me == ms) {   /* an empty match finds nothing to show */
			pos = next_char(s, n, ms);
			if (ms >= n)
				break;
			continue;
		}
		if (*count < MAX_FINDINGS_PER_RULE)
			add_hit(h, r, r->info.id, r->info.severity, ms, me);
		(*count)++;
		pos = me;
	}
	pl_regex_end(m);
}

/*
 * Spelling.  Words are checked, with these left alone: anything with a
 * digit, single letters, words in capitals of up to five letters
 * (acronyms), words with a capital inside (iPhone, pgBackRest: names and
 * code), capitalised words inside a sentence (names), and words with
 * combining marks or CJK characters.  Hyphenated words are checked part by
 * part; a hashtag written in CamelCase is split into its words, each
 * checked, while a one-word hashtag is not (tags run words together).
 * URLs, e-mail, mentions, numbers and code never reach here as words.
 */
struct speller_run {
	const struct postlint_checker *chk;
	struct pl_speller *sp;
	const struct pl_rule *r;
	const struct pl_post *post;
	const char *s;
	struct hits *h;
	size_t *count;
};

static int
has_ci(const struct pl_strlist *l, const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == n && strncasecmp(l->v[i], w, n) == 0)
			return 1;
	return 0;
}

static void
spell_word(struct speller_run *sr, size_t start, size_t n, int names_ok)
{
	const char *w = sr->s + start;
	char buf[128];
	size_t i, upper = 0, lower = 0, letters = 0, k;
	int inner_upper = 0, rejected;

	if (n == 0 || n >= sizeof(buf))
		return;
	for (i = 0, k = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		uint32_t cp;

		if (c >= '0' && c <= '9')
			return;
		/* combining marks (decomposed accents) and CJK, which no word
		 * list of a spaced language covers, are left alone */
		if (c >= 0xC0 && pl_utf8_decode((const unsigned char *)w + i, n - i,
		    &cp) > 0 && ((cp >= 0x0300 && cp <= 0x036F) || cp >= 0x2E80))
			return;
		if (c >= 'A' && c <= 'Z') {
			upper++;
			letters++;
			inner_upper |= i > 0;
		} else if (c >= 'a' && c <= 'z') {
			lower++;
			letters++;
		} else if (c >= 0x80 && (c & 0xC0) != 0x80)
			letters++;
		/* the typographic apostrophe is the dictionary's ' */
		if (c == 0xE2 && i + 2 < n && (unsigned char)w[i + 1] == 0x80 &&
		    (unsigned char)w[i + 2] == 0x99) {
			buf[k++] = '\'';
			i += 2;
			continue;
		}
		buf[k++] = (char)c;
	}
	if (letters < 2)
		return;
	if (lower == 0 && upper > 0 && letters <= 5)
		return;   /* an acronym */
	if (inner_upper && lower > 0)
		return;   /* iPhone, pgBackRest */
	if (!names_ok && upper == 1 && (unsigned char)w[0] >= 'A' &&
	    (unsigned char)w[0] <= 'Z')
		return;   /* a name inside a sentence */
	if (has_ci(&sr->post->accept, buf, k))
		return;
	{
		char low[128];

		for (i = 0; i < k; i++)
			low[i] = (buf[i] >= 'A' && buf[i] <= 'Z') ? (char)(buf[i] + 32) :
			    buf[i];
		rejected = pl_set_has(&sr->chk->reject, low, k);
	}
	if (!rejected && pl_speller_correct(sr->sp, buf, k))
		return;
	if (*sr->count < MAX_FINDINGS_PER_RULE) {
		add_hit(sr->h, sr->r, sr->r->info.id, sr->r->info.severity, start,
		    start + n);
		if (rejected) {
			struct pl_buf mb = { 0 };

			pl_buf_printf(&mb, "\"%.*s\" is on the configuration's list "
			    "of rejected words", (int)n, w);
			sr->h->v[sr->h->n - 1].message = mb.p;
		}
		if (!rejected && sr->chk->cfg->suggest) {
			struct pl_hit *x = &sr->h->v[sr->h->n - 1];

			x->sugg = pl_calloc(PL_MAX_SUGGESTIONS, sizeof(*x->sugg));
			x->nsugg = pl_speller_suggest(sr->sp, buf, k, x->sugg);
		}
	}
	(*sr->count)++;
}

/* Splits [START, START+N) on hyphens and spells each part. */
static void
spell_parts(struct speller_run *sr, size_t start, size_t n, int names_ok)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && sr->s[start + j] != '-')
			j++;
		spell_word(sr, start + i, j - i, names_ok);
		i = j + 1;
	}
}

/* #ThrowbackThursday -> Throwback, Thursday; #NASAMission -> NASA,
 * Mission.  Returns the number of parts found, spelling them when CHECK. */
static size_t
hashtag_parts(struct speller_run *sr, size_t start, size_t n, int check)
{
	const char *t = sr->s + start;
	size_t i = 1, from = 1, parts = 0;

	while (i <= n) {
		int cut = i == n || t[i] == '_';

		if (!cut && i > from) {
			unsigned char a = (unsigned char)t[i - 1], b = (unsigned char)t[i];

			cut = (a >= 'a' && a <= 'z' && b >= 'A' && b <= 'Z') ||
			    (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' && i + 1 < n &&
			    t[i + 1] >= 'a' && t[i + 1] <= 'z');
		}
		if (cut) {
			if (i > from) {
				if (check)
					spell_word(sr, start + from, i - from, 1);
				parts++;
			}
			from = i + (i < n && t[i] == '_');
		}
		i++;
	}
	return parts;
}

static void
run_spelling(struct speller_run *sr, const struct pl_tokens *toks)
{
	size_t i;
	int sentence_start = 1;

	for (i = 0; i < toks->n; i++) {
		const struct postlint_token *t = &toks->v[i];

		if (t->kind == POSTLINT_TOKEN_WORD)
			spell_parts(sr, t->offset, t->length, sentence_start);
		else if (t->kind == POSTLINT_TOKEN_HASHTAG &&
		    hashtag_parts(sr, t->offset, t->length, 0) >= 2)
			hashtag_parts(sr, t->offset, t->length, 1);
		if (t->kind != POSTLINT_TOKEN_PUNCT && t->kind != POSTLINT_TOKEN_EMOJI)
			sentence_start = 0;
		if (t->sentence_end)
			sentence_start = 1;
	}
}

/*
 * Whether a post without a title reads as a headline: one line of at most
 * 20 words with no full stop, question or exclamation mark at its end, and
 * at least 80% of its words of four letters or more in Title Case (a
 * capital followed by small letters; shouting in capitals is not a
 * headline).  Headline rules run only on titles and on such posts.
 */
static int
headline_like(struct pl_uclass *uc, const char *s, size_t n,
    const struct pl_tokens *toks)
{
	size_t i, words = 0, longw = 0, title = 0, e = n;

	if (memchr(s, '\n', n) != NULL)
		return 0;
	for (i = 0; i < toks->n; i++) {
		const struct postlint_token *t = &toks->v[i];
		size_t j, letters = 0, lower_after = 0;
		unsigned first = 0;

		if (t->kind != POSTLINT_TOKEN_WORD)
			continue;
		if (++words > 20)
			return 0;
		for (j = 0; j < t->length;) {
			uint32_t cp;
			size_t k = pl_utf8_decode((const unsigned char *)s + t->offset + j,
			    t->length - j, &cp);
			unsigned c;

			if (k == 0)
				break;
			c = cp < 0x80 ? ((cp >= 'A' && cp <= 'Z') ? PL_UC_LETTER | PL_UC_UPPER :
			    (cp >= 'a' && cp <= 'z') ? PL_UC_LETTER | PL_UC_LOWER : 0) :
			    pl_uclass_get(uc, cp);
			if (c & PL_UC_LETTER) {
				if (letters == 0)
					first = c;
				else if (c & PL_UC_LOWER)
					lower_after = 1;
				letters++;
			}
			j += k;
		}
		if (letters >= 4) {
			longw++;
			title += (first & PL_UC_UPPER) && lower_after;
		}
	}
	if (longw < 2 || title * 5 < longw * 4)
		return 0;
	/* the last visible character: no sentence punctuation */
	while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' ||
	    (e >= 3 && (unsigned char)s[e - 3] == 0xEF &&
	    (unsigned char)s[e - 2] == 0xBB && (unsigned char)s[e - 1] == 0xBF)))
		e -= s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' ? 1 : 3;
	return e > 0 && strchr(".?!", s[e - 1]) == NULL;
}

/* The end of the opening: the title and the first sentence after it. */
static size_t
opening_end(const struct pl_tokens *toks, size_t title_len, size_t n)
{
	size_t i;

	for (i = 0; i < toks->n; i++) {
		const struct postlint_token *t = &toks->v[i];

		if (t->offset >= title_len && t->sentence_end)
			return t->offset + t->length;
	}
	return n;
}

/* Findings come in source order: a title from front matter may sit
 * before the body in the prose and elsewhere in the file. */
static int
hit_cmp(const void *a, const void *b)
{
	const struct pl_hit *x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->src_end != y->src_end)
		return x->src_end < y->src_end ? -1 : 1;
	return strcmp(x->rule_id, y->rule_id);
}

static int
id_matches(const struct pl_rule *r, const char *id)
{
	return strcmp(r->info.id, id) == 0 || strcmp(r->info.pack, id) == 0;
}

/* Whether hit A is outranked by B: more severe, or as severe and
 * heavier. */
static int
outranks(const struct pl_hit *b, const struct pl_hit *a)
{
	if (b->severity != a->severity)
		return b->severity > a->severity;
	return b->rule->info.weight > a->rule->info.weight;
}

/*
 * One thing is reported once: a hit inside the span of a stronger hit of
 * the same category ("please" inside "follow me please") leaves no
 * finding and takes nothing off the score, since the stronger one says it.
 * Whole-post (metric) hits and composites, which add to what their
 * parts say, are never nested.
 */
static size_t
drop_nested(struct hits *h, const struct pl_rules *rs, size_t *counts)
{
	size_t i, j, kept = 0;

	if (h->n < 2 || h->n > 2000)
		return h->n;
	for (i = 0; i < h->n; i++) {
		struct pl_hit *a = &h->v[i];
		int nested = 0;

		for (j = 0; a->rule != NULL && a->rule->kind != PL_RULE_METRIC &&
		    a->rule->kind != PL_RULE_COMPOSITE && j < h->n && !nested; j++) {
			const struct pl_hit *b = &h->v[j];

			nested = j != i && b->rule != NULL &&
			    b->rule->kind != PL_RULE_METRIC &&
			    b->rule->kind != PL_RULE_COMPOSITE && b->rule != a->rule &&
			    strcmp(b->rule->info.category, a->rule->info.category) == 0 &&
			    b->src <= a->src && a->src_end <= b->src_end &&
			    outranks(b, a);
		}
		if (nested) {
			if (counts[a->rule - rs->v] > 0)
				counts[a->rule - rs->v]--;
			hit_free(a);
			continue;
		}
		h->v[kept++] = *a;
	}
	return kept;
}

/* Whether a suppression turns rule R (NULL: a postlint.* finding) off on
 * LINE.  A suppression without ids turns off every rule. */
static int
suppressed(const struct pl_post *post, const struct pl_rule *r, long line)
{
	size_t i, j;

	for (i = 0; i < post->nsup; i++) {
		const struct pl_suppress *sp = &post->sup[i];

		if (line < sp->from || (sp->to != 0 && line > sp->to))
			continue;
		if (sp->nids == 0)
			return r != NULL;
		for (j = 0; r != NULL && j < sp->nids; j++)
			if (id_matches(r, sp->ids[j]))
				return 1;
	}
	return 0;
}

/* Whether R is off for the whole post (front matter "disable"). */
static int
off_for_post(const struct pl_post *post, const struct pl_rule *r)
{
	size_t i, j;

	for (i = 0; i < post->nsup; i++) {
		const struct pl_suppress *sp = &post->sup[i];

		if (sp->from > 1 || sp->to != 0)
			continue;
		if (sp->nids == 0)
			return 1;
		for (j = 0; j < sp->nids; j++)
			if (id_matches(r, sp->ids[j]))
				return 1;
	}
	return 0;
}

static void
format_value(struct pl_buf *b, int id, double v)
{
	if (pl_metric_is_integer(id))
		pl_buf_printf(b, "%.0f", v);
	else
		pl_buf_printf(b, "%.2f", v);
}

/* Fills {figure} with the post's metric and {match} with the matched text. */
static char *
expand(struct pl_pool *pool, const char *msg, const struct pl_metrics *mt,
    const char *match, size_t mlen)
{
	struct pl_buf b = { 0 };
	const char *p = msg;
	char *r;

	if (strchr(msg, '{') == NULL)
		return (char *)msg;
	while (*p) {
		const char *close;

		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			char name[64];
			int id;

			snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1), p + 1);
			if (strcmp(name, "match") == 0) {
				pl_buf_add(&b, match, mlen > 80 ? 80 : mlen);
				p = close + 1;
				continue;
			}
			if ((id = pl_metric_lookup(name)) >= 0) {
				format_value(&b, id, mt->v[id]);
				p = close + 1;
				continue;
			}
		}
		pl_buf_addc(&b, *p++);
	}
	r = pl_pool_strndup(pool, b.p, b.len);
	pl_buf_free(&b);
	return r;
}

static long
columns(const char *s, size_t n)
{
	long c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/*
 * The post's own tags (front matter, feed categories, a CSV tags column)
 * that belong to none of the audience's niches: neither a niche's name nor
 * a word of its lexicon.  Null without an audience or without tags.
 */
static void
tags_off_niche(const struct pl_post *post, const struct pl_strlist *aud,
    const struct pl_words *words, struct pl_metrics *mt)
{
	const struct postlint_meta *tags = NULL;
	size_t i, j, off = 0;

	for (i = 0; i < post->nmeta; i++)
		if (strcmp(post->meta[i].key, "tags") == 0)
			tags = &post->meta[i];
	if (words->nniche == 0 || tags == NULL || tags->nvalues == 0) {
		mt->is_null[PL_M_TAGS_OFF_NICHE] = 1;
		return;
	}
	for (i = 0; i < tags->nvalues; i++) {
		char low[128];
		size_t n = 0;
		const char *t = tags->values[i];
		int in = 0;

		for (; *t && n + 1 < sizeof(low); t++)
			if (*t != '#')
				low[n++] = (*t >= 'A' && *t <= 'Z') ? (char)(*t + 32) : *t;
		low[n] = '\0';
		for (j = 0; j < aud->n && !in; j++)
			in = strcmp(aud->v[j], low) == 0;
		for (j = 0; j < words->nniche && !in; j++)
			in = pl_set_has(words->niche[j], low, n);
		off += !in;
	}
	mt->v[PL_M_TAGS_OFF_NICHE] = (double)off;
}

void
pl_engine_check(const struct postlint_checker *chk, struct pl_match *m,
    struct pl_post *post, struct postlint_result *res)
{
	const struct pl_rules *rs = &chk->rules;
	const struct postlint_config *cfg = chk->cfg;
	const char *platform = post->platform ? post->platform : cfg->platform;
	const char *lang = post->lang ? post->lang : cfg->lang;
	const struct pl_strlist *aud = post->has_audience ? &post->audience :
	    &cfg->audience;
	const char *s = post->prose;
	size_t n = post->prose_len, i, j, kept, *counts, last_line = (size_t)-1;
	size_t headline_end, opening;
	struct pl_tokens toks = { NULL, 0, 0 };
	struct pl_metrics mt;
	const struct pl_set *niche[32];
	struct pl_words words = { &chk->stop, &chk->filler, niche, 0, NULL,
		&chk->lemmas };
	struct hits h = { NULL, 0, 0 };
	const char *line_copy = NULL;
	const struct pl_prefilter *pf;
	struct post_run pr = { 0 };
	unsigned char *may;
	int unsure;

	for (i = 0; i < aud->n && words.nniche < 32; i++)
		if ((niche[words.nniche] = pl_checker_niche(chk, aud->v[i])) != NULL)
			words.nniche++;
	if (chk->spelling)
		words.speller = pl_checker_speller(chk, post->lang, NULL);
	pl_tokenize(chk->uc, s, n, &toks);
	pl_metrics_compute(chk->uc, m, &words, s, n, &toks, &mt);
	tags_off_niche(post, aud, &words, &mt);
	/* counts, then a byte a rule and a byte a branch of a rule's
	 * pattern: whether the prefilter lets it run */
	pf = pl_checker_prefilter(chk);
	counts = pl_calloc(1, (rs->n ? rs->n : 1) * sizeof(*counts) +
	    (pf != NULL ? pl_prefilter_size(pf) : rs->n) + 1);
	may = (unsigned char *)(counts + (rs->n ? rs->n : 1));
	unsure = pf == NULL || pl_prefilter_scan(pf, s, n, may);
	{
		size_t tl = post->title_len < n ? post->title_len : n;

		headline_end = tl > 0 ? tl :
		    headline_like(chk->uc, s, n, &toks) ? n : 0;
		opening = opening_end(&toks, tl, n);
		mt.v[PL_M_HEADLINE] = headline_end > 0;
	}

	pr.map = &rs->lexmap;
	pr.m = m;
	pr.s = s;
	pr.n = n;
	pr.toks = &toks;
	pr.mt = &mt;
	for (i = 0; i < rs->n; i++) {
		const struct pl_rule *r = &rs->v[i];
		size_t before = h.n;

		/* an example of a composite runs with the rules it reads */
		if (post->only != NULL ? r != post->only &&
		    post->only->kind != PL_RULE_COMPOSITE : !r->info.enabled)
			continue;
		if (!lang_ok(r->info.lang, lang))
			continue;
		if (r->info.platform != NULL && strcmp(r->info.platform, platform))
			continue;
		if (post->nsup > 0 && off_for_post(post, r))
			continue;
		pl_regex_budget(m);
		if (r->kind == PL_RULE_SPELLING) {
			struct speller_run sr = { chk, words.speller, r, post, s, &h,
				&counts[i] };

			if (sr.sp != NULL && chk->cfg->spelling)
				run_spelling(&sr, &toks);
		} else if (r->kind == PL_RULE_METRIC) {
			if (conds_hold(r->conds, r->nconds, &mt)) {
				size_t at = first_visible(s, n);

				add_hit(&h, r, r->info.id, r->info.severity, at,
				    next_char(s, n, at));
				counts[i] = 1;
			}
		} else if (r->kind == PL_RULE_COMPOSITE) {
			run_composite(r, rs, counts, &mt, &h, &counts[i], s, n);
		} else if (!unsure && !may[i] && pl_prefilter_skips(pf, i)) {
			continue;   /* no literal of its pattern is in the post */
		} else if (!conds_hold(r->conds, r->nconds, &mt)) {
			continue;
		} else if (r->kind == PL_RULE_SEQUENCE) {
			size_t limit = r->scope == PL_SCOPE_HEADLINE ? headline_end :
			    r->scope == PL_SCOPE_OPENING ? opening : n;

			if (limit > 0)
				run_sequence(r, &pr, limit, &h, &counts[i]);
		} else if (r->scope == PL_SCOPE_HEADLINE) {
			if (headline_end > 0)
				run_regex(r, m, s, headline_end, &h, &counts[i], pf, i,
				    unsure ? NULL : may);
		} else
			run_regex(r, m, s, r->scope == PL_SCOPE_OPENING ? opening : n,
			    &h, &counts[i], pf, i, unsure ? NULL : may);
		if (r->nunless > 0 && h.n > before) {
			apply_unless(r, &pr, &h, before, &counts[i]);
			/* exceptions that ran out of time leave the rule out,
			 * not its findings unexcepted */
			if (pl_regex_budget_spent(m))
				limit_hit(&h, before, &counts[i], r, m, s, n);
		}
	}
	/* parts of composites leave no finding and weigh nothing */
	for (i = kept = 0; i < h.n; i++) {
		const struct pl_rule *r = h.v[i].rule;

		if (r != NULL && r->part && r != post->only) {
			counts[r - rs->v] = 0;
			hit_free(&h.v[i]);
			continue;
		}
		h.v[kept++] = h.v[i];
	}
	h.n = kept;
	pl_tview_free(&pr.tv);
	for (i = 0; i < h.n; i++) {
		h.v[i].src = pl_post_src(post, h.v[i].start, 0);
		h.v[i].src_end = pl_post_src(post, h.v[i].end, 1);
		if (h.v[i].src_end < h.v[i].src)
			h.v[i].src_end = h.v[i].src;
	}
	/* An id in a suppression that names no rule or pack is reported where
	 * it was written, since it suppresses nothing. */
	for (i = 0; i < post->nsup; i++)
		for (j = 0; j < post->sup[i].nids; j++) {
			struct pl_buf mb = { 0 };

			if (pl_rules_has_id(rs, post->sup[i].ids[j]) ||
			    strncmp(post->sup[i].ids[j], "postlint.", 9) == 0)
				continue;
			add_hit(&h, NULL, "postlint.unknown-rule", POSTLINT_WARNING, 0, 0);
			h.v[h.n - 1].src = post->sup[i].src;
			h.v[h.n - 1].src_end = post->sup[i].src_end;
			pl_buf_printf(&mb, "unknown rule '%s' in a suppression (postlint "
			    "--list-rules shows them)", post->sup[i].ids[j]);
			h.v[h.n - 1].message = mb.p;
		}
	/* Suppressed hits leave no finding and take nothing off the score. */
	for (i = kept = 0; i < h.n; i++) {
		struct pl_pos a;

		pl_window_pos(&post->win, h.v[i].src, &a);
		h.v[i].line = a.line;
		if (post->nsup > 0 && suppressed(post, h.v[i].rule, a.line)) {
			if (h.v[i].rule != NULL && counts[h.v[i].rule - rs->v] > 0)
				counts[h.v[i].rule - rs->v]--;
			hit_free(&h.v[i]);
			continue;
		}
		h.v[kept++] = h.v[i];
	}
	h.n = kept;
	h.n = drop_nested(&h, rs, counts);
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), hit_cmp);

	memset(res, 0, sizeof(*res));
	res->chk = chk;
	res->source = post->source;
	res->line = post->line > 0 ? post->line : post->win.line;
	res->meta = post->meta;
	res->nmeta = post->nmeta;
	for (i = 0; i < PL_M_COUNT; i++) {
		res->metrics[i].name = pl_metric_name((int)i);
		res->metrics[i].value = mt.v[i];
		res->metrics[i].is_null = mt.is_null[i];
		res->metrics[i].is_integer = pl_metric_is_integer((int)i);
	}
	pl_score(chk, counts, h.v, h.n, res);

	res->findings = pl_calloc(h.n ? h.n : 1, sizeof(*res->findings));
	res->nfindings = h.n;
	for (i = 0; i < h.n; i++) {
		struct pl_hit *x = &h.v[i];
		struct postlint_finding *f = &res->findings[i];
		struct pl_pos a, b;
		size_t ls, le;

		pl_window_pos(&post->win, x->src, &a);
		pl_window_pos(&post->win, x->src_end, &b);
		f->rule = x->rule_id;
		f->severity = x->severity;
		f->line = a.line;
		f->column = a.column;
		f->end_line = b.line;
		f->end_column = b.column;
		f->byte_offset = a.byte_offset;
		pl_window_line(&post->win, x->src, &ls, &le);
		if (ls != last_line) {
			line_copy = pl_pool_strndup(&res->pool, post->win.p + ls,
			    le - ls);
			last_line = ls;
		}
		f->line_text = line_copy;
		f->line_length = le - ls;
		f->underline_end = b.line == a.line ? b.column :
		    columns(post->win.p + ls, le - ls) + 1;
		if (f->underline_end <= f->column)
			f->underline_end = f->column + 1;
		if (x->rule != NULL) {
			f->category = x->rule->info.category;
			f->message = x->message != NULL ?
			    pl_pool_strndup(&res->pool, x->message, strlen(x->message)) :
			    expand(&res->pool, x->rule->info.message, &mt,
			    s + x->start, x->end - x->start);
			if (x->sugg != NULL) {
				const char **sv = pl_pool_alloc(&res->pool,
				    (x->nsugg + 1) * sizeof(*sv));

				for (j = 0; j < x->nsugg; j++)
					sv[j] = pl_pool_strndup(&res->pool, x->sugg[j],
					    strlen(x->sugg[j]));
				f->nsuggestions = x->nsugg;
				f->suggestions = sv;
			} else {
				f->nsuggestions = x->rule->nsuggest;
				f->suggestions = (const char *const *)x->rule->suggest;
			}
		} else {
			f->category = "postlint";
			f->message = pl_pool_strndup(&res->pool, x->message,
			    strlen(x->message));
		}
		hit_free(x);
	}
	free(h.v);
	free(counts);
	free(toks.v);
}

void
pl_result_free(struct postlint_result *res)
{
	free(res->findings);
	pl_pool_free(&res->pool);
	memset(res, 0, sizeof(*res));
}

static const char *
keep(struct pl_pool *pool, const char *s)
{
	return s == NULL ? NULL : pl_pool_strndup(pool, s, strlen(s));
}

/* A deep copy: every string the result points at (source lines, messages,
 * suggestions, metadata) moves into the copy's own pool. */
struct postlint_result *
postlint_result_copy(const struct postlint_result *res)
{
	struct postlint_result *c = pl_calloc(1, sizeof(*c));
	size_t i, j;

	c->chk = res->chk;
	c->source = keep(&c->pool, res->source);
	c->line = res->line;
	c->score = res->score;
	c->threshold = res->threshold;
	c->passed = res->passed;
	c->reason = keep(&c->pool, res->reason);
	c->decider = keep(&c->pool, res->decider);
	memcpy(c->metrics, res->metrics, sizeof(c->metrics));
	c->nfindings = c->capf = res->nfindings;
	c->findings = pl_calloc(res->nfindings ? res->nfindings : 1,
	    sizeof(*c->findings));
	for (i = 0; i < res->nfindings; i++) {
		const struct postlint_finding *f = &res->findings[i];
		struct postlint_finding *g = &c->findings[i];
		const char **sv;

		*g = *f;
		g->rule = keep(&c->pool, f->rule);
		g->category = keep(&c->pool, f->category);
		g->message = keep(&c->pool, f->message);
		g->line_text = f->line_text ? pl_pool_strndup(&c->pool, f->line_text,
		    f->line_length) : NULL;
		sv = pl_pool_alloc(&c->pool, (f->nsuggestions + 1) * sizeof(*sv));
		for (j = 0; j < f->nsuggestions; j++)
			sv[j] = keep(&c->pool, f->suggestions[j]);
		g->suggestions = sv;
	}
	c->nmeta = res->nmeta;
	c->meta = pl_pool_alloc(&c->pool, (res->nmeta + 1) * sizeof(*c->meta));
	for (i = 0; i < res->nmeta; i++) {
		const struct postlint_meta *m = &res->meta[i];
		struct postlint_meta *n = &c->meta[i];
		const char **vv = pl_pool_alloc(&c->pool,
		    (m->nvalues + 1) * sizeof(*vv));

		*n = *m;
		n->key = keep(&c->pool, m->key);
		for (j = 0; j < m->nvalues; j++)
			vv[j] = keep(&c->pool, m->values[j]);
		n->values = vv;
	}
	return c;
}

void
postlint_result_free(struct postlint_result *res)
{
	if (res == NULL)
		return;
	pl_result_free(res);
	free(res);
}

const struct postlint_rule_info *
postlint_result_rule(const struct postlint_result *res, const char *id)
{
	return res->chk != NULL ? postlint_checker_find_rule(res->chk, id) : NULL;
}

const char *
postlint_result_source(const struct postlint_result *res)
{
	return res->source;
}

long
postlint_result_line(const struct postlint_result *res)
{
	return res->line;
}

int
postlint_result_score(const struct postlint_result *res)
{
	return res->score;
}

int
postlint_result_threshold(const struct postlint_result *res)
{
	return res->threshold;
}

int
postlint_result_passed(const struct postlint_result *res)
{
	return res->passed;
}

const char *
postlint_result_reason(const struct postlint_result *res)
{
	return res->reason != NULL ? res->reason : "";
}

const char *
postlint_result_decider(const struct postlint_result *res)
{
	return res->decider;
}

size_t
postlint_result_finding_count(const struct postlint_result *res)
{
	return res->nfindings;
}

const struct postlint_finding *
postlint_result_finding(const struct postlint_result *res, size_t i)
{
	return i < res->nfindings ? &res->findings[i] : NULL;
}

size_t
postlint_result_metric_count(const struct postlint_result *res)
{
	(void)res;
	return PL_M_COUNT;
}

const struct postlint_metric *
postlint_result_metric(const struct postlint_result *res, size_t i)
{
	return i < PL_M_COUNT ? &res->metrics[i] : NULL;
}

size_t
postlint_result_meta_count(const struct postlint_result *res)
{
	return res->nmeta;
}

const struct postlint_meta *
postlint_result_meta(const struct postlint_result *res, size_t i)
{
	return i < res->nmeta ? &res->meta[i] : NULL;
}
