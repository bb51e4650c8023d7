/* test_lexicon.c - niche lexicons: weights, their errors, hashtags made of words. */
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char dir[] = "/tmp/postlint-lexicon-XXXXXX";

static int
to_relevance(const struct postlint_result *res, void *data)
{
	double *rel = data;
	size_t i;

	for (i = 0; i < postlint_result_metric_count(res); i++) {
		const struct postlint_metric *m = postlint_result_metric(res, i);

		if (strcmp(m->name, "relevance") == 0)
			*rel = m->is_null ? -1.0 : m->value;
	}
	return 0;
}

static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/dicts/niches/%s.txt", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static struct postlint_checker *
checker(const char *audience, int spelling, struct postlint_error *err)
{
	struct postlint_config *cfg = postlint_config_new(dir);
	struct postlint_checker *chk;

	postlint_config_set(cfg, "audience", audience, "test", err);
	if (!spelling)
		postlint_config_set(cfg, "spelling", "false", "test", err);
	chk = postlint_checker_new(cfg, err);
	postlint_config_free(cfg);
	return chk;
}

/* The relevance of POST for AUDIENCE (-1 when null). */
static double
relevance(const char *audience, int spelling, const char *post)
{
	struct postlint_error err;
	struct postlint_checker *chk = checker(audience, spelling, &err);
	struct postlint_input in = { .name = "r", .format = POSTLINT_INPUT_TEXT };
	double rel = -2.0;

	CHECK(chk != NULL, "checker for %s: %s", audience, chk ? "" : err.message);
	if (chk == NULL)
		return rel;
	postlint_check_buffer(chk, &in, post, strlen(post), to_relevance, NULL, &rel);
	postlint_checker_free(chk);
	return rel;
}

#define CHECK_REL(aud, sp, post, want) do { \
	double r_ = relevance(aud, sp, post); \
	CHECK(r_ > (want) - 0.00005 && r_ < (want) + 0.00005, \
	    "relevance of \"%s\" for %s: got %.4f, expected %.4f", post, aud, r_, \
	    (double)(want)); \
} while (0)

int
main(void)
{
	struct postlint_error err;
	struct postlint_checker *chk;
	char path[256], src[2048];

	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(path, sizeof(path), "%s/dicts", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/dicts/niches", dir);
	mkdir(path, 0700);
	{
		const char *links[] = { "rules", "dicts/en", "dicts/stop.txt",
		    "dicts/filler.txt" };
		char *top = realpath(datadir(), NULL);

		for (size_t i = 0; i < sizeof(links) / sizeof(*links); i++) {
			snprintf(src, sizeof(src), "%s/%s", top, links[i]);
			snprintf(path, sizeof(path), "%s/%s", dir, links[i]);
			CHECK(symlink(src, path) == 0, "symlink %s", path);
		}
		free(top);
	}
	put("knitting", "# a test lexicon\nyarn\nneedles 0.5\nwool\t0.25  # a comment\n"
	    "stitch .75\npattern 1\n");
	put("sewing", "needles\nthread 0.4\npattern 0.2\n");
	put("running", "run\nmarathon\n");

	/* distinct content words: yarn, needles, wool, pattern, tuesday; the
	 * weights 1 + 0.5 + 0.25 + 1 over 5 */
	CHECK_REL("knitting", 0, "yarn needles wool pattern tuesday", 2.75 / 5);
	/* a word counts once, at its weight, however often it comes */
	CHECK_REL("knitting", 0, "wool wool wool tuesday", 0.25 / 2);
	/* with two niches a word weighs the larger of its weights */
	CHECK_REL("knitting,sewing", 0, "needles thread tuesday", 1.4 / 3);
	CHECK_REL("sewing", 0, "needles thread pattern tuesday", 1.6 / 4);
	/* stems carry their word's weight: "stitches" is "stitch", with a
	 * dictionary or without one (Snowball's stems need none) */
	CHECK_REL("knitting", 1, "stitches and more stitches today", 0.75 / 2);
	CHECK_REL("knitting", 0, "stitches and more stitches today", 0.75 / 2);
	/* an irregular form goes through dicts/en/lemmas.txt: "ran" is "run";
	 * and a post's inflection meets a lexicon's ("marathons", "marathon") */
	CHECK_REL("running", 0, "ran marathons", 1.0);
	CHECK_REL("running", 1, "ran marathons", 1.0);
	CHECK_REL("running", 0, "jogged marathons", 0.5);
	/* hashtags: itself, CamelCase parts, or a word of 5+ letters inside */
	CHECK_REL("knitting", 0, "#wool", 0.25);
	CHECK_REL("knitting", 0, "#LoveYarn #ThreadCount", 0.5);
	CHECK_REL("knitting", 0, "#ilovepatterns", 1.0);
	CHECK_REL("knitting", 0, "#needlesandpins", 0.5);
	/* a part shorter than 5 letters, or hidden in a short tag, is not one */
	CHECK_REL("knitting", 0, "#woolly", 0.0);
	CHECK_REL("knitting", 0, "#iwoolxyz", 0.0);
	/* only the first 48 bytes of a tag are searched */
	{
		char tag[64] = "#";

		memset(tag + 1, 'a', 41);
		strcpy(tag + 42, "pattern");   /* ends at byte 48 */
		CHECK_REL("knitting", 0, tag, 1.0);
		memset(tag + 1, 'a', 42);
		strcpy(tag + 43, "pattern");   /* ends at byte 49 */
		CHECK_REL("knitting", 0, tag, 0.0);
	}

	/* weights that are not in (0, 1] are refused with file, line, column */
	{
		static const char *const bad[] = { "wool 0\n", "wool 1.5\n",
		    "wool -0.5\n", "wool abc\n", "wool 0.5 0.5\n", "wool .\n",
		    "wool 1e-1\n", "wool 0,5\n" };

		for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
			char lex[64];

			snprintf(lex, sizeof(lex), "yarn\n%s", bad[i]);
			put("broken", lex);
			chk = checker("knitting", 0, &err);
			CHECK(chk == NULL, "lexicon line '%s' is refused", bad[i]);
			postlint_checker_free(chk);
			CHECK_HAS(err.message, "a word's weight must be a number above 0 and at most 1");
			CHECK_INT(err.line, 2);
			CHECK_INT(err.column, 6);
			CHECK_HAS(err.file, "broken.txt");
		}
		/* the column counts code points */
		put("broken", "caf\xC3\xA9 2\n");
		chk = checker("knitting", 0, &err);
		CHECK(chk == NULL, "a weight of 2 is refused");
		CHECK_INT(err.line, 1);
		CHECK_INT(err.column, 6);
		put("broken", "yarn 1.0\n");
		chk = checker("broken", 0, &err);
		CHECK(chk != NULL, "a weight of 1.0 is taken");
		postlint_checker_free(chk);
	}

	snprintf(src, sizeof(src), "rm -rf '%s'", dir);
	CHECK(system(src) == 0, "remove %s", dir);
	return harness_end();
}
