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

/* S with only the ends trimmed and the indentation of continuation
 * lines dropped (examples keep their lines). */
static char *
trim_text(struct pl_pool *pool, const char *s)
{
	size_t len = strlen(s), i = 0, o = 0;
	struct pl_buf b = { 0 };
	char *r;

	while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL)
		len--;
	while (len > 0 && strchr(" \t\r\n", *s) != NULL) {
		s++;
		len--;
	}
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t k = nl ? (size_t)(nl - (s + i)) + 1 : len - i;

		pl_buf_add(&b, s + i, k);
		o += k;
		i += k;
		if (nl != NULL)
			while (i < len && (s[i] == ' ' || s[i] == '\t'))
				i++;
	}
	r = pl_pool_strndup(pool, b.p ? b.p : "", o);
	pl_buf_free(&b);
	return r;
}

static char *
trimmed(struct pl_pool *pool, xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *r = trim_text(pool, (const char *)(t ? t : (const xmlChar *)""));

	xmlFree(t);
	return r;
}

/*
 * An example's text; in a bad example, the span an <m> element marks is
 * the one the rule must find, and its byte offsets go to MARK (else -1).
 * The marks are carried through trimming as two bytes no text holds.
 */
static char *
example_text(struct pl_pool *pool, xmlNodePtr n, long mark[2])
{
	struct pl_buf b = { 0 };
	xmlNodePtr c;
	char *r, *p, *q;

	mark[0] = mark[1] = -1;
	for (c = n->children; c != NULL; c = c->next) {
		xmlChar *t = xmlNodeGetContent(c);

		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name,
		    "m") == 0) {
			pl_buf_addc(&b, '\x01');
			pl_buf_adds(&b, (const char *)(t ? t : (const xmlChar *)""));
			pl_buf_addc(&b, '\x02');
		} else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
			pl_buf_adds(&b, (const char *)(t ? t : (const xmlChar *)""));
		xmlFree(t);
	}
	r = trim_text(pool, b.p ? b.p : "");
	pl_buf_free(&b);
	for (p = q = r; *p != '\0'; p++) {
		if (*p == '\x01')
			mark[0] = q - r;
		else if (*p == '\x02')
			mark[1] = q - r;
		else
			*q++ = *p;
	}
	*q = '\0';
	return r;
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

/* A pattern's text, or its <alt> lines joined as alternatives. */
static char *
pattern_text(struct pl_pool *pool, xmlNodePtr n)
{
	struct pl_buf b = { 0 };
	xmlNodePtr c;
	char *r;
	int alts = 0;

	for (c = n->children; c != NULL; c = c->next)
		if (pl_xml_is(c, "alt")) {
			pl_buf_adds(&b, alts++ ? "|(?:" : "(?:(?:");
			pl_buf_adds(&b, trimmed(pool, c));
			pl_buf_addc(&b, ')');
		}
	if (alts == 0)
		return trimmed(pool, n);
	pl_buf_addc(&b, ')');
	r = pl_pool_strndup(pool, b.p, b.len);
	pl_buf_free(&b);
	return r;
}

/* Each <alt> of pattern N as a branch of RE, which was compiled from
 * them joined (see pl_regex_add_alt). */
static void
split_alts(struct pl_pool *pool, struct pl_regex *re, xmlNodePtr n,
    unsigned flags)
{
	xmlNodePtr c;
	size_t k = 0;

	for (c = n->children; c != NULL; c = c->next)
		k += pl_xml_is(c, "alt");
	if (k < 2)
		return;
	for (c = n->children; c != NULL; c = c->next)
		if (pl_xml_is(c, "alt")) {
			const char *t = trimmed(pool, c);

			if (!pl_regex_add_alt(re, t, strlen(t), flags))
				return;
		}
}

static int
parse_conds(struct pl_pool *pool, xmlNodePtr first, int only_one,
    struct pl_cond **conds, size_t *nconds, const char *file,
    const char *rule, struct postlint_error *err)
{
	static const char *const ops[] = {
		"above", "below", "at-least", "at-most"
	};
	size_t cap = *nconds;
	xmlNodePtr w;

	for (w = first; w != NULL; w = only_one ? NULL : w->next) {
		struct pl_cond *cd;
		char *fig, *v;
		int op;

		if (!pl_xml_is(w, "when"))
			continue;
		PL_GROW(*conds, cap, *nconds + 1);
		cd = &(*conds)[(*nconds)++];
		fig = pl_xml_attr(pool, w, "figure");
		if ((cd->metric = pl_metric_lookup(fig)) < 0) {
			pl_error_set(err, file, xmlGetLineNo(w), 0,
			    "rule %s: unknown figure '%s' (see "
			    "postlint-rules(5) for the list)", rule, fig);
			return -1;
		}
		for (op = 0; op < 4; op++)
			if ((v = pl_xml_attr(pool, w, ops[op])) != NULL) {
				cd->cmp = op;
				cd->value = strtod(v, NULL);
			}
	}
	return 0;
}

/* <unless in="match|sentence|post"> with one pattern, sequence, concept
 * or <quoted/>, or with figure conditions that must all hold. */
static int
parse_unless(struct pl_rules *rs, struct pl_rule *r, xmlNodePtr n,
    const char *file, struct postlint_error *err)
{
	struct pl_pool *pool = &rs->pool;
	struct pl_unless *u;
	char *in = pl_xml_attr(pool, n, "in");
	xmlNodePtr c;

	r->unless = pl_realloc(r->unless, (r->nunless + 1) * sizeof(*r->unless));
	u = &r->unless[r->nunless++];
	memset(u, 0, sizeof(*u));
	u->scope = in == NULL || strcmp(in, "match") == 0 ? PL_IN_MATCH :
	    strcmp(in, "sentence") == 0 ? PL_IN_SENTENCE : PL_IN_POST;
	u->kind = -1;
	for (c = n->children; c != NULL; c = c->next) {
		if (pl_xml_is(c, "pattern")) {
			char *pat = pattern_text(pool, c), *ca = pl_xml_attr(pool, c, "case");
			char msg[256];
			size_t off;

			unsigned fl = ca && strcmp(ca, "sensitive") == 0 ? 0 :
			    PL_RE_CASELESS;

			u->kind = PL_UNLESS_PATTERN;
			u->re = pl_regex_compile(pat, strlen(pat), fl, &off, msg,
			    sizeof(msg));
			if (u->re == NULL) {
				pl_error_set(err, file, xmlGetLineNo(c), 0, "rule %s: bad "
				    "pattern at offset %zu: %s", r->info.id, off, msg);
				return -1;
			}
			split_alts(pool, u->re, c, fl);
		} else if (pl_xml_is(c, "sequence")) {
			u->kind = PL_UNLESS_SEQUENCE;
			if (pl_seq_parse(&u->seq, pool, c, file, r->info.id, err) != 0)
				return -1;
		} else if (pl_xml_is(c, "concept")) {
			u->kind = PL_UNLESS_SEQUENCE;
			pl_seq_concept(&u->seq, pool, pl_xml_attr(pool, c, "ref"), file,
			    xmlGetLineNo(c));
		} else if (pl_xml_is(c, "quoted")) {
			u->kind = PL_UNLESS_QUOTED;
		} else if (pl_xml_is(c, "when")) {
			u->kind = PL_UNLESS_WHEN;
			if (parse_conds(pool, c, 1, &u->conds, &u->nconds, file,
			    r->info.id, err) != 0)
				return -1;
		}
	}
	if (u->kind != PL_UNLESS_WHEN)
		rs->has_tokens = 1;
	return 0;
}

static const char *const scope_names[] = { "match", "sentence", "post" };

/* What --explain shows of a rule beyond its text: its sequence, its
 * composite expression and its exceptions. */
static const char *
rule_detail(struct pl_pool *pool, const struct pl_rule *r)
{
	const char *composite = r->expr_src;
	struct pl_buf b = { 0 };
	const char *d;
	size_t i;

	if (r->kind == PL_RULE_SEQUENCE)
		pl_buf_printf(&b, "sequence: %s\n", r->seq.shown);
	if (composite != NULL)
		pl_buf_printf(&b, "composite: %s\n", composite);
	for (i = 0; i < r->nunless; i++) {
		const struct pl_unless *u = &r->unless[i];

		pl_buf_printf(&b, "unless (in the %s): ", scope_names[u->scope]);
		if (u->kind == PL_UNLESS_SEQUENCE)
			pl_buf_printf(&b, "%s\n", u->seq.shown);
		else if (u->kind == PL_UNLESS_QUOTED)
			pl_buf_adds(&b, "it stands in quotation marks\n");
		else if (u->kind == PL_UNLESS_WHEN)
			pl_buf_printf(&b, "%s %s %g\n", pl_metric_name(u->conds[0].metric),
			    (const char *const[]){ ">", "<", ">=", "<=" }[u->conds[0].cmp],
			    u->conds[0].value);
		else
			pl_buf_adds(&b, "a pattern matches\n");
	}
	if (r->part)
		pl_buf_adds(&b, "role: part (no finding of its own; composites read it)\n");
	pl_seq_explain(&r->seq, &b);
	for (i = 0; i < r->nunless; i++)
		pl_seq_explain(&r->unless[i].seq, &b);
	d = pl_pool_strndup(pool, b.p ? b.p : "", b.len);
	pl_buf_free(&b);
	return d;
}

static void
rule_free(struct pl_rule *r)
{
	size_t i;

	pl_regex_free(r->re);
	pl_seq_free(&r->seq);
	pl_expr_free(r->expr);
	free(r->refs);
	for (i = 0; i < r->nunless; i++) {
		pl_regex_free(r->unless[i].re);
		pl_seq_free(&r->unless[i].seq);
		free(r->unless[i].conds);
	}
	free(r->unless);
	free(r->example_mark);
	free(r->conds);
	free(r->suggest);
	free(r->examples);
	free(r->example_bad);
	free(r->example_audience);
	memset(r, 0, sizeof(*r));
}

/*
 * What loading packs may cost, checked before anything is compiled: a
 * pack is untrusted, and a rule count, a phrase list or a pattern far
 * past what any shipped pack holds (113 rules, 258 bytes of phrases, a
 * pattern of 1,156 bytes) is refused with a message naming the limit.
 */
#define MAX_RULES 5000
#define MAX_PHRASE_BYTES (64 * 1024)
#define MAX_PATTERN_BYTES (64 * 1024)

/* Where rule id ID is, or would go, in rs->ids. */
static size_t *
id_probe(const struct pl_rules *rs, const char *id)
{
	size_t mask = rs->capids - 1, i = pl_hash(id, strlen(id)) & mask;

	while (rs->ids[i] != 0 && strcmp(rs->v[rs->ids[i] - 1].info.id, id) != 0)
		i = (i + 1) & mask;
	return &rs->ids[i];
}

/* The slot of rule id ID in rs->ids: its own, or the empty one it would
 * take.  The table covers rules [0, nids); after a pack that failed to
 * load was taken out it is built again. */
static size_t *
id_slot(struct pl_rules *rs, const char *id)
{
	size_t k;

	if (rs->nids > rs->n || 2 * (rs->n + 1) > rs->capids) {
		free(rs->ids);
		for (rs->capids = 64; rs->capids < 4 * (rs->n + 1); rs->capids *= 2)
			;
		rs->ids = pl_calloc(rs->capids, sizeof(*rs->ids));
		for (k = 0; k < rs->n; k++)
			*id_probe(rs, rs->v[k].info.id) = k + 1;
		rs->nids = rs->n;
	}
	return id_probe(rs, id);
}

static int
parse_rule(struct pl_rules *rs, struct pl_pack *pk, xmlNodePtr rn,
    struct postlint_error *err)
{
	struct pl_rule *r;
	struct postlint_rule_info *info;
	struct pl_pool *pool = &rs->pool;
	xmlNodePtr c;
	char *v, **phrases = NULL, *composite_text = NULL;
	size_t nph = 0, capph = 0, capx = 0, caps = 0, phbytes = 0, *slot;
	long line = xmlGetLineNo(rn);

	PL_GROW(rs->v, rs->cap, rs->n + 1);
	r = &rs->v[rs->n];
	memset(r, 0, sizeof(*r));
	info = &r->info;
	info->id = pl_xml_attr(pool, rn, "id");
	info->pack = pk->id;
	info->file = pk->file;
	info->line = line;
	info->lang = pk->lang;
	info->category = pl_xml_attr(pool, rn, "category");
	info->platform = pl_xml_attr(pool, rn, "platform");
	info->severity = postlint_severity_parse(pl_xml_attr(pool, rn, "severity"));
	info->weight = atoi(pl_xml_attr(pool, rn, "weight"));
	v = pl_xml_attr(pool, rn, "cap");
	info->cap = v ? atoi(v) : 0;
	info->scope = pl_xml_attr(pool, rn, "scope");
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
	if (rs->n >= MAX_RULES) {
		pl_error_set(err, pk->file, line, 0, "more than %d rules in one "
		    "run; refused", MAX_RULES);
		return -1;
	}
	if (*(slot = id_slot(rs, info->id)) != 0) {
		const struct postlint_rule_info *was = &rs->v[*slot - 1].info;

		pl_error_set(err, pk->file, line, 0,
		    "duplicate rule id '%s' (first defined at %s:%ld)",
		    info->id, was->file, was->line);
		return -1;
	}
	if (info->weight > 100 || info->cap > 100) {
		pl_error_set(err, pk->file, line, 0,
		    "rule %s: weight and cap must be 0-100", info->id);
		return -1;
	}

	for (c = rn->children; c != NULL; c = c->next) {
		if (pl_xml_is(c, "message"))
			info->message = collapsed(pool, c);
		else if (pl_xml_is(c, "explain"))
			info->explain = trimmed(pool, c);
		else if (pl_xml_is(c, "phrases")) {
			xmlNodePtr p;

			r->kind = PL_RULE_PHRASES;
			info->kind = "phrases";
			for (p = c->children; p != NULL; p = p->next)
				if (pl_xml_is(p, "phrase")) {
					char *t = collapsed(pool, p);

					if (*t == '\0') {
						pl_error_set(err, pk->file, xmlGetLineNo(p), 0,
						    "rule %s: empty phrase", info->id);
						free(phrases);
						return -1;
					}
					if ((phbytes += strlen(t) + 1) > MAX_PHRASE_BYTES) {
						pl_error_set(err, pk->file, xmlGetLineNo(p), 0,
						    "rule %s: phrases longer than %d KiB in "
						    "all; refused", info->id,
						    MAX_PHRASE_BYTES / 1024);
						free(phrases);
						return -1;
					}
					PL_GROW(phrases, capph, nph + 1);
					phrases[nph++] = t;
				}
		} else if (pl_xml_is(c, "pattern")) {
			char *ca = pl_xml_attr(pool, c, "case");
			char *pat = pattern_text(pool, c);
			char msg[256];
			size_t off;

			unsigned fl = ca && strcmp(ca, "sensitive") == 0 ? 0 :
			    PL_RE_CASELESS;

			r->kind = PL_RULE_PATTERN;
			info->kind = "pattern";
			if (strlen(pat) > MAX_PATTERN_BYTES) {
				pl_error_set(err, pk->file, xmlGetLineNo(c), 0,
				    "rule %s: a pattern longer than %d KiB; refused",
				    info->id, MAX_PATTERN_BYTES / 1024);
				return -1;
			}
			r->re = pl_regex_compile(pat, strlen(pat), fl, &off, msg,
			    sizeof(msg));
			if (r->re == NULL) {
				pl_error_set(err, pk->file, xmlGetLineNo(c), 0,
				    "rule %s: bad pattern at offset %zu: %s",
				    info->id, off, msg);
				return -1;
			}
			split_alts(pool, r->re, c, fl);
			r->src = pat;
		} else if (pl_xml_is(c, "metric") || pl_xml_is(c, "when")) {
			/* <metric> holds conditions; a <when> after a pattern
			 * or phrases is a gate: the rule runs only when it holds */
			if (pl_xml_is(c, "metric")) {
				r->kind = PL_RULE_METRIC;
				info->kind = "metric";
			}
			if (parse_conds(pool, pl_xml_is(c, "metric") ? c->children : c,
			    pl_xml_is(c, "when"), &r->conds, &r->nconds, pk->file, info->id,
			    err) != 0)
				goto fail;
		} else if (pl_xml_is(c, "sequence")) {
			r->kind = PL_RULE_SEQUENCE;
			info->kind = "sequence";
			if (pl_seq_parse(&r->seq, pool, c, pk->file, info->id, err) != 0)
				goto fail;
			rs->has_tokens = 1;
		} else if (pl_xml_is(c, "composite")) {
			char *text = collapsed(pool, c);
			size_t capr = 0;

			r->kind = PL_RULE_COMPOSITE;
			info->kind = "composite";
			r->src = NULL;
			if ((r->expr = pl_expr_parse(text, rs, rs->n, pk->file,
			    xmlGetLineNo(c), err)) == NULL)
				goto fail;
			pl_expr_rules(r->expr, &r->refs, &r->nrefs, &capr);
			composite_text = text;
		} else if (pl_xml_is(c, "unless")) {
			if (parse_unless(rs, r, c, pk->file, err) != 0)
				goto fail;
		} else if (pl_xml_is(c, "spelling")) {
			r->kind = PL_RULE_SPELLING;
			info->kind = "spelling";
		} else if (pl_xml_is(c, "suggest")) {
			PL_GROW(r->suggest, caps, r->nsuggest + 1);
			r->suggest[r->nsuggest++] = collapsed(pool, c);
		} else if (pl_xml_is(c, "bad") || pl_xml_is(c, "good")) {
			PL_GROW(r->examples, capx, info->nexamples + 1);
			r->example_bad = pl_realloc(r->example_bad,
			    capx * sizeof(*r->example_bad));
			r->example_audience = pl_realloc(r->example_audience,
			    capx * sizeof(*r->example_audience));
			r->example_mark = pl_realloc(r->example_mark,
			    2 * capx * sizeof(*r->example_mark));
			r->examples[info->nexamples] = example_text(pool, c,
			    r->example_mark + 2 * info->nexamples);
			r->example_bad[info->nexamples] = pl_xml_is(c, "bad");
			r->example_audience[info->nexamples] = pl_xml_attr(pool, c, "audience");
			info->nexamples++;
		}
	}
	info->examples = (const char *const *)r->examples;
	info->example_bad = r->example_bad;
	v = pl_xml_attr(pool, rn, "role");
	r->part = v != NULL && strcmp(v, "part") == 0;
	info->part = r->part;
	r->expr_src = composite_text;
	info->detail = "";
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
	/* its slot is free still: nothing above adds a rule */
	*id_slot(rs, info->id) = rs->n + 1;
	rs->n++;
	rs->nids = rs->n;
	return 0;
fail:
	free(phrases);
	return -1;
}

int
pl_pack_load(struct pl_rules *rs, const char *path, void *schema,
    struct postlint_error *err)
{
	xmlDocPtr doc;
	xmlNodePtr root, c;
	struct pl_pack *pk;
	size_t i, nconcepts;
	int rc = 0, rule_failed = 0;

	if ((doc = pl_xml_load(path, schema, err)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	PL_GROW(rs->packs, rs->capp, rs->npacks + 1);
	pk = &rs->packs[rs->npacks];
	pk->id = pl_xml_attr(&rs->pool, root, "id");
	pk->lang = pl_xml_attr(&rs->pool, root, "lang");
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
	nconcepts = rs->concepts.n;
	for (c = root->children; c != NULL && rc == 0; c = c->next)
		if (pl_xml_is(c, "rule")) {
			if ((rc = parse_rule(rs, pk, c, err)) != 0)
				rule_failed = 1;
		} else if (pl_xml_is(c, "concept"))
			rc = pl_concept_parse(&rs->concepts, &rs->pool, c, pk->file, err);
	pk->nrules = rs->n - pk->first;
	pl_xml_free(doc);
	if (rc != 0) {
		/* Leave no half-loaded pack behind: first the rule that failed
		 * (if a rule failed), then the ones before it, then its
		 * concepts. */
		if (rule_failed)
			rule_free(&rs->v[rs->n]);
		while (rs->n > pk->first)
			rule_free(&rs->v[--rs->n]);
		pl_concepts_truncate(&rs->concepts, nconcepts);
		return -1;
	}
	rs->npacks++;
	return 0;
}

/* The concepts of every pack are known only once the last has loaded,
 * so sequences are resolved then; concepts in a sequence also show in
 * --explain. */
int
pl_rules_link(struct pl_rules *rs, struct postlint_error *err)
{
	size_t i, j;

	for (i = 0; i < rs->n; i++) {
		struct pl_rule *r = &rs->v[i];

		if (r->kind == PL_RULE_SEQUENCE &&
		    pl_seq_link(&r->seq, &rs->concepts, r->info.id, err) != 0)
			return -1;
		for (j = 0; j < r->nunless; j++)
			if (r->unless[j].kind == PL_UNLESS_SEQUENCE &&
			    pl_seq_link(&r->unless[j].seq, &rs->concepts, r->info.id,
			    err) != 0)
				return -1;
		r->info.detail = rule_detail(&rs->pool, r);
	}
	{
		struct pl_seq **seqs = NULL;
		size_t n = 0, cap = 0;

		for (i = 0; i < rs->n; i++) {
			struct pl_rule *r = &rs->v[i];

			if (r->kind == PL_RULE_SEQUENCE) {
				PL_GROW(seqs, cap, n + 1);
				seqs[n++] = &r->seq;
			}
			for (j = 0; j < r->nunless; j++)
				if (r->unless[j].kind == PL_UNLESS_SEQUENCE) {
					PL_GROW(seqs, cap, n + 1);
					seqs[n++] = &r->unless[j].seq;
				}
		}
		pl_lexmap_free(&rs->lexmap);
		pl_lexmap_build(&rs->lexmap, &rs->concepts, seqs, n);
		free(seqs);
	}
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
	free(rs->ids);
	pl_concepts_free(&rs->concepts);
	pl_lexmap_free(&rs->lexmap);
	pl_pool_free(&rs->pool);
	memset(rs, 0, sizeof(*rs));
}
