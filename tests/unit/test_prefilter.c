/* test_prefilter.c - the fast paths against the slow ones: literals and the prefilter against PCRE2, numbers against printf. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <pcre2.h>

#include "harness.h"
#include "internal.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* The literals of PAT, sorted and joined with '|'; "-" for none. */
static const char *
lits_of(const char *pat)
{
	static char out[4096];
	struct pl_lits l;
	size_t i, j;

	if (!pl_pattern_literals(pat, strlen(pat), &l))
		return "-";
	for (i = 1; i < l.n; i++)   /* insertion sort: the sets are small */
		for (j = i; j > 0 && strcmp(l.v[j - 1], l.v[j]) > 0; j--) {
			char *t = l.v[j];

			l.v[j] = l.v[j - 1];
			l.v[j - 1] = t;
		}
	out[0] = '\0';
	for (i = 0; i < l.n; i++) {
		if (i > 0)
			strcat(out, "|");
		strncat(out, l.v[i], sizeof(out) - strlen(out) - 2);
	}
	pl_lits_free(&l);
	return out;
}

/* A prefilter over one rule with PAT's literals: whether it lets the
 * rule run on S (it can tell nothing, or a literal is there). */
static int
lets_run(const char *pat, const char *s, size_t n)
{
	struct pl_rule rule;
	struct pl_rules rs;
	struct pl_prefilter *pf;
	unsigned char may = 0;
	int run;

	memset(&rule, 0, sizeof(rule));
	memset(&rs, 0, sizeof(rs));
	rule.src = pat;
	rs.v = &rule;
	rs.n = 1;
	pf = pl_prefilter_new(&rs);
	run = pl_prefilter_scan(pf, s, n, &may) || may ||
	    !pl_prefilter_skips(pf, 0);
	pl_prefilter_free(pf);
	return run;
}

/* A rule whose pattern is two <alt> branches: which branches the
 * prefilter leaves out on S, as a bit a branch, and what the pattern then
 * finds ("start-end", or "-"). */
static const char *
alts_on(const char *s, unsigned *skipped)
{
	static char out[32];
	static const char *const alt[] = { "tag\\s+a\\s+friend", "\\bfree\\s+(?:gift|cash)" };
	const char *whole = "(?:(?:tag\\s+a\\s+friend)|(?:\\bfree\\s+(?:gift|cash)))";
	struct pl_rule rule;
	struct pl_rules rs;
	struct pl_prefilter *pf;
	struct pl_match *m = pl_match_new();
	unsigned char may[3] = { 0 };
	size_t off, ms = 0, me = 0, i, n = strlen(s);
	char msg[64];
	int unsure, rc;

	memset(&rule, 0, sizeof(rule));
	memset(&rs, 0, sizeof(rs));
	rule.src = whole;
	rule.re = pl_regex_compile(whole, strlen(whole), PL_RE_CASELESS, &off, msg,
	    sizeof(msg));
	for (i = 0; i < 2; i++)
		pl_regex_add_alt(rule.re, alt[i], strlen(alt[i]), PL_RE_CASELESS);
	rs.v = &rule;
	rs.n = 1;
	pf = pl_prefilter_new(&rs);
	*skipped = 0;
	unsure = pl_prefilter_size(pf) != 3 || pl_prefilter_scan(pf, s, n, may);
	pl_regex_begin(m, rule.re);
	for (i = 0; i < 2 && !unsure; i++)
		if (pl_prefilter_skips_alt(pf, 0, i, may)) {
			*skipped |= 1u << i;
			pl_regex_skip_alt(m, i);
		}
	rc = pl_regex_next(rule.re, m, s, n, 0, &ms, &me);
	pl_regex_end(m);
	if (rc == 1)
		snprintf(out, sizeof(out), "%zu-%zu", ms, me);
	else
		snprintf(out, sizeof(out), "%s", unsure ? "unsure" : "-");
	pl_prefilter_free(pf);
	pl_regex_free(rule.re);
	pl_match_free(m);
	return out;
}

static pcre2_code *
compile(const char *pat, int caseless)
{
	int ec;
	PCRE2_SIZE off;

	return pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | (caseless ? PCRE2_CASELESS : 0), &ec, &off,
	    NULL);
}

static int
matches(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
}

static size_t
utf8(unsigned long cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	b[0] = (char)(0xF0 | cp >> 18);
	b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	b[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* A random pattern over a small alphabet, with the constructs the
 * literal reader knows and some it refuses. */
static void
gen(char *p, size_t cap, int depth)
{
	static const char *const atoms[] = {
		"a", "b", "A", "B", " ", "ab", "ba", "é", "ſ", "K", "\\s", "\\d",
		"\\b", ".", "[ab]", "[^a]", "[a-c]", "\\w", "1", "\\.", "\\x{e9}",
		"\\x{17f}", "(?i)", "(?-i:b)", "(?=a)", "(?<!b)", "^", "$", "'",
		"['\\x{2019}]", "\\t", "\\p{L}", "(?:)", "\\K",
	};
	static const char *const quants[] = {
		"", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,}", "??", "+?",
	};
	int n = 1 + (int)rnd(4), i;

	for (i = 0; i < n && strlen(p) + 40 < cap; i++) {
		if (depth < 3 && rnd(4) == 0) {
			strcat(p, rnd(2) ? "(" : "(?:");
			gen(p, cap, depth + 1);
			while (rnd(2) == 0 && strlen(p) + 40 < cap) {
				strcat(p, "|");
				gen(p, cap, depth + 1);
			}
			strcat(p, ")");
		} else
			strcat(p, atoms[rnd(sizeof(atoms) / sizeof(*atoms))]);
		strcat(p, quants[rnd(sizeof(quants) / sizeof(*quants))]);
	}
}

static void
gen_subject(char *s, size_t *n)
{
	static const char *const parts[] = {
		"a", "b", "A", "B", " ", "  ", "\t", "é", "É", "ſ", "K", "k", "1",
		"٣", ".", "'", "\xe2\x80\x99", "\xc2\xa0", "\xe3\x80\x80", "x", "\n",
	};
	int k = (int)rnd(12), i;

	*n = 0;
	for (i = 0; i < k; i++) {
		const char *q = parts[rnd(sizeof(parts) / sizeof(*parts))];

		memcpy(s + *n, q, strlen(q));
		*n += strlen(q);
	}
}

int
main(void)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);

	/* literals read from patterns like the packs' */
	CHECK_STR(lits_of("\\bfree\\b"), "free");
	CHECK_STR(lits_of("check (?:it )?out"), "check it out|check out");
	CHECK_STR(lits_of("follow\\s+me"), "follow me");
	CHECK_STR(lits_of("(?:follow|sub)\\w*"), "follow|sub");
	CHECK_STR(lits_of("\\d+ THINGS"), " things");
	CHECK_STR(lits_of("x{2,}"), "x");
	CHECK_STR(lits_of("hurry\\s*!"), "hurry !|hurry!");
	CHECK_STR(lits_of("caf\xc3\xa9"), "caf\x80");
	CHECK_STR(lits_of("don['\\x{2019}]t"), "don't|don\x80t");
	CHECK_STR(lits_of("(?-i:com|net)\\b"), "com|net");
	CHECK_STR(lits_of("(?<![\\p{L}_])#tag(?![\\p{L}])"), "#tag");
	CHECK_STR(lits_of("[Tt]ag\\s+a\\s+friend"), "tag a friend");
	CHECK_STR(lits_of("\\p{Extended_Pictographic}{3}"), "\x80");
	CHECK_STR(lits_of("\\P{Extended_Pictographic}"), "-");
	/* what it does not read gives none, and the rule always runs */
	CHECK_STR(lits_of(".*"), "-");
	CHECK_STR(lits_of("free|"), "-");
	CHECK_STR(lits_of("(a)\\1"), "-");
	CHECK_STR(lits_of("[^x]y?"), "-");
	CHECK_STR(lits_of("(?x) a b"), "-");
	CHECK_STR(lits_of("\\Qa.b\\E"), "-");
	CHECK_STR(lits_of("\\x{17F}"), "-");
	CHECK_STR(lits_of("a{,3}"), "-");
	CHECK_STR(lits_of("(?(1)a|b)"), "-");
	CHECK_STR(lits_of("(*UTF)abc"), "-");
	CHECK_STR(lits_of("(abc"), "-");
	CHECK_STR(lits_of("[abc"), "-");

	/* the scan: folded case, spaces, other characters */
	CHECK_INT(lets_run("tag a friend", "Tag   A\tfriend!", 16), 1);
	CHECK_INT(lets_run("tag a friend", "tag afriend", 11), 0);
	CHECK_INT(lets_run("caf\xc3\xa9", "CAF\xc3\x89 ok", 9), 1);
	CHECK_INT(lets_run("caf\xc3\xa9", "cafe ok", 7), 0);
	CHECK_INT(lets_run("spam", "\xc5\xbfpam", 5), 1);   /* long s */
	CHECK_INT(lets_run("(a)\\1", "zzz", 3), 1);

	/* each <alt> branch is a target of its own: a post runs only the
	 * branches whose literals it holds, and finds what the whole does */
	{
		unsigned sk;

		CHECK_STR(alts_on("a FREE  gift today", &sk), "2-12");
		CHECK_INT(sk, 1);
		CHECK_STR(alts_on("Tag a friend, free cash", &sk), "0-12");
		CHECK_INT(sk, 0);
		CHECK_STR(alts_on("nothing here", &sk), "-");
		CHECK_INT(sk, 3);
	}

	/* every code point that \s, \d, \p{Extended_Pictographic} or a
	 * caseless ASCII letter matches is folded as the literals assume, or
	 * makes the scan unsure */
	{
		static const char *const pats[] = {
			"x\\sy", "x\\dy", "x[a-z]y", "x[A-Z]y", "x\\s+y", "x y",
			"x\\p{Extended_Pictographic}y", "x[\\p{Extended_Pictographic}]y",
		};
		pcre2_code *re[8];
		unsigned long cp;
		size_t i, bad = 0, seen = 0;

		for (i = 0; i < 8; i++)
			re[i] = compile(pats[i], 1);
		for (cp = 0; cp <= 0x10FFFF; cp++) {
			char s[8];
			size_t n;

			if (cp >= 0xD800 && cp <= 0xDFFF)
				continue;
			s[0] = 'x';
			n = 1 + utf8(cp, s + 1);
			s[n++] = 'y';
			for (i = 0; i < 8; i++)
				if (matches(re[i], s, n, md)) {
					seen++;
					if (!lets_run(pats[i], s, n)) {
						if (bad++ < 5)
							CHECK(0, "U+%04lX: %s matches, the "
							    "prefilter says no", cp, pats[i]);
					}
				}
		}
		CHECK_INT(bad, 0);
		CHECK(seen > 7000, "only %zu matches: the loop tested little", seen);
		for (i = 0; i < 8; i++)
			pcre2_code_free(re[i]);
	}

	/* random patterns and subjects: whenever PCRE2 matches, the
	 * prefilter lets the rule run */
	{
		size_t t, ran = 0, skipped = 0, bad = 0, tried = 0;

		for (t = 0; t < 40000; t++) {
			char pat[512] = "", s[128];
			size_t n;
			int caseless = (int)rnd(2), k;
			pcre2_code *re;

			gen(pat, sizeof(pat), 0);
			if ((re = compile(pat, caseless)) == NULL)
				continue;
			tried++;
			for (k = 0; k < 8; k++) {
				gen_subject(s, &n);
				if (!lets_run(pat, s, n)) {
					skipped++;
					if (matches(re, s, n, md) && bad++ < 5)
						CHECK(0, "pattern \"%s\" matches \"%.*s\" but "
						    "the prefilter skips it", pat, (int)n, s);
				} else
					ran++;
			}
			pcre2_code_free(re);
		}
		CHECK_INT(bad, 0);
		CHECK(tried > 15000 && skipped > 10000 && ran > 10000,
		    "tried %zu patterns, skipped %zu, ran %zu: too few to tell",
		    tried, skipped, ran);
	}

	/* numbers: the same bytes as printf */
	{
		static const double fixed[] = {
			0, 0.5, 1.5, 2.5, 0.00005, 0.00015, 1.23455, 0.12345,
			0.99995, 9.99995, 99999999.99995, 1e8, 1e9, 123.4, -0.0,
			-1.5, 1e300, 2.675, 1.0000499999, 0.0000500001,
		};
		struct pl_buf b = { 0 };
		char want[512];
		size_t i, bad = 0;
		int d;

		for (i = 0; i < sizeof(fixed) / sizeof(*fixed) + 300000; i++) {
			double v;

			if (i < sizeof(fixed) / sizeof(*fixed))
				v = fixed[i];
			else if (i % 3 == 0)   /* near halfway points */
				v = (double)rnd(2000000) / 10000 + 0.00005;
			else if (i % 3 == 1)
				v = (double)rnd(1000000000) / (1 + rnd(100000));
			else
				v = (double)rnd(100000);
			for (d = 0; d <= 4; d++) {
				b.len = 0;
				pl_buf_fixed(&b, v, d);
				snprintf(want, sizeof(want), "%.*f", d, v);
				if ((b.len != strlen(want) || memcmp(b.p, want, b.len)) &&
				    bad++ < 5)
					CHECK(0, "%.17g with %d decimals: got %.*s, "
					    "printf %s", v, d, (int)b.len, b.p, want);
			}
		}
		CHECK_INT(bad, 0);
		CHECK_INT(isnan(NAN), 1);
		b.len = 0;
		pl_buf_fixed(&b, NAN, 4);
		snprintf(want, sizeof(want), "%.4f", NAN);
		CHECK(b.len == strlen(want) && memcmp(b.p, want, b.len) == 0,
		    "NaN: %.*s", (int)b.len, b.p);
		b.len = 0;
		pl_buf_int(&b, -9223372036854775807LL - 1);
		pl_buf_addc(&b, ' ');
		pl_buf_int(&b, 0);
		pl_buf_addc(&b, ' ');
		pl_buf_int(&b, 1234567);
		CHECK_STR(b.p, "-9223372036854775808 0 1234567");
		pl_buf_free(&b);
	}
	pcre2_match_data_free(md);
	return harness_end();
}
