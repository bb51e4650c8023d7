/* fuzz_frontmatter.c - YAML front matter (libyaml) ahead of a Markdown or
 * text post: the bytes always start with "---\n", so every input reaches
 * the front-matter reader. */
#include <stdint.h>

#include "fuzz.h"

static struct postlint_checker *chk;

static int
on_result(const struct postlint_result *res, void *data)
{
	(void)res;
	(void)data;
	return 0;
}

static void
on_error(const struct postlint_error *err, void *data)
{
	(void)data;
	if (err->message[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct postlint_input in;
	char *buf;

	if (chk == NULL)
		chk = fuzz_checker(NULL);
	if (size < 1)
		return 0;
	buf = malloc(size + 3);
	memcpy(buf, "---\n", 4);
	memcpy(buf + 4, data + 1, size - 1);
	memset(&in, 0, sizeof(in));
	in.name = data[0] & 1 ? "post.md" : "post.txt";
	in.scheduled = (data[0] >> 1) & 1;
	in.drafts = (data[0] >> 2) & 1;
	in.now = 1900000000;
	(void)postlint_check_buffer(chk, &in, buf, size + 3, on_result, on_error,
	    NULL);
	free(buf);
	return 0;
}
