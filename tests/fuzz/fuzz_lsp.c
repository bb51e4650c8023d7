/* fuzz_lsp.c - the language server's message reader and handlers: any
 * byte stream on its stdin gets answers or JSON-RPC errors, never a crash.
 * Checkers persist across inputs, as in a long editor session. */
#include <stdint.h>

#include "fuzz.h"
#include "cli.h"

static struct server *sv;
static struct cli cli;
static struct cli_setting settings[] = { { "suggest", "no" } };
static FILE *sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in;

	if (sv == NULL) {
		const char *dir = getenv("POSTLINT_DATADIR");

		cli.no_config = 1;
		cli.settings = settings;
		cli.nsettings = 1;
		sv = lsp_new(&cli, dir ? dir : ".");
		sink = fopen("/dev/null", "w");
	}
	if (size == 0)
		return 0;
	if ((in = fmemopen((void *)data, size, "r")) == NULL)
		abort();
	(void)lsp_run(sv, in, sink);
	fclose(in);
	return 0;
}
