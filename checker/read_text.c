/* read_text.c - plain text: a whole input as one post, or (--each-line) every line as a post. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CHUNK 65536

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' &&
		    s[i] != '\f' && s[i] != '\v')
			return 0;
	return 1;
}

/*
 * Refuses text that is not UTF-8 or holds a NUL byte, naming the place:
 * LINE is the line S starts on.  Returns 0 when the text is fine.
 */
static int
validate(const struct postlint_input *in, const char *s, size_t n, long line,
    postlint_error_fn on_error, void *data)
{
	size_t bad = pl_utf8_check(s, n), i, ls = 0;
	const char *nul = memchr(s, '\0', bad);
	struct postlint_error err;
	long col = 1;

	if (nul != NULL)
		bad = (size_t)(nul - s);
	else if (bad == n)
		return 0;
	for (i = 0; i < bad; i++)
		if (s[i] == '\n') {
			line++;
			ls = i + 1;
		}
	for (i = ls; i < bad; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			col++;
	if (nul != NULL)
		pl_error_set(&err, in->name, line, col,
		    "NUL byte at column %ld (binary file?); not checked", col);
	else
		pl_error_set(&err, in->name, line, col,
		    "invalid UTF-8 at column %ld (byte 0x%02X); not checked", col,
		    (unsigned char)s[bad]);
	if (on_error != NULL)
		on_error(&err, data);
	return -1;
}

static void
too_big(const struct postlint_input *in, long line, size_t max,
    postlint_error_fn on_error, void *data)
{
	struct postlint_error err;

	pl_error_set(&err, in->name, line, 0, "post is larger than "
	    "--max-post-size (%zu bytes); not checked", max);
	if (on_error != NULL)
		on_error(&err, data);
}

static void
read_error(const struct postlint_input *in, postlint_error_fn on_error,
    void *data)
{
	struct postlint_error err;

	pl_error_set(&err, in->name, 0, 0, "read error: %s", strerror(errno));
	if (on_error != NULL)
		on_error(&err, data);
}

/* Checks the post held in [S, S+N), which starts at LINE, byte OFFSET. */
static int
check_post(const struct postlint_checker *chk, struct pl_match *m,
    const struct postlint_input *in, const char *s, size_t n, long line,
    long long offset, postlint_result_fn on_result, void *data)
{
	struct postlint_result res;
	struct pl_post post;
	int stop;

	memset(&post, 0, sizeof(post));
	post.source = in->name;
	post.win.p = s;
	post.win.len = n;
	post.win.line = line;
	post.win.offset = offset;
	/* The line break that ends a file is not part of its post. */
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	post.prose = s;
	post.prose_len = n;
	pl_engine_check(chk, m, &post, &res);
	stop = on_result != NULL ? on_result(&res, data) : 0;
	pl_result_free(&res);
	pl_window_free(&post.win);
	return stop;
}

static size_t
bom(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

int
pl_read_text(const struct postlint_checker *chk,
    const struct postlint_input *in, FILE *fp, const char *buf, size_t len,
    postlint_result_fn on_result, postlint_error_fn on_error, void *data)
{
	size_t max = chk->cfg->max_post_size, skip;
	struct pl_buf b = { 0 };
	struct pl_match *m;
	int rc = 0;

	if (fp != NULL) {
		/* Read at most one byte past the limit: a post too large is an
		 * error, not a reason to hold the whole input. */
		for (;;) {
			size_t want = max + 1 - b.len, got;

			if (want > CHUNK)
				want = CHUNK;
			PL_GROW(b.p, b.cap, b.len + want + 1);
			got = fread(b.p + b.len, 1, want, fp);
			b.len += got;
			if (got < want || b.len > max)
				break;
		}
		if (ferror(fp)) {
			read_error(in, on_error, data);
			pl_buf_free(&b);
			return -1;
		}
		buf = b.p ? b.p : "";
		len = b.len;
	}
	if (len > max) {
		too_big(in, 1, max, on_error, data);
		pl_buf_free(&b);
		return -1;
	}
	skip = bom(buf, len);
	if (validate(in, buf + skip, len - skip, 1, on_error, data) != 0)
		rc = -1;
	else if (!blank(buf + skip, len - skip)) {
		m = pl_match_new();
		if (check_post(chk, m, in, buf + skip, len - skip, 1,
		    (long long)skip, on_result, data) != 0)
			rc = 1;
		pl_match_free(m);
	}
	pl_buf_free(&b);
	return rc;
}

/* One line of --each-line input: S without its line break. */
static int
line_post(const struct postlint_checker *chk, struct pl_match *m,
    const struct postlint_input *in, const char *s, size_t n, long line,
    long long offset, postlint_result_fn on_result,
    postlint_error_fn on_error, void *data, int *failed)
{
	size_t skip = line == 1 ? bom(s, n) : 0;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	s += skip;
	n -= skip;
	offset += (long long)skip;
	if (n > chk->cfg->max_post_size) {
		too_big(in, line, chk->cfg->max_post_size, on_error, data);
		*failed = 1;
		return 0;
	}
	if (validate(in, s, n, line, on_error, data) != 0) {
		*failed = 1;
		return 0;
	}
	if (blank(s, n))
		return 0;
	return check_post(chk, m, in, s, n, line, offset, on_result, data);
}

int
pl_read_lines(const struct postlint_checker *chk,
    const struct postlint_input *in, FILE *fp, const char *buf, size_t len,
    postlint_result_fn on_result, postlint_error_fn on_error, void *data)
{
	size_t max = chk->cfg->max_post_size;
	struct pl_match *m = pl_match_new();
	int failed = 0, stop = 0;
	long line = 1;
	long long offset = 0;

	if (fp == NULL) {
		size_t i = 0;

		while (i < len && !stop) {
			const char *nl = memchr(buf + i, '\n', len - i);
			size_t e = nl ? (size_t)(nl - buf) : len;

			stop = line_post(chk, m, in, buf + i, e - i, line,
			    (long long)i, on_result, on_error, data, &failed);
			i = e + 1;
			line++;
		}
	} else {
		/*
		 * Stream: the buffer holds at most one line (bounded by the
		 * post size limit) plus one chunk, whatever the input size.
		 * A line over the limit is reported and skipped unread.
		 */
		struct pl_buf b = { 0 };
		size_t start = 0, scan = 0;
		int eof = 0, skipping = 0;

		while (!stop) {
			const char *nl = b.len > scan ?
			    memchr(b.p + scan, '\n', b.len - scan) : NULL;

			if (nl != NULL) {
				size_t e = (size_t)(nl - b.p);

				if (!skipping)
					stop = line_post(chk, m, in, b.p + start,
					    e - start, line, offset, on_result, on_error,
					    data, &failed);
				skipping = 0;
				offset += (long long)(e + 1 - start);
				start = scan = e + 1;
				line++;
				continue;
			}
			scan = b.len;
			if (!skipping && b.len - start > max) {
				too_big(in, line, max, on_error, data);
				failed = 1;
				skipping = 1;
			}
			if (skipping) {
				/* drop what was read of the long line */
				offset += (long long)(b.len - start);
				b.len = start = scan = 0;
			}
			if (eof) {
				if (b.len > start && !skipping)
					stop = line_post(chk, m, in, b.p + start,
					    b.len - start, line, offset, on_result,
					    on_error, data, &failed);
				break;
			}
			if (start > 0) {   /* keep only the unfinished line */
				memmove(b.p, b.p + start, b.len - start);
				b.len -= start;
				scan -= start;
				start = 0;
			}
			PL_GROW(b.p, b.cap, b.len + CHUNK + 1);
			{
				size_t got = fread(b.p + b.len, 1, CHUNK, fp);

				b.len += got;
				if (got < CHUNK) {
					if (ferror(fp)) {
						read_error(in, on_error, data);
						failed = 1;
						break;
					}
					eof = 1;
				}
			}
		}
		pl_buf_free(&b);
	}
	pl_match_free(m);
	if (stop)
		return 1;
	return failed ? -1 : 0;
}
