/* read_text.c - plain text: a whole input as one post (front matter allowed), or every line a post. */
#include <errno.h>
#include <stdarg.h>
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

void
pl_ctx_error(struct pl_ctx *ctx, long line, long col, const char *fmt, ...)
{
	struct postlint_error err;
	va_list ap;

	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "%s", ctx->in->name);
	err.line = line;
	err.column = col;
	va_start(ap, fmt);
	vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	ctx->failed = 1;
	if (ctx->on_error != NULL)
		ctx->on_error(&err, ctx->data);
}

int
pl_validate(struct pl_ctx *ctx, const char *s, size_t n, long line)
{
	size_t bad = pl_utf8_check(s, n), i, ls = 0;
	const char *nul = memchr(s, '\0', bad);
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
		pl_ctx_error(ctx, line, col,
		    "NUL byte at column %ld (binary file?); not checked", col);
	else
		pl_ctx_error(ctx, line, col,
		    "invalid UTF-8 at column %ld (byte 0x%02X); not checked", col,
		    (unsigned char)s[bad]);
	return -1;
}

void
pl_post_init(struct pl_ctx *ctx, struct pl_post *post, const char *p,
    size_t n, long line, long long offset)
{
	memset(post, 0, sizeof(*post));
	post->source = ctx->in->name;
	post->win.p = p;
	post->win.len = n;
	post->win.line = line;
	post->win.offset = offset;
}

/*
 * --scheduled judges only posts due after --now, and drafts only with
 * --drafts; without --scheduled every post is judged.
 */
static int
selected(const struct postlint_input *in, const struct pl_post *p)
{
	if (!in->scheduled)
		return 1;
	if (p->draft)
		return in->drafts;
	return p->future || (p->has_date && p->date > in->now);
}

int
pl_judge(struct pl_ctx *ctx, struct pl_post *post)
{
	struct postlint_result res;

	/* a post in another language needs that language's dictionary */
	if (post->lang != NULL && ctx->chk->spelling && !ctx->stop &&
	    pl_checker_speller(ctx->chk, post->lang, NULL) == NULL) {
		const struct postlint_error *why;

		(void)pl_checker_speller(ctx->chk, post->lang, &why);
		pl_ctx_error(ctx, post->line > 0 ? post->line : post->win.line, 0,
		    "%s", why->message);
		pl_post_free(post);
		return ctx->stop;
	}
	/* a block's closing break is not part of the post */
	while (post->prose_len > 0 && post->prose[post->prose_len - 1] == '\n')
		post->prose_len--;
	if (!ctx->stop && selected(ctx->in, post) &&
	    !blank(post->prose ? post->prose : "", post->prose_len)) {
		pl_engine_check(ctx->chk, ctx->m, post, &res);
		if (ctx->on_result != NULL && ctx->on_result(&res, ctx->data) != 0)
			ctx->stop = 1;
		pl_result_free(&res);
	}
	pl_post_free(post);
	return ctx->stop;
}

static size_t
bom(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

long
pl_whole_post(struct pl_ctx *ctx, struct pl_post *post, const char *buf,
    size_t len, int front)
{
	long body = 0;

	if (pl_validate(ctx, buf, len, 1) != 0)
		return -1;
	pl_post_init(ctx, post, buf, len, 1, (long long)ctx->bom);
	if (front && (body = pl_frontmatter(ctx, post)) < 0) {
		pl_post_free(post);
		return -1;
	}
	return body;
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
	pl_judge(ctx, &post);
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
	if (n > ctx->chk->cfg->max_post_size) {
		pl_ctx_error(ctx, line, 0, "post is larger than --max-post-size "
		    "(%zu bytes); not checked", ctx->chk->cfg->max_post_size);
		return;
	}
	if (pl_validate(ctx, s, n, line) != 0 || blank(s, n))
		return;
	pl_post_init(ctx, &post, s, n, line, offset);
	post.prose = s;
	post.prose_len = n;
	pl_judge(ctx, &post);
}

void
pl_read_lines(struct pl_ctx *ctx, FILE *fp, const char *buf, size_t len)
{
	size_t max = ctx->chk->cfg->max_post_size;
	long line = 1;
	long long offset = 0;

	if (fp == NULL) {
		size_t i = 0;

		while (i < len && !ctx->stop) {
			const char *nl = memchr(buf + i, '\n', len - i);
			size_t e = nl ? (size_t)(nl - buf) : len;

			line_post(ctx, buf + i, e - i, line, (long long)i);
			i = e + 1;
			line++;
		}
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
					line_post(ctx, b.p + start, e - start, line, offset);
				skipping = 0;
				offset += (long long)(e + 1 - start);
				start = scan = e + 1;
				line++;
				continue;
			}
			scan = b.len;
			if (!skipping && b.len - start > max) {
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
					line_post(ctx, b.p + start, b.len - start, line,
					    offset);
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
						pl_ctx_error(ctx, 0, 0, "read error: %s",
						    strerror(errno));
						break;
					}
					eof = 1;
				}
			}
		}
		pl_buf_free(&b);
	}
}
