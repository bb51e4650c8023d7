/* report_json.c - the json document and jsonl lines, with the POST object both share. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* json lists errors after the posts; past this many, only a count. */
#define MAX_JSON_ERRORS 1000

/*
 * Strings from posts are valid UTF-8 (readers check), but paths and
 * messages may not be: invalid bytes become U+FFFD, so the output parses
 * whatever the input.
 */
void
pl_json_string(struct pl_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	pl_buf_addc(b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k, run;

		/* plain ASCII goes in as one run */
		for (run = i; run < n && (unsigned char)s[run] >= 0x20 &&
		    (unsigned char)s[run] < 0x80 && s[run] != '"' && s[run] != '\\';
		    run++)
			;
		if (run > i) {
			pl_buf_add(b, s + i, run - i);
			i = run;
			continue;
		}
		if (c == '"' || c == '\\') {
			pl_buf_addc(b, '\\');
			pl_buf_addc(b, (char)c);
			i++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n':
				pl_buf_adds(b, "\\n");
				break;
			case '\t':
				pl_buf_adds(b, "\\t");
				break;
			case '\r':
				pl_buf_adds(b, "\\r");
				break;
			default:
				pl_buf_printf(b, "\\u%04x", c);
			}
			i++;
		} else if (c < 0x80) {
			pl_buf_addc(b, (char)c);
			i++;
		} else if ((k = pl_utf8_decode((const unsigned char *)s + i, n - i,
		    &cp)) > 0) {
			pl_buf_add(b, s + i, k);
			i += k;
		} else {
			pl_buf_adds(b, "\\ufffd");
			i++;
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
number(struct pl_buf *b, const struct postlint_metric *m)
{
	if (m->is_null)
		pl_buf_adds(b, "null");
	else
		pl_buf_fixed(b, m->value, m->is_integer ? 0 : 4);
}

/* ,"NAME":V -- reports write a dozen of these a post, so not printf */
static void
field_int(struct pl_buf *b, const char *name, long long v)
{
	pl_buf_adds(b, ",\"");
	pl_buf_adds(b, name);
	pl_buf_adds(b, "\":");
	pl_buf_int(b, v);
}

static void
post_object(struct pl_buf *b, const struct postlint_result *res)
{
	size_t i, j;

	pl_buf_adds(b, "{\"source\":");
	jstr(b, res->source);
	field_int(b, "line", res->line);
	field_int(b, "score", res->score);
	pl_buf_adds(b, res->passed ? ",\"verdict\":\"pass\"" :
	    ",\"verdict\":\"fail\"");
	pl_buf_adds(b, ",\"reason\":");
	jstr(b, postlint_result_reason(res));
	pl_buf_adds(b, ",\"metadata\":{");
	for (i = 0; i < res->nmeta; i++) {
		const struct postlint_meta *m = &res->meta[i];

		if (i > 0)
			pl_buf_addc(b, ',');
		jstr(b, m->key);
		pl_buf_addc(b, ':');
		if (m->is_list)
			pl_buf_addc(b, '[');
		for (j = 0; j < m->nvalues; j++) {
			if (j > 0)
				pl_buf_addc(b, ',');
			jstr(b, m->values[j]);
		}
		if (m->is_list)
			pl_buf_addc(b, ']');
		else if (m->nvalues == 0)
			pl_buf_adds(b, "null");
	}
	pl_buf_adds(b, "},\"metrics\":{");
	for (i = 0; i < PL_M_COUNT; i++) {
		if (i > 0)
			pl_buf_addc(b, ',');
		jstr(b, res->metrics[i].name);
		pl_buf_addc(b, ':');
		number(b, &res->metrics[i]);
	}
	pl_buf_adds(b, "},\"findings\":[");
	for (i = 0; i < res->nfindings; i++) {
		const struct postlint_finding *f = &res->findings[i];

		if (i > 0)
			pl_buf_addc(b, ',');
		pl_buf_adds(b, "{\"rule\":");
		jstr(b, f->rule);
		pl_buf_adds(b, ",\"category\":");
		jstr(b, f->category);
		pl_buf_adds(b, ",\"severity\":\"");
		pl_buf_adds(b, postlint_severity_name(f->severity));
		pl_buf_addc(b, '"');
		field_int(b, "line", f->line);
		field_int(b, "column", f->column);
		field_int(b, "end_line", f->end_line);
		field_int(b, "end_column", f->end_column);
		field_int(b, "byte_offset", f->byte_offset);
		pl_buf_adds(b, ",\"message\":");
		jstr(b, f->message);
		pl_buf_adds(b, ",\"suggestions\":[");
		for (j = 0; j < f->nsuggestions; j++) {
			if (j > 0)
				pl_buf_addc(b, ',');
			jstr(b, f->suggestions[j]);
		}
		pl_buf_adds(b, "]}");
	}
	pl_buf_adds(b, "]}");
}

static void
jsonl_post(struct postlint_reporter *rep, const struct postlint_result *res)
{
	struct pl_buf *b = &rep->scratch;

	b->len = 0;
	post_object(b, res);
	pl_buf_addc(b, '\n');
	fwrite(b->p, 1, b->len, rep->out);
}

/* The document is streamed: posts are written as they are judged. */
static void
json_post(struct postlint_reporter *rep, const struct postlint_result *res)
{
	struct pl_buf *b = &rep->scratch;

	b->len = 0;
	pl_buf_adds(b, rep->nposts == 0 ? "{\"version\":1,\"posts\":[\n" : ",\n");
	post_object(b, res);
	fwrite(b->p, 1, b->len, rep->out);
	rep->nposts++;
}

static void
json_error(struct postlint_reporter *rep, const struct postlint_error *err)
{
	struct pl_buf b = { 0 };

	if (rep->nerrors >= MAX_JSON_ERRORS) {
		rep->dropped++;
		return;
	}
	pl_buf_adds(&b, "{\"source\":");
	jstr(&b, err->file);
	if (err->line > 0)
		pl_buf_printf(&b, ",\"line\":%ld", err->line);
	else
		pl_buf_adds(&b, ",\"line\":null");
	pl_buf_adds(&b, ",\"message\":");
	jstr(&b, err->message);
	pl_buf_addc(&b, '}');
	PL_GROW(rep->errors, rep->caperr, rep->nerrors + 1);
	rep->errors[rep->nerrors++] = b.p;
}

static void
json_finish(struct postlint_reporter *rep)
{
	size_t i;

	fputs(rep->nposts == 0 ? "{\"version\":1,\"posts\":[" : "\n", rep->out);
	fputs("],\"errors\":[", rep->out);
	for (i = 0; i < rep->nerrors; i++) {
		fputs(i > 0 ? ",\n" : "\n", rep->out);
		fputs(rep->errors[i], rep->out);
	}
	if (rep->dropped > 0)
		fprintf(rep->out, ",\n{\"source\":\"\",\"line\":null,\"message\":"
		    "\"%zu more errors not listed\"}", rep->dropped);
	fputs("]}\n", rep->out);
}

const struct pl_report_ops pl_report_json = { json_post, json_error,
	json_finish, NULL };
const struct pl_report_ops pl_report_jsonl = { jsonl_post, NULL, NULL, NULL };
