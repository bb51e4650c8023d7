/* read_markdown.c - Markdown through md4c: link text and alt text are prose; code, raw HTML and URLs are not. */
#include <string.h>

#include <md4c.h>

#include "internal.h"

/*
 * md4c hands its callbacks pointers into the document it parses, so every
 * run of prose has an exact byte offset in the original file, entities and
 * nested lists included.  cmark only records the line and column where a
 * block starts, which is why this reader uses md4c.
 */

struct md {
	struct pl_ctx *ctx;
	struct pl_post *post;
	const char *doc;     /* the Markdown, inside the window */
	size_t base;         /* window offset of doc */
	size_t size;
	int image;           /* inside an image: its alt text */
};

static int
in_doc(struct md *md, const MD_CHAR *t, MD_SIZE n)
{
	return t >= md->doc && t + n <= md->doc + md->size;
}

static size_t
off(struct md *md, const MD_CHAR *t)
{
	return md->base + (size_t)(t - md->doc);
}

/* A block that starts inside another (a nested list in an item) also
 * ends the text before it. */
static int
enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct md *md = userdata;

	(void)detail;
	if (type != MD_BLOCK_DOC)
		pl_post_break(md->post);
	return 0;
}

/* Blocks end sentences: a heading and the paragraph after it do not run
 * together. */
static int
leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct md *md = userdata;

	(void)detail;
	switch (type) {
	case MD_BLOCK_P:
	case MD_BLOCK_H:
	case MD_BLOCK_LI:
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
	case MD_BLOCK_QUOTE:
	case MD_BLOCK_TR:
		pl_post_break(md->post);
		break;
	default:
		break;
	}
	return 0;
}

static int
enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct md *md = userdata;

	(void)detail;
	if (type == MD_SPAN_IMG)
		md->image++;
	return 0;
}

static int
leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct md *md = userdata;

	(void)detail;
	if (type == MD_SPAN_IMG)
		md->image--;
	return 0;
}

/* The code point of an entity such as &amp; &#39; &#x2019;, or 0. */
static uint32_t
entity(const char *s, size_t n)
{
	static const struct { const char *name; uint32_t cp; } named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
		{ "apos", '\'' }, { "nbsp", 0xA0 }, { "copy", 0xA9 },
		{ "reg", 0xAE }, { "trade", 0x2122 }, { "hellip", 0x2026 },
		{ "mdash", 0x2014 }, { "ndash", 0x2013 }, { "lsquo", 0x2018 },
		{ "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
		{ "euro", 0x20AC }, { "pound", 0xA3 }, { "eacute", 0xE9 },
		{ "middot", 0xB7 }, { "bull", 0x2022 }, { "times", 0xD7 },
	};
	size_t i;

	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	s++;
	n -= 2;
	if (s[0] == '#') {
		uint32_t v = 0;
		int hex = n > 1 && (s[1] == 'x' || s[1] == 'X');

		for (i = hex ? 2 : 1; i < n; i++) {
			char c = s[i];
			int d = c >= '0' && c <= '9' ? c - '0' :
			    hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			    hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

			if (d < 0 || v > 0x10FFFF)
				return 0;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return 0xFFFD;
		return v;
	}
	for (i = 0; i < sizeof(named) / sizeof(*named); i++)
		if (strlen(named[i].name) == n && memcmp(named[i].name, s, n) == 0)
			return named[i].cp;
	return 0;
}

static const char *
find(const char *s, const char *end, const char *lit, size_t n)
{
	for (; s + n <= end; s++)
		if (memcmp(s, lit, n) == 0)
			return s;
	return NULL;
}

/* Raw HTML is not prose, but its comments may hold suppressions. */
static void
html_comments(struct md *md, const MD_CHAR *t, MD_SIZE n)
{
	const char *p = t, *end = t + n;

	while ((p = find(p, end, "<!--", 4)) != NULL) {
		const char *close = find(p + 4, end, "-->", 3);
		size_t s, e;

		if (close == NULL)
			break;
		s = off(md, p);
		e = off(md, close + 3);
		pl_post_comment(md->post, p + 4, (size_t)(close - p - 4), s, e,
		    pl_window_lineno(&md->post->win, e - 1));
		p = close + 3;
	}
}

static int
text(MD_TEXTTYPE type, const MD_CHAR *t, MD_SIZE n, void *userdata)
{
	struct md *md = userdata;
	char buf[4];
	uint32_t cp;

	switch (type) {
	case MD_TEXT_NORMAL:
	case MD_TEXT_LATEXMATH:
		if (in_doc(md, t, n))
			pl_post_add_src(md->post, off(md, t), n);
		break;
	case MD_TEXT_ENTITY:
		if (!in_doc(md, t, n))
			break;
		cp = entity(t, n);
		if (cp == 0)   /* unknown: keep it as written */
			pl_post_add_src(md->post, off(md, t), n);
		else
			pl_post_add_mapped(md->post, buf, pl_utf8_encode(cp, buf),
			    off(md, t), n);
		break;
	case MD_TEXT_NULLCHAR:
		break;
	case MD_TEXT_SOFTBR:
		/* a wrapped line inside a paragraph is a space, not a break */
		if (in_doc(md, t, n) && n > 0)
			pl_post_add_mapped(md->post, " ", 1, off(md, t), n);
		else
			pl_post_add_mapped(md->post, " ", 1,
			    md->post->text.len ? pl_post_src(md->post,
			    md->post->text.len, 1) : md->base, 0);
		break;
	case MD_TEXT_BR:
		pl_post_break(md->post);
		break;
	case MD_TEXT_HTML:
		if (in_doc(md, t, n))
			html_comments(md, t, n);
		break;
	case MD_TEXT_CODE:
	default:
		break;   /* code is not prose */
	}
	return 0;
}

void
pl_read_markdown(struct pl_ctx *ctx, const char *buf, size_t len)
{
	struct pl_post post;
	struct md md;
	MD_PARSER parser;
	long body;

	if ((body = pl_whole_post(ctx, &post, buf, len, 1)) < 0)
		return;
	memset(&md, 0, sizeof(md));
	md.ctx = ctx;
	md.post = &post;
	md.base = (size_t)body;
	md.doc = post.win.p + body;
	md.size = post.win.len - (size_t)body;
	memset(&parser, 0, sizeof(parser));
	parser.abi_version = 0;
	parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH |
	    MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS;
	parser.enter_block = enter_block;
	parser.leave_block = leave_block;
	parser.enter_span = enter_span;
	parser.leave_span = leave_span;
	parser.text = text;
	if (md_parse(md.doc, (MD_SIZE)md.size, &parser, &md) != 0) {
		pl_ctx_error(ctx, 1, 0, "the Markdown parser gave up on this file");
		pl_post_free(&post);
		return;
	}
	pl_emit(ctx, &post);
}
