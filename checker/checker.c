/* checker.c - the checker object: packs, dictionaries and settings for one configuration. */
#include <errno.h>
#include <glob.h>
#include <unistd.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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
	/* a command-line setting: the message says enough */
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
	void *rng;

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
	/* the schema is compiled once, for every pack */
	rng = rc == 0 ? pl_xml_schema(schema.p, err) : NULL;
	if (rng == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < g.gl_pathc; i++)
		rc = pl_pack_load(&chk->rules, g.gl_pathv[i], rng, err);
	if (grc == 0)
		globfree(&g);
	for (i = 0; rc == 0 && i < c->packs.n; i++)
		rc = pl_pack_load(&chk->rules, c->packs.v[i], rng, err);
	if (rc == 0)
		rc = pl_rules_link(&chk->rules, err);
	pl_xml_schema_free(rng);
	pl_buf_free(&schema);
	pl_buf_free(&pat);
	return rc;
}

/*
 * The weights postlint ships are fitted by `make weights` (postlint
 * calibrate on the labeled corpora and the packs' own examples) and kept
 * apart from the packs, in rules/weights/shipped.xml, in the config's own
 * format; a pack's weight is the prior they were fitted from.  Applied
 * before any config or option, so that a user's override wins.
 * POSTLINT_PACK_WEIGHTS=1 leaves them out (postlint(1), ENVIRONMENT), so
 * that a fit can start from the packs' weights.
 */
static int
apply_shipped_weights(struct postlint_checker *chk, struct postlint_error *err)
{
	const char *off = getenv("POSTLINT_PACK_WEIGHTS");
	struct pl_buf path = { 0 };
	struct postlint_config *w;
	struct pl_rules *rs = &chk->rules;
	size_t i, j;
	int rc = 0;

	if (off != NULL && off[0] != '\0' && strcmp(off, "0") != 0)
		return 0;
	pl_buf_printf(&path, "%s/rules/weights/shipped.xml", chk->cfg->datadir);
	if (access(path.p, F_OK) != 0) {
		pl_buf_free(&path);
		return 0;
	}
	w = postlint_config_new(chk->cfg->datadir);
	if (postlint_config_load(w, path.p, err) != 0)
		rc = -1;
	for (i = 0; rc == 0 && i < w->noverrides; i++) {
		for (j = 0; j < rs->n; j++)
			if (strcmp(rs->v[j].info.id, w->overrides[i].id) == 0)
				break;
		if (j == rs->n) {
			pl_error_set(err, path.p, 0, 0, "shipped weights name rule "
			    "'%s', which no shipped pack has (run make weights)",
			    w->overrides[i].id);
			rc = -1;
		} else if (w->overrides[i].weight >= 0)
			rs->v[j].info.weight = w->overrides[i].weight;
	}
	postlint_config_free(w);
	pl_buf_free(&path);
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

		if (!pl_rules_has_id(rs, id)) {
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

static struct pl_niche *
find_niche(const struct postlint_checker *chk, const char *tag)
{
	size_t i;

	for (i = 0; i < chk->nniches; i++)
		if (strcmp(chk->niches[i].tag, tag) == 0)
			return &chk->niches[i];
	return NULL;
}

/*
 * Every niche lexicon is loaded with the checker, not only the audience's:
 * a post's front matter may name its own audience, and a broken lexicon is
 * reported before any post is read.  The lexicons are small; their stems
 * are added when each is first used (pl_checker_niche).
 */
static int
load_words(struct postlint_checker *chk, struct postlint_error *err)
{
	const struct postlint_config *c = chk->cfg;
	struct pl_buf p = { 0 };
	glob_t g;
	size_t i;
	int rc;

	pl_buf_printf(&p, "%s/dicts/stop.txt", c->datadir);
	rc = pl_set_load(&chk->stop, p.p, 0, err);
	p.len = 0;
	pl_buf_printf(&p, "%s/dicts/filler.txt", c->datadir);
	if (rc == 0)
		rc = pl_set_load(&chk->filler, p.p, 0, err);
	p.len = 0;
	pl_buf_printf(&p, "%s/dicts/en/lemmas.txt", c->datadir);
	if (rc == 0 && pl_lemmas_load(&chk->lemmas, p.p) != 0) {
		pl_error_set(err, p.p, 0, 0, "cannot read the word forms: %s",
		    strerror(errno));
		rc = -1;
	}
	p.len = 0;
	pl_buf_printf(&p, "%s/dicts/niches/*.txt", c->datadir);
	if (rc == 0 && glob(p.p, 0, NULL, &g) == 0) {
		chk->niches = pl_calloc(g.gl_pathc, sizeof(*chk->niches));
		for (i = 0; rc == 0 && i < g.gl_pathc; i++) {
			const char *path = g.gl_pathv[i];
			const char *base = strrchr(path, '/') + 1;
			struct pl_niche *nc = &chk->niches[chk->nniches++];

			nc->tag = pl_strndup(base, strlen(base) - 4);
			rc = pl_set_load(&nc->words, path, 1, err);
		}
		globfree(&g);
	}
	for (i = 0; rc == 0 && i < c->audience.n; i++)
		if (find_niche(chk, c->audience.v[i]) == NULL) {
			char what[1200];

			snprintf(what, sizeof(what), "no lexicon for audience tag "
			    "'%s' (looked for %s/dicts/niches/%s.txt)",
			    c->audience.v[i], c->datadir, c->audience.v[i]);
			origin_error(err, c->audience.origin[i], what);
			rc = -1;
		}
	pl_buf_free(&p);
	return rc;
}

/*
 * Dictionaries load on first use and stay: the configured language's when
 * the checker is made (so a missing one is an error before any file is
 * read), another when a post's front matter first asks for it.  The
 * checker is otherwise read-only; this table is guarded by its lock.
 * An entry is complete before the lock is released and never moves or
 * changes after, so what is returned stays valid, without the lock, until
 * the checker is freed.
 */
struct pl_speller *
pl_checker_speller(const struct postlint_checker *cchk, const char *lang,
    const struct postlint_error **err)
{
	struct postlint_checker *chk = (struct postlint_checker *)cchk;
	struct pl_lang_speller *ls = NULL;
	struct postlint_error *refused = NULL;
	size_t i;

	if (lang == NULL)
		lang = chk->cfg->lang;
	pthread_mutex_lock(&chk->lock);
	for (i = 0; i < chk->nspellers; i++)
		if (strcmp(chk->spellers[i]->lang, lang) == 0)
			ls = chk->spellers[i];
	/* one message for every refused tag, written once, so that a
	 * pointer to it stays valid and unchanged like the others */
	if (ls == NULL && !pl_lang_valid(lang, strlen(lang))) {
		refused = &chk->lang_invalid;
		if (refused->message[0] == '\0')
			pl_error_set(refused, NULL, 0, 0, "a language must be a tag "
			    "such as en or en_US, letters only");
	} else if (ls == NULL && chk->nspellers >= PL_MAX_DICTIONARIES) {
		refused = &chk->lang_toomany;
		if (refused->message[0] == '\0')
			pl_error_set(refused, NULL, 0, 0, "more than %d languages "
			    "in one run (no more dictionaries are loaded)",
			    PL_MAX_DICTIONARIES);
	}
	if (refused != NULL) {
		pthread_mutex_unlock(&chk->lock);
		if (err != NULL)
			*err = refused;
		return NULL;
	}
	if (ls == NULL) {
		PL_GROW(chk->spellers, chk->capspellers, chk->nspellers + 1);
		ls = pl_calloc(1, sizeof(*ls));
		chk->spellers[chk->nspellers++] = ls;
		ls->lang = pl_strdup(lang);
		ls->sp = pl_speller_new(lang, chk->cfg->datadir, &chk->cfg->accept,
		    &ls->err);
	}
	pthread_mutex_unlock(&chk->lock);
	if (err != NULL)
		*err = &ls->err;
	return ls->sp;
}

int
postlint_checker_threshold(const struct postlint_checker *chk)
{
	return chk->cfg->threshold;
}

int
postlint_checker_fail_level(const struct postlint_checker *chk)
{
	return chk->cfg->fail_level;
}

size_t
postlint_stem(const struct postlint_checker *chk, const char *word, size_t len,
    char *out, size_t cap)
{
	struct pl_speller *sp = chk->spelling ? pl_checker_speller(chk, NULL,
	    NULL) : NULL;

	if (sp != NULL)
		return pl_speller_stem(sp, word, len, out, cap);
	if (len >= cap)
		len = cap - 1;
	memcpy(out, word, len);
	out[len] = '\0';
	return len;
}

/* A lexicon also holds its words' stems (see stem.c), so "deploys" in a
 * post meets "deployment" in a lexicon; a stem weighs what the heaviest
 * of its words does.  Done for a lexicon when it is first used: stemming
 * every shipped word costs more than checking one post. */
static void
stem_niche(struct pl_niche *nc, const struct pl_lemmas *lemmas)
{
	struct pl_set *s = &nc->words;
	struct pl_stemmer *st = pl_stemmer_new();
	size_t cap = s->cap, j, n;
	char **keys = pl_calloc(cap ? cap : 1, sizeof(*keys));
	size_t *lens = pl_calloc(cap ? cap : 1, sizeof(*lens));
	float *wts = pl_calloc(cap ? cap : 1, sizeof(*wts));
	char buf[128];

	for (j = n = 0; j < cap; j++)
		if (s->keys[j] != NULL) {
			keys[n] = pl_strndup(s->keys[j], s->lens[j]);
			wts[n] = s->weights ? s->weights[j] : 1.0f;
			lens[n++] = s->lens[j];
		}
	for (j = 0; j < n; j++) {
		size_t sl = pl_stem(st, lemmas, keys[j], lens[j], buf, sizeof(buf));

		if (sl > 0) {
			if (s->weights != NULL)
				pl_set_weigh(s, buf, sl, wts[j]);
			else
				pl_set_add(s, buf, sl);
		}
		free(keys[j]);
	}
	pl_stemmer_free(st);
	free(keys);
	free(lens);
	free(wts);
}

const struct pl_set *
pl_checker_niche(const struct postlint_checker *cchk, const char *tag)
{
	struct postlint_checker *chk = (struct postlint_checker *)cchk;
	struct pl_niche *nc = find_niche(chk, tag);

	if (nc == NULL)
		return NULL;
	if (!atomic_load_explicit(&nc->stemmed, memory_order_acquire)) {
		pthread_mutex_lock(&chk->lock);
		if (!atomic_load_explicit(&nc->stemmed, memory_order_relaxed)) {
			stem_niche(nc, &chk->lemmas);
			atomic_store_explicit(&nc->stemmed, 1, memory_order_release);
		}
		pthread_mutex_unlock(&chk->lock);
	}
	return &nc->words;
}

struct postlint_checker *
postlint_checker_new(const struct postlint_config *cfg,
    struct postlint_error *err)
{
	struct postlint_checker *chk = pl_calloc(1, sizeof(*chk));

	size_t i;

	chk->cfg = postlint_config_copy(cfg);
	chk->uc = pl_uclass_new();
	pthread_mutex_init(&chk->lock, NULL);
	if (load_packs(chk, err) != 0 || apply_shipped_weights(chk, err) != 0 ||
	    apply_settings(chk, err) != 0 ||
	    load_words(chk, err) != 0) {
		postlint_checker_free(chk);
		return NULL;
	}
	for (i = 0; i < cfg->reject.n; i++) {
		char *w = pl_strdup(cfg->reject.v[i]);

		for (char *q = w; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q + 32);
		pl_set_add(&chk->reject, w, strlen(w));
		free(w);
	}
	/* Spelling needs a dictionary only when a spelling rule is on. */
	for (i = 0; cfg->spelling && i < chk->rules.n; i++)
		if (chk->rules.v[i].kind == PL_RULE_SPELLING &&
		    chk->rules.v[i].info.enabled)
			chk->spelling = 1;
	if (chk->spelling) {
		const struct postlint_error *why;
		struct pl_speller *sp = pl_checker_speller(chk, NULL, &why);

		if (sp == NULL) {
			*err = *why;
			postlint_checker_free(chk);
			return NULL;
		}
	}
	return chk;
}

/*
 * Building the prefilter takes longer than running every pattern over a
 * post or two, so an editor's single post never pays for it: the thread
 * that judges the PREFILTER_AFTER-th post builds it and publishes it, and
 * posts judged meanwhile run every pattern (with the same findings).
 */
#define PREFILTER_AFTER 16

const struct pl_prefilter *
pl_checker_prefilter(const struct postlint_checker *chk)
{
	struct postlint_checker *c = (struct postlint_checker *)chk;
	struct pl_prefilter *pf = atomic_load_explicit(&c->pf,
	    memory_order_acquire);

	if (pf == NULL && atomic_fetch_add_explicit(&c->pf_posts, 1,
	    memory_order_relaxed) + 1 == PREFILTER_AFTER) {
		pf = pl_prefilter_new(&c->rules);
		atomic_store_explicit(&c->pf, pf, memory_order_release);
	}
	return pf;
}

void
postlint_checker_free(struct postlint_checker *chk)
{
	if (chk == NULL)
		return;
	pl_prefilter_free(atomic_load(&chk->pf));
	pl_rules_free(&chk->rules);
	pl_uclass_free(chk->uc);
	pl_set_free(&chk->stop);
	pl_set_free(&chk->filler);
	pl_lemmas_free(&chk->lemmas);
	for (size_t i = 0; i < chk->nniches; i++) {
		free(chk->niches[i].tag);
		pl_set_free(&chk->niches[i].words);
	}
	free(chk->niches);
	for (size_t i = 0; i < chk->nspellers; i++) {
		free(chk->spellers[i]->lang);
		pl_speller_free(chk->spellers[i]->sp);
		free(chk->spellers[i]);
	}
	free(chk->spellers);
	pl_set_free(&chk->reject);
	while (chk->nidle > 0)
		pl_match_free(chk->idle[--chk->nidle]);
	pthread_mutex_destroy(&chk->lock);
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

size_t
postlint_suggest(const struct postlint_checker *chk, const char *word,
    size_t len, char **out)
{
	struct pl_speller *sp;

	if (!chk->spelling || (sp = pl_checker_speller(chk, NULL, NULL)) == NULL)
		return 0;
	return pl_speller_suggest(sp, word, len, out);
}

struct fired {
	const char *id;
	int hit;
	int marked;        /* a finding of the rule spans the marked text */
	long mark[2];      /* the mark, as line and column of each end */
	long mark_end[2];
};

/* Line and column (1-based, in code points) of byte OFF of S. */
static void
text_pos(const char *s, long off, long out[2])
{
	long i;

	out[0] = out[1] = 1;
	for (i = 0; i < off && s[i] != '\0'; i++)
		if (s[i] == '\n') {
			out[0]++;
			out[1] = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80)
			out[1]++;
}

static int
note_result(const struct postlint_result *res, void *data)
{
	struct fired *f = data;
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		const struct postlint_finding *x = &res->findings[i];

		if (strcmp(x->rule, f->id) != 0)
			continue;
		f->hit = 1;
		f->marked |= x->line == f->mark[0] && x->column == f->mark[1] &&
		    x->end_line == f->mark_end[0] && x->end_column == f->mark_end[1];
	}
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
	size_t i, j, failed = 0, tested = 0;

	for (i = 0; i < chk->rules.n; i++) {
		const struct pl_rule *r = &chk->rules.v[i];

		for (j = 0; j < r->info.nexamples; j++) {
			struct postlint_input in = { .name = r->info.file,
			    .format = POSTLINT_INPUT_TEXT };
			struct pl_post as;
			struct fired f = { r->info.id, 0, 0, { 0, 0 }, { 0, 0 } };
			const char *ex = r->examples[j];
			const long *mark = r->example_mark + 2 * j;

			memset(&as, 0, sizeof(as));
			as.platform = r->info.platform;
			/* a pack for every language is tested in the configured one */
			as.lang = strcmp(r->info.lang, "*") == 0 ? NULL : r->info.lang;
			as.only = r;
			if (r->example_audience[j] != NULL) {
				/* an example may name the audience it is written for */
				char tags[256], *t, *save = NULL;

				snprintf(tags, sizeof(tags), "%s", r->example_audience[j]);
				for (t = strtok_r(tags, " ", &save); t != NULL;
				    t = strtok_r(NULL, " ", &save))
					pl_strlist_add(&as.audience, t, "example");
				as.has_audience = 1;
			}
			if (mark[0] >= 0) {
				text_pos(ex, mark[0], f.mark);
				text_pos(ex, mark[1], f.mark_end);
			}
			/* read as a file of the example's text would be, front
			 * matter and all */
			(void)pl_dispatch(chk, &in, NULL, ex, strlen(ex), &as,
			    note_result, NULL, &f);
			pl_strlist_free(&as.audience);
			tested++;
			if (f.hit != r->example_bad[j]) {
				failed++;
				if (fn != NULL)
					fn(&r->info, ex, r->example_bad[j], data);
			} else if (f.hit && mark[0] >= 0 && !f.marked) {
				failed++;
				if (fn != NULL)
					fn(&r->info, ex, 2, data);
			}
		}
	}
	if (ntested != NULL)
		*ntested = tested;
	return failed;
}

/*
 * Match state (PCRE2 match data and a JIT stack, which PCRE2 maps with
 * mmap) is made once and kept by the checker for the next input: a run
 * over thousands of small files would otherwise map and unmap a stack per
 * file, which under threads costs a TLB shootdown each.
 */
struct pl_match *
pl_take_match(const struct postlint_checker *cchk)
{
	struct postlint_checker *chk = (struct postlint_checker *)cchk;
	struct pl_match *m = NULL;

	pthread_mutex_lock(&chk->lock);
	if (chk->nidle > 0)
		m = chk->idle[--chk->nidle];
	pthread_mutex_unlock(&chk->lock);
	return m != NULL ? m : pl_match_new();
}

void
pl_give_match(const struct postlint_checker *cchk, struct pl_match *m)
{
	struct postlint_checker *chk = (struct postlint_checker *)cchk;

	pthread_mutex_lock(&chk->lock);
	if (chk->nidle < sizeof(chk->idle) / sizeof(*chk->idle)) {
		chk->idle[chk->nidle++] = m;
		m = NULL;
	}
	pthread_mutex_unlock(&chk->lock);
	pl_match_free(m);
}
