/* report_text.c - the text report (findings, the source line, a ^~~~ underline) and gcc, its first line alone. */
#include <string.h>

#include "report.h"

#define BOLD "\033[1m"
#define RESET "\033[0m"
#define GREEN "\033[32m"

static const char *
sev_color(int sev)
{
	switch (sev) {
	case POSTLINT_ERROR:
		return "\033[1;31m";
	case POSTLINT_WARNING:
		return "\033[1;35m";
	default:
		return "\033[1;36m";
	}
}

/*
 * Terminal cells of a code point, so the underline sits under the right
 * characters: 0 for combining marks and joiners, 2 for East Asian wide
 * characters and emoji, 1 otherwise.  Ranges are the main blocks, not the
 * whole of UAX #11: a rare character may shift the underline, never the
 * column numbers, which count code points.
 */
static int
cells(uint32_t c)
{
	if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	    (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x200B && c <= 0x200F) ||
	    (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
	    (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x1F3FB && c <= 0x1F3FF) ||
	    (c >= 0xE0000 && c <= 0xE01EF))
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
	    (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
	    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
	    (c >= 0x1F680 && c <= 0x1F6FF) || (c >= 0x1F900 && c <= 0x1F9FF) ||
	    (c >= 0x1FA70 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD))
		return 2;
	return 1;
}

static void
finding_line(struct postlint_reporter *rep, const struct postlint_result *res,
    const struct postlint_finding *f)
{
	int color = rep->flags & POSTLINT_REPORT_COLOR;
	FILE *out = rep->out;

	if (color)
		fputs(BOLD, out);
	pl_report_where(out, res->source, f->line, f->column);
	fputs(color ? ": " RESET : ": ", out);
	if (color)
		fputs(sev_color(f->severity), out);
	fputs(postlint_severity_name(f->severity), out);
	fputs(color ? RESET ": " : ": ", out);
	postlint_write_escaped(out, f->message, strlen(f->message));
	fprintf(out, " [%s]\n", f->rule);
}

static void
underline(struct postlint_reporter *rep, const struct postlint_finding *f)
{
	FILE *out = rep->out;
	const unsigned char *s = (const unsigned char *)f->line_text;
	size_t i = 0, n = f->line_length;
	long col = 1;
	int w, first = 1;

	fputs("    ", out);
	pl_report_safe(out, f->line_text, n);
	fputs("\n    ", out);
	if (rep->flags & POSTLINT_REPORT_COLOR)
		fputs(GREEN, out);
	while (i < n && col < f->underline_end) {
		uint32_t cp = '?';
		size_t k = pl_utf8_decode(s + i, n - i, &cp);

		if (k == 0)
			k = 1;
		w = cp == '\t' ? -1 : cells(cp);
		if (col < f->column) {
			if (w < 0)
				fputc('\t', out);
			else
				while (w-- > 0)
					fputc(' ', out);
		} else {
			if (w < 0)
				w = 1;
			while (w-- > 0) {
				fputc(first ? '^' : '~', out);
				first = 0;
			}
		}
		i += k;
		col++;
	}
	if (first)   /* a finding at the end of the line */
		fputc('^', out);
	if (rep->flags & POSTLINT_REPORT_COLOR)
		fputs(RESET, out);
	fputc('\n', out);
}

static void
text_post(struct postlint_reporter *rep, const struct postlint_result *res)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		finding_line(rep, res, &res->findings[i]);
		underline(rep, &res->findings[i]);
	}
	pl_report_where(rep->out, res->source, res->line, 0);
	fprintf(rep->out, ": %s: %s\n", res->passed ? "pass" : "fail",
	    postlint_result_reason(res));
}

static void
gcc_post(struct postlint_reporter *rep, const struct postlint_result *res)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		finding_line(rep, res, &res->findings[i]);
}

const struct pl_report_ops pl_report_text = { text_post, NULL, NULL, NULL };
const struct pl_report_ops pl_report_gcc = { gcc_post, NULL, NULL, NULL };
