/* read_text.c - plain text: a whole input as one post (front matter allowed), or every line a post. */
#include <errno.h>
#include <pthread.h>
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

	/* a whole-file post was held to the limit as it was read; a CSV row
	 * or a feed item is held to it here */
	if (post->prose_len > ctx->chk->cfg->max_post_size && !ctx->stop) {
		pl_ctx_error(ctx, post->line > 0 ? post->line : post->win.line, 0,
		    "post is larger than --max-post-size (%zu bytes); not checked",
		    ctx->chk->cfg->max_post_size);
		pl_post_free(post);
		return ctx->stop;
	}
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

/*
 * --each-line with threads (postlint_checker_set_threads).  The calling
 * thread reads lines into batches; workers judge whole batches, keeping
 * copies of the results; the calling thread hands them to the caller in
 * input order, batch after batch.  At most WINDOW batches are in flight,
 * so memory stays bounded whatever the input size.
 */
#define BATCH_LINES 512
#define BATCH_BYTES (128 * 1024)

struct lrec {
	size_t at, n;          /* the line in the batch's text */
	long line;
	long long offset;
};

struct lev {
	struct postlint_result *res;   /* a result, or */
	struct postlint_error *err;    /* an error */
};

struct lbatch {
	/* the worker's memory reporter (postlint_checker_set_render), while
	 * it judges; NULL: results are copied */
	struct postlint_reporter *render;
	struct pl_buf text;
	struct lrec *v;
	size_t nv, capv;
	struct lev *ev;
	size_t nev, capev;
	int done;
	struct lbatch *next;
};

struct lpool {
	struct pl_ctx *ctx;            /* the caller's */
	pthread_t th[PL_MAX_THREADS];
	int nth;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct lbatch *head, *tail;    /* submitted, oldest first */
	struct lbatch *todo;           /* the first not yet taken */
	struct lbatch *cur;            /* being filled */
	size_t inflight, window;
	int closing, stop;
};

static void
lev_add(struct lbatch *b, const struct lev *e)
{
	PL_GROW(b->ev, b->capev, b->nev + 1);
	b->ev[b->nev++] = *e;
}

/* RES as the caller's reporter writes it, with its verdict and figures:
 * what postlint_checker_set_render promises, cheaper than a copy. */
static struct postlint_result *
rendered(struct postlint_reporter *rep, const struct postlint_result *res)
{
	struct postlint_result *c = pl_calloc(1, sizeof(*c));
	size_t n;
	const char *text = postlint_reporter_render(rep, res, &n);

	c->chk = res->chk;
	c->source = res->source;   /* the input's name, valid while it is read */
	c->line = res->line;
	c->score = res->score;
	c->threshold = res->threshold;
	c->passed = res->passed;
	memcpy(c->metrics, res->metrics, sizeof(c->metrics));
	c->rendered = pl_malloc(n + 1);
	memcpy(c->rendered, text, n);
	c->nrendered = n;
	c->rformat = res->chk->render_format;
	c->rflags = res->chk->render_flags;
	return c;
}

static int
batch_result(const struct postlint_result *res, void *data)
{
	struct lbatch *b = data;
	struct lev e = { NULL, NULL };

	e.res = b->render != NULL ? rendered(b->render, res) :
	    postlint_result_copy(res);
	lev_add(b, &e);
	return 0;
}

static void
batch_error(const struct postlint_error *err, void *data)
{
	struct lev e = { NULL, pl_malloc(sizeof(*err)) };

	*e.err = *err;
	lev_add(data, &e);
}

static void *
lworker(void *arg)
{
	struct lpool *p = arg;
	struct pl_ctx w = *p->ctx;
	/* NULL when the caller did not ask for rendering (render_format -1) */
	struct postlint_reporter *r = postlint_reporter_new_memory(
	    w.chk->render_format, w.chk->render_flags);

	w.m = pl_take_match(w.chk);
	w.on_result = batch_result;
	w.on_error = batch_error;
	w.failed = w.stop = 0;
	for (;;) {
		struct lbatch *b;
		size_t i;

		pthread_mutex_lock(&p->lock);
		while (p->todo == NULL && !p->closing && !p->stop)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop || p->todo == NULL) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		b = p->todo;
		p->todo = b->next;
		pthread_mutex_unlock(&p->lock);
		w.data = b;
		b->render = r;
		for (i = 0; i < b->nv; i++)
			line_post(&w, b->text.p + b->v[i].at, b->v[i].n, b->v[i].line,
			    b->v[i].offset);
		pthread_mutex_lock(&p->lock);
		b->done = 1;
		pthread_cond_broadcast(&p->done);
		pthread_mutex_unlock(&p->lock);
	}
	pl_give_match(w.chk, w.m);
	postlint_reporter_free(r);
	return NULL;
}

static void
lbatch_free(struct lbatch *b)
{
	size_t i;

	for (i = 0; i < b->nev; i++) {
		postlint_result_free(b->ev[i].res);
		free(b->ev[i].err);
	}
	free(b->ev);
	free(b->v);
	pl_buf_free(&b->text);
	free(b);
}

/* Hands the head batches to the caller while they are done; with ALL,
 * waits for every batch in flight.  Only the calling thread does this. */
static void
lemit(struct lpool *p, int all)
{
	struct pl_ctx *ctx = p->ctx;

	pthread_mutex_lock(&p->lock);
	while (p->head != NULL && !p->stop && (all || p->head->done ||
	    p->inflight >= p->window)) {
		struct lbatch *b = p->head;
		size_t i;

		if (!b->done) {
			pthread_cond_wait(&p->done, &p->lock);
			continue;
		}
		if ((p->head = b->next) == NULL)
			p->tail = NULL;
		p->inflight--;
		pthread_mutex_unlock(&p->lock);
		for (i = 0; i < b->nev && !ctx->stop; i++)
			if (b->ev[i].err != NULL) {
				ctx->failed = 1;
				if (ctx->on_error != NULL)
					ctx->on_error(b->ev[i].err, ctx->data);
			} else if (ctx->on_result != NULL &&
			    ctx->on_result(b->ev[i].res, ctx->data) != 0)
				ctx->stop = 1;
		lbatch_free(b);
		pthread_mutex_lock(&p->lock);
		if (ctx->stop && !p->stop) {
			p->stop = 1;
			pthread_cond_broadcast(&p->work);
		}
	}
	pthread_mutex_unlock(&p->lock);
}

/* Queues the batch being filled, if any. */
static void
lsubmit(struct lpool *p)
{
	struct lbatch *b = p->cur;

	if (b == NULL)
		return;
	p->cur = NULL;
	if (p->ctx->stop) {   /* nobody will report it */
		lbatch_free(b);
		return;
	}
	pthread_mutex_lock(&p->lock);
	if (p->tail != NULL)
		p->tail->next = b;
	else
		p->head = b;
	p->tail = b;
	if (p->todo == NULL)
		p->todo = b;
	p->inflight++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	lemit(p, 0);
}

/* One line, judged now or batched for the workers. */
static void
each_line(struct pl_ctx *ctx, struct lpool *p, const char *s, size_t n,
    long line, long long offset)
{
	struct lbatch *b;

	if (p == NULL) {
		line_post(ctx, s, n, line, offset);
		return;
	}
	if ((b = p->cur) == NULL) {
		b = p->cur = pl_calloc(1, sizeof(*b));
	}
	PL_GROW(b->v, b->capv, b->nv + 1);
	b->v[b->nv].at = b->text.len;
	b->v[b->nv].n = n;
	b->v[b->nv].line = line;
	b->v[b->nv++].offset = offset;
	pl_buf_add(&b->text, s, n);
	if (b->nv >= BATCH_LINES || b->text.len >= BATCH_BYTES)
		lsubmit(p);
}

/* Everything read so far is handed to the caller: before an error found
 * by the reader itself, so that it comes in order, and at the end. */
static void
lflush(struct lpool *p)
{
	if (p != NULL) {
		lsubmit(p);
		lemit(p, 1);
	}
}

static struct lpool *
lpool_start(struct pl_ctx *ctx)
{
	struct lpool *p;
	int i, n = ctx->chk->threads;

	if (n <= 1)
		return NULL;
	p = pl_calloc(1, sizeof(*p));
	p->ctx = ctx;
	p->window = 2 * (size_t)n + 2;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (i = 0; i < n; i++)
		if (pthread_create(&p->th[p->nth], NULL, lworker, p) == 0)
			p->nth++;
	if (p->nth == 0) {   /* no thread to be had: judge here */
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->done);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return NULL;
	}
	return p;
}

static void
lpool_finish(struct lpool *p)
{
	int i;

	if (p == NULL)
		return;
	lflush(p);
	pthread_mutex_lock(&p->lock);
	p->closing = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	/* after a stop, batches may be left unreported */
	while (p->head != NULL) {
		struct lbatch *b = p->head;

		p->head = b->next;
		lbatch_free(b);
	}
	if (p->cur != NULL)
		lbatch_free(p->cur);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void
pl_read_lines(struct pl_ctx *ctx, FILE *fp, const char *buf, size_t len)
{
	size_t max = ctx->chk->cfg->max_post_size;
	long line = 1;
	long long offset = 0;
	struct lpool *p = lpool_start(ctx);

	if (fp == NULL) {
		size_t i = 0;

		while (i < len && !ctx->stop) {
			const char *nl = memchr(buf + i, '\n', len - i);
			size_t e = nl ? (size_t)(nl - buf) : len;

			each_line(ctx, p, buf + i, e - i, line, (long long)i);
			i = e + 1;
			line++;
		}
		lpool_finish(p);
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
					each_line(ctx, p, b.p + start, e - start, line,
					    offset);
				skipping = 0;
				offset += (long long)(e + 1 - start);
				start = scan = e + 1;
				line++;
				continue;
			}
			scan = b.len;
			if (!skipping && b.len - start > max) {
				lflush(p);
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
					each_line(ctx, p, b.p + start, b.len - start,
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

						lflush(p);
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
	lpool_finish(p);
}
