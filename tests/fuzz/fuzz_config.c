/* fuzz_config.c - the .postlint.xml loader: load it or refuse it with an
 * error; a config that loads is described, as --print-config does. */
#include <stdint.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = getenv("POSTLINT_DATADIR");
	struct postlint_config *cfg = postlint_config_new(dir ? dir : ".");
	struct postlint_error err;
	char path[64];
	int fd = fuzz_file(data, size, path, sizeof(path));

	memset(&err, 0, sizeof(err));
	if (postlint_config_load(cfg, path, &err) == 0)
		free(postlint_config_describe(cfg));
	else if (err.message[0] == '\0')
		abort();
	postlint_config_free(cfg);
	close(fd);
	return 0;
}
