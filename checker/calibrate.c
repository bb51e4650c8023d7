/* calibrate.c - postlint calibrate: fits the rule weights to labeled posts, and says how well they judge posts they were not fitted on. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli.h"
#include "postlint.h"

/*
 * The model is the score itself: a post fails when the weights of the
 * rules that fired add up to more than 100 - threshold.  Calibration
 * fits those weights by logistic regression on that sum,
 *
 *     P(bad) = 1 / (1 + exp(-(sum of w[r] over fired rules - M) / TAU)),
 *
 * with M = 100 - threshold, each w[r] kept within 0-100, and a penalty
 * that pulls each weight toward the one the pack gives it, as strong as
 * PRIOR posts that agree with the pack: a rule the data says little
 * about keeps its written weight instead of falling to 0, and one that
 * fires on hundreds of posts goes where they put it.  Posts that a finding at the fail
 * level fails are decided whatever the weights, and are left out of the
 * fit (they still count in the figures).  With --cost N, a good post
 * weighs N times a bad one: failing a good post costs more than passing
 * a bad one, since a gate that blocks good posts is turned off.  SpamAssassin's perceptron
 * rescoring is the model for this: weights fitted to a corpus, with the
 * rules written by hand.
 */
#define TAU 8.0
#define PRIOR 5.0
#define STEPS 300
#define MAX_STEP 10.0

struct sample {
	int bad;
	double weight;        /* how many posts it counts as */
	int example;          /* a pack's example: always fitted on, never judged */
	int decided;          /* failed by a finding at the fail level */
	int *fired;           /* rule indices, each once */
	int *hits;            /* the findings of each */
	size_t nfired;
};

struct data {
	const struct postlint_checker *chk;
	struct sample *v;
	size_t n, cap;
	const char *file;     /* being read */
	long line;
	int label;            /* of the post being checked (TSV, JSONL) */
	double weight;        /* of the posts being read */
	double cost;          /* what a good post failed costs, in bad posts passed */
	int example;
	int failed;           /* a bad label or input */
};

static int
parse_label(const char *s, size_t n)
{
	static const char *const bad[] = { "bad", "spam", "clickbait", "1",
		"true", "fail" };
	static const char *const good[] = { "good", "ham", "news", "quality",
		"0", "false", "pass", "legitimate", "notclickbait" };
	size_t i;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (strlen(bad[i]) == n && strncasecmp(s, bad[i], n) == 0)
			return 1;
	for (i = 0; i < sizeof(good) / sizeof(*good); i++)
		if (strlen(good[i]) == n && strncasecmp(s, good[i], n) == 0)
			return 0;
	return -1;
}

static int
on_result(const struct postlint_result *res, void *arg)
{
	struct data *d = arg;
	struct sample *s;
	size_t i, j, nf = postlint_result_finding_count(res);
	int label = d->label;

	if (label < 0) {   /* CSV: the label column */
		for (i = 0; i < postlint_result_meta_count(res); i++) {
			const struct postlint_meta *m = postlint_result_meta(res, i);

			if (strcasecmp(m->key, "label") == 0 && m->nvalues > 0)
				label = parse_label(m->values[0], strlen(m->values[0]));
		}
		if (label < 0) {
			cli_warn("%s:%ld: no label, or a label that "
			    "is neither bad (bad, spam, clickbait) nor good (good, "
			    "ham, news)", d->file, postlint_result_line(res));
			d->failed = 1;
			return 0;
		}
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 1024;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	s = &d->v[d->n++];
	s->bad = label;
	s->weight = d->weight * (label ? 1.0 : d->cost);
	s->example = d->example;
	s->decided = postlint_result_decider(res) != NULL;
	s->fired = xmalloc((nf ? nf : 1) * sizeof(*s->fired));
	s->hits = xmalloc((nf ? nf : 1) * sizeof(*s->hits));
	s->nfired = 0;
	for (i = 0; i < nf; i++) {
		const char *id = postlint_result_finding(res, i)->rule;
		size_t r;

		for (r = 0; r < postlint_checker_rule_count(d->chk); r++)
			if (strcmp(postlint_checker_rule(d->chk, r)->id, id) == 0)
				break;
		if (r == postlint_checker_rule_count(d->chk))
			continue;   /* postlint.* findings weigh nothing */
		for (j = 0; j < s->nfired; j++)
			if (s->fired[j] == (int)r)
				break;
		if (j == s->nfired) {
			s->fired[s->nfired] = (int)r;
			s->hits[s->nfired++] = 0;
		}
		s->hits[j]++;
	}
	return 0;
}

static void
on_error(const struct postlint_error *err, void *arg)
{
	struct data *d = arg;

	cli_warn("%s:%ld: %s", err->file[0] ? err->file :
	    d->file, err->line, err->message);
	d->failed = 1;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static void
check_text(struct data *d, const char *text, size_t len)
{
	struct postlint_input in = { .name = d->file,
		.format = POSTLINT_INPUT_TEXT };

	postlint_check_buffer(d->chk, &in, text, len, on_result, on_error, d);
}

/* label<TAB>text a line; a header line "label<TAB>text" is skipped. */
static void
read_tsv(struct data *d, FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	for (d->line = 1; (n = getline(&line, &cap, fp)) > 0; d->line++) {
		char *tab = memchr(line, '\t', (size_t)n);

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (tab == NULL) {
			cli_warn("%s:%ld: expected label<TAB>text",
			    d->file, d->line);
			d->failed = 1;
			continue;
		}
		if (d->line == 1 && strncasecmp(line, "label\t", 6) == 0)
			continue;
		if ((d->label = parse_label(line, (size_t)(tab - line))) < 0) {
			cli_warn("%s:%ld: label '%.*s' is neither bad "
			    "(bad, spam, clickbait) nor good (good, ham, news)",
			    d->file, d->line, (int)(tab - line > 40 ? 40 : tab - line),
			    line);
			d->failed = 1;
			continue;
		}
		check_text(d, tab + 1, (size_t)(line + n - tab - 1));
	}
	free(line);
}

/* One object a line, with "label" and the text in "text", "post",
 * "message" or "content". */
static void
read_jsonl(struct data *d, FILE *fp)
{
	static const char *const keys[] = { "text", "post", "message", "content" };
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;

	for (d->line = 1; (n = getline(&line, &cap, fp)) > 0; d->line++) {
		json_error_t je;
		json_t *o, *lab, *txt = NULL;

		if (strspn(line, " \t\r\n") == (size_t)n)
			continue;
		o = json_loadb(line, (size_t)n, 0, &je);
		lab = o ? json_object_get(o, "label") : NULL;
		for (i = 0; o != NULL && txt == NULL && i < 4; i++)
			if (!json_is_string(txt = json_object_get(o, keys[i])))
				txt = NULL;
		if (o == NULL || !json_is_object(o) || txt == NULL ||
		    !json_is_string(lab) ||
		    (d->label = parse_label(json_string_value(lab),
		    json_string_length(lab))) < 0) {
			cli_warn("%s:%ld: expected an object with a "
			    "\"label\" (bad or good) and a \"text\"%s%s", d->file,
			    d->line, o == NULL ? ": " : "", o == NULL ? je.text : "");
			d->failed = 1;
		} else
			check_text(d, json_string_value(txt), json_string_length(txt));
		json_decref(o);
	}
	free(line);
}

/* The packs' own examples, each as a post of its own: every kind the
 * packs describe, including kinds no corpus holds.  Examples of parts
 * and of platform rules, and examples with front matter, are left out. */
static void
read_examples(struct data *d, double weight)
{
	size_t r, j;

	d->weight = weight;
	d->example = 1;
	for (r = 0; r < postlint_checker_rule_count(d->chk); r++) {
		const struct postlint_rule_info *ri = postlint_checker_rule(d->chk, r);

		if (ri->part || ri->platform != NULL)
			continue;
		d->file = ri->file;
		for (j = 0; j < ri->nexamples; j++) {
			if (strncmp(ri->examples[j], "---", 3) == 0)
				continue;
			d->label = ri->example_bad[j];
			check_text(d, ri->examples[j], strlen(ri->examples[j]));
		}
	}
	d->weight = 1;
	d->example = 0;
}

static void
read_file(struct data *d, const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

	d->file = path;
	if (fp == NULL) {
		cli_warn("%s: %s", path, strerror(errno));
		d->failed = 1;
		return;
	}
	if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
		read_jsonl(d, fp);
	else if (ends_with(path, ".csv")) {
		struct postlint_input in = { .name = path,
			.format = POSTLINT_INPUT_CSV };

		d->label = -1;
		postlint_check_stream(d->chk, &in, fp, on_result, on_error, d);
	} else
		read_tsv(d, fp);
	if (fp != stdin)
		fclose(fp);
}

/* ---- the fit ----------------------------------------------------------- */

struct counts {
	size_t tp, fp, fn, tn;
};

static void
tally(struct counts *c, int bad, int failed)
{
	if (bad)
		failed ? c->tp++ : c->fn++;
	else
		failed ? c->fp++ : c->tn++;
}

/* What the fired rules take off the score, as score.c counts it: a
 * rule's weight, or its weight a hit up to its cap.  *SLOPE (when not
 * NULL) gets how much each rule's term grows with its weight. */
static const int *caps;

static double
sum(const struct sample *s, const double *w, double *slope)
{
	double z = 0;
	size_t j;

	for (j = 0; j < s->nfired; j++) {
		int r = s->fired[j];
		double t = w[r], k = 1;

		if (caps[r] > 0) {
			k = s->hits[j];
			t = w[r] * k;
			if (t > caps[r]) {
				t = caps[r];
				k = 0;
			}
		}
		z += t;
		if (slope != NULL)
			slope[j] = k;
	}
	return z;
}

/* Which rules calibration weighs: not the parts of composites (they
 * weigh nothing by design) and not the rules at the fail level (their
 * findings fail a post whatever they weigh). */
static int
fitted(const struct postlint_rule_info *r, int fail_level)
{
	return !r->part && r->severity < fail_level;
}

/* Fits W (from the pack weights W0) on the samples whose FOLD is not
 * HOLD (HOLD < 0: on all of them), by projected gradient descent. */
static void
fit(const struct data *d, const double *w0, const int *use, double m,
    size_t folds, long hold, double *w, size_t nr)
{
	double *g = xmalloc(nr * sizeof(*g)), *h = xmalloc(nr * sizeof(*h));
	double lambda;
	size_t i, r, step;

	double n = 0;

	for (i = 0; i < d->n; i++)
		if (!d->v[i].decided && (d->v[i].example || hold < 0 ||
		    (long)(i % folds) != hold))
			n += d->v[i].weight;
	memcpy(w, w0, nr * sizeof(*w));
	/* the prior's weight: PRIOR posts, each a loss of about 1 for a
	 * weight 20 points off */
	lambda = n > 0 ? PRIOR / (400.0 * n) : 0;
	for (step = 0; step < STEPS && n > 0; step++) {
		memset(g, 0, nr * sizeof(*g));
		memset(h, 0, nr * sizeof(*h));
		for (i = 0; i < d->n; i++) {
			const struct sample *s = &d->v[i];
			double p, e, slope[128];
			size_t j;

			if (s->decided || (!s->example && hold >= 0 &&
			    (long)(i % folds) == hold) || s->nfired > 128)
				continue;
			p = 1.0 / (1.0 + exp(-(sum(s, w, slope) - m) / TAU));
			e = s->weight * (p - s->bad) / TAU;
			for (j = 0; j < s->nfired; j++) {
				g[s->fired[j]] += e * slope[j];
				h[s->fired[j]] += s->weight * p * (1 - p) * slope[j] *
				    slope[j] / (TAU * TAU);
			}
		}
		/* a damped Newton step on each weight, from the diagonal of
		 * the Hessian: rules that fire on 5 posts and on 5,000 both
		 * converge in a few hundred steps */
		for (r = 0; r < nr; r++) {
			double grad, curv, dw;

			if (!use[r])
				continue;
			grad = g[r] / n + 2 * lambda * (w[r] - w0[r]);
			curv = h[r] / n + 2 * lambda;
			dw = 0.5 * grad / curv;
			dw = dw > MAX_STEP ? MAX_STEP : dw < -MAX_STEP ? -MAX_STEP : dw;
			w[r] -= dw;
			w[r] = w[r] < 0 ? 0 : w[r] > 100 ? 100 : w[r];
		}
	}
	free(h);
	for (r = 0; r < nr; r++)
		w[r] = use[r] ? floor(w[r] + 0.5) : w0[r];
	free(g);
}

static int
judge(const struct sample *s, const double *w, double m)
{
	return s->decided || sum(s, w, NULL) > m;
}

static void
print_counts(const char *what, const struct counts *c)
{
	double p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
	double rc = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
	double f1 = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
	double fpr = c->fp + c->tn ? (double)c->fp / (double)(c->fp + c->tn) : 0;

	printf("%-38s %6.3f %6.3f %6.3f %9.1f%%\n", what, p, rc, f1, 100 * fpr);
}

static int
write_weights(const char *path, const struct postlint_checker *chk,
    const double *w, const int *use, size_t nposts)
{
	size_t r;
	FILE *fp = fopen(path, "w");

	if (fp == NULL) {
		cli_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!-- rule weights fitted by postlint calibrate on %zu labeled "
	    "posts;\n     keep them in .postlint.xml, or name this file with "
	    "the config option -->\n<postlint>\n", nposts);
	for (r = 0; r < postlint_checker_rule_count(chk); r++)
		if (use[r])
			fprintf(fp, "  <rule id=\"%s\" weight=\"%d\"/>\n",
			    postlint_checker_rule(chk, r)->id, (int)w[r]);
	fprintf(fp, "</postlint>\n");
	if (fclose(fp) != 0) {
		cli_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
calibrate_command(const struct cli *cli, const struct postlint_checker *chk,
    int threshold, int fail_level)
{
	struct data d = { chk, NULL, 0, 0, NULL, 0, -1, 1,
		cli->cost > 0 ? cli->cost : 1, 0, 0 };
	size_t nr = postlint_checker_rule_count(chk), i, r, bad = 0, decided = 0;
	size_t posts = 0, examples = 0;
	size_t folds = cli->folds > 0 ? (size_t)cli->folds : 5;
	double *w0 = xmalloc((nr ? nr : 1) * sizeof(*w0));
	double *w = xmalloc((nr ? nr : 1) * sizeof(*w));
	int *use = xmalloc((nr ? nr : 1) * sizeof(*use));
	double m = 100.0 - threshold;
	int *cap = xmalloc((nr ? nr : 1) * sizeof(*cap));
	struct counts before = { 0 }, after = { 0 };
	int status = 0;

	caps = cap;
	if (cli->npaths == 0) {
		cli_usage_error("calibrate needs labeled posts: FILE.tsv, FILE.csv "
		    "or FILE.jsonl");
		status = 2;
		goto out;
	}
	for (i = 0; i < cli->npaths; i++)
		read_file(&d, cli->paths[i]);
	if (d.failed) {
		status = 2;
		goto out;
	}
	posts = d.n;
	if (cli->examples > 0)
		read_examples(&d, cli->examples);
	examples = d.n - posts;
	if (posts < folds) {
		cli_warn("calibrate needs at least %zu labeled "
		    "posts, one a fold; got %zu", folds, posts);
		status = 2;
		goto out;
	}
	for (r = 0; r < nr; r++) {
		const struct postlint_rule_info *ri = postlint_checker_rule(chk, r);

		w0[r] = ri->weight;
		cap[r] = ri->cap;
		use[r] = fitted(ri, fail_level) && ri->enabled;
	}
	for (i = 0; i < posts; i++) {
		bad += d.v[i].bad;
		decided += d.v[i].decided;
		tally(&before, d.v[i].bad, judge(&d.v[i], w0, m));
	}
	/* each fold is judged by weights fitted on the others (and on the
	 * examples, which are never judged) */
	for (size_t f = 0; f < folds; f++) {
		fit(&d, w0, use, m, folds, (long)f, w, nr);
		for (i = f; i < posts; i += folds)
			tally(&after, d.v[i].bad, judge(&d.v[i], w, m));
	}
	fit(&d, w0, use, m, folds, -1, w, nr);

	printf("%zu posts (%zu bad, %zu good); %zu failed by a finding at the "
	    "fail level, whatever the weights\n", posts, bad, posts - bad,
	    decided);
	if (examples > 0)
		printf("fitted on %zu examples of the packs too, each as %d posts "
		    "(never judged)\n", examples, cli->examples);
	printf("threshold %d; a good post failed costs %g bad posts passed; "
	    "weights fitted by\nlogistic regression toward the packs' own "
	    "(postlint(1), CALIBRATION)\n\n", threshold, d.cost);
	printf("%-38s %6s %6s %6s %10s\n", "", "prec", "recall", "F1",
	    "good fail");
	print_counts("before: the loaded weights", &before);
	{
		char what[64];

		snprintf(what, sizeof(what), "after: fitted, %zu held-out folds",
		    folds);
		print_counts(what, &after);
	}
	printf("\n%-34s %9s  %s\n", "rule", "weight", "fired on bad / good");
	for (r = 0; r < nr; r++) {
		size_t on_bad = 0, on_good = 0;

		for (i = 0; i < posts; i++)
			for (size_t j = 0; j < d.v[i].nfired; j++)
				if (d.v[i].fired[j] == (int)r)
					d.v[i].bad ? on_bad++ : on_good++;
		if (on_bad + on_good == 0 && (!use[r] || w[r] == w0[r]))
			continue;
		if (use[r])
			printf("%-34s %3d -> %3d  %zu / %zu\n",
			    postlint_checker_rule(chk, r)->id, (int)w0[r], (int)w[r],
			    on_bad, on_good);
		else
			printf("%-34s %9s  %zu / %zu%s\n",
			    postlint_checker_rule(chk, r)->id,
			    postlint_checker_rule(chk, r)->part ? "part" : "fails",
			    on_bad, on_good, postlint_checker_rule(chk, r)->part ? "" :
			    " (at the fail level: its weight does not matter)");
	}
	if (cli->write != NULL && write_weights(cli->write, chk, w, use, posts) != 0)
		status = 2;
out:
	for (i = 0; i < d.n; i++) {
		free(d.v[i].fired);
		free(d.v[i].hits);
	}
	free(d.v);
	free(w0);
	free(w);
	free(use);
	free(cap);
	return status;
}
