/* fuzz_check.c - the library's entry point over every input format, with a
 * reporter writing every report format: any bytes must be judged or refused
 * with an error, never crash, hang or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postlint.h"
#include "fuzz.h"

static struct postlint_checker *chk;
static FILE *sink;

static int
on_result(const struct postlint_result *res, void *data)
{
	return postlint_reporter_post(data, res) != 0;
}

static void
on_error(const struct postlint_error *err, void *data)
{
	(void)postlint_reporter_error(data, err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int formats[] = {
		POSTLINT_INPUT_AUTO, POSTLINT_INPUT_TEXT, POSTLINT_INPUT_LINES,
		POSTLINT_INPUT_MARKDOWN, POSTLINT_INPUT_HTML, POSTLINT_INPUT_FEED,
		POSTLINT_INPUT_CSV
	};
	static const char *const names[] = {
		"post.txt", "post.md", "page.html", "feed.rss", "queue.csv", "post"
	};
	struct postlint_reporter *rep;
	struct postlint_input in;

	if (chk == NULL) {
		/* a post limit that run.sh's -max_len reaches: every kind of
		 * post past it is refused, and one under it is judged whole */
		static const char *const limit[] = { "max-post-size", "64K" };

		chk = fuzz_checker(limit);
		sink = fopen("/dev/null", "w");
	}
	if (size < 2)
		return 0;
	memset(&in, 0, sizeof(in));
	in.format = formats[data[0] % 7];
	in.name = names[(data[0] >> 3) % 6];
	in.scheduled = data[1] & 1;
	in.drafts = (data[1] >> 1) & 1;
	in.now = 1900000000;
	rep = postlint_reporter_new((data[1] >> 2) % 8, sink, 0);
	(void)postlint_check_buffer(chk, &in, (const char *)data + 2, size - 2,
	    on_result, on_error, rep);
	(void)postlint_reporter_finish(rep);
	postlint_reporter_free(rep);
	return 0;
}
