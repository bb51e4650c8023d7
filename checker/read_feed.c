/* read_feed.c - RSS 2.0, RSS 1.0, Atom and WordPress exports: every item a post, at its line in the feed. */
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "internal.h"

#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"

static int
named(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static int
named_ns(xmlNodePtr n, const char *name, const char *prefix_or_uri)
{
	return named(n, name) && n->ns != NULL &&
	    ((n->ns->prefix != NULL &&
	    strcmp((const char *)n->ns->prefix, prefix_or_uri) == 0) ||
	    strcmp((const char *)n->ns->href, prefix_or_uri) == 0);
}

static xmlNodePtr
child(xmlNodePtr parent, const char *name, int plain)
{
	xmlNodePtr c;

	for (c = parent->children; c != NULL; c = c->next)
		if (named(c, name) && (!plain || c->ns == NULL ||
		    c->ns->prefix == NULL))
			return c;
	return NULL;
}

static xmlNodePtr
child_ns(xmlNodePtr parent, const char *name, const char *ns)
{
	xmlNodePtr c;

	for (c = parent->children; c != NULL; c = c->next)
		if (named_ns(c, name, ns))
			return c;
	return NULL;
}

static const char *
find(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	for (; s + n <= end; s++)
		if (memcmp(s, lit, n) == 0)
			return s;
	return NULL;
}

/*
 * libxml2 gives an element's line but not its byte offset, so the reader
 * finds the element's tags in the source from that line on: [*start, *end)
 * is the element's content, between its tags.  Returns 0 when found.
 */
static int
locate(struct pl_post *post, xmlNodePtr n, size_t from, size_t limit,
    size_t *start, size_t *end)
{
	const char *w = post->win.p, *lim = w + limit, *p, *q;
	char open[128], close[128];
	size_t line_off;
	long line = xmlGetLineNo(n);

	if (n->ns != NULL && n->ns->prefix != NULL) {
		snprintf(open, sizeof(open), "<%s:%s", n->ns->prefix, n->name);
		snprintf(close, sizeof(close), "</%s:%s", n->ns->prefix, n->name);
	} else {
		snprintf(open, sizeof(open), "<%s", n->name);
		snprintf(close, sizeof(close), "</%s", n->name);
	}
	line_off = line > 0 ? pl_window_offset(&post->win,
	    (size_t)(line - post->win.line), 0) : from;
	if (line_off < from)
		line_off = from;
	for (p = w + line_off; (p = find(p, lim, open)) != NULL; p++) {
		char c = p[strlen(open)];

		if (c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '/')
			break;
	}
	if (p == NULL || (q = memchr(p, '>', (size_t)(lim - p))) == NULL)
		return -1;
	*start = (size_t)(q + 1 - w);
	if (q[-1] == '/') {   /* <empty/> */
		*end = *start;
		return 0;
	}
	p = find(q, lim, close);
	*end = p ? (size_t)(p - w) : limit;
	return 0;
}

static void
meta_text(struct pl_post *post, const char *key, xmlNodePtr n, int list)
{
	xmlChar *t;
	size_t len;
	const char *s;

	if (n == NULL)
		return;
	t = xmlNodeGetContent(n);
	s = (const char *)(t ? t : (const xmlChar *)"");
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	len = strlen(s);
	while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
		len--;
	if (len > 0)
		pl_post_meta(post, key, s, len, list);
	xmlFree(t);
}

/* RFC 822 dates, as RSS writes them: "Thu, 01 May 2031 09:00:00 +0000". */
static int
rfc822(const char *s, long long *out)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char mon[4], zone[8] = "", iso[40];
	int d, y, h, mi, sec = 0, i, n = 0;
	const char *comma = strchr(s, ',');

	if (comma != NULL)
		s = comma + 1;
	if (sscanf(s, " %d %3s %d %d:%d%n", &d, mon, &y, &h, &mi, &n) != 5)
		return -1;
	s += n;
	if (*s == ':' && sscanf(s, ":%d%n", &sec, &n) == 1)
		s += n;
	(void)sscanf(s, " %7s", zone);
	for (i = 0; i < 12; i++)
		if (strcasecmp(mon, months[i]) == 0)
			break;
	if (i == 12)
		return -1;
	if (y < 100)
		y += 2000;
	if (zone[0] == '+' || zone[0] == '-')
		snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d%.3s:%.2s",
		    y, i + 1, d, h, mi, sec, zone, zone + 3);
	else
		snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, i + 1,
		    d, h, mi, sec);
	return pl_parse_time(iso, out);
}

static void
set_date(struct pl_post *post, xmlNodePtr n)
{
	xmlChar *t;
	const char *s;

	if (n == NULL)
		return;
	t = xmlNodeGetContent(n);
	s = (const char *)(t ? t : (const xmlChar *)"");
	while (*s == ' ' || *s == '\n')
		s++;
	if (*s != '\0' && (pl_parse_time(s, &post->date) == 0 ||
	    rfc822(s, &post->date) == 0)) {
		post->has_date = 1;
		pl_post_meta(post, "date", s, strcspn(s, "\r\n"), 0);
	}
	xmlFree(t);
}

static void
item_post(struct pl_ctx *ctx, struct pl_window *whole, xmlNodePtr item,
    int atom, size_t *search)
{
	struct pl_post post;
	xmlNodePtr title, body, c;
	size_t istart, iend, s, e, wlen = whole->len;
	int html = 1;

	pl_post_init(ctx, &post, whole->p, whole->len, whole->line,
	    whole->offset);
	pl_window_share(&post.win, whole);
	post.line = xmlGetLineNo(item);
	if (locate(&post, item, *search, wlen, &istart, &iend) != 0) {
		istart = *search;
		iend = wlen;
	}
	*search = iend;

	title = child(item, "title", 1);
	meta_text(&post, "title", title, 0);
	if (title != NULL && locate(&post, title, istart, iend, &s, &e) == 0) {
		xmlChar *t = xmlNodeGetContent(title);

		pl_post_add_aligned(&post, (const char *)t, strlen((const char *)t),
		    &s, e);
		xmlFree(t);
		post.title_len = post.text.len;
		pl_post_break(&post);
	}
	if (atom) {
		body = child(item, "content", 0);
		if (body == NULL)
			body = child(item, "summary", 0);
		if (body != NULL) {
			xmlChar *type = xmlGetProp(body, (const xmlChar *)"type");

			html = type != NULL && (strcmp((char *)type, "html") == 0 ||
			    strcmp((char *)type, "xhtml") == 0 ||
			    strcmp((char *)type, "text/html") == 0);
			xmlFree(type);
		}
		for (c = item->children; c != NULL; c = c->next)
			if (named(c, "link") && post.nmeta < 64) {
				xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");

				if (href != NULL && pl_post_meta_get(&post, "link") == NULL)
					pl_post_meta(&post, "link", (char *)href,
					    strlen((char *)href), 0);
				xmlFree(href);
			} else if (named(c, "category")) {
				xmlChar *term = xmlGetProp(c, (const xmlChar *)"term");

				if (term != NULL)
					pl_post_meta(&post, "tags", (char *)term,
					    strlen((char *)term), 1);
				xmlFree(term);
			}
		set_date(&post, child(item, "published", 0) ?
		    child(item, "published", 0) : child(item, "updated", 0));
	} else {
		body = child_ns(item, "encoded", NS_CONTENT);
		if (body == NULL)
			body = child(item, "description", 1);
		meta_text(&post, "link", child(item, "link", 1), 0);
		for (c = item->children; c != NULL; c = c->next)
			if (named(c, "category"))
				meta_text(&post, "tags", c, 1);
		set_date(&post, child(item, "pubDate", 1));
		if (!post.has_date)
			set_date(&post, child_ns(item, "post_date", "wp"));
		if (!post.has_date)
			set_date(&post, child_ns(item, "date", "dc"));
		c = child_ns(item, "status", "wp");
		meta_text(&post, "status", c, 0);
		if (c != NULL) {
			const char *st = pl_post_meta_get(&post, "status");

			post.draft = st != NULL && strcmp(st, "draft") == 0;
			post.future = st != NULL && strcmp(st, "future") == 0;
		}
	}
	if (body != NULL && locate(&post, body, istart, iend, &s, &e) == 0) {
		xmlChar *t = xmlNodeGetContent(body);
		size_t n = strlen((const char *)t);

		/* The content is HTML (escaped or in CDATA): its text is the
		 * prose, found again in the feed's own bytes. */
		if (html)
			pl_html_prose(ctx, &post, (const char *)t, n, &s, e);
		else
			pl_post_add_aligned(&post, (const char *)t, n, &s, e);
		xmlFree(t);
	}
	pl_emit(ctx, &post);
}

void
pl_read_feed(struct pl_ctx *ctx, const char *buf, size_t len)
{
	struct postlint_error err;
	xmlDocPtr doc;
	xmlNodePtr root, c, items;
	size_t search = 0;
	int atom;
	/* the items' posts share one line index of the file */
	struct pl_window whole = { buf, len, (long long)ctx->bom, 1, NULL, 0, 0 };

	if (pl_validate(ctx, buf, len, 1) != 0)
		return;
	memset(&err, 0, sizeof(err));
	doc = pl_xml_parse(buf, len, ctx->in->name, &err);
	if (doc == NULL) {
		pl_ctx_error(ctx, err.line, 0, "%s", err.message);
		return;
	}
	root = xmlDocGetRootElement(doc);
	atom = named(root, "feed");
	if (named(root, "rss"))
		items = child(root, "channel", 0);
	else if (atom || named(root, "RDF"))
		items = root;
	else {
		pl_ctx_error(ctx, xmlGetLineNo(root), 0, "not a feed: the root "
		    "element is <%s>, not <rss>, <feed> or <rdf:RDF>", root->name);
		pl_xml_free(doc);
		return;
	}
	for (c = items ? items->children : NULL; c != NULL && !ctx->stop;
	    c = c->next)
		if (named(c, atom ? "entry" : "item"))
			item_post(ctx, &whole, c, atom, &search);
	pl_window_free(&whole);
	pl_xml_free(doc);
}
