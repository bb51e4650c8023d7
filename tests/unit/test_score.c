/* test_score.c - the click score and the verdict follow the formula in postlint-rules(5). */
#include "harness.h"

static struct postlint_checker *
checker_with(const char *threshold, const char *fail_level)
{
	struct postlint_config *cfg = postlint_config_new(datadir());
	struct postlint_checker *chk;
	struct postlint_error err;
	char path[2048];

	snprintf(path, sizeof(path), "%s/tests/cli/packs/zap.xml", datadir());
	postlint_config_set(cfg, "rules", path, "test", &err);
	postlint_config_set(cfg, "disable", "spam,style,spelling,bait,clickbait,value,zap.long", "test", &err);
	if (threshold != NULL)
		postlint_config_set(cfg, "threshold", threshold, "test", &err);
	if (fail_level != NULL)
		postlint_config_set(cfg, "fail-level", fail_level, "test", &err);
	chk = postlint_checker_new(cfg, &err);
	if (chk == NULL)
		fprintf(stderr, "%s: %s\n", err.file, err.message);
	postlint_config_free(cfg);
	return chk;
}

#define SCORE(chk, s, want_score, want_pass) do { \
	struct got g_; \
	check_text(chk, POSTLINT_INPUT_TEXT, s, sizeof(s) - 1, &g_); \
	CHECK(g_.nposts == 1 && g_.score[0] == (want_score) && g_.passed[0] == (want_pass), \
	    "\"%s\": score %d %s, expected %d %s", s, g_.score[0], \
	    g_.passed[0] ? "pass" : "fail", want_score, (want_pass) ? "pass" : "fail"); \
} while (0)

int
main(void)
{
	struct postlint_checker *chk = checker_with(NULL, NULL);

	if (chk == NULL)
		return 1;
	SCORE(chk, "nothing here", 100, 1);
	/* zap.word: weight 30, once per post however often it hits */
	SCORE(chk, "zap", 70, 1);
	SCORE(chk, "zap, and zap, and zap", 70, 1);
	/* zap.many: 10 per hit, capped at 25 */
	SCORE(chk, "bing", 90, 1);
	SCORE(chk, "bing bing", 80, 1);
	SCORE(chk, "bing bing bing bing", 75, 1);
	/* together: 100 - 30 - 25 = 45, below the default threshold 60 */
	SCORE(chk, "zap bing bing bing", 45, 0);
	/* zap.on-x runs only on platform x */
	SCORE(chk, "xonly", 100, 1);
	postlint_checker_free(chk);

	/* a warning does not fail a post at the default fail level, but does at
	 * fail level warning; "none" leaves only the threshold */
	chk = checker_with(NULL, "warning");
	SCORE(chk, "zap", 70, 0);
	SCORE(chk, "bing", 90, 1);
	postlint_checker_free(chk);
	chk = checker_with(NULL, "info");
	SCORE(chk, "bing", 90, 0);
	postlint_checker_free(chk);
	chk = checker_with("95", "none");
	SCORE(chk, "bing", 90, 0);
	SCORE(chk, "nothing", 100, 1);
	postlint_checker_free(chk);
	chk = checker_with("0", "none");
	SCORE(chk, "zap bing bing bing", 45, 1);
	postlint_checker_free(chk);

	/* the shipped packs: an error fails the post whatever its score */
	{
		struct postlint_error err;
		struct got g;

		chk = test_checker(NULL, NULL, &err);
		check_text(chk, POSTLINT_INPUT_TEXT, "Follow me please", 16, &g);
		CHECK(g.nposts == 1 && g.score[0] == 60 && !g.passed[0],
		    "follow-begging: score %d passed %d", g.score[0], g.passed[0]);
		postlint_checker_free(chk);
	}
	return harness_end();
}
