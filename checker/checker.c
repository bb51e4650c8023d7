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

void
postlint_checker_set_threads(struct postlint_checker *chk, int n)
{
	chk->threads = n < 1 ? 1 : n > PL_MAX_THREADS ? PL_MAX_THREADS : n;
}

void
postlint_checker_set_render(struct postlint_checker *chk, int format,
    unsigned flags)
{
	chk->render_format = postlint_format_per_post(format) ? format : -1;
	chk->render_flags = flags;
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
	chk->render_format = -1;
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
	struct pl_match *m = pl_match_new();
	size_t i, j, failed = 0, tested = 0;

	for (i = 0; i < chk->rules.n; i++) {
		const struct pl_rule *r = &chk->rules.v[i];

		for (j = 0; j < r->info.nexamples; j++) {
			struct postlint_result res;
			struct pl_post post;
			struct fired f = { r->info.id, 0, 0, { 0, 0 }, { 0, 0 } };
			const char *ex = r->examples[j];
			const long *mark = r->example_mark + 2 * j;

			memset(&post, 0, sizeof(post));
			memset(&res, 0, sizeof(res));
			post.source = r->info.file;
			post.win.p = ex;
			post.win.len = strlen(ex);
			post.win.line = 1;
			post.prose = ex;
			post.prose_len = post.win.len;
			if (strncmp(ex, "---\n", 4) == 0) {
				/* an example may open with front matter, read as a
				 * Markdown file's would be */
				struct postlint_input in = { .name = r->info.file };
				struct pl_ctx ctx;
				long body;

				memset(&ctx, 0, sizeof(ctx));
				ctx.chk = chk;
				ctx.in = &in;
				if ((body = pl_frontmatter(&ctx, &post)) > 0) {
					pl_post_break(&post);
					pl_post_add_src(&post, (size_t)body,
					    post.win.len - (size_t)body);
				}
			}
			post.platform = r->info.platform;
			/* a pack for every language is tested in the configured one */
			post.lang = strcmp(r->info.lang, "*") == 0 ? NULL : r->info.lang;
			post.only = r;
			if (r->example_audience[j] != NULL) {
				/* an example may name the audience it is written for */
				char tags[256], *t, *save = NULL;

				snprintf(tags, sizeof(tags), "%s", r->example_audience[j]);
				for (t = strtok_r(tags, " ", &save); t != NULL;
				    t = strtok_r(NULL, " ", &save))
					pl_strlist_add(&post.audience, t, "example");
				post.has_audience = 1;
			}
			if (mark[0] >= 0) {
				text_pos(ex, mark[0], f.mark);
				text_pos(ex, mark[1], f.mark_end);
			}
			pl_engine_check(chk, m, &post, &res);
			note_result(&res, &f);
			pl_result_free(&res);
			pl_post_free(&post);
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
	pl_match_free(m);
	if (ntested != NULL)
		*ntested = tested;
	return failed;
}

/* Feeds and CSV files hold many posts and are parsed whole, up to this. */
#define MAX_MULTI_POST_FILE (64 * 1024 * 1024)

static const char *const format_names[] = {
	"auto", "text", "lines", "markdown", "html", "feed", "csv"
};

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

int
postlint_input_format_parse(const char *name)
{
	int i;

	for (i = 1; i < (int)(sizeof(format_names) / sizeof(*format_names)); i++)
		if (strcmp(name, format_names[i]) == 0)
			return i;
	return -1;
}

static int
by_extension(const char *name)
{
	const char *slash, *dot;
	static const struct { const char *ext; int fmt; } exts[] = {
		{ "md", POSTLINT_INPUT_MARKDOWN }, { "markdown", POSTLINT_INPUT_MARKDOWN },
		{ "html", POSTLINT_INPUT_HTML }, { "htm", POSTLINT_INPUT_HTML },
		{ "rss", POSTLINT_INPUT_FEED }, { "atom", POSTLINT_INPUT_FEED },
		{ "xml", POSTLINT_INPUT_FEED }, { "csv", POSTLINT_INPUT_CSV },
		{ "txt", POSTLINT_INPUT_TEXT },
	};
	size_t i;

	if (name == NULL)
		return POSTLINT_INPUT_AUTO;
	slash = strrchr(name, '/');
	dot = strrchr(name, '.');
	if (dot == NULL || (slash != NULL && dot < slash))
		return POSTLINT_INPUT_AUTO;
	for (i = 0; i < sizeof(exts) / sizeof(*exts); i++)
		if (strcasecmp(dot + 1, exts[i].ext) == 0)
			return exts[i].fmt;
	return POSTLINT_INPUT_AUTO;
}

static int
starts_ci(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n >= m && strncasecmp(s, lit, m) == 0;
}

/* Content with no telling name: XML feeds and HTML announce themselves;
 * everything else is text (which may open with front matter). */
static int
sniff(const char *s, size_t n)
{
	size_t i = 0, lim = n < 4096 ? n : 4096;

	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < lim && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\n'))
		i++;
	if (starts_ci(s + i, lim - i, "<!doctype html") ||
	    starts_ci(s + i, lim - i, "<html"))
		return POSTLINT_INPUT_HTML;
	if (starts_ci(s + i, lim - i, "<?xml") || starts_ci(s + i, lim - i, "<rss") ||
	    starts_ci(s + i, lim - i, "<feed")) {
		/* an XML file is a feed when its first element says so */
		const char *e = s + i, *end = s + lim;

		while ((e = memchr(e, '<', (size_t)(end - e))) != NULL) {
			if (starts_ci(e, (size_t)(end - e), "<rss") ||
			    starts_ci(e, (size_t)(end - e), "<feed"))
				return POSTLINT_INPUT_FEED;
			if (starts_ci(e, (size_t)(end - e), "<html"))
				return POSTLINT_INPUT_HTML;
			e++;
		}
	}
	return POSTLINT_INPUT_TEXT;
}

static int
dispatch(const struct postlint_checker *chk, const struct postlint_input *in,
    FILE *fp, const char *buf, size_t len, postlint_result_fn on_result,
    postlint_error_fn on_error, void *data)
{
	struct pl_ctx ctx;
	struct pl_buf b = { 0 };
	size_t max = chk->cfg->max_post_size;
	int fmt = in->format;

	memset(&ctx, 0, sizeof(ctx));
	ctx.chk = chk;
	ctx.in = in;
	ctx.on_result = on_result;
	ctx.on_error = on_error;
	ctx.data = data;
	ctx.m = pl_take_match(chk);
	if (fmt == POSTLINT_INPUT_AUTO)
		fmt = by_extension(in->format_name ? in->format_name : in->name);
	if (fmt == POSTLINT_INPUT_LINES) {
		pl_read_lines(&ctx, fp, buf, len);
		goto done;
	}
	if (fp != NULL) {
		/* Read at most one byte past the limit: a post too large is an
		 * error, not a reason to hold the whole input. */
		size_t cap = fmt == POSTLINT_INPUT_FEED || fmt == POSTLINT_INPUT_CSV ||
		    fmt == POSTLINT_INPUT_AUTO ? MAX_MULTI_POST_FILE : max;

		if (cap < max)
			cap = max;
		for (;;) {
			size_t want = cap + 1 - b.len, got;

			/* small first reads: most posts are small, and a buffer
			 * past malloc's mmap threshold costs an mmap and a munmap
			 * (with a TLB shootdown under threads) per file */
			if (want > (b.len < 4096 ? 4096 : b.len))
				want = b.len < 4096 ? 4096 : b.len;
			if (want > 65536)
				want = 65536;
			PL_GROW(b.p, b.cap, b.len + want + 1);
			got = fread(b.p + b.len, 1, want, fp);
			b.len += got;
			if (got < want || b.len > cap)
				break;
		}
		if (ferror(fp)) {
			pl_ctx_error(&ctx, 0, 0, "read error: %s", strerror(errno));
			goto done;
		}
		buf = b.p ? b.p : "";
		len = b.len;
		if (len > cap && cap > max) {
			pl_ctx_error(&ctx, 0, 0, "larger than %d MiB; not checked",
			    MAX_MULTI_POST_FILE / 1024 / 1024);
			goto done;
		}
	}
	if (fmt == POSTLINT_INPUT_AUTO)
		fmt = sniff(buf, len);
	/* A BOM is bytes of the file but no column of any line. */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
		ctx.bom = 3;
	}
	if (len > max && fmt != POSTLINT_INPUT_FEED && fmt != POSTLINT_INPUT_CSV) {
		pl_ctx_error(&ctx, 1, 0, "post is larger than --max-post-size "
		    "(%zu bytes); not checked", max);
		goto done;
	}
	switch (fmt) {
	case POSTLINT_INPUT_MARKDOWN:
		pl_read_markdown(&ctx, buf, len);
		break;
	case POSTLINT_INPUT_HTML:
		pl_read_html(&ctx, buf, len);
		break;
	case POSTLINT_INPUT_FEED:
		pl_read_feed(&ctx, buf, len);
		break;
	case POSTLINT_INPUT_CSV:
		pl_read_csv(&ctx, buf, len);
		break;
	default:
		pl_read_text(&ctx, buf, len);
		break;
	}
done:
	pl_buf_free(&b);
	pl_give_match(chk, ctx.m);
	if (ctx.stop)
		return 1;
	return ctx.failed ? -1 : 0;
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
