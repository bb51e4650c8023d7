/* frontmatter.c - YAML front matter (--- ... ---) through libyaml: metadata, the title, per-post overrides. */
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "internal.h"

static const char *const platforms[] = {
	"generic", "x", "mastodon", "bluesky", "threads", "linkedin", NULL
};

/* The line [*s, *e) of the window starting at OFF, without its break. */
static size_t
line_end(const struct pl_window *w, size_t off, size_t *next)
{
	const char *nl = memchr(w->p + off, '\n', w->len - off);
	size_t e = nl ? (size_t)(nl - w->p) : w->len;

	*next = nl ? e + 1 : w->len;
	if (e > off && w->p[e - 1] == '\r')
		e--;
	return e;
}

static int
is_fence(const struct pl_window *w, size_t s, size_t e, int closing)
{
	while (e > s && (w->p[e - 1] == ' ' || w->p[e - 1] == '\t'))
		e--;
	return (e - s == 3 && memcmp(w->p + s, "---", 3) == 0) ||
	    (closing && e - s == 3 && memcmp(w->p + s, "...", 3) == 0);
}

/* A front matter is small.  These bound what hostile YAML can cost: the
 * values read, counting each alias again where it is used (libyaml keeps
 * an alias as a reference, so a few lines can name a list a million
 * times), and the depth of [ and { nesting, on which libyaml is
 * quadratic. */
#define MAX_FM_VALUES 100000
#define MAX_FM_DEPTH 64

struct fm {
	struct pl_ctx *ctx;
	struct pl_post *post;
	yaml_document_t doc;
	size_t base;        /* window offset of the YAML text */
	long base_line;     /* 0-based window line of the YAML text */
	size_t values;      /* read so far, against MAX_FM_VALUES */
	int over;           /* MAX_FM_VALUES reached: reported */
};

static size_t
mark_offset(struct fm *f, yaml_mark_t m)
{
	return pl_window_offset(&f->post->win, (size_t)f->base_line + m.line,
	    m.column);
}

static long
mark_line(struct fm *f, yaml_mark_t m)
{
	return f->post->win.line + f->base_line + (long)m.line;
}

static yaml_node_t *
node(struct fm *f, int id)
{
	return yaml_document_get_node(&f->doc, id);
}

static int
scalar_is(yaml_node_t *n, const char *s)
{
	return n != NULL && n->type == YAML_SCALAR_NODE &&
	    n->data.scalar.length == strlen(s) &&
	    strncasecmp((const char *)n->data.scalar.value, s,
	    n->data.scalar.length) == 0;
}

static const char *
sval(yaml_node_t *n, size_t *len)
{
	*len = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

/* Counts N more values read; past MAX_FM_VALUES the front matter is an
 * error (reported once) and nothing more is read. */
static int
spend(struct fm *f, yaml_node_t *at, size_t n)
{
	if (f->over)
		return -1;
	f->values += n;
	if (f->values <= MAX_FM_VALUES)
		return 0;
	f->over = 1;
	pl_ctx_error(f->ctx, mark_line(f, at->start_mark), 0, "front matter: "
	    "more than %d values, aliases counted where they are used; not "
	    "checked", MAX_FM_VALUES);
	return -1;
}

/* Calls FN for each scalar of V: V itself, or the items of a sequence;
 * a scalar "a, b" is split on commas. */
static void
each_item(struct fm *f, yaml_node_t *v, void (*fn)(struct fm *, yaml_node_t *,
    const char *, size_t, void *), void *arg)
{
	yaml_node_item_t *it;

	if (v == NULL)
		return;
	if (v->type == YAML_SEQUENCE_NODE && spend(f, v,
	    (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)))
		return;
	if (v->type == YAML_SEQUENCE_NODE) {
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			yaml_node_t *x = node(f, *it);

			if (x != NULL && x->type == YAML_SCALAR_NODE) {
				size_t n;
				const char *s = sval(x, &n);

				fn(f, x, s, n, arg);
			}
		}
	} else if (v->type == YAML_SCALAR_NODE) {
		size_t n, i = 0;
		const char *s = sval(v, &n);

		while (i < n) {
			size_t j;

			while (i < n && (s[i] == ',' || s[i] == ' '))
				i++;
			j = i;
			while (j < n && s[j] != ',')
				j++;
			while (j > i && s[j - 1] == ' ')
				j--;
			if (j > i)
				fn(f, v, s + i, j - i, arg);
			while (j < n && s[j] != ',')
				j++;
			i = j;
		}
	}
}

static void
add_tag(struct fm *f, yaml_node_t *n, const char *s, size_t len, void *arg)
{
	(void)n;
	pl_post_meta(f->post, arg, s, len, 1);
}

static void
add_audience(struct fm *f, yaml_node_t *n, const char *s, size_t len, void *arg)
{
	char tag[128];

	(void)n;
	(void)arg;
	snprintf(tag, sizeof(tag), "%.*s", (int)len, s);
	pl_strlist_add(&f->post->audience, tag, "front matter");
	f->post->has_audience = 1;
}

static void
add_accept(struct fm *f, yaml_node_t *n, const char *s, size_t len, void *arg)
{
	char w[256];

	(void)n;
	(void)arg;
	snprintf(w, sizeof(w), "%.*s", (int)len, s);
	pl_strlist_add(&f->post->accept, w, "front matter");
}

static void
add_disable(struct fm *f, yaml_node_t *n, const char *s, size_t len, void *arg)
{
	struct pl_suppress *sp = pl_post_suppress(f->post, 1, 0,
	    mark_offset(f, n->start_mark), mark_offset(f, n->end_mark));

	(void)arg;
	pl_suppress_add_id(f->post, sp, s, len);
}

static int
known_platform(const char *s, size_t n)
{
	size_t i;

	for (i = 0; platforms[i] != NULL; i++)
		if (strlen(platforms[i]) == n && strncmp(platforms[i], s, n) == 0)
			return 1;
	return 0;
}

/* postlint: {audience, platform, lang, disable, accept} for this post. */
static int
overrides(struct fm *f, yaml_node_t *map)
{
	yaml_node_pair_t *p;

	if (map->type != YAML_MAPPING_NODE) {
		pl_ctx_error(f->ctx, mark_line(f, map->start_mark), 0,
		    "front matter: 'postlint' must be a map of settings");
		return -1;
	}
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(f, p->key), *v = node(f, p->value);
		size_t n;
		const char *s;

		if (k == NULL || v == NULL)
			continue;
		if (scalar_is(k, "audience")) {
			pl_strlist_clear(&f->post->audience);
			each_item(f, v, add_audience, NULL);
			f->post->has_audience = 1;
		} else if (scalar_is(k, "disable"))
			each_item(f, v, add_disable, NULL);
		else if (scalar_is(k, "accept"))
			each_item(f, v, add_accept, NULL);
		else if ((scalar_is(k, "platform") || scalar_is(k, "lang")) &&
		    v->type == YAML_SCALAR_NODE) {
			s = sval(v, &n);
			if (scalar_is(k, "platform")) {
				if (!known_platform(s, n)) {
					pl_ctx_error(f->ctx, mark_line(f, v->start_mark), 0,
					    "front matter: unknown platform '%.*s' (one of "
					    "generic, x, mastodon, bluesky, threads, linkedin)",
					    (int)n, s);
					return -1;
				}
				f->post->platform = pl_pool_strndup(&f->post->pool, s, n);
			} else if (!pl_lang_valid(s, n)) {
				/* it becomes part of a dictionary's path */
				pl_ctx_error(f->ctx, mark_line(f, v->start_mark), 0,
				    "front matter: language '%.*s' is not a tag such as "
				    "en or en_US (letters only)", n > 40 ? 40 : (int)n, s);
				return -1;
			} else
				f->post->lang = pl_pool_strndup(&f->post->pool, s, n);
		} else {
			s = k->type == YAML_SCALAR_NODE ? sval(k, &n) : "?";
			if (k->type != YAML_SCALAR_NODE)
				n = 1;
			pl_ctx_error(f->ctx, mark_line(f, k->start_mark), 0,
			    "front matter: unknown postlint setting '%.*s' (audience, "
			    "platform, lang, disable, accept)", (int)n, s);
			return -1;
		}
	}
	return 0;
}

static int
truthy(const char *s, size_t n)
{
	return (n == 4 && strncasecmp(s, "true", 4) == 0) ||
	    (n == 3 && strncasecmp(s, "yes", 3) == 0) ||
	    (n == 2 && strncasecmp(s, "on", 2) == 0);
}

static int
walk(struct fm *f)
{
	yaml_node_t *root = yaml_document_get_root_node(&f->doc);
	yaml_node_pair_t *p;
	yaml_node_t *title = NULL;

	if (root == NULL)
		return 0;   /* empty front matter */
	if (root->type != YAML_MAPPING_NODE) {
		pl_ctx_error(f->ctx, mark_line(f, root->start_mark), 0,
		    "front matter must be a map of keys and values");
		return -1;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *k = node(f, p->key), *v = node(f, p->value);
		char key[64];
		size_t n;
		const char *s;

		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
			continue;
		if (spend(f, k, 1) != 0)
			return -1;
		s = sval(k, &n);
		snprintf(key, sizeof(key), "%.*s", (int)n, s);
		if (strcasecmp(key, "postlint") == 0) {
			if (overrides(f, v) != 0)
				return -1;
			continue;
		}
		if (strcasecmp(key, "tags") == 0 || strcasecmp(key, "categories") == 0) {
			pl_post_meta(f->post, "tags", NULL, 0, 1);
			each_item(f, v, add_tag, "tags");
			if (f->over)
				return -1;
			continue;
		}
		if (v->type == YAML_SEQUENCE_NODE) {
			pl_post_meta(f->post, key, NULL, 0, 1);
			each_item(f, v, add_tag, key);
			if (f->over)
				return -1;
			continue;
		}
		if (v->type != YAML_SCALAR_NODE)
			continue;   /* nested maps are not metadata we report */
		s = sval(v, &n);
		if (strcasecmp(key, "title") == 0) {
			title = v;
			pl_post_meta(f->post, "title", s, n, 0);
		} else if (strcasecmp(key, "date") == 0 ||
		    strcasecmp(key, "publishDate") == 0 ||
		    strcasecmp(key, "publish_date") == 0 ||
		    strcasecmp(key, "scheduled") == 0) {
			char d[64];

			pl_post_meta(f->post, "date", s, n, 0);
			snprintf(d, sizeof(d), "%.*s", (int)n, s);
			if (pl_parse_time(d, &f->post->date) != 0) {
				pl_ctx_error(f->ctx, mark_line(f, v->start_mark), 0,
				    "front matter: '%s' is not a date (use 2031-05-01 or "
				    "2031-05-01T09:00:00Z)", d);
				return -1;
			}
			f->post->has_date = 1;
		} else if (strcasecmp(key, "draft") == 0) {
			if (truthy(s, n)) {
				f->post->draft = 1;
				pl_post_meta(f->post, "status", "draft", 5, 0);
			}
		} else if (strcasecmp(key, "status") == 0) {
			pl_post_meta(f->post, "status", s, n, 0);
			if (n == 5 && strncasecmp(s, "draft", 5) == 0)
				f->post->draft = 1;
			if (n == 6 && strncasecmp(s, "future", 6) == 0)
				f->post->future = 1;
		} else if (strcasecmp(key, "platform") == 0) {
			pl_post_meta(f->post, "platform", s, n, 0);
			if (known_platform(s, n) && f->post->platform == NULL)
				f->post->platform = pl_pool_strndup(&f->post->pool, s, n);
		} else
			pl_post_meta(f->post, key, s, n, 0);
	}
	if (title != NULL) {
		/* The title is the headline: it is prose, found where it was
		 * written (quotes and escapes are skipped by the alignment). */
		size_t cur = mark_offset(f, title->start_mark);
		size_t end = mark_offset(f, title->end_mark);
		size_t n;
		const char *s = sval(title, &n);

		pl_post_add_aligned(f->post, s, n, &cur, end);
		f->post->title_len = f->post->text.len;
		pl_post_break(f->post);
	}
	return 0;
}

/* The deepest nesting of [ and { in [S, S+N), outside quotes and
 * comments, up to LIMIT + 1; *LINE is set to the line (0-based) where it
 * passes LIMIT. */
static int
flow_depth(const char *s, size_t n, int limit, long *line)
{
	int depth = 0, max = 0;
	char quote = 0;
	size_t i;

	*line = 0;
	for (i = 0; i < n && max <= limit; i++) {
		char c = s[i];

		if (c == '\n') {
			++*line;
			if (quote == 0)
				continue;
		}
		if (quote != 0) {
			if (c == '\\' && quote == '"' && i + 1 < n)
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if ((c == '"' || c == '\'') && (i == 0 ||
		    strchr(" \t\n[{,:", s[i - 1]) != NULL))
			quote = c;   /* only where a scalar starts, as in YAML */
		else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
			while (i + 1 < n && s[i + 1] != '\n')
				i++;
		else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if ((c == ']' || c == '}') && depth > 0)
			depth--;
	}
	return max;
}

long
pl_frontmatter(struct pl_ctx *ctx, struct pl_post *post)
{
	struct pl_window *w = &post->win;
	size_t s, e, next, yaml_start, yaml_end;
	long line = 1;
	yaml_parser_t parser;
	struct fm f;
	int rc;

	if (w->len < 3 || memcmp(w->p, "---", 3) != 0)
		return 0;
	e = line_end(w, 0, &next);
	if (!is_fence(w, 0, e, 0))
		return 0;
	yaml_start = next;
	for (s = next; s < w->len; s = next, line++) {
		e = line_end(w, s, &next);
		if (is_fence(w, s, e, 1))
			break;
	}
	if (s >= w->len) {
		pl_ctx_error(ctx, w->line, 0, "front matter that opens here is "
		    "never closed with '---'");
		return -1;
	}
	yaml_end = s;

	{
		long at;

		if (flow_depth(w->p + yaml_start, yaml_end - yaml_start,
		    MAX_FM_DEPTH, &at) > MAX_FM_DEPTH) {
			pl_ctx_error(ctx, w->line + 1 + at, 0, "front matter: [ and { "
			    "nested more than %d deep; not checked", MAX_FM_DEPTH);
			return -1;
		}
	}
	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.post = post;
	f.base = yaml_start;
	f.base_line = 1;
	if (!yaml_parser_initialize(&parser))
		pl_nomem();
	yaml_parser_set_input_string(&parser,
	    (const unsigned char *)w->p + yaml_start, yaml_end - yaml_start);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &f.doc)) {
		pl_ctx_error(ctx, w->line + 1 + (long)parser.problem_mark.line,
		    (long)parser.problem_mark.column + 1, "front matter: %s%s%s",
		    parser.problem ? parser.problem : "malformed YAML",
		    parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	rc = walk(&f);
	yaml_document_delete(&f.doc);
	yaml_parser_delete(&parser);
	return rc != 0 ? -1 : (long)next;
}
