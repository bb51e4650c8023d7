/* score.c - the would-I-click score and the verdict of a post. */
#include "internal.h"

/*
 * score = 100 - sum over the rules that fired of
 *         weight                          (a rule without cap), or
 *         min(cap, weight * hits)         (a rule with a cap),
 * clamped to 0-100.  A post fails when its score is below the threshold or
 * when one of its findings is at or above the fail level, and its reason
 * says which: "spam.bought-audience is an error; score 40/100 (threshold
 * 60)" or "score 35/100 (threshold 60)".  postlint-rules(5) documents the
 * same formula; change both together.
 */
void
pl_score(const struct postlint_checker *chk, const size_t *counts,
    const struct pl_hit *hits, size_t nhits, struct postlint_result *res)
{
	const struct pl_rules *rs = &chk->rules;
	long deduct = 0;
	size_t i;
	int fail_severity = 0;
	const struct pl_hit *decider = NULL;
	struct pl_buf b = { 0 };

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
	/* the most severe finding at or above the fail level, the first of
	 * those if several are as severe, decides a verdict by severity */
	for (i = 0; i < nhits; i++)
		if (hits[i].severity >= chk->cfg->fail_level &&
		    (decider == NULL || hits[i].severity > decider->severity)) {
			decider = &hits[i];
			fail_severity = 1;
		}
	res->passed = res->score >= res->threshold && !fail_severity;
	if (decider != NULL)
		pl_buf_printf(&b, "%s is %s %s; ", decider->rule_id,
		    decider->severity == POSTLINT_WARNING ? "a" : "an",
		    postlint_severity_name(decider->severity));
	pl_buf_printf(&b, "score %d/100 (threshold %d)", res->score,
	    res->threshold);
	res->reason = pl_pool_strndup(&res->pool, b.p, b.len);
	res->decider = decider != NULL ? decider->rule_id : NULL;
	pl_buf_free(&b);
}
