/* fuzz_pack.c - the rule-pack loader: any file given to --rules must load
 * or be refused with an error naming it; a pack that loads is then run on
 * a post, so hostile patterns meet the match limits. */
#include <stdint.h>

#include "fuzz.h"
#include "internal.h"

static void *schema;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_rules rs;
	struct postlint_error err;
	char path[64];
	int fd;

	if (schema == NULL) {
		const char *dir = getenv("POSTLINT_DATADIR");
		char rng[4096];

		snprintf(rng, sizeof(rng), "%s/rules/postlint.rng", dir ? dir : ".");
		if ((schema = pl_xml_schema(rng, &err)) == NULL)
			fuzz_fail("schema", &err);
	}
	fd = fuzz_file(data, size, path, sizeof(path));
	memset(&rs, 0, sizeof(rs));
	memset(&err, 0, sizeof(err));
	if (pl_pack_load(&rs, path, schema, &err) != 0 && err.message[0] == '\0')
		abort();   /* a refusal must say why */
	pl_rules_free(&rs);
	close(fd);
	return 0;
}
