/* read_csv.c - bulk-schedule CSV (RFC 4180): a header names the columns, every row is a post at its line. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

struct field {
	size_t start, end;    /* the content, inside quotes when quoted */
	int quoted;
	int escapes;          /* holds "" pairs */
};

struct record {
	struct field *v;
	size_t n, cap;
	long line;
};

struct csv {
	struct pl_ctx *ctx;
	const char *s;
	size_t len, i;
	long line;
};

/* Reads one record at c->i.  Returns 1 with a record, 0 at the end, -1
 * after reporting malformed input. */
static int
record(struct csv *c, struct record *r)
{
	const char *s = c->s;

	r->n = 0;
	r->line = c->line;
	if (c->i >= c->len)
		return 0;
	for (;;) {
		struct field *f;

		PL_GROW(r->v, r->cap, r->n + 1);
		f = &r->v[r->n++];
		memset(f, 0, sizeof(*f));
		if (c->i < c->len && s[c->i] == '"') {
			long open_line = c->line;

			f->quoted = 1;
			f->start = ++c->i;
			for (;;) {
				if (c->i >= c->len) {
					pl_ctx_error(c->ctx, open_line, 0, "unterminated "
					    "quoted field (the quote opens on line %ld)",
					    open_line);
					return -1;
				}
				if (s[c->i] == '\n')
					c->line++;
				if (s[c->i] == '"') {
					if (c->i + 1 < c->len && s[c->i + 1] == '"') {
						f->escapes = 1;
						c->i += 2;
						continue;
					}
					break;
				}
				c->i++;
			}
			f->end = c->i++;
			if (c->i < c->len && s[c->i] != ',' && s[c->i] != '\n' &&
			    s[c->i] != '\r') {
				pl_ctx_error(c->ctx, c->line, 0, "text after the closing "
				    "quote of a field");
				return -1;
			}
		} else {
			f->start = c->i;
			while (c->i < c->len && s[c->i] != ',' && s[c->i] != '\n' &&
			    !(s[c->i] == '\r' && c->i + 1 < c->len && s[c->i + 1] == '\n'))
				c->i++;
			f->end = c->i;
		}
		if (c->i < c->len && s[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->i < c->len && s[c->i] == '\r')
			c->i++;
		if (c->i < c->len && s[c->i] == '\n') {
			c->i++;
			c->line++;
		}
		return 1;
	}
}

/* The field's text with "" unescaped, into B. */
static void
value(const struct csv *c, const struct field *f, struct pl_buf *b)
{
	size_t i;

	b->len = 0;
	for (i = f->start; i < f->end; i++) {
		pl_buf_addc(b, c->s[i]);
		if (f->escapes && c->s[i] == '"' && i + 1 < f->end && c->s[i + 1] == '"')
			i++;
	}
	if (b->p == NULL)
		pl_buf_adds(b, "");
	/* trim the spaces around unquoted values */
	if (!f->quoted) {
		size_t s = 0;

		while (b->len > 0 && isspace((unsigned char)b->p[b->len - 1]))
			b->p[--b->len] = '\0';
		while (s < b->len && isspace((unsigned char)b->p[s]))
			s++;
		memmove(b->p, b->p + s, b->len - s + 1);
		b->len -= s;
	}
}

static int
one_of(const char *name, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcasecmp(name, list[i]) == 0)
			return 1;
	return 0;
}

static const char *const message_cols[] = { "message", "text", "content",
	"post", "body", "caption", NULL };
static const char *const date_cols[] = { "date", "datetime", "time",
	"scheduled", "scheduled_at", "publish_at", "publish_date", "send_at",
	"post_at", NULL };
static const char *const link_cols[] = { "link", "url", NULL };
static const char *const tag_cols[] = { "tags", "hashtags", "labels", NULL };

/* The message field as prose, mapped to its bytes in the file. */
static void
message(struct pl_post *post, const struct csv *c, const struct field *f)
{
	size_t i = f->start, run = f->start;

	if (!f->escapes) {
		pl_post_add_src(post, f->start, f->end - f->start);
		return;
	}
	while (i < f->end) {
		if (c->s[i] == '"' && i + 1 < f->end && c->s[i + 1] == '"') {
			pl_post_add_src(post, run, i - run);
			pl_post_add_mapped(post, "\"", 1, i, 2);
			i += 2;
			run = i;
		} else
			i++;
	}
	pl_post_add_src(post, run, f->end - run);
}

void
pl_read_csv(struct pl_ctx *ctx, const char *buf, size_t len)
{
	struct csv c = { ctx, buf, len, 0, 1 };
	struct record r = { NULL, 0, 0, 0 };
	struct pl_buf v = { 0 };
	char **names = NULL;
	size_t ncols = 0, i, msg = (size_t)-1;
	int rc;
	/* the rows' posts share one line index of the file */
	struct pl_window whole = { buf, len, (long long)ctx->bom, 1, NULL, 0, 0 };

	if (pl_validate(ctx, c.s, c.len, 1) != 0)
		return;
	if ((rc = record(&c, &r)) <= 0)
		goto done;   /* empty file, or malformed header */
	ncols = r.n;
	names = pl_calloc(ncols, sizeof(*names));
	for (i = 0; i < ncols; i++) {
		value(&c, &r.v[i], &v);
		names[i] = pl_strndup(v.p, v.len);
		if (msg == (size_t)-1 && (ctx->in->column ?
		    strcasecmp(names[i], ctx->in->column) == 0 :
		    one_of(names[i], message_cols)))
			msg = i;
	}
	if (msg == (size_t)-1) {
		struct pl_buf found = { 0 };

		for (i = 0; i < ncols; i++)
			pl_buf_printf(&found, "%s'%s'", i ? ", " : "", names[i]);
		if (ctx->in->column)
			pl_ctx_error(ctx, 1, 0, "no column named '%s' (the header has "
			    "%s)", ctx->in->column, found.p ? found.p : "nothing");
		else
			pl_ctx_error(ctx, 1, 0, "no message column: name one "
			    "message, text, content or post, or use --column (the "
			    "header has %s)", found.p ? found.p : "nothing");
		pl_buf_free(&found);
		goto done;
	}
	while (!ctx->stop && (rc = record(&c, &r)) > 0) {
		struct pl_post post;

		if (r.n == 1 && r.v[0].end == r.v[0].start)
			continue;   /* a blank line */
		pl_post_init(ctx, &post, c.s, c.len, 1, (long long)ctx->bom);
		pl_window_share(&post.win, &whole);
		post.line = r.line;
		for (i = 0; i < r.n && i < ncols; i++) {
			const char *name = names[i];

			if (i == msg)
				continue;
			value(&c, &r.v[i], &v);
			if (v.len == 0)
				continue;
			if (one_of(name, date_cols)) {
				pl_post_meta(&post, "date", v.p, v.len, 0);
				if (pl_parse_time(v.p, &post.date) == 0)
					post.has_date = 1;
				else
					pl_ctx_error(ctx, r.line, 0, "column '%s': '%s' is not a "
					    "date (use 2031-05-01 09:00 or ISO 8601)", name, v.p);
			} else if (one_of(name, link_cols))
				pl_post_meta(&post, "link", v.p, v.len, 0);
			else if (one_of(name, tag_cols)) {
				char *t = v.p, *end;

				pl_post_meta(&post, "tags", NULL, 0, 1);
				while (*t) {
					while (*t == ',' || *t == ' ')
						t++;
					end = t + strcspn(t, ", ");
					if (end > t)
						pl_post_meta(&post, "tags", t, (size_t)(end - t), 1);
					t = end;
				}
			} else {
				pl_post_meta(&post, name, v.p, v.len, 0);
				if (strcasecmp(name, "status") == 0 &&
				    strcasecmp(v.p, "draft") == 0)
					post.draft = 1;
			}
		}
		if (msg < r.n)
			message(&post, &c, &r.v[msg]);
		pl_emit(ctx, &post);
	}
done:
	pl_window_free(&whole);
	for (i = 0; i < ncols; i++)
		free(names[i]);
	free(names);
	free(r.v);
	pl_buf_free(&v);
}
