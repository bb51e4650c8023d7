/* shim.c - an LD_PRELOAD library that makes I/O fail on purpose, for
 * tests/fault.sh:
 *   FAULT_READ_AT=N    the Nth read (fread, fgets, read) fails with EIO
 *   FAULT_WRITE_AT=N   the Nth write to standard output fails with EIO
 *   FAULT_OPEN=TEXT    opening (fopen, open) a path that contains TEXT fails
 *                      with EACCES (an unreadable file, even for root)
 *   FAULT_COUNT=1      print the number of reads and writes at exit
 * A failed stdio call also sets the stream's error flag, as a real failure
 * would, so ferror() sees it.  Only calls made by postlint's own code (the
 * main program) are counted and failed: libraries such as Hunspell read
 * their files with no way to report an error, which is outside this test,
 * as their allocations are. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <sys/auxv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long reads, writes, read_at = -2, write_at = -2;
static const char *open_fault;

static void
report(void)
{
	fprintf(stderr, "fault-shim: %ld reads, %ld writes\n", reads, writes);
}

static void
setup(void)
{
	const char *v;

	if (read_at != -2)
		return;
	read_at = (v = getenv("FAULT_READ_AT")) ? atol(v) : -1;
	write_at = (v = getenv("FAULT_WRITE_AT")) ? atol(v) : -1;
	open_fault = getenv("FAULT_OPEN");
	if (getenv("FAULT_COUNT") != NULL)
		atexit(report);
}

/* glibc's flag for "an error happened on this stream" */
static void
set_error(FILE *fp)
{
	fp->_flags |= 0x0020;
	errno = EIO;
}

/* Whether the code at ADDR belongs to the main program. */
static int
ours(void *addr)
{
	static void *main_base;
	Dl_info a, m;

	if (main_base == NULL) {
		if (dladdr((void *)getauxval(AT_PHDR), &m) == 0)
			return 1;
		main_base = m.dli_fbase;
	}
	return dladdr(addr, &a) != 0 && a.dli_fbase == main_base;
}

#define read_fails() read_fails_from(__builtin_return_address(0))
#define write_fails(fp) write_fails_from(fp, __builtin_return_address(0))

static int
read_fails_from(void *caller)
{
	setup();
	if (!ours(caller))
		return 0;
	return ++reads == read_at;
}

static int
write_fails_from(FILE *fp, void *caller)
{
	setup();
	if (fp != stdout || !ours(caller))
		return 0;
	return ++writes == write_at;
}

#define REAL(name) \
	static __typeof__(name) *real; \
	if (real == NULL) \
		real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

size_t
fread(void *p, size_t size, size_t n, FILE *fp)
{
	REAL(fread);
	if (read_fails()) {
		set_error(fp);
		return 0;
	}
	return real(p, size, n, fp);
}

char *
fgets(char *s, int n, FILE *fp)
{
	REAL(fgets);
	if (read_fails()) {
		set_error(fp);
		return NULL;
	}
	return real(s, n, fp);
}

ssize_t
read(int fd, void *p, size_t n)
{
	REAL(read);
	if (read_fails()) {
		errno = EIO;
		return -1;
	}
	return real(fd, p, n);
}

FILE *
fopen(const char *path, const char *mode)
{
	REAL(fopen);
	setup();
	if (open_fault != NULL && strstr(path, open_fault) != NULL) {
		errno = EACCES;
		return NULL;
	}
	return real(path, mode);
}

FILE *
fopen64(const char *path, const char *mode)
{
	REAL(fopen64);
	setup();
	if (open_fault != NULL && strstr(path, open_fault) != NULL) {
		errno = EACCES;
		return NULL;
	}
	return real(path, mode);
}

/* open() and open64(), which postlint uses to read small files whole */
#define OPEN_SHIM(name) \
int \
name(const char *path, int flags, ...) \
{ \
	mode_t mode = 0; \
	va_list ap; \
 \
	REAL(name); \
	setup(); \
	if (flags & O_CREAT) { \
		va_start(ap, flags); \
		mode = va_arg(ap, mode_t); \
		va_end(ap); \
	} \
	if (open_fault != NULL && strstr(path, open_fault) != NULL) { \
		errno = EACCES; \
		return -1; \
	} \
	return real(path, flags, mode); \
}
OPEN_SHIM(open)
OPEN_SHIM(open64)

size_t
fwrite(const void *p, size_t size, size_t n, FILE *fp)
{
	REAL(fwrite);
	if (write_fails(fp)) {
		set_error(fp);
		return 0;
	}
	return real(p, size, n, fp);
}

int
fputs(const char *s, FILE *fp)
{
	REAL(fputs);
	if (write_fails(fp)) {
		set_error(fp);
		return EOF;
	}
	return real(s, fp);
}

int
fputc(int c, FILE *fp)
{
	REAL(fputc);
	if (write_fails(fp)) {
		set_error(fp);
		return EOF;
	}
	return real(c, fp);
}

int
putchar(int c)
{
	REAL(putchar);
	if (write_fails(stdout)) {
		set_error(stdout);
		return EOF;
	}
	return real(c);
}

int
puts(const char *s)
{
	REAL(puts);
	if (write_fails(stdout)) {
		set_error(stdout);
		return EOF;
	}
	return real(s);
}

int
vfprintf(FILE *fp, const char *fmt, va_list ap)
{
	REAL(vfprintf);
	if (write_fails(fp)) {
		set_error(fp);
		return -1;
	}
	return real(fp, fmt, ap);
}

int
fprintf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int r;

	REAL(vfprintf);
	if (write_fails(fp)) {
		set_error(fp);
		return -1;
	}
	va_start(ap, fmt);
	r = real(fp, fmt, ap);
	va_end(ap);
	return r;
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	REAL(vfprintf);
	if (write_fails(stdout)) {
		set_error(stdout);
		return -1;
	}
	va_start(ap, fmt);
	r = real(stdout, fmt, ap);
	va_end(ap);
	return r;
}

int
fflush(FILE *fp)
{
	REAL(fflush);
	if (fp != NULL && write_fails(fp)) {
		set_error(fp);
		return EOF;
	}
	return real(fp);
}
