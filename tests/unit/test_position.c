/* test_position.c - findings point at the right line, column (code points) and byte, whatever the text. */
#include "harness.h"

static struct postlint_checker *chk;

/* The first finding of TEXT (as one post, or as lines) must start at
 * LINE:COL and BYTE and end at ELINE:ECOL. */
static void
at(int format, const char *text, size_t n, long line, long col, long long byte,
    long eline, long ecol)
{
	struct got g;

	check_text(chk, format, text, n, &g);
	CHECK(g.nf >= 1, "no finding in \"%s\"", text);
	if (g.nf < 1)
		return;
	CHECK(g.f[0].line == line && g.f[0].column == col && g.f[0].byte_offset == byte &&
	    g.f[0].end_line == eline && g.f[0].end_column == ecol,
	    "\"%s\": got %ld:%ld byte %lld to %ld:%ld, expected %ld:%ld byte %lld to %ld:%ld",
	    text, g.f[0].line, g.f[0].column, g.f[0].byte_offset, g.f[0].end_line,
	    g.f[0].end_column, line, col, byte, eline, ecol);
}

#define AT(fmt, s, ...) at(fmt, s, sizeof(s) - 1, __VA_ARGS__)
#define CT(fmt, s, g) check_text(chk, fmt, s, sizeof(s) - 1, g)
#define TEXT POSTLINT_INPUT_TEXT
#define LINES POSTLINT_INPUT_LINES

int
main(void)
{
	struct postlint_error err;
	struct got g;

	chk = test_checker("zap.xml", "spam,style,spelling,bait,clickbait,value", &err);
	if (chk == NULL) {
		fprintf(stderr, "checker: %s:%ld: %s\n", err.file, err.line, err.message);
		return 1;
	}
	AT(TEXT, "zap", 1, 1, 0, 1, 4);
	AT(TEXT, "ab\nxy zap", 2, 4, 6, 2, 7);
	/* a BOM is not a column, but it is bytes */
	AT(TEXT, "\xEF\xBB\xBFzap", 1, 1, 3, 1, 4);
	AT(TEXT, "\xEF\xBB\xBF" "a\r\nb zap\r\n", 2, 3, 8, 2, 6);
	/* an emoji is one column and four bytes */
	AT(TEXT, "\xF0\x9F\x98\x80 zap", 1, 3, 5, 1, 6);
	/* e + combining acute is two code points */
	AT(TEXT, "e\xCC\x81 zap", 1, 4, 4, 1, 7);
	AT(TEXT, "\xE6\x97\xA5\xE6\x9C\xAC zap", 1, 4, 7, 1, 7);
	/* a match across a line break ends on the next line */
	AT(TEXT, "x zap\nzap y", 1, 3, 2, 2, 4);
	AT(TEXT, "x\tzap", 1, 3, 2, 1, 6);
	/* --each-line: the line number is the physical line; blank lines
	 * are skipped but counted */
	AT(LINES, "first\n\n  \nthe zap\n", 4, 5, 14, 4, 8);
	AT(LINES, "first\r\nzap\r\n", 2, 1, 7, 2, 4);
	AT(LINES, "\xEF\xBB\xBFzap", 1, 1, 3, 1, 4);

	/* a metric finding points at the post's first visible character */
	CT(TEXT, "\n\n  one two three four five six seven eight", &g);
	CHECK(g.nf == 1 && strcmp(g.rule[0], "zap.long") == 0 && g.f[0].line == 3 &&
	    g.f[0].column == 3 && g.f[0].end_column == 4,
	    "metric finding: %d findings, first %s at %ld:%ld-%ld", g.nf,
	    g.nf ? g.rule[0] : "-", g.nf ? g.f[0].line : 0L, g.nf ? g.f[0].column : 0L,
	    g.nf ? g.f[0].end_column : 0L);
	CHECK_STR(g.msg[0], "8 words, 0.00 capitals");

	/* each line is its own post, starting at its own line */
	CT(LINES, "zap\n\nbing\nzap zap\n", &g);
	CHECK_INT(g.nposts, 3);
	CHECK_INT(g.post_line[0], 1);
	CHECK_INT(g.post_line[1], 3);
	CHECK_INT(g.post_line[2], 4);

	/* invalid UTF-8 and NUL bytes are errors naming the line and column */
	CHECK_INT(CT(TEXT, "ok\nab\xE9z", &g), -1);
	CHECK_INT(g.nposts, 0);
	CHECK_INT(g.err.line, 2);
	CHECK_INT(g.err.column, 3);
	CHECK_HAS(g.err.message, "invalid UTF-8");
	CHECK_INT(CT(TEXT, "a\0b", &g), -1);
	CHECK_HAS(g.err.message, "NUL byte");
	/* overlong encodings and surrogates are invalid too */
	CHECK_INT(CT(TEXT, "\xC0\xAF", &g), -1);
	CHECK_INT(CT(TEXT, "\xED\xA0\x80", &g), -1);
	CHECK_INT(CT(TEXT, "\xF4\x90\x80\x80", &g), -1);
	/* with --each-line a bad line is an error and the others are judged */
	CHECK_INT(CT(LINES, "zap\n\xFF\nzap\n", &g), -1);
	CHECK_INT(g.nposts, 2);
	CHECK_INT(g.err.line, 2);
	/* nothing to judge is not an error */
	CHECK_INT(CT(TEXT, " \n\t\n", &g), 0);
	CHECK_INT(g.nposts, 0);
	CHECK_INT(CT(TEXT, "", &g), 0);
	CHECK_INT(g.nposts, 0);

	postlint_checker_free(chk);
	return harness_end();
}
