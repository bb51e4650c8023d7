/* report_xml.c - checkstyle and JUnit XML, both written through libxml2's xmlTextWriter. */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "report.h"

/*
 * XML 1.0 cannot carry most control characters, even escaped, and a path
 * need not be UTF-8: such bytes become '?' and U+FFFD, so the report is
 * well-formed whatever the input.  Caller frees.
 */
static xmlChar *
clean(const char *s)
{
	struct pl_buf b = { 0 };
	size_t n = strlen(s), i = 0;

	pl_buf_add(&b, "", 0);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k;

		if (c < 0x80) {
			pl_buf_addc(&b, c < 0x20 && c != '\t' && c != '\n' &&
			    c != '\r' ? '?' : (char)c);
			i++;
		} else if ((k = pl_utf8_decode((const unsigned char *)s + i, n - i,
		    &cp)) > 0 && cp != 0xFFFE && cp != 0xFFFF) {
			pl_buf_add(&b, s + i, k);
			i += k;
		} else {
			pl_buf_adds(&b, "\xEF\xBF\xBD");
			i += k > 0 ? k : 1;
		}
	}
	return (xmlChar *)b.p;
}

static void
attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	xmlChar *v = clean(value);

	xmlTextWriterWriteAttribute(w, (const xmlChar *)name, v);
	free(v);
}

static void
attr_long(xmlTextWriterPtr w, const char *name, long value)
{
	xmlTextWriterWriteFormatAttribute(w, (const xmlChar *)name, "%ld", value);
}

static xmlTextWriterPtr
file_writer(FILE *out)
{
	xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
	xmlTextWriterPtr w;

	if (ob == NULL || (w = xmlNewTextWriter(ob)) == NULL)
		pl_nomem();
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
	return w;
}

static void
start(xmlTextWriterPtr w, const char *name)
{
	xmlTextWriterStartElement(w, (const xmlChar *)name);
}

static void
end(xmlTextWriterPtr w)
{
	xmlTextWriterEndElement(w);
}

/* ---- checkstyle: <checkstyle><file name><error line column severity
 * message source/>...</file>...</checkstyle>, as reviewdog and Jenkins'
 * warnings plugin read it.  Consecutive posts of one input share a <file>. */

struct checkstyle {
	xmlTextWriterPtr w;
	char *file;   /* the open <file>'s name */
};

static struct checkstyle *
cs_state(struct postlint_reporter *rep)
{
	struct checkstyle *cs = rep->priv;

	if (cs == NULL) {
		cs = rep->priv = pl_calloc(1, sizeof(*cs));
		cs->w = file_writer(rep->out);
		xmlTextWriterStartDocument(cs->w, NULL, "UTF-8", NULL);
		start(cs->w, "checkstyle");
		attr(cs->w, "version", "4.3");
	}
	return cs;
}

static void
cs_error(xmlTextWriterPtr w, long line, long col, const char *severity,
    const char *message, const char *source)
{
	start(w, "error");
	attr_long(w, "line", line);
	if (col > 0)
		attr_long(w, "column", col);
	attr(w, "severity", severity);
	attr(w, "message", message);
	attr(w, "source", source);
	end(w);
}

static void
checkstyle_post(struct postlint_reporter *rep, const struct postlint_result *res)
{
	struct checkstyle *cs = cs_state(rep);
	size_t i;

	if (cs->file == NULL || strcmp(cs->file, res->source) != 0) {
		if (cs->file != NULL)
			end(cs->w);
		free(cs->file);
		cs->file = pl_strdup(res->source);
		start(cs->w, "file");
		attr(cs->w, "name", res->source);
	}
	for (i = 0; i < res->nfindings; i++) {
		const struct postlint_finding *f = &res->findings[i];

		cs_error(cs->w, f->line, f->column,
		    postlint_severity_name(f->severity), f->message, f->rule);
	}
	if (!res->passed) {
		struct pl_buf msg = { 0 };

		pl_report_verdict(&msg, res);
		cs_error(cs->w, res->line, 0, "error", msg.p, "postlint.verdict");
		pl_buf_free(&msg);
	}
	xmlTextWriterFlush(cs->w);
}

static void
checkstyle_finish(struct postlint_reporter *rep)
{
	struct checkstyle *cs = cs_state(rep);

	xmlTextWriterEndDocument(cs->w);   /* closes every open element */
	xmlTextWriterFlush(cs->w);
}

static void
checkstyle_destroy(struct postlint_reporter *rep)
{
	struct checkstyle *cs = rep->priv;

	if (cs == NULL)
		return;
	xmlFreeTextWriter(cs->w);
	free(cs->file);
	free(cs);
}

const struct pl_report_ops pl_report_checkstyle = { checkstyle_post, NULL,
	checkstyle_finish, checkstyle_destroy };

/* ---- JUnit: <testsuites><testsuite name="postlint" tests failures>
 * <testcase classname name file line>, one per post, with a <failure> for a
 * failing post whose text lists its findings.  The counts come first in the
 * document, so test cases wait in memory until the end. */

struct junit {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	size_t tests, failures;
};

static struct junit *
ju_state(struct postlint_reporter *rep)
{
	struct junit *ju = rep->priv;

	if (ju == NULL) {
		ju = rep->priv = pl_calloc(1, sizeof(*ju));
		if ((ju->buf = xmlBufferCreate()) == NULL ||
		    (ju->w = xmlNewTextWriterMemory(ju->buf, 0)) == NULL)
			pl_nomem();
		xmlTextWriterSetIndent(ju->w, 1);
		xmlTextWriterSetIndentString(ju->w, (const xmlChar *)"  ");
	}
	return ju;
}

static void
junit_post(struct postlint_reporter *rep, const struct postlint_result *res)
{
	struct junit *ju = ju_state(rep);
	struct pl_buf name = { 0 }, body = { 0 };
	xmlChar *text;
	size_t i;

	ju->tests++;
	pl_buf_printf(&name, "%s:%ld", res->source, res->line);
	for (i = 0; i < res->nfindings; i++) {
		const struct postlint_finding *f = &res->findings[i];

		pl_buf_printf(&body, "%s:%ld:%ld: %s: %s [%s]\n", res->source,
		    f->line, f->column, postlint_severity_name(f->severity),
		    f->message, f->rule);
	}
	pl_buf_printf(&body, "score %d/100 (threshold %d)\n", res->score,
	    res->threshold);
	start(ju->w, "testcase");
	attr(ju->w, "classname", "postlint");
	attr(ju->w, "name", name.p);
	attr(ju->w, "file", res->source);
	attr_long(ju->w, "line", res->line);
	text = clean(body.p);
	if (!res->passed) {
		struct pl_buf msg = { 0 };

		ju->failures++;
		pl_report_verdict(&msg, res);
		start(ju->w, "failure");
		attr(ju->w, "message", msg.p);
		attr(ju->w, "type", "postlint.verdict");
		xmlTextWriterWriteString(ju->w, text);
		end(ju->w);
		pl_buf_free(&msg);
	} else {
		start(ju->w, "system-out");
		xmlTextWriterWriteString(ju->w, text);
		end(ju->w);
	}
	end(ju->w);
	free(text);
	pl_buf_free(&name);
	pl_buf_free(&body);
}

static void
junit_finish(struct postlint_reporter *rep)
{
	struct junit *ju = ju_state(rep);
	xmlTextWriterPtr w = file_writer(rep->out);

	xmlTextWriterFlush(ju->w);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	start(w, "testsuites");
	attr(w, "name", "postlint");
	attr_long(w, "tests", (long)ju->tests);
	attr_long(w, "failures", (long)ju->failures);
	attr_long(w, "errors", 0);
	start(w, "testsuite");
	attr(w, "name", "postlint");
	attr_long(w, "tests", (long)ju->tests);
	attr_long(w, "failures", (long)ju->failures);
	attr_long(w, "errors", 0);
	attr_long(w, "skipped", 0);
	xmlTextWriterWriteRaw(w, (const xmlChar *)"\n");
	xmlTextWriterWriteRaw(w, xmlBufferContent(ju->buf));
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
}

static void
junit_destroy(struct postlint_reporter *rep)
{
	struct junit *ju = rep->priv;

	if (ju == NULL)
		return;
	xmlFreeTextWriter(ju->w);
	xmlBufferFree(ju->buf);
	free(ju);
}

const struct pl_report_ops pl_report_junit = { junit_post, NULL,
	junit_finish, junit_destroy };
