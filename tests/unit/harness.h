/* harness.h - a tiny test harness: each check prints what it got and what it expected when it fails. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postlint.h"

static int h_pass, h_fail;

#define CHECK(cond, ...) do { \
	if (cond) \
		h_pass++; \
	else { \
		h_fail++; \
		fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	CHECK(g_ == w_, "%s: got %lld, expected %lld", #got, g_, w_); \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	CHECK(g_ != NULL && strcmp(g_, w_) == 0, "%s: got \"%s\", expected \"%s\"", \
	    #got, g_ ? g_ : "(null)", w_); \
} while (0)

#define CHECK_HAS(hay, needle) do { \
	const char *g_ = (hay), *w_ = (needle); \
	CHECK(g_ != NULL && strstr(g_, w_) != NULL, "%s: \"%s\" does not contain \"%s\"", \
	    #hay, g_ ? g_ : "(null)", w_); \
} while (0)

static inline int
harness_end(void)
{
	printf("%d passed, %d failed\n", h_pass, h_fail);
	return h_fail ? 1 : 0;
}

static inline const char *
datadir(void)
{
	const char *d = getenv("POSTLINT_DATADIR");

	return d && *d ? d : ".";
}

/* A checker with the shipped packs plus EXTRA (may be NULL), with the
 * packs named in DISABLE turned off. */
static inline struct postlint_checker *
test_checker(const char *extra, const char *disable, struct postlint_error *err)
{
	struct postlint_config *cfg = postlint_config_new(datadir());
	struct postlint_checker *chk;
	char path[2048];

	if (extra != NULL) {
		snprintf(path, sizeof(path), "%s/tests/cli/packs/%s", datadir(), extra);
		if (postlint_config_set(cfg, "rules", path, "test", err) != 0)
			return NULL;
	}
	if (disable != NULL && postlint_config_set(cfg, "disable", disable, "test", err) != 0)
		return NULL;
	chk = postlint_checker_new(cfg, err);
	postlint_config_free(cfg);
	return chk;
}

/* Collects copies of what a check produced. */
#define MAXF 32
struct got {
	int nposts;
	int score[8];
	int passed[8];
	long post_line[8];
	int nf;
	struct postlint_finding f[MAXF];
	char rule[MAXF][64];
	char msg[MAXF][256];
	int nerrors;
	struct postlint_error err;
};

static inline int
collect(const struct postlint_result *res, void *data)
{
	struct got *g = data;
	size_t i;

	if (g->nposts < 8) {
		g->score[g->nposts] = postlint_result_score(res);
		g->passed[g->nposts] = postlint_result_passed(res);
		g->post_line[g->nposts] = postlint_result_line(res);
	}
	g->nposts++;
	for (i = 0; i < postlint_result_finding_count(res) && g->nf < MAXF; i++) {
		const struct postlint_finding *f = postlint_result_finding(res, i);

		g->f[g->nf] = *f;
		snprintf(g->rule[g->nf], sizeof(g->rule[0]), "%s", f->rule);
		snprintf(g->msg[g->nf], sizeof(g->msg[0]), "%s", f->message);
		g->f[g->nf].rule = g->rule[g->nf];
		g->f[g->nf].message = g->msg[g->nf];
		g->f[g->nf].line_text = NULL;
		g->nf++;
	}
	return 0;
}

static inline void
collect_error(const struct postlint_error *err, void *data)
{
	struct got *g = data;

	if (g->nerrors++ == 0)
		g->err = *err;
}

static inline int
check_text(const struct postlint_checker *chk, int format, const char *s,
    size_t n, struct got *g)
{
	struct postlint_input in = { .name = "test", .format = format };

	memset(g, 0, sizeof(*g));
	return postlint_check_buffer(chk, &in, s, n, collect, collect_error, g);
}

#endif
