/* fuzz_pack.c - the rule-pack loader: any file given to --rules must load
 * or be refused with an error naming it; a pack that loads is then linked
 * (its concepts resolved) and its patterns, sequences, exceptions and
 * composites run on a post, so hostile rules meet the match limits. */
#include <stdint.h>

#include "fuzz.h"
#include "internal.h"

static void *schema;

/* A post with something for every token type a sequence can name. */
static const char post[] =
    "Buy 5000 real followers for $5!!! Tag a friend who 👀 #gm @ann_b "
    "https://example.com/x 50% off... \"Comment YES\" below. This is why.\n"
    "HELLO WORLD AGAIN: free kittens, Adopt a guinea pig";

static void
run_rules(const struct pl_rules *rs)
{
	struct pl_uclass *uc = pl_uclass_new();
	struct pl_match *m = pl_match_new();
	struct pl_tokens toks = { NULL, 0, 0 };
	struct pl_tview tv;
	struct pl_metrics mt;
	size_t n = sizeof(post) - 1, i, j, *counts;

	memset(&tv, 0, sizeof(tv));
	memset(&mt, 0, sizeof(mt));
	pl_tokenize(uc, post, n, &toks);
	pl_tview_build(&tv, &rs->lexmap, post, n, toks.v, toks.n);
	counts = calloc(rs->n ? rs->n : 1, sizeof(*counts));
	for (i = 0; i < rs->n; i++) {
		const struct pl_rule *r = &rs->v[i];
		size_t at = 0, ms, me;

		if (r->kind == PL_RULE_SEQUENCE)
			while (pl_seq_next(&r->seq, &tv, m, post, &at, n, &ms, &me) == 1)
				counts[i]++;
		else if (r->kind == PL_RULE_COMPOSITE)
			counts[i] = pl_expr_eval(r->expr, counts, &mt);
		else if (r->re != NULL)
			counts[i] = pl_regex_next(r->re, m, post, n, 0, &ms, &me) == 1;
		for (j = 0; j < r->nunless; j++) {
			const struct pl_unless *u = &r->unless[j];

			if (u->kind == PL_UNLESS_SEQUENCE)
				(void)pl_seq_within(&u->seq, &tv, m, post, 0, n);
			else if (u->re != NULL)
				(void)pl_regex_next(u->re, m, post, n, 0, &ms, &me);
		}
	}
	free(counts);
	pl_tview_free(&tv);
	free(toks.v);
	pl_match_free(m);
	pl_uclass_free(uc);
}

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
	if (pl_pack_load(&rs, path, schema, &err) != 0) {
		if (err.message[0] == '\0')
			abort();   /* a refusal must say why */
	} else if (pl_rules_link(&rs, &err) != 0) {
		if (err.message[0] == '\0')
			abort();
	} else
		run_rules(&rs);
	pl_rules_free(&rs);
	close(fd);
	return 0;
}
