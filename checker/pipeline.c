/* pipeline.c - the way in: picks the reader for an input, and judges each post a reader emits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

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
pl_emit(struct pl_ctx *ctx, struct pl_post *post)
{
	struct postlint_result res;
	size_t i;

	if (ctx->as != NULL) {
		post->platform = ctx->as->platform;
		post->lang = ctx->as->lang;
		post->only = ctx->as->only;
		for (i = 0; i < ctx->as->audience.n; i++)
			pl_strlist_add(&post->audience, ctx->as->audience.v[i],
			    "example");
		post->has_audience |= ctx->as->has_audience;
	}
	/* a whole-file post was held to the limit as it was read; a CSV row
	 * or a feed item is held to it here */
	if (post->prose_len > ctx->chk->cfg->max_post_size && !ctx->stop) {
		pl_ctx_error(ctx, post->line > 0 ? post->line : post->win.line, 0,
		    "post is larger than --max-post-size (%zu bytes); not checked",
		    ctx->chk->cfg->max_post_size);
		pl_post_free(post);
		return ctx->stop;
	}
	/* a post in another language needs that language's dictionary; an
	 * example's language is its pack's, whose rule loads one if it
	 * spells */
	if (post->lang != NULL && ctx->as == NULL && ctx->chk->spelling &&
	    !ctx->stop &&
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
	    !pl_blank(post->prose ? post->prose : "", post->prose_len)) {
		pl_engine_check(ctx->chk, ctx->m, post, &res);
		if (ctx->on_result != NULL && ctx->on_result(&res, ctx->data) != 0)
			ctx->stop = 1;
		pl_result_free(&res);
	}
	pl_post_free(post);
	return ctx->stop;
}

/* Feeds and CSV files hold many posts and are parsed whole, up to this. */
#define MAX_MULTI_POST_FILE (64 * 1024 * 1024)

static const char *const format_names[] = {
	"auto", "text", "lines", "markdown", "html", "feed", "csv"
};

int
postlint_input_format_parse(const char *name)
{
	int i;

	for (i = 1; i < (int)(sizeof(format_names) / sizeof(*format_names)); i++)
		if (strcmp(name, format_names[i]) == 0)
			return i;
	return -1;
}

static int
by_extension(const char *name)
{
	const char *slash, *dot;
	static const struct { const char *ext; int fmt; } exts[] = {
		{ "md", POSTLINT_INPUT_MARKDOWN }, { "markdown", POSTLINT_INPUT_MARKDOWN },
		{ "html", POSTLINT_INPUT_HTML }, { "htm", POSTLINT_INPUT_HTML },
		{ "rss", POSTLINT_INPUT_FEED }, { "atom", POSTLINT_INPUT_FEED },
		{ "xml", POSTLINT_INPUT_FEED }, { "csv", POSTLINT_INPUT_CSV },
		{ "txt", POSTLINT_INPUT_TEXT },
	};
	size_t i;

	if (name == NULL)
		return POSTLINT_INPUT_AUTO;
	slash = strrchr(name, '/');
	dot = strrchr(name, '.');
	if (dot == NULL || (slash != NULL && dot < slash))
		return POSTLINT_INPUT_AUTO;
	for (i = 0; i < sizeof(exts) / sizeof(*exts); i++)
		if (strcasecmp(dot + 1, exts[i].ext) == 0)
			return exts[i].fmt;
	return POSTLINT_INPUT_AUTO;
}

static int
starts_ci(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n >= m && strncasecmp(s, lit, m) == 0;
}

/* Content with no telling name: XML feeds and HTML announce themselves;
 * everything else is text (which may open with front matter). */
static int
sniff(const char *s, size_t n)
{
	size_t i = 0, lim = n < 4096 ? n : 4096;

	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < lim && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\n'))
		i++;
	if (starts_ci(s + i, lim - i, "<!doctype html") ||
	    starts_ci(s + i, lim - i, "<html"))
		return POSTLINT_INPUT_HTML;
	if (starts_ci(s + i, lim - i, "<?xml") || starts_ci(s + i, lim - i, "<rss") ||
	    starts_ci(s + i, lim - i, "<feed")) {
		/* an XML file is a feed when its first element says so */
		const char *e = s + i, *end = s + lim;

		while ((e = memchr(e, '<', (size_t)(end - e))) != NULL) {
			if (starts_ci(e, (size_t)(end - e), "<rss") ||
			    starts_ci(e, (size_t)(end - e), "<feed"))
				return POSTLINT_INPUT_FEED;
			if (starts_ci(e, (size_t)(end - e), "<html"))
				return POSTLINT_INPUT_HTML;
			e++;
		}
	}
	return POSTLINT_INPUT_TEXT;
}

int
pl_dispatch(const struct postlint_checker *chk, const struct postlint_input *in,
    FILE *fp, const char *buf, size_t len, const struct pl_post *as,
    postlint_result_fn on_result, postlint_error_fn on_error, void *data)
{
	struct pl_ctx ctx;
	struct pl_buf b = { 0 };
	size_t max = chk->cfg->max_post_size;
	int fmt = in->format;

	memset(&ctx, 0, sizeof(ctx));
	ctx.chk = chk;
	ctx.in = in;
	ctx.on_result = on_result;
	ctx.on_error = on_error;
	ctx.data = data;
	ctx.max_post_size = chk->cfg->max_post_size;
	ctx.as = as;
	ctx.m = pl_take_match(chk);
	if (fmt == POSTLINT_INPUT_AUTO)
		fmt = by_extension(in->format_name ? in->format_name : in->name);
	if (fmt == POSTLINT_INPUT_LINES) {
		pl_read_lines(&ctx, fp, buf, len);
		goto done;
	}
	if (fp != NULL) {
		/* Read at most one byte past the limit: a post too large is an
		 * error, not a reason to hold the whole input. */
		size_t cap = fmt == POSTLINT_INPUT_FEED || fmt == POSTLINT_INPUT_CSV ||
		    fmt == POSTLINT_INPUT_AUTO ? MAX_MULTI_POST_FILE : max;

		if (cap < max)
			cap = max;
		for (;;) {
			size_t want = cap + 1 - b.len, got;

			/* small first reads: most posts are small, and a buffer
			 * past malloc's mmap threshold costs an mmap and a munmap
			 * (with a TLB shootdown under threads) per file */
			if (want > (b.len < 4096 ? 4096 : b.len))
				want = b.len < 4096 ? 4096 : b.len;
			if (want > 65536)
				want = 65536;
			PL_GROW(b.p, b.cap, b.len + want + 1);
			got = fread(b.p + b.len, 1, want, fp);
			b.len += got;
			if (got < want || b.len > cap)
				break;
		}
		if (ferror(fp)) {
			pl_ctx_error(&ctx, 0, 0, "read error: %s", strerror(errno));
			goto done;
		}
		buf = b.p ? b.p : "";
		len = b.len;
		if (len > cap && cap > max) {
			pl_ctx_error(&ctx, 0, 0, "larger than %d MiB; not checked",
			    MAX_MULTI_POST_FILE / 1024 / 1024);
			goto done;
		}
	}
	if (fmt == POSTLINT_INPUT_AUTO)
		fmt = sniff(buf, len);
	/* A BOM is bytes of the file but no column of any line. */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
		ctx.bom = 3;
	}
	if (len > max && fmt != POSTLINT_INPUT_FEED && fmt != POSTLINT_INPUT_CSV) {
		pl_ctx_error(&ctx, 1, 0, "post is larger than --max-post-size "
		    "(%zu bytes); not checked", max);
		goto done;
	}
	switch (fmt) {
	case POSTLINT_INPUT_MARKDOWN:
		pl_read_markdown(&ctx, buf, len);
		break;
	case POSTLINT_INPUT_HTML:
		pl_read_html(&ctx, buf, len);
		break;
	case POSTLINT_INPUT_FEED:
		pl_read_feed(&ctx, buf, len);
		break;
	case POSTLINT_INPUT_CSV:
		pl_read_csv(&ctx, buf, len);
		break;
	default:
		pl_read_text(&ctx, buf, len);
		break;
	}
done:
	pl_buf_free(&b);
	pl_give_match(chk, ctx.m);
	if (ctx.stop)
		return 1;
	return ctx.failed ? -1 : 0;
}

int
postlint_check_stream(const struct postlint_checker *chk,
    const struct postlint_input *in, FILE *fp, postlint_result_fn on_result,
    postlint_error_fn on_error, void *data)
{
	return pl_dispatch(chk, in, fp, NULL, 0, NULL, on_result, on_error,
	    data);
}

int
postlint_check_buffer(const struct postlint_checker *chk,
    const struct postlint_input *in, const char *buf, size_t len,
    postlint_result_fn on_result, postlint_error_fn on_error, void *data)
{
	return pl_dispatch(chk, in, NULL, buf, len, NULL, on_result, on_error,
	    data);
}

int
postlint_split_lines(const struct postlint_checker *chk,
    const struct postlint_input *in, FILE *fp, postlint_batch_fn fn,
    postlint_error_fn on_error, void *data)
{
	struct pl_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.chk = chk;
	ctx.in = in;
	ctx.on_error = on_error;
	ctx.data = data;
	ctx.max_post_size = chk->cfg->max_post_size;
	pl_split_lines(&ctx, fp, NULL, 0, fn, data);
	if (ctx.stop)
		return 1;
	return ctx.failed ? -1 : 0;
}
