/* alloc.c - the allocation wrapper and the small containers every stage uses. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Set once by the embedder before any object exists; read-only after. */
static postlint_nomem_fn nomem_handler;

void
postlint_set_nomem_handler(postlint_nomem_fn fn)
{
	nomem_handler = fn;
}

void
pl_nomem(void)
{
	if (nomem_handler != NULL)
		nomem_handler();
	abort();
}

#ifdef PL_FAULT_INJECTION
/*
 * Test builds only (make check builds build-asan with it): with
 * POSTLINT_FAIL_ALLOC=N the Nth allocation through postlint's wrappers
 * fails, so every out-of-memory path can be reached; with
 * POSTLINT_COUNT_ALLOC set, the number of allocations is printed at exit.
 * Libraries' own allocations (Hunspell, libxml2, PCRE2) are not counted.
 */
#include <stdatomic.h>

static atomic_long fault_calls;
static long fault_at = -2;   /* -2: not read yet; -1: off */

static void
print_count(void)
{
	fprintf(stderr, "postlint-alloc-count: %ld\n", (long)fault_calls);
}

int
pl_fault_alloc(void)
{
	long n;

	if (fault_at == -2) {
		const char *v = getenv("POSTLINT_FAIL_ALLOC");

		fault_at = v != NULL && *v != '\0' ? atol(v) : -1;
		if (getenv("POSTLINT_COUNT_ALLOC") != NULL)
			atexit(print_count);
	}
	n = ++fault_calls;
	return fault_at > 0 && n == fault_at;
}
#define FAULT() pl_fault_alloc()
#else
#define FAULT() 0
#endif

void *
pl_malloc(size_t n)
{
	void *p = FAULT() ? NULL : malloc(n ? n : 1);

	if (p == NULL)
		pl_nomem();
	return p;
}

void *
pl_calloc(size_t n, size_t size)
{
	void *p = FAULT() ? NULL : calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		pl_nomem();
	return p;
}

void *
pl_realloc(void *p, size_t n)
{
	p = FAULT() ? NULL : realloc(p, n ? n : 1);
	if (p == NULL)
		pl_nomem();
	return p;
}

char *
pl_strndup(const char *s, size_t n)
{
	char *p = pl_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
pl_strdup(const char *s)
{
	return s == NULL ? NULL : pl_strndup(s, strlen(s));
}

void
pl_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > ((size_t)-1) / 2 / size)
			pl_nomem();
		ncap *= 2;
	}
	*p = pl_realloc(*p, ncap * size);
	*cap = ncap;
}

void
pl_error_set(struct postlint_error *err, const char *file, long line,
    long column, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

void
pl_buf_add(struct pl_buf *b, const char *s, size_t n)
{
	PL_GROW(b->p, b->cap, b->len + n + 1);
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
pl_buf_addc(struct pl_buf *b, char c)
{
	pl_buf_add(b, &c, 1);
}

void
pl_buf_adds(struct pl_buf *b, const char *s)
{
	pl_buf_add(b, s, strlen(s));
}

void
pl_buf_printf(struct pl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Format straight into the spare room; only a result that does not
	 * fit is formatted a second time (reports call this per number). */
	PL_GROW(b->p, b->cap, b->len + 128);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		PL_GROW(b->p, b->cap, b->len + (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
pl_buf_int(struct pl_buf *b, long long v)
{
	char t[24];
	size_t k = sizeof(t);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do
		t[--k] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		t[--k] = '-';
	pl_buf_add(b, t + k, sizeof(t) - k);
}

/*
 * V as printf's "%.*f" with DECIMALS (0 to 4) writes it, without printf
 * where that is safe: reports write some 30 figures a post.  printf
 * rounds the exact binary value; V * 10^DECIMALS is off from that by at
 * most an ulp, so the shortcut is taken only for small figures away from
 * a halfway point, and printf decides the rest (and -0, and NaN).
 */
void
pl_buf_fixed(struct pl_buf *b, double v, int decimals)
{
	static const double scale[] = { 1, 10, 100, 1000, 10000 };
	double x, fl;
	long long k;
	char t[32];
	int i;

	if (decimals >= 0 && decimals <= 4 && !signbit(v) &&
	    v * scale[decimals] < 1e8) {
		/* below 1e8 the product is within 2e-8 of the exact one */
		x = v * scale[decimals];
		fl = (double)(long long)x;
		if (x - fl < 0.5 - 1e-6 || x - fl > 0.5 + 1e-6) {
			k = (long long)(x - fl < 0.5 ? fl : fl + 1);
			if (decimals == 0) {
				pl_buf_int(b, k);
				return;
			}
			pl_buf_int(b, k / (long long)scale[decimals]);
			pl_buf_addc(b, '.');
			k %= (long long)scale[decimals];
			for (i = decimals - 1; i >= 0; i--, k /= 10)
				t[i] = (char)('0' + k % 10);
			pl_buf_add(b, t, (size_t)decimals);
			return;
		}
	}
	pl_buf_printf(b, "%.*f", decimals, v);
}

void
pl_buf_free(struct pl_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* FNV-1a: short keys, no adversary gains much from collisions in a set
 * whose contents come from the shipped word lists. */
size_t
pl_hash(const char *k, size_t n)
{
	size_t h = 1469598103934665603ULL & (size_t)-1;

	while (n--) {
		h ^= (unsigned char)*k++;
		h *= 1099511628211ULL & (size_t)-1;
	}
	return h;
}

static size_t
slot(const struct pl_set *s, const char *k, size_t n)
{
	size_t i = pl_hash(k, n) & (s->cap - 1);

	while (s->keys[i] != NULL &&
	    !(s->lens[i] == n && memcmp(s->keys[i], k, n) == 0))
		i = (i + 1) & (s->cap - 1);
	return i;
}

int
pl_set_has(const struct pl_set *s, const char *k, size_t n)
{
	if (s->n == 0)
		return 0;
	return s->keys[slot(s, k, n)] != NULL;
}

static void
grow(struct pl_set *s)
{
	struct pl_set old = *s;
	size_t i, j;

	s->cap = old.cap ? old.cap * 2 : 64;
	s->keys = pl_calloc(s->cap, sizeof(*s->keys));
	s->lens = pl_calloc(s->cap, sizeof(*s->lens));
	s->weights = old.weights ? pl_calloc(s->cap, sizeof(*s->weights)) : NULL;
	for (j = 0; j < old.cap; j++)
		if (old.keys[j] != NULL) {
			i = slot(s, old.keys[j], old.lens[j]);
			s->keys[i] = old.keys[j];
			s->lens[i] = old.lens[j];
			if (s->weights != NULL)
				s->weights[i] = old.weights[j];
		}
	free(old.keys);
	free(old.lens);
	free(old.weights);
}

/* The slot of K, added when new (weighing 1 in a weighted set). */
static size_t
put(struct pl_set *s, const char *k, size_t n, int *added)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap)
		grow(s);
	i = slot(s, k, n);
	*added = s->keys[i] == NULL;
	if (*added) {
		s->keys[i] = pl_strndup(k, n);
		s->lens[i] = n;
		if (s->weights != NULL)
			s->weights[i] = 1.0f;
		s->n++;
	}
	return i;
}

int
pl_set_add(struct pl_set *s, const char *k, size_t n)
{
	int added;

	put(s, k, n, &added);
	return added;
}

void
pl_set_weigh(struct pl_set *s, const char *k, size_t n, float w)
{
	size_t i, j;
	int added;

	if (s->weights == NULL) {
		if (s->cap == 0)
			grow(s);
		s->weights = pl_calloc(s->cap, sizeof(*s->weights));
		for (j = 0; j < s->cap; j++)
			s->weights[j] = 1.0f;
	}
	i = put(s, k, n, &added);
	if (added || s->weights[i] < w)
		s->weights[i] = w;
}

float
pl_set_weight(const struct pl_set *s, const char *k, size_t n)
{
	size_t i;

	if (s->n == 0)
		return 0.0f;
	i = slot(s, k, n);
	if (s->keys[i] == NULL)
		return 0.0f;
	return s->weights != NULL ? s->weights[i] : 1.0f;
}

void
pl_set_clear(struct pl_set *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++) {
		free(s->keys[i]);
		s->keys[i] = NULL;
	}
	s->n = 0;
}

void
pl_set_free(struct pl_set *s)
{
	pl_set_clear(s);
	free(s->keys);
	free(s->lens);
	free(s->weights);
	memset(s, 0, sizeof(*s));
}

/* A weight as a lexicon writes it: digits, optionally a point and more
 * digits, in (0, 1].  Parsed by hand, so the locale cannot change it. */
static int
parse_weight(const char *s, size_t n, float *out)
{
	double v = 0.0, scale = 1.0;
	size_t i = 0, digits = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		v = v * 10.0 + (s[i] - '0');
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
			v += (s[i] - '0') * (scale /= 10.0);
	if (i != n || digits == 0 || digits > 12 || v <= 0.0 || v > 1.0)
		return -1;
	*out = (float)v;
	return 0;
}

/*
 * PATH opened for reading only if it is a regular file: a FIFO, a device
 * or a directory named as a pack, config or word list would block a run
 * or, in the language server, read the server's own input.  The open does
 * not block, so a FIFO without a writer cannot hang it either.  NULL with
 * errno set (EINVAL for "not a regular file").
 */
FILE *
pl_fopen_regular(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), fl, e;
	FILE *fp;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;
	else if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
	    (fp = fdopen(fd, "rb")) == NULL)
		e = errno;
	else
		return fp;
	close(fd);
	errno = e;
	return NULL;
}

/* Why pl_fopen_regular failed, for a message. */
const char *
pl_open_error(int e)
{
	return e == EINVAL ? "not a regular file" : strerror(e);
}

int
pl_set_load(struct pl_set *s, const char *path, int weighted,
    struct postlint_error *err)
{
	FILE *fp;
	char line[512];
	long lineno = 0;

	if ((fp = pl_fopen_regular(path)) == NULL) {
		pl_error_set(err, path, 0, 0, "cannot read word list: %s",
		    pl_open_error(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t n = strcspn(line, "#\r\n"), i;

		lineno++;
		while (n > 0 && isspace((unsigned char)line[n - 1]))
			n--;
		i = 0;
		while (i < n && isspace((unsigned char)line[i]))
			i++;
		if (i == n)
			continue;
		if (pl_utf8_check(line + i, n - i) != n - i) {
			pl_error_set(err, path, lineno, 0, "invalid UTF-8");
			fclose(fp);
			return -1;
		}
		for (size_t j = i; j < n; j++)
			line[j] = (char)tolower((unsigned char)line[j]);
		if (weighted) {
			size_t end = i, w;
			float wt;

			while (end < n && !isspace((unsigned char)line[end]))
				end++;
			for (w = end; w < n && isspace((unsigned char)line[w]); w++)
				;
			if (w == n) {
				pl_set_add(s, line + i, end - i);
				continue;
			}
			if (parse_weight(line + w, n - w, &wt) != 0) {
				long col = 1;

				for (size_t j = 0; j < w; j++)
					col += ((unsigned char)line[j] & 0xC0) != 0x80;
				pl_error_set(err, path, lineno, col,
				    "a word's weight must be a number above 0 "
				    "and at most 1, not '%.*s'", (int)(n - w),
				    line + w);
				fclose(fp);
				return -1;
			}
			pl_set_weigh(s, line + i, end - i, wt);
			continue;
		}
		pl_set_add(s, line + i, n - i);
	}
	if (ferror(fp)) {
		pl_error_set(err, path, 0, 0, "cannot read word list: %s",
		    strerror(errno));
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

struct pl_pool_block {
	struct pl_pool_block *next;
	size_t used, cap;
	max_align_t data[];
};

void *
pl_pool_alloc(struct pl_pool *pool, size_t n)
{
	struct pl_pool_block *b = pool->head;
	size_t need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) *
	    sizeof(max_align_t);
	void *p;

	if (b == NULL || b->cap - b->used < need) {
		size_t cap = need > 4000 ? need : 4000;

		b = pl_malloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = pool->head;
		pool->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

char *
pl_pool_strndup(struct pl_pool *pool, const char *s, size_t n)
{
	char *p = pl_pool_alloc(pool, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
pl_pool_free(struct pl_pool *pool)
{
	struct pl_pool_block *b = pool->head, *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	pool->head = NULL;
}

void
pl_strlist_add(struct pl_strlist *l, const char *s, const char *origin)
{
	PL_GROW(l->v, l->cap, l->n + 1);
	l->origin = pl_realloc(l->origin, l->cap * sizeof(*l->origin));
	l->v[l->n] = pl_strdup(s);
	l->origin[l->n] = pl_strdup(origin);
	l->n++;
}

void
pl_strlist_clear(struct pl_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i]);
		free(l->origin[i]);
	}
	l->n = 0;
}

void
pl_strlist_free(struct pl_strlist *l)
{
	pl_strlist_clear(l);
	free(l->v);
	free(l->origin);
	memset(l, 0, sizeof(*l));
}
