/* pack.c - rule packs: XML in, compiled rules out. */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "internal.h"

/* Element text with runs of whitespace collapsed to one space and the ends
 * trimmed: messages and phrases are written across lines in packs. */
static char *
collapsed(struct pl_pool *pool, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	struct pl_buf b = { 0 };
	const char *p;
	char *r;
	int space = 0;

	for (p = (const char *)(t ? t : (const xmlChar *)""); *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space)
			pl_buf_addc(&b, ' ');
		space = 0;
		pl_buf_addc(&b, *p);
	}
	r = pl_pool_strndup(pool, b.p ? b.p : "", b.len);
	pl_buf_free(&b);
	xmlFree(t);
	return r;
}

/* Element text with only the ends trimmed (examples keep their lines). */
static char *
trimmed(struct pl_pool *pool, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = (const char *)(t ? t : (const xmlChar *)"");
	size_t len = strlen(s);
	char *r;

	while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
		len--;
	while (len > 0 && strchr(" \t\r\n", *s) != NULL) {
		s++;
		len--;
	}
	/* drop the indentation of continuation lines, in place: the text
	 * only gets shorter */
	{
		char *w = (char *)s;
		size_t i = 0, o = 0;

		while (i < len) {
			const char *nl = memchr(s + i, '\n', len - i);
			size_t k = nl ? (size_t)(nl - (s + i)) + 1 : len - i;

			memmove(w + o, s + i, k);
			o += k;
			i += k;
			if (nl != NULL)
				while (i < len && (s[i] == ' ' || s[i] == '\t'))
					i++;
		}
		r = pl_pool_strndup(pool, s, o);
	}
	xmlFree(t);
	return r;
}

static char *
attr(struct pl_pool *pool, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *r;

	if (v == NULL)
		return NULL;
	r = pl_pool_strndup(pool, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return r;
}

static int
is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static int
phrase_cmp(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : strcmp(*(char *const *)a,
	    *(char *const *)b);
}

/*
 * One pattern per phrase rule: the phrases, longest first so the longest
 * wins at a position, bounded by anything that is not a letter, digit or
 * underscore.  A phrase inside a #hashtag or @mention does not count: tags
 * have rules of their own, and one thing is reported once.  Spaces match any run of whitespace, and an apostrophe
 * matches the typographic one too.
 */
static void
phrases_pattern(struct pl_buf *b, char **ph, size_t n)
{
	size_t i, j;

	qsort(ph, n, sizeof(*ph), phrase_cmp);
	pl_buf_adds(b, "(?<![\\p{L}\\p{N}_#@])(?:");
	for (i = 0; i < n; i++) {
		const char *p = ph[i];

		if (i > 0)
			pl_buf_addc(b, '|');
		for (j = 0; p[j] != '\0'; j++) {
			if (p[j] == ' ')
				pl_buf_adds(b, "\\s+");
			else if (p[j] == '\'')
				pl_buf_adds(b, "['\\x{2019}]");
			else
				pl_regex_quote(b, p + j, 1);
		}
	}
	pl_buf_adds(b, ")(?![\\p{L}\\p{N}_])");
}

static void
rule_free(struct pl_rule *r)
{
	pl_regex_free(r->re);
	free(r->conds);
	free(r->suggest);
	free(r->examples);
	free(r->example_bad);
	free(r->example_audience);
	memset(r, 0, sizeof(*r));
}

static int
parse_rule(struct pl_rules *rs, struct pl_pack *pk, xmlNodePtr rn,
    struct postlint_error *err)
{
	struct pl_rule *r;
	struct postlint_rule_info *info;
	struct pl_pool *pool = &rs->pool;
	xmlNodePtr c;
	char *v, **phrases = NULL;
	size_t nph = 0, capph = 0, i, cap = 0, capx = 0, caps = 0;
	long line = xmlGetLineNo(rn);

	PL_GROW(rs->v, rs->cap, rs->n + 1);
	r = &rs->v[rs->n];
	memset(r, 0, sizeof(*r));
	info = &r->info;
	info->id = attr(pool, rn, "id");
	info->pack = pk->id;
	info->file = pk->file;
	info->line = line;
	info->lang = pk->lang;
	info->category = attr(pool, rn, "category");
	info->platform = attr(pool, rn, "platform");
	info->severity = postlint_severity_parse(attr(pool, rn, "severity"));
	info->weight = atoi(attr(pool, rn, "weight"));
	v = attr(pool, rn, "cap");
	info->cap = v ? atoi(v) : 0;
	info->scope = attr(pool, rn, "scope");
	if (info->scope == NULL)
		info->scope = "post";
	r->scope = strcmp(info->scope, "opening") == 0 ? PL_SCOPE_OPENING :
	    strcmp(info->scope, "headline") == 0 ? PL_SCOPE_HEADLINE : PL_SCOPE_POST;
	info->enabled = 1;
	info->explain = "";

	if (strncmp(info->id, pk->id, strlen(pk->id)) != 0 ||
	    info->id[strlen(pk->id)] != '.') {
		pl_error_set(err, pk->file, line, 0,
		    "rule id '%s' must start with the pack id '%s.'", info->id,
		    pk->id);
		return -1;
	}
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].info.id, info->id) == 0) {
			pl_error_set(err, pk->file, line, 0,
			    "duplicate rule id '%s' (first defined at %s:%ld)",
			    info->id, rs->v[i].info.file, rs->v[i].info.line);
			return -1;
		}
	if (info->weight > 100 || info->cap > 100) {
		pl_error_set(err, pk->file, line, 0,
		    "rule %s: weight and cap must be 0-100", info->id);
		return -1;
	}

	for (c = rn->children; c != NULL; c = c->next) {
		if (is(c, "message"))
			info->message = collapsed(pool, c);
		else if (is(c, "explain"))
			info->explain = trimmed(pool, c);
		else if (is(c, "phrases")) {
			xmlNodePtr p;

			r->kind = PL_RULE_PHRASES;
			info->kind = "phrases";
			for (p = c->children; p != NULL; p = p->next)
				if (is(p, "phrase")) {
					char *t = collapsed(pool, p);

					if (*t == '\0') {
						pl_error_set(err, pk->file, xmlGetLineNo(p), 0,
						    "rule %s: empty phrase", info->id);
						free(phrases);
						return -1;
					}
					PL_GROW(phrases, capph, nph + 1);
					phrases[nph++] = t;
				}
		} else if (is(c, "pattern")) {
			char *ca = attr(pool, c, "case");
			char *pat = trimmed(pool, c);
			char msg[256];
			size_t off;

			r->kind = PL_RULE_PATTERN;
			info->kind = "pattern";
			r->re = pl_regex_compile(pat, strlen(pat),
			    ca && strcmp(ca, "sensitive") == 0 ? 0 : PL_RE_CASELESS,
			    &off, msg, sizeof(msg));
			if (r->re == NULL) {
				pl_error_set(err, pk->file, xmlGetLineNo(c), 0,
				    "rule %s: bad pattern at offset %zu: %s",
				    info->id, off, msg);
				return -1;
			}
			r->src = pat;
		} else if (is(c, "metric") || is(c, "when")) {
			xmlNodePtr w, first;
			static const char *const ops[] = {
				"above", "below", "at-least", "at-most"
			};

			/* <metric> holds conditions; a <when> after a pattern
			 * or phrases is a gate: the rule runs only when it holds */
			if (is(c, "metric")) {
				r->kind = PL_RULE_METRIC;
				info->kind = "metric";
				first = c->children;
			} else
				first = c;
			for (w = first; w != NULL; w = is(c, "when") ? NULL : w->next) {
				struct pl_cond *cd;
				char *fig;
				int op;

				if (!is(w, "when"))
					continue;
				PL_GROW(r->conds, cap, r->nconds + 1);
				cd = &r->conds[r->nconds++];
				fig = attr(pool, w, "figure");
				if ((cd->metric = pl_metric_lookup(fig)) < 0) {
					pl_error_set(err, pk->file, xmlGetLineNo(w), 0,
					    "rule %s: unknown figure '%s' (see "
					    "postlint-rules(5) for the list)", info->id, fig);
					free(phrases);
					return -1;
				}
				for (op = 0; op < 4; op++)
					if ((v = attr(pool, w, ops[op])) != NULL) {
						cd->cmp = op;
						cd->value = strtod(v, NULL);
					}
			}
		} else if (is(c, "spelling")) {
			r->kind = PL_RULE_SPELLING;
			info->kind = "spelling";
		} else if (is(c, "suggest")) {
			PL_GROW(r->suggest, caps, r->nsuggest + 1);
			r->suggest[r->nsuggest++] = collapsed(pool, c);
		} else if (is(c, "bad") || is(c, "good")) {
			PL_GROW(r->examples, capx, info->nexamples + 1);
			r->example_bad = pl_realloc(r->example_bad,
			    capx * sizeof(*r->example_bad));
			r->example_audience = pl_realloc(r->example_audience,
			    capx * sizeof(*r->example_audience));
			r->examples[info->nexamples] = trimmed(pool, c);
			r->example_bad[info->nexamples] = is(c, "bad");
			r->example_audience[info->nexamples] = attr(pool, c, "audience");
			info->nexamples++;
		}
	}
	info->examples = (const char *const *)r->examples;
	info->example_bad = r->example_bad;
	if (r->kind == PL_RULE_PHRASES) {
		struct pl_buf b = { 0 };
		char msg[256];
		size_t off;

		phrases_pattern(&b, phrases, nph);
		free(phrases);
		r->re = pl_regex_compile(b.p, b.len, PL_RE_CASELESS, &off, msg,
		    sizeof(msg));
		if (r->re != NULL)
			r->src = pl_pool_strndup(pool, b.p, b.len);
		pl_buf_free(&b);
		if (r->re == NULL) {
			pl_error_set(err, pk->file, line, 0,
			    "rule %s: phrases do not compile: %s", info->id, msg);
			return -1;
		}
	}
	rs->n++;
	return 0;
}

int
pl_pack_load(struct pl_rules *rs, const char *path, void *schema,
    struct postlint_error *err)
{
	xmlDocPtr doc;
	xmlNodePtr root, c;
	struct pl_pack *pk;
	size_t i;
	int rc = 0;

	if ((doc = pl_xml_load(path, schema, err)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	PL_GROW(rs->packs, rs->capp, rs->npacks + 1);
	pk = &rs->packs[rs->npacks];
	pk->id = attr(&rs->pool, root, "id");
	pk->lang = attr(&rs->pool, root, "lang");
	pk->file = pl_pool_strndup(&rs->pool, path, strlen(path));
	pk->first = rs->n;
	for (i = 0; i < rs->npacks; i++)
		if (strcmp(rs->packs[i].id, pk->id) == 0) {
			pl_error_set(err, path, xmlGetLineNo(root), 0,
			    "duplicate pack id '%s' (also %s)", pk->id,
			    rs->packs[i].file);
			pl_xml_free(doc);
			return -1;
		}
	for (c = root->children; c != NULL && rc == 0; c = c->next)
		if (is(c, "rule"))
			rc = parse_rule(rs, pk, c, err);
	pk->nrules = rs->n - pk->first;
	pl_xml_free(doc);
	if (rc != 0) {
		/* Leave no half-loaded pack behind: first the rule that failed,
		 * then the ones before it. */
		rule_free(&rs->v[rs->n]);
		while (rs->n > pk->first)
			rule_free(&rs->v[--rs->n]);
		return -1;
	}
	rs->npacks++;
	return 0;
}

int
pl_rules_has_id(const struct pl_rules *rs, const char *id)
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

void
pl_rules_free(struct pl_rules *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		rule_free(&rs->v[i]);
	free(rs->v);
	free(rs->packs);
	pl_pool_free(&rs->pool);
	memset(rs, 0, sizeof(*rs));
}
