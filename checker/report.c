/* report.c - the reporter object: picks the writer for a format and keeps what every format shares. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const format_names[] = {
	"text", "gcc", "json", "jsonl", "sarif", "checkstyle", "junit", "github"
};

int
postlint_format_parse(const char *name)
{
	int i;

	for (i = 0; i < (int)(sizeof(format_names) / sizeof(*format_names)); i++)
		if (strcmp(name, format_names[i]) == 0)
			return i;
	return -1;
}

struct postlint_reporter *
postlint_reporter_new(int format, FILE *out, unsigned flags)
{
	static const struct pl_report_ops *const ops[] = {
		&pl_report_text, &pl_report_gcc, &pl_report_json, &pl_report_jsonl,
		&pl_report_sarif, &pl_report_checkstyle, &pl_report_junit,
		&pl_report_github
	};
	struct postlint_reporter *rep;

	if (format < 0 || format >= (int)(sizeof(ops) / sizeof(*ops)))
		return NULL;
	rep = pl_calloc(1, sizeof(*rep));
	rep->format = format;
	rep->out = out;
	rep->flags = flags;
	rep->ops = ops[format];
	return rep;
}

static int
status(struct postlint_reporter *rep)
{
	return ferror(rep->out) ? -1 : 0;
}

int
postlint_reporter_post(struct postlint_reporter *rep,
    const struct postlint_result *res)
{
	if ((rep->flags & POSTLINT_REPORT_QUIET) && res->passed)
		return status(rep);
	rep->ops->post(rep, res);
	return status(rep);
}

int
postlint_format_per_post(int format)
{
	return format == POSTLINT_FORMAT_TEXT || format == POSTLINT_FORMAT_GCC ||
	    format == POSTLINT_FORMAT_JSONL;
}

/* The stream is rewound for each post, so it holds one post's text. */
struct postlint_reporter *
postlint_reporter_new_memory(int format, unsigned flags)
{
	struct postlint_reporter *rep;

	if (!postlint_format_per_post(format))
		return NULL;
	rep = postlint_reporter_new(format, NULL, flags);
	/* the stream updates membuf and memsize at each flush */
	if ((rep->mem = open_memstream(&rep->membuf, &rep->memsize)) == NULL)
		pl_nomem();
	rep->out = rep->mem;
	return rep;
}

const char *
postlint_reporter_render(struct postlint_reporter *rep,
    const struct postlint_result *res, size_t *n)
{
	long end;

	*n = 0;
	if (rep->mem == NULL)
		return NULL;   /* not a memory reporter */
	/* a memory stream fails only for want of memory */
	if (fseek(rep->mem, 0, SEEK_SET) != 0 ||
	    postlint_reporter_post(rep, res) != 0 || fflush(rep->mem) != 0 ||
	    (end = ftell(rep->mem)) < 0)
		pl_nomem();
	*n = (size_t)end;
	return rep->membuf;
}

int
postlint_reporter_write(struct postlint_reporter *rep, const char *bytes,
    size_t n)
{
	if (n > 0 && fwrite(bytes, 1, n, rep->out) != n)
		return -1;
	rep->nposts++;
	return status(rep);
}

int
postlint_reporter_error(struct postlint_reporter *rep,
    const struct postlint_error *err)
{
	if (rep->ops->error != NULL)
		rep->ops->error(rep, err);
	return status(rep);
}

int
postlint_reporter_finish(struct postlint_reporter *rep)
{
	if (rep->ops->finish != NULL)
		rep->ops->finish(rep);
	fflush(rep->out);
	return status(rep);
}

void
postlint_reporter_free(struct postlint_reporter *rep)
{
	size_t i;

	if (rep == NULL)
		return;
	if (rep->ops->destroy != NULL)
		rep->ops->destroy(rep);
	for (i = 0; i < rep->nerrors; i++)
		free(rep->errors[i]);
	free(rep->errors);
	pl_buf_free(&rep->scratch);
	if (rep->mem != NULL) {
		fclose(rep->mem);
		free(rep->membuf);
	}
	free(rep);
}

/* Control characters from a post must not reach a terminal as escape
 * sequences; each is shown as '?', which keeps columns aligned. */
void
pl_report_safe(FILE *out, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			fwrite(s + from, 1, i - from, out);
			fputc('?', out);
			from = i + 1;
		}
	}
	fwrite(s + from, 1, n - from, out);
}

/* Code points that reorder or break a line on a terminal or in a log:
 * C1 controls, the line and paragraph separators, the bidi marks. */
static int
hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
	    cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

void
postlint_write_escaped(FILE *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, from = 0;

	while (i < n) {
		uint32_t cp = u[i];
		size_t k = u[i] < 0x80 ? 1 : pl_utf8_decode(u + i, n - i, &cp);

		if (k > 0 && cp >= 0x20 && cp != 0x7F && !hidden(cp)) {
			i += k;
			continue;
		}
		fwrite(s + from, 1, i - from, out);
		if (k == 0)
			fprintf(out, "\\x%02x", u[i]);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\r')
			fputs("\\r", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (cp < 0x80)
			fprintf(out, "\\x%02x", (unsigned)cp);
		else
			fprintf(out, "\\u%04X", (unsigned)cp);
		i += k > 0 ? k : 1;
		from = i;
	}
	fwrite(s + from, 1, n - from, out);
}

void
pl_report_where(FILE *out, const char *source, long line, long col)
{
	postlint_write_escaped(out, source, strlen(source));
	if (line > 0)
		fprintf(out, ":%ld", line);
	if (col > 0)
		fprintf(out, ":%ld", col);
}

void
pl_report_verdict(struct pl_buf *b, const struct postlint_result *res)
{
	pl_buf_printf(b, "post fails: %s", postlint_result_reason(res));
}
