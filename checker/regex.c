/* regex.c - the only file that touches PCRE2: rule patterns, graphemes, character classes. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/*
 * Limits for patterns from packs, which may be hostile.  The match limit
 * bounds the work of one pcre2_match() call; a catastrophic pattern such as
 * (a+)+$ on a long line stops with an error instead of running for hours.
 * Ordinary rules on a 1 MiB post stay far below these figures.
 */
#define MATCH_LIMIT 2000000
#define DEPTH_LIMIT 5000
#define HEAP_LIMIT_KIB 65536
#define JIT_STACK_MAX (1024 * 1024)

/*
 * The match limit bounds the backtracking of one attempt, not the time of
 * a scan: a pattern such as (?:.*z)? or [a-z]*(?:y|z) goes over the rest
 * of the line at every position without counting as backtracking, which
 * costs time in the square of the post's length.  PCRE2 has no measure of
 * that work, so a pack's patterns are compiled with a callout at their
 * start (see pl_regex_compile), which PCRE2 calls on each attempt, and a
 * rule gets RULE_BUDGET_NS of its thread's CPU time on a post.  The clock
 * is read only past CLOCK_AFTER attempts, every CLOCK_EVERY: a rule on an
 * ordinary post never reads it.  On 1 MiB of ordinary text the slowest
 * shipped rule takes a quarter of the budget.
 */
#define RULE_BUDGET_NS 1000000000L
#define CLOCK_AFTER 256
#define CLOCK_EVERY 64
#define BUDGET_SPENT (-1000)   /* the callout's code to stop a match */

/*
 * JIT compiling costs more than matching a short post does, so a pattern
 * is interpreted until it has been run JIT_AFTER times; the thread that
 * makes that call compiles a copy and publishes it, and later calls, from
 * any thread, use the copy.  One post from an editor never pays for JIT;
 * a corpus pays once per pattern.  The interpreted code is never changed
 * after it is compiled, so threads can share it while the copy is made.
 */
#define JIT_AFTER 8

#define MAX_ALTS 32

struct pl_regex {
	pcre2_code *code;
	_Atomic(pcre2_code *) jit;   /* NULL until JIT_AFTER calls */
	atomic_uint calls;
	int may_jit;
	struct pl_regex **alts;      /* see pl_regex_add_alt */
	const char **alt_src;        /* their sources, owned by the caller */
	size_t nalts;
};

/* Each branch's next match over one subject (see pl_regex_begin). */
struct alt_memo {
	const struct pl_regex *re;
	const char *s;
	size_t n, from;
	size_t ms[MAX_ALTS], me[MAX_ALTS];
	signed char st[MAX_ALTS];   /* 1 match, 0 none, -1 not looked */
	unsigned char off[MAX_ALTS];   /* not run: see pl_regex_skip_alt */
};

struct pl_match {
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	struct pl_regex *grapheme;
	struct alt_memo memo;
	struct pl_stemmer *stemmer;   /* NULL until pl_match_stemmer */
	/* the current rule's budget: see RULE_BUDGET_NS */
	unsigned long attempts;
	long long since;      /* the thread's CPU time at attempt CLOCK_AFTER */
	int spent;
};

/* POSTLINT_NO_JIT=1 keeps patterns interpreted, for memory checkers such
 * as Valgrind, which cannot tell what JIT-compiled code initialised. */
static int
use_jit(void)
{
	const char *v = getenv("POSTLINT_NO_JIT");

	return v == NULL || v[0] == '\0' || strcmp(v, "0") == 0;
}

/* PCRE2's options that may only open a pattern, as (*UTF) or
 * (*LIMIT_MATCH=100): they stay in front of the callout. */
static size_t
leading_options(const char *pat, size_t len)
{
	static const char *const names[] = {
		"UTF", "UCP", "NOTEMPTY", "NOTEMPTY_ATSTART", "NO_AUTO_POSSESS",
		"NO_DOTSTAR_ANCHOR", "NO_JIT", "NO_START_OPT", "CR", "LF", "CRLF",
		"ANYCRLF", "ANY", "NUL", "BSR_ANYCRLF", "BSR_UNICODE",
		"LIMIT_HEAP", "LIMIT_DEPTH", "LIMIT_MATCH", "LIMIT_RECURSION",
	};
	size_t at = 0;

	while (at + 2 < len && pat[at] == '(' && pat[at + 1] == '*') {
		size_t e = at + 2, k, nl;

		while (e < len && ((pat[e] >= 'A' && pat[e] <= 'Z') ||
		    pat[e] == '_'))
			e++;
		nl = e - (at + 2);
		for (k = 0; k < sizeof(names) / sizeof(*names); k++)
			if (strlen(names[k]) == nl &&
			    memcmp(names[k], pat + at + 2, nl) == 0)
				break;
		if (k == sizeof(names) / sizeof(*names))
			break;
		if (e < len && pat[e] == '=')
			while (++e < len && pat[e] >= '0' && pat[e] <= '9')
				;
		if (e >= len || pat[e] != ')')
			break;
		at = e + 1;
	}
	return at;
}

/* Whether PAT's parentheses, outside escapes, \Q...\E and classes,
 * never close a group that PAT did not open.  A # comment of extended
 * mode is not seen as one: a ")" in it only costs a second compile. */
static int
closes_no_more(const char *pat, size_t len)
{
	size_t i = 0;
	long depth = 0;

	while (i < len) {
		char c = pat[i++];

		if (c == '\\') {
			if (i < len && pat[i] == 'Q') {
				while (i + 1 < len && !(pat[i] == '\\' &&
				    pat[i + 1] == 'E'))
					i++;
				i += 2;
			} else
				i++;
		} else if (c == '[') {
			if (i < len && pat[i] == '^')
				i++;
			if (i < len && pat[i] == ']')
				i++;
			while (i < len && pat[i] != ']') {
				if (pat[i] == '\\')
					i++;
				else if (pat[i] == '[' && i + 1 < len &&
				    pat[i + 1] == ':') {
					const char *e = memchr(pat + i + 2, ']',
					    len - i - 2);

					if (e != NULL && e[-1] == ':')
						i = (size_t)(e - pat);
				}
				i++;
			}
			i++;
		} else if (c == '(')
			depth++;
		else if (c == ')' && --depth < 0)
			return 0;
	}
	return 1;
}

/*
 * PAT as (?C255)(?:PAT\E): the callout runs at every attempt (see
 * RULE_BUDGET_NS).  \E ends a \Q that runs to the end of PAT and is
 * otherwise ignored; when a # comment of extended mode runs to the end,
 * the group is closed on a line of its own, which that mode skips.
 * A pattern that may close more groups than it opens is compiled alone
 * first: wrapped, its ")" would close the wrapping group and could make a
 * pattern of what is none.  NULL with *EC and *OFF set when PAT is no
 * pattern; NULL with *EC 0 when it is one that cannot be wrapped.
 */
static pcre2_code *
compile_bounded(const char *pat, size_t len, uint32_t opts, int *ec,
    PCRE2_SIZE *off)
{
	static const char *const ends[] = { "\\E)", "\\E\n)" };
	struct pl_buf b = { 0 };
	size_t lead = leading_options(pat, len), i;
	pcre2_code *code = NULL;

	if (!closes_no_more(pat, len)) {
		if ((code = pcre2_compile((PCRE2_SPTR)pat, len, opts, ec, off,
		    NULL)) == NULL)
			return NULL;
		pcre2_code_free(code);
		code = NULL;
	}
	for (i = 0; code == NULL && i < 2; i++) {
		b.len = 0;
		pl_buf_add(&b, pat, lead);
		pl_buf_adds(&b, "(?C255)(?:");
		pl_buf_add(&b, pat + lead, len - lead);
		pl_buf_adds(&b, ends[i]);
		code = pcre2_compile((PCRE2_SPTR)b.p, b.len, opts, ec, off, NULL);
	}
	pl_buf_free(&b);
	if (code == NULL && (code = pcre2_compile((PCRE2_SPTR)pat, len, opts,
	    ec, off, NULL)) != NULL) {
		/* it compiles alone but not wrapped: it would run unbudgeted */
		pcre2_code_free(code);
		code = NULL;
		*ec = 0;
	}
	return code;
}

struct pl_regex *
pl_regex_compile(const char *pat, size_t len, unsigned flags,
    size_t *erroffset, char *errmsg, size_t errlen)
{
	uint32_t opts = PCRE2_UTF | PCRE2_UCP;
	struct pl_regex *re;
	pcre2_code *code;
	PCRE2_SIZE off;
	int ec;

	if (flags & PL_RE_CASELESS)
		opts |= PCRE2_CASELESS;
	code = flags & PL_RE_INTERNAL ?
	    pcre2_compile((PCRE2_SPTR)pat, len, opts, &ec, &off, NULL) :
	    compile_bounded(pat, len, opts, &ec, &off);
	if (code == NULL && ec == 0) {
		snprintf(errmsg, errlen, "a pattern that cannot be held to the "
		    "time budget");
		*erroffset = 0;
		return NULL;
	}
	if (code == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(errmsg, errlen, "%s", (const char *)msg);
		*erroffset = off;
		return NULL;
	}
	re = pl_calloc(1, sizeof(*re));
	re->code = code;
	atomic_init(&re->jit, NULL);
	atomic_init(&re->calls, 0);
	re->may_jit = use_jit();
	return re;
}

/* The code to run RE with: its JIT copy once there is one (see
 * JIT_AFTER).  JIT is an optimisation: where it is unavailable, the
 * interpreter gives the same results under the same limits. */
static const pcre2_code *
code_for(const struct pl_regex *cre)
{
	struct pl_regex *re = (struct pl_regex *)cre;
	pcre2_code *jit = atomic_load_explicit(&re->jit, memory_order_acquire);

	if (jit != NULL || !re->may_jit)
		return jit != NULL ? jit : re->code;
	if (atomic_fetch_add_explicit(&re->calls, 1, memory_order_relaxed) + 1 ==
	    JIT_AFTER) {
		jit = pcre2_code_copy(re->code);
		if (jit == NULL)
			pl_nomem();
		if (pcre2_jit_compile(jit, PCRE2_JIT_COMPLETE) == 0) {
			atomic_store_explicit(&re->jit, jit, memory_order_release);
			return jit;
		}
		pcre2_code_free(jit);
	}
	return re->code;
}

static void
drop_alts(struct pl_regex *re)
{
	size_t i;

	for (i = 0; i < re->nalts; i++)
		pl_regex_free(re->alts[i]);
	free(re->alts);
	free(re->alt_src);
	re->alts = NULL;
	re->alt_src = NULL;
	re->nalts = 0;
}

/* Whether branch PAT means the same alone as inside the whole: nothing
 * that counts groups across branches, depends on where the search
 * started, or reports a start other than where the match began. */
static int
stands_alone(const char *pat, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		char c = pat[i + 1];

		if (pat[i] == '\\') {
			if ((c >= '0' && c <= '9') || strchr("gkKG", c) != NULL)
				return 0;
			i++;
		} else if (pat[i] == '(' && (c == '*' || (c == '?' &&
		    i + 2 < len && strchr("P&R+-0123456789|(", pat[i + 2]) != NULL &&
		    !(pat[i + 2] == '-' && i + 3 < len && pat[i + 3] >= 'a' &&
		    pat[i + 3] <= 'z'))))
			return 0;
	}
	return 1;
}

int
pl_regex_add_alt(struct pl_regex *re, const char *pat, size_t len,
    unsigned flags)
{
	struct pl_regex *a;
	char msg[64];
	size_t off;

	if (re->nalts >= MAX_ALTS || !stands_alone(pat, len) ||
	    (a = pl_regex_compile(pat, len, flags, &off, msg, sizeof(msg))) ==
	    NULL) {
		drop_alts(re);
		return 0;
	}
	re->alts = pl_realloc(re->alts, (re->nalts + 1) * sizeof(*re->alts));
	re->alt_src = pl_realloc(re->alt_src, (re->nalts + 1) *
	    sizeof(*re->alt_src));
	re->alts[re->nalts] = a;
	re->alt_src[re->nalts++] = pat;
	return 1;
}

size_t
pl_regex_nalts(const struct pl_regex *re)
{
	return re->nalts;
}

const char *
pl_regex_alt_src(const struct pl_regex *re, size_t i)
{
	return re->alt_src[i];
}

void
pl_regex_free(struct pl_regex *re)
{
	if (re == NULL)
		return;
	drop_alts(re);
	pcre2_code_free(re->code);
	pcre2_code_free(atomic_load_explicit(&re->jit, memory_order_relaxed));
	free(re);
}

static long long
thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* PCRE2 calls this at each attempt of a pack's pattern (and at any
 * callout the pattern holds): see RULE_BUDGET_NS. */
static int
on_attempt(pcre2_callout_block *cb, void *data)
{
	struct pl_match *m = data;
	unsigned long a = ++m->attempts;

	(void)cb;
	if (a == CLOCK_AFTER)
		m->since = thread_cpu_ns();
	if (a <= CLOCK_AFTER || a % CLOCK_EVERY != 0)
		return 0;
	if (thread_cpu_ns() - m->since <= RULE_BUDGET_NS)
		return 0;
	m->spent = 1;
	return BUDGET_SPENT;
}

void
pl_regex_budget(struct pl_match *m)
{
	m->attempts = 0;
	m->spent = 0;
}

int
pl_regex_budget_spent(const struct pl_match *m)
{
	return m->spent;
}

struct pl_match *
pl_match_new(void)
{
	struct pl_match *m = pl_calloc(1, sizeof(*m));
	char msg[256];
	size_t off;

	m->md = pcre2_match_data_create(1, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	m->jit = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	if (m->md == NULL || m->mctx == NULL || m->jit == NULL) {
		pl_nomem();
	}
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(m->mctx, HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
	pcre2_set_callout(m->mctx, on_attempt, m);
	m->grapheme = pl_regex_compile("\\X", 2, PL_RE_INTERNAL, &off, msg,
	    sizeof(msg));
	if (m->grapheme == NULL)   /* only on an allocation failure */
		pl_nomem();
	return m;
}

void
pl_match_free(struct pl_match *m)
{
	if (m == NULL)
		return;
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	pcre2_jit_stack_free(m->jit);
	pl_regex_free(m->grapheme);
	pl_stemmer_free(m->stemmer);
	free(m);
}

struct pl_stemmer *
pl_match_stemmer(struct pl_match *m)
{
	if (m->stemmer == NULL)
		m->stemmer = pl_stemmer_new();
	return m->stemmer;
}

void
pl_regex_begin(struct pl_match *m, const struct pl_regex *re)
{
	m->memo.re = re;
	m->memo.s = NULL;
	memset(m->memo.off, 0, sizeof(m->memo.off));
}

void
pl_regex_skip_alt(struct pl_match *m, size_t i)
{
	if (i < MAX_ALTS)
		m->memo.off[i] = 1;
}

void
pl_regex_end(struct pl_match *m)
{
	m->memo.re = NULL;
}

static int match_one(const struct pl_regex *re, struct pl_match *m,
    const char *s, size_t n, size_t start, size_t *ms, size_t *me);

/* The leftmost match of any branch; the first branch on a tie. */
static int
match_alts(const struct pl_regex *re, struct pl_match *m, const char *s,
    size_t n, size_t start, size_t *ms, size_t *me)
{
	struct alt_memo *mo = &m->memo;
	int memo = mo->re == re, found = 0;
	size_t i;

	/* what was found from an earlier start on this subject holds: a
	 * branch's match at a position does not depend on the start */
	if (memo && (mo->s != s || mo->n != n || start < mo->from)) {
		mo->s = s;
		mo->n = n;
		memset(mo->st, -1, sizeof(mo->st));
	}
	if (memo)
		mo->from = start;
	for (i = 0; i < re->nalts; i++) {
		size_t as = 0, ae = 0;
		int rc;

		if (memo && (mo->st[i] == 0 || mo->off[i]))
			continue;
		if (memo && mo->st[i] == 1 && mo->ms[i] >= start) {
			as = mo->ms[i];
			ae = mo->me[i];
		} else {
			rc = match_one(re->alts[i], m, s, n, start, &as, &ae);
			if (rc < 0)
				return -1;
			if (memo) {
				mo->st[i] = (signed char)rc;
				mo->ms[i] = as;
				mo->me[i] = ae;
			}
			if (rc == 0)
				continue;
		}
		if (!found || as < *ms) {
			*ms = as;
			*me = ae;
			found = 1;
		}
	}
	return found;
}

int
pl_regex_next(const struct pl_regex *re, struct pl_match *m, const char *s,
    size_t n, size_t start, size_t *ms, size_t *me)
{
	if (re->nalts > 0)
		return match_alts(re, m, s, n, start, ms, me);
	return match_one(re, m, s, n, start, ms, me);
}

static int
match_one(const struct pl_regex *re, struct pl_match *m, const char *s,
    size_t n, size_t start, size_t *ms, size_t *me)
{
	PCRE2_SIZE *ov;
	int rc;

	/* The subject was validated when it was read. */
	if (m->spent)
		return -1;
	rc = pcre2_match(code_for(re), (PCRE2_SPTR)s, n, start,
	    PCRE2_NO_UTF_CHECK, m->md, m->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;   /* match, depth, heap or JIT stack limit */
	ov = pcre2_get_ovector_pointer(m->md);
	*ms = ov[0];
	*me = ov[1];
	if (*me < *ms)   /* \K in a lookbehind can do this */
		*me = *ms;
	return 1;
}

void
pl_regex_quote(struct pl_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strchr("\\^$.|?*+()[]{}#-/", s[i]) != NULL && s[i] != '\0')
			pl_buf_addc(b, '\\');
		pl_buf_addc(b, s[i]);
	}
}

size_t
pl_grapheme_len(struct pl_match *m, const char *s, size_t n)
{
	PCRE2_SIZE *ov;

	if (n == 0)
		return 0;
	/* ASCII before ASCII is a grapheme of its own, but for CR LF */
	if ((unsigned char)s[0] < 0x80 && (n == 1 || (unsigned char)s[1] < 0x80))
		return s[0] == '\r' && n > 1 && s[1] == '\n' ? 2 : 1;
	if (pcre2_match(code_for(m->grapheme), (PCRE2_SPTR)s, n, 0,
	    PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK, m->md, m->mctx) > 0) {
		ov = pcre2_get_ovector_pointer(m->md);
		if (ov[1] > 0)
			return ov[1];
	}
	return 1;
}

/*
 * Character classes: PCRE2 knows the Unicode properties, so each code point
 * is asked about once and the answer kept.  Entries are written with
 * relaxed atomics: every thread computes the same byte, so a race only
 * costs a repeated lookup.
 */
enum { UC_L, UC_LU, UC_LL, UC_M, UC_N, UC_S, UC_P, UC_NPAT };
static const char *const uc_patterns[UC_NPAT] = {
	"\\p{L}", "\\p{Lu}", "\\p{Ll}", "\\p{M}", "\\p{N}", "\\s",
	"\\p{Extended_Pictographic}"
};
static const unsigned uc_bits[UC_NPAT] = {
	PL_UC_LETTER, PL_UC_UPPER, PL_UC_LOWER, PL_UC_MARK, PL_UC_DIGIT,
	PL_UC_SPACE, PL_UC_PICTO
};

struct pl_uclass {
	pcre2_code *pat[UC_NPAT];
	_Atomic unsigned char *cache;   /* 0x110000 entries, 0 = not known */
};

struct pl_uclass *
pl_uclass_new(void)
{
	struct pl_uclass *uc = pl_calloc(1, sizeof(*uc));
	PCRE2_SIZE off;
	int i, ec;

	for (i = 0; i < UC_NPAT; i++) {
		uc->pat[i] = pcre2_compile((PCRE2_SPTR)uc_patterns[i],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED,
		    &ec, &off, NULL);
		if (uc->pat[i] == NULL)   /* only on an allocation failure */
			pl_nomem();
	}
	/* calloc maps zero pages, so only pages of code points seen cost RSS. */
	uc->cache = pl_calloc(0x110000, sizeof(*uc->cache));
	return uc;
}

void
pl_uclass_free(struct pl_uclass *uc)
{
	int i;

	if (uc == NULL)
		return;
	for (i = 0; i < UC_NPAT; i++)
		pcre2_code_free(uc->pat[i]);
	free((void *)uc->cache);
	free(uc);
}

unsigned
pl_uclass_get(struct pl_uclass *uc, uint32_t cp)
{
	pcre2_match_data *md;
	unsigned v;
	char buf[4];
	size_t n;
	int i;

	if (cp >= 0x110000)
		return PL_UC_KNOWN;
	v = atomic_load_explicit(&uc->cache[cp], memory_order_relaxed);
	if (v != 0)
		return v;
	n = pl_utf8_encode(cp, buf);
	md = pcre2_match_data_create(1, NULL);
	if (md == NULL)
		pl_nomem();
	v = PL_UC_KNOWN;
	for (i = 0; i < UC_NPAT; i++)
		if (pcre2_match(uc->pat[i], (PCRE2_SPTR)buf, n, 0, 0, md,
		    NULL) > 0)
			v |= uc_bits[i];
	pcre2_match_data_free(md);
	atomic_store_explicit(&uc->cache[cp], (unsigned char)v,
	    memory_order_relaxed);
	return v;
}
