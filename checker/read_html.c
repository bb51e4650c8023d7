/* read_html.c - HTML through libxml2's HTML parser: text, <title> and alt are prose; script, style, code, pre are not. */
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "internal.h"

/* No network, no errors printed; the HTML parser loads no entities. */
#define HTML_OPTIONS (HTML_PARSE_NONET | HTML_PARSE_NOERROR | \
	HTML_PARSE_NOWARNING | HTML_PARSE_NOBLANKS)

struct html {
	struct pl_ctx *ctx;
	struct pl_post *post;
	htmlParserCtxtPtr parser;
	int own;            /* the HTML is the window itself */
	size_t cursor;      /* where alignment with the window resumes */
	size_t limit;       /* for embedded HTML: the end of its source */
	int skip;           /* inside script, style, code, pre, ... */
};

static const char *const skipped[] = {
	"script", "style", "code", "pre", "noscript", "template", "svg", "math",
	"textarea", NULL
};
static const char *const blocks[] = {
	"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
	"title", "tr", "td", "th", "table", "blockquote", "section", "article",
	"header", "footer", "aside", "nav", "dt", "dd", "figcaption", "hr",
	"main", "body", NULL
};

static int
in_list(const char *const *list, const xmlChar *name)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcasecmp(list[i], (const char *)name) == 0)
			return 1;
	return 0;
}

/* The window offset the parser has reached. */
static size_t
here(struct html *h)
{
	long n;

	if (!h->own)
		return h->limit;
	n = xmlByteConsumed(h->parser);
	if (n < 0)
		return h->cursor;
	return (size_t)n > h->post->win.len ? h->post->win.len : (size_t)n;
}

static void
start_element(void *ud, const xmlChar *name, const xmlChar **atts)
{
	struct html *h = ((htmlParserCtxtPtr)ud)->_private;
	size_t i;

	if (in_list(skipped, name)) {
		h->skip++;
		return;
	}
	if (in_list(blocks, name))
		pl_post_break(h->post);
	if (h->skip > 0 || atts == NULL)
		return;
	/* alt text describes an image in words: it is prose */
	for (i = 0; atts[i] != NULL; i += 2)
		if (strcasecmp((const char *)atts[i], "alt") == 0 &&
		    atts[i + 1] != NULL && atts[i + 1][0] != '\0') {
			const char *alt = (const char *)atts[i + 1];
			size_t start = h->cursor, end = h->limit;

			/* the parser does not say where a tag is: find "<img"
			 * after the last text, and its '>' */
			if (h->own) {
				const struct pl_window *w = &h->post->win;
				size_t nl = strlen((const char *)name);

				while (start + nl < w->len && !(w->p[start] == '<' &&
				    strncasecmp(w->p + start + 1, (const char *)name,
				    nl) == 0))
					start++;
				for (end = start; end < w->len && w->p[end] != '>'; end++)
					;
				/* inside the tag: the aligner skips whole tags */
				if (start + nl + 1 <= end)
					start += nl + 1;
			}
			pl_post_add_aligned(h->post, alt, strlen(alt), &start, end);
			pl_post_break(h->post);
			if (start > h->cursor)
				h->cursor = start;
		}
}

static void
end_element(void *ud, const xmlChar *name)
{
	struct html *h = ((htmlParserCtxtPtr)ud)->_private;

	if (in_list(skipped, name)) {
		if (h->skip > 0)
			h->skip--;
		return;
	}
	if (in_list(blocks, name))
		pl_post_break(h->post);
	/* the first <title> is the post's headline */
	if (strcasecmp((const char *)name, "title") == 0 &&
	    h->post->title_len == 0)
		h->post->title_len = h->post->text.len;
}

static void
characters(void *ud, const xmlChar *ch, int len)
{
	struct html *h = ((htmlParserCtxtPtr)ud)->_private;
	size_t limit;

	if (h->skip > 0 || len <= 0)
		return;
	limit = here(h);
	if (limit < h->cursor)
		limit = h->cursor;
	pl_post_add_aligned(h->post, (const char *)ch, (size_t)len, &h->cursor,
	    h->own ? limit : h->limit);
}

static void
comment(void *ud, const xmlChar *value)
{
	struct html *h = ((htmlParserCtxtPtr)ud)->_private;
	size_t end, start;

	if (!h->own)
		return;
	end = here(h);
	for (start = end >= 4 ? end - 4 : 0; start > 0 &&
	    memcmp(h->post->win.p + start, "<!--", 4) != 0; start--)
		;
	pl_post_comment(h->post, (const char *)value, strlen((const char *)value),
	    start, end, pl_window_lineno(&h->post->win, end > 0 ? end - 1 : 0));
}

static void
ignore_cdata(void *ud, const xmlChar *value, int len)
{
	(void)ud;
	(void)value;
	(void)len;
}

/* Parses HTML [S, S+N) with our SAX handlers into H's post. */
static int
parse(struct html *h, const char *s, size_t n)
{
	htmlSAXHandler sax;
	htmlParserCtxtPtr p;

	memset(&sax, 0, sizeof(sax));
	sax.startElement = start_element;
	sax.endElement = end_element;
	sax.characters = characters;
	sax.ignorableWhitespace = characters;
	sax.comment = comment;
	sax.cdataBlock = ignore_cdata;
	p = htmlCreateMemoryParserCtxt(s, (int)n);
	if (p == NULL)
		return -1;
	/* Replace the tree-building handler: nothing is kept but prose. */
	memcpy(p->sax, &sax, sizeof(sax));
	p->_private = h;
	p->userData = p;
	h->parser = p;
	htmlCtxtUseOptions(p, HTML_OPTIONS);
	xmlSwitchEncoding(p, XML_CHAR_ENCODING_UTF8);
	htmlParseDocument(p);
	if (p->myDoc != NULL)
		xmlFreeDoc(p->myDoc);
	htmlFreeParserCtxt(p);
	return 0;
}

void
pl_read_html(struct pl_ctx *ctx, const char *buf, size_t len)
{
	struct pl_post post;
	struct html h;

	if (pl_whole_post(ctx, &post, buf, len, 0) < 0)
		return;
	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	h.post = &post;
	h.own = 1;
	if (len > 0 && parse(&h, post.win.p, post.win.len) != 0) {
		pl_ctx_error(ctx, 1, 0, "the HTML parser could not start");
		pl_post_free(&post);
		return;
	}
	pl_emit(ctx, &post);
}

void
pl_html_prose(struct pl_ctx *ctx, struct pl_post *post, const char *html,
    size_t n, size_t *cursor, size_t limit)
{
	struct html h;

	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	h.post = post;
	h.cursor = *cursor;
	h.limit = limit;
	if (n > 0)
		(void)parse(&h, html, n);
	*cursor = h.cursor;
}
