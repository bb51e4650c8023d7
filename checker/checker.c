/* checker.c - the checker object: packs, dictionaries and settings for one configuration. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int
rule_or_pack_exists(const struct pl_rules *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->npacks; i++)
		if (strcmp(rs->packs[i].id, id) == 0)
			return 1;
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].info.id, id) == 0)
			return 1;
	return 0;
}

/* "file:line" origins become the error's place; others stay in the text. */
static void
origin_error(struct postlint_error *err, const char *origin, const char *what)
{
	const char *colon = strrchr(origin, ':');
	char *end;
	long line;

	if (colon != NULL && colon[1] != '\0') {
		line = strtol(colon + 1, &end, 10);
		if (*end == '\0' && line > 0) {
			char file[1024];

			snprintf(file, sizeof(file), "%.*s", (int)(colon - origin),
			    origin);
			pl_error_set(err, file, line, 0, "%s", what);
			return;
		}
	}
	(void)origin;   /* a command-line setting: the message says enough */
	pl_error_set(err, NULL, 0, 0, "%s", what);
}

static int
load_packs(struct postlint_checker *chk, struct postlint_error *err)
{
	const struct postlint_config *c = chk->cfg;
	struct pl_buf schema = { 0 }, pat = { 0 };
	glob_t g;
	size_t i;
	int rc = 0, grc;

	pl_buf_printf(&schema, "%s/rules/postlint.rng", c->datadir);
	pl_buf_printf(&pat, "%s/rules/*.xml", c->datadir);
	/* The shipped packs, in name order so rule order is stable. */
	grc = glob(pat.p, 0, NULL, &g);
	if (grc == GLOB_NOMATCH || (grc == 0 && g.gl_pathc == 0)) {
		pl_error_set(err, NULL, 0, 0, "no rule packs in %s/rules (set "
		    "POSTLINT_DATADIR to the folder that holds rules/)", c->datadir);
		rc = -1;
	} else if (grc != 0) {
		pl_error_set(err, NULL, 0, 0, "cannot list %s", pat.p);
		rc = -1;
	}
	for (i = 0; rc == 0 && i < g.gl_pathc; i++)
		rc = pl_pack_load(&chk->rules, g.gl_pathv[i], schema.p, err);
	if (grc == 0)
		globfree(&g);
	for (i = 0; rc == 0 && i < c->packs.n; i++)
		rc = pl_pack_load(&chk->rules, c->packs.v[i], schema.p, err);
	pl_buf_free(&schema);
	pl_buf_free(&pat);
	return rc;
}

static int
apply_settings(struct postlint_checker *chk, struct postlint_error *err)
{
	const struct postlint_config *c = chk->cfg;
	struct pl_rules *rs = &chk->rules;
	size_t i, j;

	for (i = 0; i < c->disable.n; i++) {
		const char *id = c->disable.v[i];
		char what[1200];

		if (!rule_or_pack_exists(rs, id)) {
			snprintf(what, sizeof(what), "unknown rule or pack '%s' to "
			    "disable (postlint --list-rules shows them)", id);
			origin_error(err, c->disable.origin[i], what);
			return -1;
		}
		for (j = 0; j < rs->n; j++)
			if (strcmp(rs->v[j].info.id, id) == 0 ||
			    strcmp(rs->v[j].info.pack, id) == 0)
				rs->v[j].info.enabled = 0;
	}
	for (i = 0; i < c->noverrides; i++) {
		const struct pl_override *o = &c->overrides[i];
		char what[1200];

		for (j = 0; j < rs->n; j++)
			if (strcmp(rs->v[j].info.id, o->id) == 0)
				break;
		if (j == rs->n) {
			snprintf(what, sizeof(what), "unknown rule '%s' (postlint "
			    "--list-rules shows them)", o->id);
			origin_error(err, o->origin, what);
			return -1;
		}
		if (o->severity > 0)
			rs->v[j].info.severity = o->severity;
		if (o->weight >= 0)
			rs->v[j].info.weight = o->weight;
	}
	return 0;
}

static int
load_words(struct postlint_checker *chk, struct postlint_error *err)
{
	const struct postlint_config *c = chk->cfg;
	struct pl_buf p = { 0 };
	size_t i;
	int rc;

	pl_buf_printf(&p, "%s/dicts/stop.txt", c->datadir);
	rc = pl_set_load(&chk->stop, p.p, err);
	p.len = 0;
	pl_buf_printf(&p, "%s/dicts/filler.txt", c->datadir);
	if (rc == 0)
		rc = pl_set_load(&chk->filler, p.p, err);
	for (i = 0; rc == 0 && i < c->audience.n; i++) {
		p.len = 0;
		pl_buf_printf(&p, "%s/dicts/niches/%s.txt", c->datadir,
		    c->audience.v[i]);
		if (pl_set_load(&chk->niche, p.p, err) != 0) {
			char what[1200];

			snprintf(what, sizeof(what), "no lexicon for audience tag "
			    "'%s' (looked for %s)", c->audience.v[i], p.p);
			origin_error(err, c->audience.origin[i], what);
			rc = -1;
		}
	}
	chk->has_audience = c->audience.n > 0;
	pl_buf_free(&p);
	return rc;
}

struct postlint_checker *
postlint_checker_new(const struct postlint_config *cfg,
    struct postlint_error *err)
{
	struct postlint_checker *chk = pl_calloc(1, sizeof(*chk));
	size_t n;

	chk->cfg = postlint_config_copy(cfg);
	chk->uc = pl_uclass_new();
	n = strcspn(cfg->lang, "_");
	snprintf(chk->lang_prefix, sizeof(chk->lang_prefix), "%.*s", (int)n,
	    cfg->lang);
	if (load_packs(chk, err) != 0 || apply_settings(chk, err) != 0 ||
	    load_words(chk, err) != 0) {
		postlint_checker_free(chk);
		return NULL;
	}
	return chk;
}

void
postlint_checker_free(struct postlint_checker *chk)
{
	if (chk == NULL)
		return;
	pl_rules_free(&chk->rules);
	pl_uclass_free(chk->uc);
	pl_set_free(&chk->stop);
	pl_set_free(&chk->filler);
	pl_set_free(&chk->niche);
	postlint_config_free(chk->cfg);
	free(chk);
}

size_t
postlint_checker_rule_count(const struct postlint_checker *chk)
{
	return chk->rules.n;
}

const struct postlint_rule_info *
postlint_checker_rule(const struct postlint_checker *chk, size_t i)
{
	return i < chk->rules.n ? &chk->rules.v[i].info : NULL;
}

const struct postlint_rule_info *
postlint_checker_find_rule(const struct postlint_checker *chk, const char *id)
{
	size_t i;

	for (i = 0; i < chk->rules.n; i++)
		if (strcmp(chk->rules.v[i].info.id, id) == 0)
			return &chk->rules.v[i].info;
	return NULL;
}

struct fired {
	const char *id;
	int hit;
};

static int
note_result(const struct postlint_result *res, void *data)
{
	struct fired *f = data;
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		if (strcmp(res->findings[i].rule, f->id) == 0)
			f->hit = 1;
	return 0;
}

/*
 * Each example is checked as a post of its own by the same engine that
 * checks real posts, with only its rule running (enabled or not) under its
 * own platform and language, so an example tests what users get.
 */
size_t
postlint_checker_test_rules(const struct postlint_checker *chk,
    postlint_test_fn fn, void *data, size_t *ntested)
{
	struct pl_match *m = pl_match_new();
	size_t i, j, failed = 0, tested = 0;

	for (i = 0; i < chk->rules.n; i++) {
		const struct pl_rule *r = &chk->rules.v[i];

		for (j = 0; j < r->info.nexamples; j++) {
			struct postlint_result res;
			struct pl_post post;
			struct fired f = { r->info.id, 0 };
			const char *ex = r->examples[j];

			memset(&post, 0, sizeof(post));
			memset(&res, 0, sizeof(res));
			post.source = r->info.file;
			post.win.p = ex;
			post.win.len = strlen(ex);
			post.win.line = 1;
			post.prose = ex;
			post.prose_len = post.win.len;
			post.platform = r->info.platform;
			post.lang = r->info.lang;
			post.only = r;
			pl_engine_check(chk, m, &post, &res);
			note_result(&res, &f);
			pl_result_free(&res);
			pl_window_free(&post.win);
			tested++;
			if (f.hit != r->example_bad[j]) {
				failed++;
				if (fn != NULL)
					fn(&r->info, ex, r->example_bad[j], data);
			}
		}
	}
	pl_match_free(m);
	if (ntested != NULL)
		*ntested = tested;
	return failed;
}

static int
dispatch(const struct postlint_checker *chk, const struct postlint_input *in,
    FILE *fp, const char *buf, size_t len, postlint_result_fn on_result,
    postlint_error_fn on_error, void *data)
{
	int fmt = in->format;

	/* Markdown, HTML, feeds and CSV get readers of their own with the
	 * post-sources work; until then every file is plain text. */
	if (fmt == POSTLINT_INPUT_AUTO)
		fmt = POSTLINT_INPUT_TEXT;
	if (fmt == POSTLINT_INPUT_LINES)
		return pl_read_lines(chk, in, fp, buf, len, on_result, on_error,
		    data);
	return pl_read_text(chk, in, fp, buf, len, on_result, on_error, data);
}

int
postlint_check_stream(const struct postlint_checker *chk,
    const struct postlint_input *in, FILE *fp, postlint_result_fn on_result,
    postlint_error_fn on_error, void *data)
{
	return dispatch(chk, in, fp, NULL, 0, on_result, on_error, data);
}

int
postlint_check_buffer(const struct postlint_checker *chk,
    const struct postlint_input *in, const char *buf, size_t len,
    postlint_result_fn on_result, postlint_error_fn on_error, void *data)
{
	return dispatch(chk, in, NULL, buf, len, on_result, on_error, data);
}
