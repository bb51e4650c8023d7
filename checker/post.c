/* post.c - a post as readers build it: prose mapped to the source, metadata, suppressions, dates. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

void
pl_post_free(struct pl_post *p)
{
	size_t i;

	pl_window_free(&p->win);
	pl_buf_free(&p->text);
	free(p->segs);
	free(p->meta);
	free(p->metacap);
	free(p->metaslot);
	pl_strlist_free(&p->audience);
	pl_strlist_free(&p->accept);
	for (i = 0; i < p->nsup; i++)
		free(p->sup[i].ids);
	free(p->sup);
	pl_pool_free(&p->pool);
}

static void
add_seg(struct pl_post *p, size_t n, size_t src, size_t src_len, int verbatim)
{
	struct pl_seg *g;

	if (n == 0)
		return;
	/* a verbatim run that continues the last one extends it */
	if (p->nsegs > 0 && verbatim) {
		g = &p->segs[p->nsegs - 1];
		if (g->verbatim && g->prose + g->len == p->text.len &&
		    g->src + g->src_len == src) {
			g->len += n;
			g->src_len += n;
			return;
		}
	}
	PL_GROW(p->segs, p->capsegs, p->nsegs + 1);
	g = &p->segs[p->nsegs++];
	g->prose = p->text.len;
	g->len = n;
	g->src = src;
	g->src_len = src_len;
	g->verbatim = verbatim;
}

static void
sync_prose(struct pl_post *p)
{
	p->prose = p->text.p ? p->text.p : "";
	p->prose_len = p->text.len;
}

void
pl_post_add_src(struct pl_post *p, size_t src, size_t n)
{
	add_seg(p, n, src, n, 1);
	pl_buf_add(&p->text, p->win.p + src, n);
	sync_prose(p);
}

void
pl_post_add_mapped(struct pl_post *p, const char *text, size_t n, size_t src,
    size_t src_len)
{
	if (n == src_len && memcmp(text, p->win.p + src, n) == 0) {
		pl_post_add_src(p, src, n);
		return;
	}
	add_seg(p, n, src, src_len, 0);
	pl_buf_add(&p->text, text, n);
	sync_prose(p);
}

/* Length of the markup or entity at window offset I that an aligner may
 * skip: a tag or comment, an entity, a CR; 0 when there is none. */
static size_t
skippable(const char *w, size_t i, size_t limit)
{
	const char *e;

	if (w[i] == '\r')
		return 1;
	if (w[i] == '<') {
		if (limit - i >= 4 && memcmp(w + i, "<!--", 4) == 0) {
			for (e = w + i + 4; e + 3 <= w + limit; e++)
				if (memcmp(e, "-->", 3) == 0)
					return (size_t)(e + 3 - (w + i));
			return 0;
		}
		e = memchr(w + i, '>', limit - i);
		return e ? (size_t)(e - (w + i)) + 1 : 0;
	}
	if (w[i] == '&') {
		size_t j = i + 1;

		while (j < limit && j - i < 40 && (isalnum((unsigned char)w[j]) ||
		    w[j] == '#'))
			j++;
		if (j < limit && w[j] == ';' && j > i + 1)
			return j - i + 1;
	}
	return 0;
}

/*
 * Finds decoded text in its source.  Parsers (libxml2's HTML parser, a
 * feed's escaped HTML) hand over text without saying where each byte came
 * from, so each run of the text is matched with the source from CURSOR on,
 * skipping tags, comments, entities and CRs in between.  Where a byte
 * cannot be matched (an entity's decoded character), the text is mapped to
 * the markup that produced it.  Every finding then points into the source
 * even when the source spelled the text differently.
 */
void
pl_post_add_aligned(struct pl_post *p, const char *text, size_t n,
    size_t *cursor, size_t limit)
{
	const char *w = p->win.p;
	size_t i = 0, c = *cursor;

	if (limit > p->win.len)
		limit = p->win.len;
	while (i < n) {
		size_t run = 0, k;

		/* the longest verbatim run at the cursor */
		while (i + run < n && c + run < limit && text[i + run] == w[c + run])
			run++;
		if (run > 0) {
			pl_post_add_src(p, c, run);
			i += run;
			c += run;
			continue;
		}
		if (c < limit && (k = skippable(w, c, limit)) > 0) {
			/* an entity stands for the next character of the text */
			if (w[c] == '&') {
				uint32_t cp;
				size_t cl = pl_utf8_decode((const unsigned char *)text + i,
				    n - i, &cp);

				if (cl == 0)
					cl = 1;
				pl_post_add_mapped(p, text + i, cl, c, k);
				i += cl;
			}
			c += k;
			continue;
		}
		/* nothing matches here: skip source bytes up to the next place
		 * the text continues (a few bytes of it, so a lone letter in an
		 * attribute is no anchor), or give up and map the rest to C */
		{
			size_t want = n - i < 6 ? n - i : 6, j;
			size_t far = limit - c < 4096 ? limit : c + 4096;

			for (; want > 0; want = want > 1 ? 1 : 0) {
				for (j = c; j + want <= far; j++)
					if (memcmp(w + j, text + i, want) == 0)
						break;
				if (j + want <= far)
					break;
			}
			if (want > 0) {
				c = j;
				continue;
			}
			pl_post_add_mapped(p, text + i, n - i, c < limit ? c : limit, 0);
			i = n;
		}
	}
	*cursor = c;
}

void
pl_post_break(struct pl_post *p)
{
	if (p->text.len == 0 || p->text.p[p->text.len - 1] == '\n')
		return;
	/* a synthetic byte: it maps to the end of the run before it */
	pl_buf_addc(&p->text, '\n');
	sync_prose(p);
}

size_t
pl_post_src(const struct pl_post *p, size_t off, int end)
{
	size_t lo = 0, hi = p->nsegs;
	const struct pl_seg *g;

	if (p->segs == NULL)
		return p->prose_base + off;
	if (p->nsegs == 0)
		return 0;
	/* the last segment starting at or before OFF (END: before it) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (end ? p->segs[mid].prose < off : p->segs[mid].prose <= off)
			lo = mid;
		else
			hi = mid;
	}
	g = &p->segs[lo];
	if (off < g->prose)   /* before the first run */
		return g->src;
	if (off >= g->prose + g->len) {
		/* in synthetic bytes after the run: its end, or the next start */
		if (!end && lo + 1 < p->nsegs)
			return p->segs[lo + 1].src;
		return g->src + g->src_len;
	}
	if (g->verbatim)
		return g->src + (off - g->prose);
	return end ? g->src + g->src_len : g->src;
}

/* Where KEY's index goes in P's table of keys: its slot, or the empty one
 * it would take.  A front matter or a CSV header may hold any number of
 * keys, so a key is found by hash, not by a scan of the others. */
static size_t *
key_slot(const struct pl_post *p, const char *key)
{
	size_t mask = p->nslots - 1, i = pl_hash(key, strlen(key)) & mask;

	while (p->metaslot[i] != 0 &&
	    strcmp(p->meta[p->metaslot[i] - 1].key, key) != 0)
		i = (i + 1) & mask;
	return &p->metaslot[i];
}

static void
rehash(struct pl_post *p)
{
	size_t i;

	free(p->metaslot);
	p->nslots = p->nslots ? p->nslots * 2 : 16;
	p->metaslot = pl_calloc(p->nslots, sizeof(*p->metaslot));
	for (i = 0; i < p->nmeta; i++)
		*key_slot(p, p->meta[i].key) = i + 1;
}

void
pl_post_meta(struct pl_post *p, const char *key, const char *value, size_t n,
    int list)
{
	struct postlint_meta *m;
	size_t *slot, i;

	if (2 * (p->nmeta + 1) > p->nslots)
		rehash(p);
	slot = key_slot(p, key);
	if (*slot == 0) {
		size_t had = p->capmeta;

		PL_GROW(p->meta, p->capmeta, p->nmeta + 1);
		if (p->capmeta != had || p->metacap == NULL)
			p->metacap = pl_realloc(p->metacap, p->capmeta *
			    sizeof(*p->metacap));
		m = &p->meta[p->nmeta];
		p->metacap[p->nmeta] = 0;
		*slot = ++p->nmeta;
		m->key = pl_pool_strndup(&p->pool, key, strlen(key));
		m->nvalues = 0;
		m->values = NULL;
		m->is_list = list;
	}
	i = *slot - 1;
	m = &p->meta[i];
	if (value == NULL)
		return;
	if (!list)
		m->nvalues = 0;
	/* a list's room doubles, so a list of N values costs O(N) */
	if (m->nvalues == p->metacap[i]) {
		size_t cap = p->metacap[i] ? 2 * p->metacap[i] : 4;
		const char **v = pl_pool_alloc(&p->pool, cap * sizeof(*v));

		if (m->nvalues > 0)
			memcpy(v, m->values, m->nvalues * sizeof(*v));
		m->values = (const char *const *)v;
		p->metacap[i] = cap;
	}
	((const char **)m->values)[m->nvalues++] = pl_pool_strndup(&p->pool,
	    value, n);
}

const char *
pl_post_meta_get(const struct pl_post *p, const char *key)
{
	size_t *slot;

	if (p->nslots == 0)
		return NULL;
	slot = key_slot(p, key);
	return *slot != 0 && p->meta[*slot - 1].nvalues > 0 ?
	    p->meta[*slot - 1].values[0] : NULL;
}

/*
 * <!-- postlint-disable ID[,ID...] -->   rules off from here
 * <!-- postlint-enable -->               ... to here (else to the end)
 * <!-- postlint-disable-next-line ID --> rules off on the next line
 * Without ids, every rule.  Ids are checked by the engine, which knows
 * the rules; an unknown one is a postlint.unknown-rule finding.
 */
void
pl_post_comment(struct pl_post *p, const char *text, size_t n, size_t src,
    size_t src_end, long line)
{
	static const char dis[] = "postlint-disable", en[] = "postlint-enable",
	    next[] = "postlint-disable-next-line";
	size_t i = 0, k;
	int kind;
	struct pl_suppress *s;

	while (i < n && isspace((unsigned char)text[i]))
		i++;
	if (n - i >= sizeof(next) - 1 && memcmp(text + i, next, sizeof(next) - 1) == 0) {
		kind = 2;
		i += sizeof(next) - 1;
	} else if (n - i >= sizeof(dis) - 1 && memcmp(text + i, dis, sizeof(dis) - 1) == 0) {
		kind = 1;
		i += sizeof(dis) - 1;
	} else if (n - i >= sizeof(en) - 1 && memcmp(text + i, en, sizeof(en) - 1) == 0) {
		/* ends every open range */
		for (k = 0; k < p->nsup; k++)
			if (p->sup[k].to == 0)
				p->sup[k].to = line;
		return;
	} else
		return;
	if (i < n && !isspace((unsigned char)text[i]))
		return;   /* "postlint-disabled" or another word */
	s = pl_post_suppress(p, kind == 2 ? line + 1 : line,
	    kind == 2 ? line + 1 : 0, src, src_end);
	while (i < n) {
		size_t start;

		while (i < n && (isspace((unsigned char)text[i]) || text[i] == ','))
			i++;
		start = i;
		while (i < n && !isspace((unsigned char)text[i]) && text[i] != ',')
			i++;
		if (i == start)
			break;
		pl_suppress_add_id(p, s, text + start, i - start);
	}
}

struct pl_suppress *
pl_post_suppress(struct pl_post *p, long from, long to, size_t src,
    size_t src_end)
{
	struct pl_suppress *s;

	PL_GROW(p->sup, p->capsup, p->nsup + 1);
	s = &p->sup[p->nsup++];
	memset(s, 0, sizeof(*s));
	s->from = from;
	s->to = to;
	s->src = src;
	s->src_end = src_end;
	return s;
}

void
pl_suppress_add_id(struct pl_post *p, struct pl_suppress *s, const char *id,
    size_t n)
{
	s->ids = pl_realloc(s->ids, (s->nids + 1) * sizeof(*s->ids));
	s->ids[s->nids++] = pl_pool_strndup(&p->pool, id, n);
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
pl_parse_time(const char *s, long long *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
	time_t t;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '@') {
		char *end;
		long long v = strtoll(s + 1, &end, 10);

		if (end == s + 1 || *end != '\0')
			return -1;
		*out = v;
		return 0;
	}
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	s += 10;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		if (digits(s + 1, 2, &h) || s[3] != ':' || digits(s + 4, 2, &mi))
			return -1;
		s += 6;
		if (*s == ':') {
			if (digits(s + 1, 2, &se))
				return -1;
			s += 3;
			if (*s == '.')   /* fractions of a second */
				while (isdigit((unsigned char)*++s))
					;
		}
		while (*s == ' ')
			s++;
		if (*s == 'Z' || *s == 'z')
			s++;
		else if (*s == '+' || *s == '-') {
			int oh, om = 0, sign = *s == '-' ? -1 : 1;

			if (digits(s + 1, 2, &oh))
				return -1;
			s += 3;
			if (*s == ':')
				s++;
			if (isdigit((unsigned char)*s)) {
				if (digits(s, 2, &om))
					return -1;
				s += 2;
			}
			off = sign * (oh * 3600 + om * 60);
		}
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	*out = (long long)t - off;
	return 0;
}

int
postlint_parse_time(const char *s, long long *out)
{
	return pl_parse_time(s, out);
}

/* ---- what every reader shares ---- */

int
pl_blank(const char *s, size_t n)
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
