/* fuzz.h - what the fuzz targets share: a checker made once, and bytes
 * handed to loaders that want a path. */
#ifndef POSTLINT_FUZZ_H
#define POSTLINT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "postlint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void
fuzz_fail(const char *what, const struct postlint_error *err)
{
	fprintf(stderr, "fuzz setup: %s: %s: %s\n", what, err->file, err->message);
	abort();
}

/* The default packs with spelling on and suggestions off (suggestions cost
 * Hunspell tens of milliseconds a word); EXTRA is one more setting pair. */
static inline struct postlint_checker *
fuzz_checker(const char *const *extra)
{
	const char *dir = getenv("POSTLINT_DATADIR");
	struct postlint_config *cfg = postlint_config_new(dir ? dir : ".");
	struct postlint_checker *c;
	struct postlint_error err;

	if (postlint_config_set(cfg, "suggest", "no", "fuzz", &err) != 0 ||
	    postlint_config_set(cfg, "audience", "devops,food", "fuzz", &err) != 0 ||
	    (extra != NULL && postlint_config_set(cfg, extra[0], extra[1],
	    "fuzz", &err) != 0))
		fuzz_fail("config", &err);
	if ((c = postlint_checker_new(cfg, &err)) == NULL)
		fuzz_fail("checker", &err);
	postlint_config_free(cfg);
	return c;
}

/* DATA as a file: a memfd, named by its /proc path, which loaders open. */
static inline int
fuzz_file(const unsigned char *data, size_t size, char *path, size_t n)
{
	int fd = memfd_create("fuzz", 0);

	if (fd < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
