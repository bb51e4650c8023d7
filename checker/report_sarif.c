/* report_sarif.c - SARIF 2.1.0 for code-scanning services, and GitHub Actions workflow commands. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/*
 * SARIF: one document with one run.  Results are streamed as posts are
 * judged; the rules they name are collected on the way and written after
 * them (JSON does not care about member order), each with its index.
 * Columns count code points, which the run declares with columnKind.
 */

struct sarif_rule {
	char *id;
	char *text;      /* shortDescription */
	char *explain;   /* fullDescription; may be empty */
	char *category;
	int severity;
};

struct sarif {
	struct sarif_rule *v;
	size_t n, cap;
	size_t nresults;
	int errors;      /* something could not be judged */
};

static const char *
level(int severity)
{
	return severity == POSTLINT_ERROR ? "error" :
	    severity == POSTLINT_WARNING ? "warning" : "note";
}

static struct sarif *
state(struct postlint_reporter *rep)
{
	if (rep->priv == NULL)
		rep->priv = pl_calloc(1, sizeof(struct sarif));
	return rep->priv;
}

/* A rule's message with its placeholders ({match}) shown as "...". */
static char *
template(const char *msg)
{
	struct pl_buf b = { 0 };
	const char *p = msg, *open, *close;

	pl_buf_add(&b, "", 0);
	while ((open = strchr(p, '{')) != NULL &&
	    (close = strchr(open, '}')) != NULL) {
		pl_buf_add(&b, p, (size_t)(open - p));
		pl_buf_adds(&b, "...");
		p = close + 1;
	}
	pl_buf_adds(&b, p);
	return b.p;
}

/* The rule's index in the run, adding it on first sight. */
static size_t
rule_index(struct sarif *s, const struct postlint_result *res,
    const struct postlint_finding *f)
{
	const struct postlint_rule_info *ri;
	struct sarif_rule *r;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, f->rule) == 0)
			return i;
	PL_GROW(s->v, s->cap, s->n + 1);
	r = &s->v[s->n];
	ri = postlint_result_rule(res, f->rule);
	r->id = pl_strdup(f->rule);
	r->text = template(ri != NULL ? ri->message : f->message);
	r->explain = pl_strdup(ri != NULL ? ri->explain : "");
	r->category = pl_strdup(f->category);
	r->severity = ri != NULL ? ri->severity : f->severity;
	return s->n++;
}

/* A path as a URI reference: everything but unreserved characters and
 * '/' is percent-encoded. */
static void
uri(struct pl_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;

	pl_buf_addc(b, '"');
	for (; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL)
			pl_buf_addc(b, (char)*p);
		else {
			pl_buf_addc(b, '%');
			pl_buf_addc(b, hex[*p >> 4]);
			pl_buf_addc(b, hex[*p & 15]);
		}
	}
	pl_buf_addc(b, '"');
}

static void
jstr(struct pl_buf *b, const char *s)
{
	pl_json_string(b, s, strlen(s));
}

static void
region(struct pl_buf *b, long line, long col, long end_line, long end_col)
{
	pl_buf_printf(b, "{\"startLine\":%ld,\"startColumn\":%ld", line,
	    col > 0 ? col : 1);
	if (end_line >= line && end_col > 0)
		pl_buf_printf(b, ",\"endLine\":%ld,\"endColumn\":%ld", end_line,
		    end_col);
	pl_buf_addc(b, '}');
}

static void
result(struct pl_buf *b, struct sarif *s, const char *rule, size_t index,
    const char *lvl, const char *message, const char *source)
{
	pl_buf_adds(b, s->nresults++ == 0 ? "\n" : ",\n");
	pl_buf_adds(b, "{\"ruleId\":");
	jstr(b, rule);
	pl_buf_printf(b, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":"
	    "{\"text\":", index, lvl);
	jstr(b, message);
	pl_buf_adds(b, "},\"locations\":[{\"physicalLocation\":"
	    "{\"artifactLocation\":{\"uri\":");
	uri(b, source);
	pl_buf_adds(b, "},\"region\":");
}

static void
sarif_post(struct postlint_reporter *rep, const struct postlint_result *res)
{
	struct sarif *s = state(rep);
	struct pl_buf b = { 0 };
	size_t i, j;

	if (rep->nposts++ == 0)
		fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
		    "\"version\":\"2.1.0\",\"runs\":[{\"columnKind\":"
		    "\"unicodeCodePoints\",\"results\":[", rep->out);
	for (i = 0; i < res->nfindings; i++) {
		const struct postlint_finding *f = &res->findings[i];

		result(&b, s, f->rule, rule_index(s, res, f), level(f->severity),
		    f->message, res->source);
		region(&b, f->line, f->column, f->end_line, f->end_column);
		pl_buf_adds(&b, "}}]");
		if (f->nsuggestions > 0) {
			pl_buf_adds(&b, ",\"fixes\":[");
			for (j = 0; j < f->nsuggestions; j++) {
				pl_buf_adds(&b, j > 0 ? ",{" : "{");
				struct pl_buf d = { 0 };

				pl_buf_printf(&d, "Replace with \"%s\"",
				    f->suggestions[j]);
				pl_buf_adds(&b, "\"description\":{\"text\":");
				jstr(&b, d.p);
				pl_buf_free(&d);
				pl_buf_adds(&b, "},\"artifactChanges\":[{\"artifactLocation\":"
				    "{\"uri\":");
				uri(&b, res->source);
				pl_buf_adds(&b, "},\"replacements\":[{\"deletedRegion\":");
				region(&b, f->line, f->column, f->end_line, f->end_column);
				pl_buf_adds(&b, ",\"insertedContent\":{\"text\":");
				jstr(&b, f->suggestions[j]);
				pl_buf_adds(&b, "}}]}]}");
			}
			pl_buf_addc(&b, ']');
		}
		pl_buf_adds(&b, ",\"properties\":{\"category\":");
		jstr(&b, f->category);
		pl_buf_printf(&b, ",\"postLine\":%ld}}", res->line);
	}
	if (!res->passed) {
		struct postlint_finding v;
		struct pl_buf msg = { 0 };

		memset(&v, 0, sizeof(v));
		pl_report_verdict(&msg, res);
		v.rule = "postlint.verdict";
		v.category = "verdict";
		v.severity = POSTLINT_ERROR;
		v.message = "A post fails: its click score is below the threshold, "
		    "or a finding is at or above the fail level";
		result(&b, s, v.rule, rule_index(s, res, &v), "error", msg.p,
		    res->source);
		region(&b, res->line, 1, 0, 0);
		pl_buf_printf(&b, "}}],\"properties\":{\"category\":\"verdict\","
		    "\"score\":%d,\"threshold\":%d}}", res->score, res->threshold);
		pl_buf_free(&msg);
	}
	if (b.len > 0)
		fwrite(b.p, 1, b.len, rep->out);
	pl_buf_free(&b);
}

static void
sarif_error(struct postlint_reporter *rep, const struct postlint_error *err)
{
	(void)err;
	state(rep)->errors = 1;
}

static void
sarif_finish(struct postlint_reporter *rep)
{
	struct sarif *s = state(rep);
	struct pl_buf b = { 0 };
	size_t i;

	if (rep->nposts == 0)
		pl_buf_adds(&b, "{\"$schema\":\"https://json.schemastore.org/"
		    "sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
		    "\"columnKind\":\"unicodeCodePoints\",\"results\":[");
	pl_buf_adds(&b, "],\n\"tool\":{\"driver\":{\"name\":\"postlint\","
	    "\"version\":\"" POSTLINT_VERSION "\",\"semanticVersion\":\""
	    POSTLINT_VERSION "\",\"rules\":[");
	for (i = 0; i < s->n; i++) {
		struct sarif_rule *r = &s->v[i];

		pl_buf_adds(&b, i > 0 ? ",\n{\"id\":" : "\n{\"id\":");
		jstr(&b, r->id);
		pl_buf_adds(&b, ",\"shortDescription\":{\"text\":");
		jstr(&b, r->text);
		pl_buf_addc(&b, '}');
		if (r->explain[0] != '\0') {
			pl_buf_adds(&b, ",\"fullDescription\":{\"text\":");
			jstr(&b, r->explain);
			pl_buf_adds(&b, "},\"help\":{\"text\":");
			jstr(&b, r->explain);
			pl_buf_addc(&b, '}');
		}
		pl_buf_printf(&b, ",\"defaultConfiguration\":{\"level\":\"%s\"},"
		    "\"properties\":{\"category\":", level(r->severity));
		jstr(&b, r->category);
		pl_buf_adds(&b, ",\"tags\":[");
		jstr(&b, r->category);
		pl_buf_adds(&b, "]}}");
	}
	pl_buf_printf(&b, "]}},\n\"invocations\":[{\"executionSuccessful\":%s}]}]}\n",
	    s->errors ? "false" : "true");
	fwrite(b.p, 1, b.len, rep->out);
	pl_buf_free(&b);
}

static void
sarif_destroy(struct postlint_reporter *rep)
{
	struct sarif *s = rep->priv;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].id);
		free(s->v[i].text);
		free(s->v[i].explain);
		free(s->v[i].category);
	}
	free(s->v);
	free(s);
}

const struct pl_report_ops pl_report_sarif = { sarif_post, sarif_error,
	sarif_finish, sarif_destroy };

/*
 * GitHub Actions: one workflow command per finding, which the runner shows
 * as an annotation on the line.  Outside text is escaped as everywhere
 * (so no newline can start a command of its own), then '%' is written as
 * %25, and in a property ':' and ',' as %3A and %2C.
 */
static void
gh_escape(FILE *out, const char *s, int property)
{
	size_t n = strlen(s), i = 0, from = 0;

	for (; i < n; i++) {
		const char *code = s[i] == '%' ? "%25" :
		    property && s[i] == ':' ? "%3A" :
		    property && s[i] == ',' ? "%2C" : NULL;

		if (code == NULL)
			continue;
		postlint_write_escaped(out, s + from, i - from);
		fputs(code, out);
		from = i + 1;
	}
	postlint_write_escaped(out, s + from, n - from);
}

static void
gh_command(FILE *out, const char *cmd, const char *source, long line,
    long col, long end_line, long end_col, const char *title,
    const char *message)
{
	fprintf(out, "::%s file=", cmd);
	gh_escape(out, source, 1);
	fprintf(out, ",line=%ld", line);
	if (col > 0)
		fprintf(out, ",col=%ld", col);
	if (end_line >= line && end_col > 0)
		fprintf(out, ",endLine=%ld,endColumn=%ld", end_line, end_col);
	fputs(",title=", out);
	gh_escape(out, title, 1);
	fputs("::", out);
	gh_escape(out, message, 0);
	fputc('\n', out);
}

static void
github_post(struct postlint_reporter *rep, const struct postlint_result *res)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		const struct postlint_finding *f = &res->findings[i];

		gh_command(rep->out, f->severity == POSTLINT_ERROR ? "error" :
		    f->severity == POSTLINT_WARNING ? "warning" : "notice",
		    res->source, f->line, f->column, f->end_line, f->end_column,
		    f->rule, f->message);
	}
	if (!res->passed) {
		struct pl_buf msg = { 0 };

		pl_report_verdict(&msg, res);
		gh_command(rep->out, "error", res->source, res->line, 0, 0, 0,
		    "postlint.verdict", msg.p);
		pl_buf_free(&msg);
	}
}

const struct pl_report_ops pl_report_github = { github_post, NULL, NULL,
	NULL };
