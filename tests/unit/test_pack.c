/* test_pack.c - rule packs load, and every broken pack is refused with the file, line and reason. */
#include "harness.h"

/* Loading pack NAME must fail at LINE with a message containing WANT. */
static void
refused(const char *name, long line, const char *want)
{
	struct postlint_error err;
	struct postlint_checker *chk;
	char file[64];

	memset(&err, 0, sizeof(err));
	chk = test_checker(name, NULL, &err);
	CHECK(chk == NULL, "%s loaded, expected a refusal", name);
	postlint_checker_free(chk);
	snprintf(file, sizeof(file), "packs/%s", name);
	CHECK_HAS(err.file, file);
	CHECK(err.line == line, "%s: error at line %ld, expected %ld (%s)", name,
	    err.line, line, err.message);
	CHECK_HAS(err.message, want);
}

int
main(void)
{
	struct postlint_error err;
	struct postlint_checker *chk;
	const struct postlint_rule_info *r;
	size_t i, ntested, nfailed;

	chk = test_checker("zap.xml", NULL, &err);
	CHECK(chk != NULL, "zap.xml: %s", chk ? "" : err.message);
	if (chk == NULL)
		return harness_end();
	r = postlint_checker_find_rule(chk, "zap.many");
	CHECK(r != NULL, "zap.many not found");
	if (r != NULL) {
		CHECK_STR(r->pack, "zap");
		CHECK_STR(r->kind, "phrases");
		CHECK_STR(r->category, "test");
		CHECK_INT(r->severity, POSTLINT_INFO);
		CHECK_INT(r->weight, 10);
		CHECK_INT(r->cap, 25);
		CHECK_INT(r->nexamples, 2);
		CHECK_INT(r->example_bad[0], 1);
		CHECK_INT(r->line, 10);
	}
	r = postlint_checker_find_rule(chk, "zap.on-x");
	CHECK(r != NULL && r->platform && strcmp(r->platform, "x") == 0, "platform");
	CHECK(postlint_checker_find_rule(chk, "zap.nope") == NULL, "found a rule that is not there");
	/* every rule has an id of the form pack.name and at least one example
	 * of each kind */
	for (i = 0; i < postlint_checker_rule_count(chk); i++) {
		size_t j, bad = 0, good = 0;

		r = postlint_checker_rule(chk, i);
		CHECK(strncmp(r->id, r->pack, strlen(r->pack)) == 0 &&
		    r->id[strlen(r->pack)] == '.', "id %s in pack %s", r->id, r->pack);
		for (j = 0; j < r->nexamples; j++)
			r->example_bad[j] ? bad++ : good++;
		CHECK(bad > 0 && good > 0, "%s: %zu bad, %zu good examples", r->id, bad, good);
	}
	CHECK(postlint_checker_rule(chk, postlint_checker_rule_count(chk)) == NULL, "past the end");
	nfailed = postlint_checker_test_rules(chk, NULL, NULL, &ntested);
	CHECK_INT(nfailed, 0);
	CHECK(ntested > 30, "only %zu examples", ntested);
	postlint_checker_free(chk);

	/* the pack whose examples are wrong fails both of them */
	chk = test_checker("failing.xml", NULL, &err);
	CHECK(chk != NULL, "failing.xml should load");
	if (chk != NULL) {
		nfailed = postlint_checker_test_rules(chk, NULL, NULL, &ntested);
		CHECK_INT(nfailed, 2);
		postlint_checker_free(chk);
	}

	refused("broken.xml", 4, "");
	refused("invalid.xml", 3, "");
	refused("badregex.xml", 5, "rule badregex.unclosed: bad pattern at offset 13");
	refused("duplicate.xml", 9, "duplicate rule id 'duplicate.same'");
	refused("doctype.xml", 2, "DOCTYPE");

	/* a disabled id that names nothing is a configuration error */
	chk = test_checker(NULL, "spam.no-such-rule", &err);
	CHECK(chk == NULL, "unknown id in disable accepted");
	CHECK_HAS(err.message, "unknown rule or pack 'spam.no-such-rule'");
	postlint_checker_free(chk);

	/* disabling a pack disables each of its rules */
	chk = test_checker(NULL, "spam", &err);
	CHECK(chk != NULL, "disable spam: %s", err.message);
	if (chk != NULL) {
		for (i = 0; i < postlint_checker_rule_count(chk); i++) {
			r = postlint_checker_rule(chk, i);
			CHECK(r->enabled == (strcmp(r->pack, "spam") != 0), "%s enabled=%d",
			    r->id, r->enabled);
		}
		postlint_checker_free(chk);
	}
	return harness_end();
}
