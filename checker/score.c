/* score.c - the would-I-click score and the verdict of a post. */
#include "internal.h"

/*
 * score = 100 - sum over the rules that fired of
 *         weight                          (a rule without cap), or
 *         min(cap, weight * hits)         (a rule with a cap),
 * clamped to 0-100.  A post fails when its score is below the threshold or
 * when one of its findings is at or above the fail level.  postlint-rules(5)
 * documents the same formula; change both together.
 */
void
pl_score(const struct postlint_checker *chk, const size_t *counts,
    const struct pl_hit *hits, size_t nhits, struct postlint_result *res)
{
	const struct pl_rules *rs = &chk->rules;
	long deduct = 0;
	size_t i;
	int fail_severity = 0;

	for (i = 0; i < rs->n; i++) {
		const struct postlint_rule_info *info = &rs->v[i].info;
		long d;

		if (counts[i] == 0)
			continue;
		if (info->cap > 0) {
			d = counts[i] > 100 ? 100 * (long)info->weight :
			    (long)counts[i] * info->weight;
			if (d > info->cap)
				d = info->cap;
		} else
			d = info->weight;
		deduct += d;
	}
	res->score = deduct >= 100 ? 0 : (int)(100 - deduct);
	res->threshold = chk->cfg->threshold;
	for (i = 0; i < nhits; i++)
		if (hits[i].severity >= chk->cfg->fail_level)
			fail_severity = 1;
	res->passed = res->score >= res->threshold && !fail_severity;
}
