/* source.c - bytes in: UTF-8 validation and the byte -> line:column map. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

size_t
pl_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2)           /* continuation byte or overlong 2-byte lead */
		return 0;
	if (c < 0xE0) {
		len = 2;
		c &= 0x1F;
	} else if (c < 0xF0) {
		len = 3;
		c &= 0x0F;
	} else if (c < 0xF5) {
		len = 4;
		c &= 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	*cp = c;
	return len;
}

size_t
pl_utf8_check(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		/* ASCII runs are the common case: skip eight bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = pl_utf8_decode(p + i, n - i, &cp)) == 0)
			return i;
		i += k;
	}
	return n;
}

size_t
pl_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Line starts are found once per window, and only when a finding needs a
 * position, so a post without findings never pays for them. */
static void
index_lines(struct pl_window *w)
{
	size_t cap = 0, i;
	const char *p;

	PL_GROW(w->starts, cap, 1);
	w->starts[0] = 0;
	w->nstarts = 1;
	for (i = 0; i < w->len; i = (size_t)(p - w->p) + 1) {
		p = memchr(w->p + i, '\n', w->len - i);
		if (p == NULL)
			break;
		PL_GROW(w->starts, cap, w->nstarts + 1);
		w->starts[w->nstarts++] = (size_t)(p - w->p) + 1;
	}
}

static size_t
line_index(struct pl_window *w, size_t off)
{
	size_t lo = 0, hi;

	if (w->starts == NULL)
		index_lines(w);
	hi = w->nstarts;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void
pl_window_pos(struct pl_window *w, size_t off, struct pl_pos *pos)
{
	size_t li, i;
	long col = 1;

	if (off > w->len)
		off = w->len;
	li = line_index(w, off);
	for (i = w->starts[li]; i < off; i++)
		if (((unsigned char)w->p[i] & 0xC0) != 0x80)
			col++;
	pos->line = w->line + (long)li;
	pos->column = col;
	pos->byte_offset = w->offset + (long long)off;
}

void
pl_window_line(struct pl_window *w, size_t off, size_t *start, size_t *end)
{
	size_t li = line_index(w, off > w->len ? w->len : off), e;

	*start = w->starts[li];
	e = li + 1 < w->nstarts ? w->starts[li + 1] - 1 : w->len;
	if (e > *start && w->p[e - 1] == '\r')
		e--;
	*end = e;
}

void
pl_window_share(struct pl_window *w, struct pl_window *from)
{
	if (from->starts == NULL)
		index_lines(from);
	w->starts = from->starts;
	w->nstarts = from->nstarts;
	w->borrowed = 1;
}

void
pl_window_free(struct pl_window *w)
{
	if (!w->borrowed)
		free(w->starts);
	w->starts = NULL;
	w->nstarts = 0;
}

size_t
pl_window_offset(struct pl_window *w, size_t line, size_t col)
{
	size_t i;

	if (w->starts == NULL)
		index_lines(w);
	if (line >= w->nstarts)
		return w->len;
	i = w->starts[line];
	while (col > 0 && i < w->len && w->p[i] != '\n') {
		i++;
		while (i < w->len && ((unsigned char)w->p[i] & 0xC0) == 0x80)
			i++;
		col--;
	}
	return i;
}

long
pl_window_lineno(struct pl_window *w, size_t off)
{
	return w->line + (long)line_index(w, off > w->len ? w->len : off);
}
