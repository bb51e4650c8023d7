/* read_text.c - plain text: a whole input as one post (front matter allowed), or every line a post. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CHUNK 65536

static size_t
bom(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* The whole input is one post, after an optional front matter. */
void
pl_read_text(struct pl_ctx *ctx, const char *buf, size_t len)
{
	struct pl_post post;
	long body;
	size_t n;

	if ((body = pl_whole_post(ctx, &post, buf, len, 1)) < 0)
		return;
	/* The line break that ends a file is not part of its post. */
	n = post.win.len;
	while (n > (size_t)body && (post.win.p[n - 1] == '\n' ||
	    post.win.p[n - 1] == '\r'))
		n--;
	if (post.segs == NULL && body == 0) {
		/* no front matter: the prose is the window, byte for byte */
		post.prose = post.win.p;
		post.prose_len = n;
	} else {
		pl_post_break(&post);
		pl_post_add_src(&post, (size_t)body, n - (size_t)body);
	}
	pl_emit(ctx, &post);
}

/* One line of --each-line input: S without its line break. */
static void
line_post(struct pl_ctx *ctx, const char *s, size_t n, long line,
    long long offset)
{
	size_t skip = line == 1 ? bom(s, n) : 0;
	struct pl_post post;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	s += skip;
	n -= skip;
	offset += (long long)skip;
	if (n > ctx->max_post_size) {
		pl_ctx_error(ctx, line, 0, "post is larger than --max-post-size "
		    "(%zu bytes); not checked", ctx->max_post_size);
		return;
	}
	if (pl_validate(ctx, s, n, line) != 0 || pl_blank(s, n))
		return;
	pl_post_init(ctx, &post, s, n, line, offset);
	post.prose = s;
	post.prose_len = n;
	pl_emit(ctx, &post);
}

/*
 * The lines of --each-line input go one by one to the judge, or, for a
 * caller that judges them in threads (postlint_split_lines), into
 * batches of whole lines handed to FN with the line and byte offset the
 * batch starts at.
 */
#define BATCH_LINES 512
#define BATCH_BYTES (128 * 1024)

struct lines {
	struct pl_ctx *ctx;
	postlint_batch_fn fn;      /* NULL: each line is judged at once */
	void *data;
	struct pl_buf text;        /* the batch being filled */
	size_t n;
	long line;
	long long offset;
};

static void
lines_flush(struct lines *l)
{
	if (l->fn == NULL || l->n == 0 || l->ctx->stop)
		return;
	if (l->fn(l->text.p, l->text.len, l->line, l->offset, l->data) != 0)
		l->ctx->stop = 1;
	l->text.len = 0;
	l->n = 0;
}

/* One line, S without its line break, judged now or batched. */
static void
each_line(struct lines *l, const char *s, size_t n, long line,
    long long offset)
{
	if (l->fn == NULL) {
		line_post(l->ctx, s, n, line, offset);
		return;
	}
	if (l->n++ == 0) {
		l->line = line;
		l->offset = offset;
	}
	pl_buf_add(&l->text, s, n);
	pl_buf_add(&l->text, "\n", 1);
	if (l->n >= BATCH_LINES || l->text.len >= BATCH_BYTES)
		lines_flush(l);
}

void
pl_read_lines(struct pl_ctx *ctx, FILE *fp, const char *buf, size_t len)
{
	pl_split_lines(ctx, fp, buf, len, NULL, NULL);
}

void
pl_split_lines(struct pl_ctx *ctx, FILE *fp, const char *buf, size_t len,
    postlint_batch_fn fn, void *data)
{
	size_t max = ctx->max_post_size;
	long line = ctx->in->line > 0 ? ctx->in->line : 1;
	long long offset = ctx->in->offset;
	struct lines lines = { ctx, fn, data, { 0 }, 0, 0, 0 }, *p = &lines;

	if (fp == NULL) {
		size_t i = 0;

		while (i < len && !ctx->stop) {
			const char *nl = memchr(buf + i, '\n', len - i);
			size_t e = nl ? (size_t)(nl - buf) : len;

			each_line(p, buf + i, e - i, line, offset + (long long)i);
			i = e + 1;
			line++;
		}
		lines_flush(p);
		pl_buf_free(&p->text);
		return;
	}
	/*
	 * Stream: the buffer holds at most one line (bounded by the post
	 * size limit) plus one chunk, whatever the input size.  A line over
	 * the limit is reported and skipped unread.
	 */
	{
		struct pl_buf b = { 0 };
		size_t start = 0, scan = 0;
		int eof = 0, skipping = 0;

		while (!ctx->stop) {
			const char *nl = b.len > scan ?
			    memchr(b.p + scan, '\n', b.len - scan) : NULL;

			if (nl != NULL) {
				size_t e = (size_t)(nl - b.p);

				if (!skipping)
					each_line(p, b.p + start, e - start, line,
					    offset);
				skipping = 0;
				offset += (long long)(e + 1 - start);
				start = scan = e + 1;
				line++;
				continue;
			}
			scan = b.len;
			if (!skipping && b.len - start > max) {
				lines_flush(p);
				pl_ctx_error(ctx, line, 0, "post is larger than "
				    "--max-post-size (%zu bytes); not checked", max);
				skipping = 1;
			}
			if (skipping) {
				/* drop what was read of the long line */
				offset += (long long)(b.len - start);
				b.len = start = scan = 0;
			}
			if (eof) {
				if (b.len > start && !skipping)
					each_line(p, b.p + start, b.len - start,
					    line, offset);
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
						int e = errno;

						lines_flush(p);
						pl_ctx_error(ctx, 0, 0, "read error: %s",
						    strerror(e));
						break;
					}
					eof = 1;
				}
			}
		}
		pl_buf_free(&b);
	}
	lines_flush(p);
	pl_buf_free(&p->text);
}
