/* config.c - settings: built-in defaults, .postlint.xml, and the CLI's overrides, each with its origin. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "internal.h"

#define DEFAULT_THRESHOLD 60
#define DEFAULT_MAX_POST_SIZE (1024 * 1024)
#define MAX_MAX_POST_SIZE (1024UL * 1024 * 1024)

/* Platforms with a meaning in the packs; "generic" has no length rule. */
static const char *const platforms[] = {
	"generic", "x", "mastodon", "bluesky", "threads", "linkedin", NULL
};

static void
set_str(char **dst, char **origin, const char *v, const char *o)
{
	free(*dst);
	free(*origin);
	*dst = pl_strdup(v);
	*origin = pl_strdup(o);
}

struct postlint_config *
postlint_config_new(const char *datadir)
{
	struct postlint_config *c = pl_calloc(1, sizeof(*c));

	c->datadir = pl_strdup(datadir ? datadir : ".");
	set_str(&c->platform, &c->platform_origin, "generic", "default");
	set_str(&c->lang, &c->lang_origin, "en_US", "default");
	c->threshold = DEFAULT_THRESHOLD;
	c->threshold_origin = pl_strdup("default");
	c->fail_level = POSTLINT_ERROR;
	c->fail_level_origin = pl_strdup("default");
	c->max_post_size = DEFAULT_MAX_POST_SIZE;
	c->max_post_size_origin = pl_strdup("default");
	c->spelling = c->suggest = 1;
	c->spelling_origin = pl_strdup("default");
	c->suggest_origin = pl_strdup("default");
	return c;
}

static void
copy_list(struct pl_strlist *dst, const struct pl_strlist *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		pl_strlist_add(dst, src->v[i], src->origin[i]);
}

struct postlint_config *
postlint_config_copy(const struct postlint_config *s)
{
	struct postlint_config *c = pl_calloc(1, sizeof(*c));
	size_t i;

	c->datadir = pl_strdup(s->datadir);
	c->file = pl_strdup(s->file);
	set_str(&c->platform, &c->platform_origin, s->platform, s->platform_origin);
	set_str(&c->lang, &c->lang_origin, s->lang, s->lang_origin);
	c->threshold = s->threshold;
	c->threshold_origin = pl_strdup(s->threshold_origin);
	c->fail_level = s->fail_level;
	c->fail_level_origin = pl_strdup(s->fail_level_origin);
	c->max_post_size = s->max_post_size;
	c->max_post_size_origin = pl_strdup(s->max_post_size_origin);
	c->spelling = s->spelling;
	c->suggest = s->suggest;
	c->spelling_origin = pl_strdup(s->spelling_origin);
	c->suggest_origin = pl_strdup(s->suggest_origin);
	copy_list(&c->accept, &s->accept);
	copy_list(&c->reject, &s->reject);
	copy_list(&c->audience, &s->audience);
	copy_list(&c->packs, &s->packs);
	copy_list(&c->disable, &s->disable);
	for (i = 0; i < s->noverrides; i++) {
		PL_GROW(c->overrides, c->capo, c->noverrides + 1);
		c->overrides[c->noverrides] = s->overrides[i];
		c->overrides[c->noverrides].id = pl_strdup(s->overrides[i].id);
		c->overrides[c->noverrides].origin =
		    pl_strdup(s->overrides[i].origin);
		c->noverrides++;
	}
	return c;
}

void
postlint_config_free(struct postlint_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->datadir);
	free(c->file);
	free(c->platform);
	free(c->platform_origin);
	free(c->lang);
	free(c->lang_origin);
	free(c->threshold_origin);
	free(c->fail_level_origin);
	free(c->max_post_size_origin);
	free(c->spelling_origin);
	free(c->suggest_origin);
	pl_strlist_free(&c->accept);
	pl_strlist_free(&c->reject);
	pl_strlist_free(&c->audience);
	pl_strlist_free(&c->packs);
	pl_strlist_free(&c->disable);
	for (i = 0; i < c->noverrides; i++) {
		free(c->overrides[i].id);
		free(c->overrides[i].origin);
	}
	free(c->overrides);
	free(c);
}

const char *
postlint_config_file(const struct postlint_config *c)
{
	return c->file;
}

size_t
postlint_config_max_post_size(const struct postlint_config *c)
{
	return c->max_post_size;
}

static int
parse_long(const char *v, long lo, long hi, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int
parse_size(const char *v, size_t *out)
{
	char *end;
	unsigned long long n;
	unsigned long long mul = 1;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || end == v)
		return -1;
	if (*end == 'k' || *end == 'K')
		mul = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024 * 1024 * 1024, end++;
	if (*end != '\0' || n == 0 || n > MAX_MAX_POST_SIZE / mul)
		return -1;
	*out = (size_t)(n * mul);
	return 0;
}

/* Splits V on commas and whitespace and adds each item. */
static int
add_items(struct pl_strlist *l, const char *v, const char *origin,
    int (*valid)(const char *))
{
	const char *p = v;

	while (*p) {
		size_t n;
		char *item;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		n = strcspn(p, ", \t\r\n");
		if (n == 0)
			break;
		item = pl_strndup(p, n);
		if (valid != NULL && !valid(item)) {
			free(item);
			return -1;
		}
		pl_strlist_add(l, item, origin);
		free(item);
		p += n;
	}
	return 0;
}

/* Audience tags name files, so they are kept to a safe alphabet. */
static int
valid_tag(const char *t)
{
	for (; *t; t++)
		if (!(islower((unsigned char)*t) || isdigit((unsigned char)*t) ||
		    *t == '-' || *t == '_'))
			return 0;
	return 1;
}

/* A language tag as dictionaries are named: "ll", "lll", "ll_CC" or
 * "lll_CC", letters only.  Checked before a tag touches the file system,
 * since it becomes part of a path and a glob. */
int
pl_lang_valid(const char *l, size_t n)
{
	size_t i;

	if (n != 2 && n != 3 && n != 5 && n != 6)
		return 0;
	for (i = 0; i < n && l[i] != '_'; i++)
		if (l[i] < 'a' || l[i] > 'z')
			return 0;
	if (i < 2)
		return 0;
	if (i == n)
		return 1;
	return n - i == 3 && l[i + 1] >= 'A' && l[i + 1] <= 'Z' &&
	    l[i + 2] >= 'A' && l[i + 2] <= 'Z';
}

static int
yesno(const char *v)
{
	if (strcmp(v, "yes") == 0)
		return 1;
	if (strcmp(v, "no") == 0)
		return 0;
	return -1;
}

int
postlint_config_set(struct postlint_config *c, const char *key,
    const char *value, const char *origin, struct postlint_error *err)
{
	long n;
	size_t i;

	if (strcmp(key, "audience") == 0) {
		struct pl_strlist l = { 0 };

		if (add_items(&l, value, origin, valid_tag) != 0) {
			pl_strlist_free(&l);
			pl_error_set(err, NULL, 0, 0, "bad audience '%s': tags are "
			    "lowercase letters, digits, '-' and '_'", value);
			return -1;
		}
		pl_strlist_free(&c->audience);
		c->audience = l;
	} else if (strcmp(key, "platform") == 0) {
		for (i = 0; platforms[i] != NULL; i++)
			if (strcmp(platforms[i], value) == 0)
				break;
		if (platforms[i] == NULL) {
			pl_error_set(err, NULL, 0, 0, "unknown platform '%s' (one of "
			    "generic, x, mastodon, bluesky, threads, linkedin)", value);
			return -1;
		}
		set_str(&c->platform, &c->platform_origin, value, origin);
	} else if (strcmp(key, "lang") == 0) {
		if (!pl_lang_valid(value, strlen(value))) {
			pl_error_set(err, NULL, 0, 0, "bad language '%s' (expected "
			    "LL or LL_CC, e.g. en_US)", value);
			return -1;
		}
		set_str(&c->lang, &c->lang_origin, value, origin);
	} else if (strcmp(key, "threshold") == 0) {
		if (parse_long(value, 0, 100, &n) != 0) {
			pl_error_set(err, NULL, 0, 0, "bad threshold '%s' (0-100)",
			    value);
			return -1;
		}
		c->threshold = (int)n;
		free(c->threshold_origin);
		c->threshold_origin = pl_strdup(origin);
	} else if (strcmp(key, "fail-level") == 0) {
		int lv = postlint_severity_parse(value);

		if (lv < 0) {
			pl_error_set(err, NULL, 0, 0, "bad fail level '%s' (error, "
			    "warning, info or none)", value);
			return -1;
		}
		c->fail_level = lv;
		free(c->fail_level_origin);
		c->fail_level_origin = pl_strdup(origin);
	} else if (strcmp(key, "max-post-size") == 0) {
		if (parse_size(value, &c->max_post_size) != 0) {
			pl_error_set(err, NULL, 0, 0, "bad size '%s' (a number of "
			    "bytes from 1 to 1G, suffix k, M or G)", value);
			return -1;
		}
		free(c->max_post_size_origin);
		c->max_post_size_origin = pl_strdup(origin);
	} else if (strcmp(key, "rules") == 0) {
		pl_strlist_add(&c->packs, value, origin);
	} else if (strcmp(key, "disable") == 0) {
		if (add_items(&c->disable, value, origin, NULL) != 0)
			return -1;
	} else if (strcmp(key, "accept") == 0 || strcmp(key, "reject") == 0) {
		add_items(key[0] == 'a' ? &c->accept : &c->reject, value, origin,
		    NULL);
	} else if (strcmp(key, "spelling") == 0 || strcmp(key, "suggest") == 0) {
		int yn = yesno(value);
		int *dst = key[1] == 'p' ? &c->spelling : &c->suggest;
		char **org = key[1] == 'p' ? &c->spelling_origin : &c->suggest_origin;

		if (yn < 0) {
			pl_error_set(err, NULL, 0, 0, "bad value '%s' for %s (yes or "
			    "no)", value, key);
			return -1;
		}
		*dst = yn;
		free(*org);
		*org = pl_strdup(origin);
	} else {
		pl_error_set(err, NULL, 0, 0, "unknown setting '%s'", key);
		return -1;
	}
	return 0;
}

/* PATH relative to the directory of FILE, unless it is absolute. */
static char *
relative_to(const char *file, const char *path)
{
	const char *slash = strrchr(file, '/');
	struct pl_buf b = { 0 };

	if (path[0] == '/' || slash == NULL)
		return pl_strdup(path);
	pl_buf_add(&b, file, (size_t)(slash - file) + 1);
	pl_buf_adds(&b, path);
	return b.p;
}

int
postlint_config_load(struct postlint_config *c, const char *path,
    struct postlint_error *err)
{
	struct pl_buf schema = { 0 };
	void *rng;
	xmlDocPtr doc;
	xmlNodePtr n;
	int rc = 0;

	pl_buf_printf(&schema, "%s/rules/config.rng", c->datadir);
	rng = pl_xml_schema(schema.p, err);
	pl_buf_free(&schema);
	if (rng == NULL)
		return -1;
	doc = pl_xml_load(path, rng, err);
	pl_xml_schema_free(rng);
	if (doc == NULL)
		return -1;
	free(c->file);
	c->file = pl_strdup(path);
	for (n = xmlDocGetRootElement(doc)->children; n != NULL && rc == 0;
	    n = n->next) {
		char origin[1100];
		xmlChar *text;
		char *v, *e;
		long line;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		line = xmlGetLineNo(n);
		snprintf(origin, sizeof(origin), "%s:%ld", path, line);
		text = xmlNodeGetContent(n);
		v = (char *)text;
		while (isspace((unsigned char)*v))
			v++;
		e = v + strlen(v);
		while (e > v && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (strcmp((const char *)n->name, "rule") == 0) {
			xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
			xmlChar *sev = xmlGetProp(n, (const xmlChar *)"severity");
			xmlChar *w = xmlGetProp(n, (const xmlChar *)"weight");
			struct pl_override *o;
			long wv = -1;

			if (w != NULL && parse_long((char *)w, 0, 100, &wv) != 0) {
				pl_error_set(err, path, line, 0,
				    "weight must be 0-100, not '%s'", (char *)w);
				rc = -1;
			} else {
				PL_GROW(c->overrides, c->capo, c->noverrides + 1);
				o = &c->overrides[c->noverrides++];
				o->id = pl_strdup((char *)id);
				o->severity = sev ? postlint_severity_parse((char *)sev) : 0;
				o->weight = (int)wv;
				o->origin = pl_strdup(origin);
			}
			xmlFree(id);
			xmlFree(sev);
			xmlFree(w);
		} else if (strcmp((const char *)n->name, "rules") == 0) {
			char *p = relative_to(path, v);

			pl_strlist_add(&c->packs, p, origin);
			free(p);
		} else if (postlint_config_set(c, (const char *)n->name, v, origin,
		    err) != 0) {
			/* the message moves into an error that names the
			 * file: copy it first, as source and target overlap */
			char msg[sizeof(err->message)];

			memcpy(msg, err->message, sizeof(msg));
			pl_error_set(err, path, line, 0, "%s", msg);
			rc = -1;
		}
		xmlFree(text);
	}
	pl_xml_free(doc);
	return rc;
}

static void
describe_list(struct pl_buf *b, const char *name, const struct pl_strlist *l)
{
	size_t i;

	if (l->n == 0)
		pl_buf_printf(b, "%s: none\n", name);
	for (i = 0; i < l->n; i++)
		pl_buf_printf(b, "%s: %s\t(%s)\n", name, l->v[i], l->origin[i]);
}

char *
postlint_config_describe(const struct postlint_config *c)
{
	struct pl_buf b = { 0 };
	size_t i;

	pl_buf_printf(&b, "config: %s\n", c->file ? c->file :
	    "none (built-in defaults)");
	pl_buf_printf(&b, "datadir: %s\n", c->datadir);
	pl_buf_printf(&b, "platform: %s\t(%s)\n", c->platform, c->platform_origin);
	pl_buf_printf(&b, "lang: %s\t(%s)\n", c->lang, c->lang_origin);
	pl_buf_printf(&b, "threshold: %d\t(%s)\n", c->threshold,
	    c->threshold_origin);
	pl_buf_printf(&b, "fail-level: %s\t(%s)\n",
	    postlint_severity_name(c->fail_level), c->fail_level_origin);
	pl_buf_printf(&b, "max-post-size: %zu\t(%s)\n", c->max_post_size,
	    c->max_post_size_origin);
	pl_buf_printf(&b, "spelling: %s\t(%s)\n", c->spelling ? "yes" : "no",
	    c->spelling_origin);
	pl_buf_printf(&b, "suggest: %s\t(%s)\n", c->suggest ? "yes" : "no",
	    c->suggest_origin);
	describe_list(&b, "audience", &c->audience);
	pl_buf_printf(&b, "rules: %s/rules/*.xml\t(default)\n", c->datadir);
	for (i = 0; i < c->packs.n; i++)
		pl_buf_printf(&b, "rules: %s\t(%s)\n", c->packs.v[i],
		    c->packs.origin[i]);
	describe_list(&b, "disable", &c->disable);
	describe_list(&b, "accept", &c->accept);
	describe_list(&b, "reject", &c->reject);
	for (i = 0; i < c->noverrides; i++) {
		const struct pl_override *o = &c->overrides[i];

		pl_buf_printf(&b, "rule: %s", o->id);
		if (o->severity > 0)
			pl_buf_printf(&b, " severity=%s",
			    postlint_severity_name(o->severity));
		if (o->weight >= 0)
			pl_buf_printf(&b, " weight=%d", o->weight);
		pl_buf_printf(&b, "\t(%s)\n", o->origin);
	}
	return b.p;
}

const char *
postlint_severity_name(int s)
{
	switch (s) {
	case POSTLINT_INFO:
		return "info";
	case POSTLINT_WARNING:
		return "warning";
	case POSTLINT_ERROR:
		return "error";
	default:
		return "none";
	}
}

int
postlint_severity_parse(const char *name)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "info") == 0)
		return POSTLINT_INFO;
	if (strcmp(name, "warning") == 0)
		return POSTLINT_WARNING;
	if (strcmp(name, "error") == 0)
		return POSTLINT_ERROR;
	if (strcmp(name, "none") == 0)
		return POSTLINT_FAIL_NONE;
	return -1;
}
