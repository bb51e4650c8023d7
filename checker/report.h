/* report.h - what the reporters share: the reporter object and one table of operations per format. */
#ifndef POSTLINT_REPORT_H
#define POSTLINT_REPORT_H

#include "internal.h"

struct postlint_reporter;

struct pl_report_ops {
	void (*post)(struct postlint_reporter *, const struct postlint_result *);
	void (*error)(struct postlint_reporter *, const struct postlint_error *);
	void (*finish)(struct postlint_reporter *);
	void (*destroy)(struct postlint_reporter *);   /* frees priv */
};

struct postlint_reporter {
	int format;
	FILE *out;
	unsigned flags;
	const struct pl_report_ops *ops;
	size_t nposts;
	/* json: errors are listed after the posts, so they wait here */
	char **errors;
	size_t nerrors, caperr, dropped;
	void *priv;   /* the format's own state */
	struct pl_buf scratch;   /* a post's text, reused from post to post */
	/* a memory reporter's stream (out) and what it holds */
	FILE *mem;
	char *membuf;
	size_t memsize;
};

extern const struct pl_report_ops pl_report_text, pl_report_gcc,
    pl_report_json, pl_report_jsonl, pl_report_sarif, pl_report_checkstyle,
    pl_report_junit, pl_report_github;

/* "fails: score N/100 (threshold T)": what the CI formats say of a failing
 * post, as the rule postlint.verdict. */
void pl_report_verdict(struct pl_buf *b, const struct postlint_result *res);

void pl_report_safe(FILE *out, const char *s, size_t n);
void pl_report_where(FILE *out, const char *source, long line, long col);

#endif
