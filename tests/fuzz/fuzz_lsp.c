/* fuzz_lsp.c - the language server's message reader and handlers: any
 * byte stream on its stdin gets answers or JSON-RPC errors, never a crash.
 * Checkers persist across inputs, as in a long editor session.
 *
 * An input that opens with "<" and holds a NUL byte is a configuration
 * (the bytes before the NUL) and then the stream: the configuration is
 * written to a file in the working folder, given as --config to a server
 * of its own, which loads it (its packs, words, settings and their
 * errors) for the documents the stream opens.  That server is kept while
 * the configuration stays the same. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "cli.h"

static struct server *sv;
static struct cli cli;
static struct cli_setting settings[] = { { "suggest", "no" } };
static FILE *sink;
static char cfgpath[64];
static struct server *csv;   /* the server of the last configuration */
static struct cli ccli;      /* its options: a server keeps a pointer */
static unsigned char *last;
static size_t lastlen;

static void
drop_config(void)
{
	unlink(cfgpath);
}

static void
serve(struct server *s, const uint8_t *data, size_t size)
{
	FILE *in;

	if (size == 0)
		return;
	if ((in = fmemopen((void *)data, size, "r")) == NULL)
		abort();
	(void)lsp_run(s, in, sink);
	fclose(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = getenv("POSTLINT_DATADIR");
	const uint8_t *nul = size > 0 && data[0] == '<' ?
	    memchr(data, '\0', size) : NULL;

	if (sv == NULL) {
		int fd;

		cli.no_config = 1;
		cli.settings = settings;
		cli.nsettings = 1;
		sv = lsp_new(&cli, dir ? dir : ".");
		sink = fopen("/dev/null", "w");
		/* in the working folder, so that a seed's relative paths
		 * (tests/cli/packs/...) resolve from the top of the tree */
		strcpy(cfgpath, ".fuzz_lsp-XXXXXX");
		if ((fd = mkstemp(cfgpath)) < 0)
			abort();
		close(fd);
		atexit(drop_config);
	}
	if (nul != NULL) {
		size_t clen = (size_t)(nul - data);

		/* most mutations leave the configuration as it was: its
		 * server (and checkers) are kept until it changes */
		if (csv == NULL || clen != lastlen || memcmp(last, data, clen)) {
			FILE *f = fopen(cfgpath, "w");

			if (f == NULL)
				abort();
			fwrite(data, 1, clen, f);
			fclose(f);
			if (csv != NULL)
				lsp_free(csv);
			free(last);
			if ((last = malloc(clen + 1)) == NULL)
				abort();
			memcpy(last, data, clen);
			lastlen = clen;
			ccli = cli;
			ccli.no_config = 0;
			ccli.config = cfgpath;
			csv = lsp_new(&ccli, dir ? dir : ".");
		}
		serve(csv, nul + 1, size - clen - 1);
		return 0;
	}
	serve(sv, data, size);
	return 0;
}
