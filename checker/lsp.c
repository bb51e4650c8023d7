/* lsp.c - postlint --lsp: a language server on stdin/stdout, JSON-RPC through jansson. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "postlint.h"

/*
 * One thread, one message at a time: a message is read and answered; the
 * diagnostics of the documents it changed are published once no other
 * message is waiting, so a burst of didChange (typing faster than a check)
 * is checked once, at its last version.  Packs and
 * dictionaries are loaded once per configuration and kept.  Diagnostics
 * are computed without spelling suggestions, which cost Hunspell tens of
 * milliseconds a word; a quick fix asks for them only when the editor
 * asks for code actions on that word.
 */

/* A message carries one document, which --max-post-size holds to 1 MiB
 * by default: 16 MiB leaves room for a raised limit and JSON escapes.
 * A larger one is skipped unread and answered with an error. */
#define MAX_MESSAGE ((size_t)16 << 20)
/* Spelling suggestions asked of Hunspell in one codeAction request: each
 * costs it tens of milliseconds, and an editor may select a whole file. */
#define MAX_SUGGESTED_WORDS 20

/* JSON-RPC and LSP error codes */
#define PARSE_ERROR -32700
#define INVALID_REQUEST -32600
#define METHOD_NOT_FOUND -32601
#define INVALID_PARAMS -32602
#define SERVER_NOT_INITIALIZED -32002

struct doc {
	char *uri;
	char *path;      /* the file the URI names, or the URI itself */
	char *text;
	size_t len;
	int stale;       /* changed since its diagnostics were published */
};

struct lsp_checker {
	char *config;    /* NULL: no config file */
	struct postlint_checker *chk;
	struct postlint_error err;   /* when chk is NULL */
};

struct server {
	const struct cli *cli;
	const char *datadir;
	struct doc *docs;
	size_t ndocs;
	struct lsp_checker *checkers;
	size_t ncheckers;
	int initialized, shutdown;
	FILE *in, *out;
};

/* ---- messages ---- */

static void
send(struct server *sv, json_t *msg)
{
	char *body;

	json_object_set_new(msg, "jsonrpc", json_string("2.0"));
	body = json_dumps(msg, JSON_COMPACT);
	if (body == NULL) {
		json_decref(msg);
		return;
	}
	fprintf(sv->out, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	fflush(sv->out);
	free(body);
	json_decref(msg);
}

static void
reply(struct server *sv, json_t *id, json_t *result)
{
	json_t *m = json_object();

	json_object_set(m, "id", id != NULL ? id : json_null());
	json_object_set_new(m, "result", result);
	send(sv, m);
}

static void
reply_error(struct server *sv, json_t *id, int code, const char *message)
{
	json_t *m = json_object(), *e = json_object();

	json_object_set_new(e, "code", json_integer(code));
	json_object_set_new(e, "message", json_string(message));
	json_object_set(m, "id", id != NULL ? id : json_null());
	json_object_set_new(m, "error", e);
	send(sv, m);
}

static void
notify(struct server *sv, const char *method, json_t *params)
{
	json_t *m = json_object();

	json_object_set_new(m, "method", json_string(method));
	json_object_set_new(m, "params", params);
	send(sv, m);
}

/*
 * Reads one message's body: header lines up to an empty line, of which
 * Content-Length is required.  Returns 1 with *BODY set, 0 at the end of
 * the input, -1 for a header block without a usable length (the block is
 * consumed, so the next message can still be read), -2 for a message over
 * MAX_MESSAGE (its body skipped, unparsed).
 */
static int
read_message(struct server *sv, char **body, size_t *len)
{
	char line[1024];
	long long n = -1;
	int any = 0;
	char *b;

	*body = NULL;
	for (;;) {
		size_t k;

		if (fgets(line, sizeof(line), sv->in) == NULL)
			return 0;
		k = strlen(line);
		while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
			line[--k] = '\0';
		if (k == 0) {
			if (!any)
				continue;   /* stray blank lines between messages */
			break;
		}
		any = 1;
		if (strncasecmp(line, "Content-Length:", 15) == 0) {
			char *end;

			errno = 0;
			n = strtoll(line + 15, &end, 10);
			while (*end == ' ' || *end == '\t')
				end++;
			if (errno != 0 || *end != '\0' || n < 0)
				n = -2;
		}
	}
	if (n < 0)
		return -1;
	if ((size_t)n > MAX_MESSAGE) {
		/* skip its body to stay in step, a buffer at a time */
		long long left = n;
		size_t got;

		while (left > 0 && (got = fread(line, 1, left < (long long)sizeof(line) ?
		    (size_t)left : sizeof(line), sv->in)) > 0)
			left -= (long long)got;
		return left > 0 ? 0 : -2;
	}
	b = xmalloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, sv->in) != (size_t)n) {
		free(b);
		return 0;
	}
	b[n] = '\0';
	*body = b;
	*len = (size_t)n;
	return 1;
}

/* ---- positions: LSP counts UTF-16 code units, postlint code points ---- */

static size_t
utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* The byte offset where LINE (0-based) starts, or the text's length. */
static size_t
line_start(const struct doc *d, long line)
{
	size_t i = 0;

	while (line > 0 && i < d->len) {
		if (d->text[i] == '\n')
			line--;
		else if (d->text[i] == '\r' && (i + 1 >= d->len ||
		    d->text[i + 1] != '\n'))
			line--;
		i++;
	}
	return i;
}

static int
eol(const struct doc *d, size_t i)
{
	return i >= d->len || d->text[i] == '\n' || d->text[i] == '\r';
}

/* The UTF-16 column of code-point column COL (1-based) on LINE (1-based). */
static long
utf16_col(const struct doc *d, long line, long col)
{
	size_t i = line_start(d, line - 1);
	long u = 0, c;

	for (c = 1; c < col && !eol(d, i); c++) {
		size_t k = utf8_len((unsigned char)d->text[i]);

		u += k == 4 ? 2 : 1;
		i += k;
	}
	return u + (c < col ? col - c : 0);
}

/* The byte offset of an LSP position (0-based line, UTF-16 character). */
static size_t
position_byte(const struct doc *d, long line, long character)
{
	size_t i = line_start(d, line);
	long u = 0;

	while (u < character && !eol(d, i)) {
		size_t k = utf8_len((unsigned char)d->text[i]);

		u += k == 4 ? 2 : 1;
		i += k;
	}
	return i > d->len ? d->len : i;
}

static json_t *
position(long line, long character)
{
	json_t *p = json_object();

	json_object_set_new(p, "line", json_integer(line < 0 ? 0 : line));
	json_object_set_new(p, "character",
	    json_integer(character < 0 ? 0 : character));
	return p;
}

static json_t *
range(const struct doc *d, long line, long col, long end_line, long end_col)
{
	json_t *r = json_object();
	long sc = col > 0 ? utf16_col(d, line, col) : 0;

	if (end_line < line || (end_line == line && end_col <= col)) {
		end_line = line;
		end_col = col;
	}
	json_object_set_new(r, "start", position(line - 1, sc));
	json_object_set_new(r, "end", position(end_line - 1,
	    end_col > 0 ? utf16_col(d, end_line, end_col) : sc));
	return r;
}

/* ---- documents and checkers ---- */

static struct doc *
find_doc(struct server *sv, const char *uri)
{
	size_t i;

	for (i = 0; i < sv->ndocs; i++)
		if (strcmp(sv->docs[i].uri, uri) == 0)
			return &sv->docs[i];
	return NULL;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* file:///a%20b/c.md -> /a b/c.md; any other URI stays as it is. */
static char *
uri_path(const char *uri)
{
	char *p, *o;
	const char *s;

	if (strncmp(uri, "file://", 7) != 0)
		return xstrdup(uri);
	s = uri + 7;
	if (*s != '/')   /* file://host/...: keep the URI */
		return xstrdup(uri);
	p = o = xmalloc(strlen(s) + 1);
	for (; *s != '\0'; s++) {
		int h, l;

		if (*s == '%' && (h = hexval(s[1])) >= 0 && (l = hexval(s[2])) >= 0 &&
		    (h || l)) {
			*o++ = (char)(h * 16 + l);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return p;
}

/* The nearest .postlint.xml above PATH's directory, or NULL. */
static char *
nearest_config(const char *path)
{
	char dir[PATH_MAX], probe[PATH_MAX + 16];
	char *slash;

	if (path[0] != '/') {
		if (getcwd(dir, sizeof(dir)) == NULL)
			return NULL;
	} else {
		snprintf(dir, sizeof(dir), "%s", path);
		if ((slash = strrchr(dir, '/')) != NULL)
			slash[slash == dir ? 1 : 0] = '\0';
	}
	for (;;) {
		snprintf(probe, sizeof(probe), "%s/.postlint.xml",
		    strcmp(dir, "/") == 0 ? "" : dir);
		if (cli_is_file(probe))
			return xstrdup(probe);
		if ((slash = strrchr(dir, '/')) == NULL || strcmp(dir, "/") == 0)
			return NULL;
		slash[slash == dir ? 1 : 0] = '\0';
	}
}

static struct lsp_checker *
checker_for(struct server *sv, const char *path)
{
	const struct cli *cli = sv->cli;
	char *cp = cli->no_config ? NULL : cli->config ? xstrdup(cli->config) :
	    nearest_config(path);
	struct postlint_config *cfg;
	struct lsp_checker *lc;
	size_t i;

	for (i = 0; i < sv->ncheckers; i++) {
		lc = &sv->checkers[i];
		if ((cp == NULL && lc->config == NULL) || (cp != NULL &&
		    lc->config != NULL && strcmp(cp, lc->config) == 0)) {
			free(cp);
			return lc;
		}
	}
	sv->checkers = xrealloc(sv->checkers,
	    (sv->ncheckers + 1) * sizeof(*sv->checkers));
	lc = &sv->checkers[sv->ncheckers++];
	memset(lc, 0, sizeof(*lc));
	lc->config = cp;
	cfg = postlint_config_new(sv->datadir);
	if (cp != NULL && postlint_config_load(cfg, cp, &lc->err) != 0)
		goto out;
	for (i = 0; i < cli->nsettings; i++)
		if (postlint_config_set(cfg, cli->settings[i].key,
		    cli->settings[i].value, "command line", &lc->err) != 0)
			goto out;
	if (postlint_config_set(cfg, "suggest", "no", "language server",
	    &lc->err) != 0)
		goto out;
	lc->chk = postlint_checker_new(cfg, &lc->err);
out:
	postlint_config_free(cfg);
	return lc;
}

/* ---- diagnostics ---- */

struct collect {
	const struct doc *doc;
	json_t *diags;
};

static json_t *
diagnostic(const struct doc *d, long line, long col, long end_line,
    long end_col, int severity, const char *code, const char *message)
{
	json_t *g = json_object();

	json_object_set_new(g, "range", range(d, line, col, end_line, end_col));
	json_object_set_new(g, "severity", json_integer(
	    severity == POSTLINT_ERROR ? 1 : severity == POSTLINT_WARNING ? 2 : 3));
	json_object_set_new(g, "code", json_string(code));
	json_object_set_new(g, "source", json_string("postlint"));
	json_object_set_new(g, "message", json_string(message));
	return g;
}

static int
on_result(const struct postlint_result *res, void *data)
{
	struct collect *c = data;
	size_t i, j;

	for (i = 0; i < postlint_result_finding_count(res); i++) {
		const struct postlint_finding *f = postlint_result_finding(res, i);
		json_t *g = diagnostic(c->doc, f->line, f->column, f->end_line,
		    f->end_column, f->severity, f->rule, f->message);

		if (f->nsuggestions > 0) {
			json_t *s = json_array();

			for (j = 0; j < f->nsuggestions; j++)
				json_array_append_new(s, json_string(f->suggestions[j]));
			json_object_set_new(g, "data", json_pack("{s:o}",
			    "suggestions", s));
		}
		json_array_append_new(c->diags, g);
	}
	if (!postlint_result_passed(res)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "post fails: score %d/100 (threshold %d)",
		    postlint_result_score(res), postlint_result_threshold(res));
		json_array_append_new(c->diags, diagnostic(c->doc,
		    postlint_result_line(res), 1, 0, 0, POSTLINT_ERROR,
		    "postlint.verdict", msg));
	}
	return 0;
}

static void
on_error(const struct postlint_error *err, void *data)
{
	struct collect *c = data;

	json_array_append_new(c->diags, diagnostic(c->doc,
	    err->line > 0 ? err->line : 1, err->column > 0 ? err->column : 1, 0,
	    0, POSTLINT_ERROR, "postlint.error", err->message));
}

static void
publish(struct server *sv, const struct doc *d)
{
	struct collect c;
	struct lsp_checker *lc = checker_for(sv, d->path);
	json_t *params = json_object();

	c.doc = d;
	c.diags = json_array();
	if (lc->chk == NULL) {
		char msg[sizeof(lc->err.message) + sizeof(lc->err.file) + 64];

		snprintf(msg, sizeof(msg), "postlint cannot check this file: %s%s%s",
		    lc->err.file, lc->err.file[0] ? ": " : "", lc->err.message);
		json_array_append_new(c.diags, diagnostic(d, 1, 1, 0, 0,
		    POSTLINT_ERROR, "postlint.error", msg));
	} else {
		struct postlint_input in;

		memset(&in, 0, sizeof(in));
		in.name = d->path;
		in.format = sv->cli->input_format;
		in.now = (long long)time(NULL);
		(void)postlint_check_buffer(lc->chk, &in, d->text, d->len, on_result,
		    on_error, &c);
	}
	json_object_set_new(params, "uri", json_string(d->uri));
	json_object_set_new(params, "diagnostics", c.diags);
	notify(sv, "textDocument/publishDiagnostics", params);
}

/* ---- methods ---- */

static const char *
str_at(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void
set_text(struct doc *d, const char *text, size_t len)
{
	free(d->text);
	d->text = xmalloc(len + 1);
	memcpy(d->text, text, len);
	d->text[len] = '\0';
	d->len = len;
}

static int
did_open(struct server *sv, json_t *params)
{
	json_t *td = json_object_get(params, "textDocument");
	json_t *text = json_object_get(td, "text");
	const char *uri = str_at(td, "uri");
	struct doc *d;

	if (uri == NULL || !json_is_string(text))
		return -1;
	if ((d = find_doc(sv, uri)) == NULL) {
		sv->docs = xrealloc(sv->docs, (sv->ndocs + 1) * sizeof(*sv->docs));
		d = &sv->docs[sv->ndocs++];
		memset(d, 0, sizeof(*d));
		d->uri = xstrdup(uri);
		d->path = uri_path(uri);
	}
	set_text(d, json_string_value(text), json_string_length(text));
	d->stale = 1;
	return 0;
}

static long
int_at(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

/* Full changes replace the text; a change with a range is spliced in, for
 * clients that send them anyway. */
static int
did_change(struct server *sv, json_t *params)
{
	const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
	json_t *changes = json_object_get(params, "contentChanges"), *ch;
	struct doc *d;
	size_t i;

	if (uri == NULL || !json_is_array(changes) ||
	    (d = find_doc(sv, uri)) == NULL)
		return -1;
	json_array_foreach(changes, i, ch) {
		json_t *text = json_object_get(ch, "text");
		json_t *r = json_object_get(ch, "range");

		if (!json_is_string(text))
			return -1;
		if (json_is_object(r)) {
			json_t *s = json_object_get(r, "start"), *e = json_object_get(r, "end");
			size_t a = position_byte(d, int_at(s, "line"),
			    int_at(s, "character"));
			size_t b = position_byte(d, int_at(e, "line"),
			    int_at(e, "character"));
			size_t tl = json_string_length(text), nl;
			char *n;

			if (int_at(s, "line") < 0 || int_at(e, "line") < 0 || b < a)
				return -1;
			nl = d->len - (b - a) + tl;
			n = xmalloc(nl + 1);
			memcpy(n, d->text, a);
			memcpy(n + a, json_string_value(text), tl);
			memcpy(n + a + tl, d->text + b, d->len - b);
			n[nl] = '\0';
			free(d->text);
			d->text = n;
			d->len = nl;
		} else
			set_text(d, json_string_value(text), json_string_length(text));
	}
	d->stale = 1;
	return 0;
}

static int
did_close(struct server *sv, json_t *params)
{
	const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
	struct doc *d;
	json_t *p;

	if (uri == NULL || (d = find_doc(sv, uri)) == NULL)
		return -1;
	p = json_object();
	json_object_set_new(p, "uri", json_string(d->uri));
	json_object_set_new(p, "diagnostics", json_array());
	notify(sv, "textDocument/publishDiagnostics", p);
	free(d->uri);
	free(d->path);
	free(d->text);
	*d = sv->docs[--sv->ndocs];
	return 0;
}

static void
add_fix(json_t *actions, const char *uri, json_t *diag, const char *text,
    int preferred)
{
	json_t *a = json_object(), *edit = json_object(), *changes = json_object();
	json_t *te = json_object(), *list = json_array(), *diags = json_array();
	char title[256];

	snprintf(title, sizeof(title), "Replace with \"%.200s\"", text);
	json_object_set(te, "range", json_object_get(diag, "range"));
	json_object_set_new(te, "newText", json_string(text));
	json_array_append_new(list, te);
	json_object_set_new(changes, uri, list);
	json_object_set_new(edit, "changes", changes);
	json_array_append(diags, diag);
	json_object_set_new(a, "title", json_string(title));
	json_object_set_new(a, "kind", json_string("quickfix"));
	json_object_set_new(a, "diagnostics", diags);
	json_object_set_new(a, "isPreferred", json_boolean(preferred));
	json_object_set_new(a, "edit", edit);
	json_array_append_new(actions, a);
}

/*
 * Quick fixes for the editor's diagnostics in the range: a rule's own
 * suggestions travel in the diagnostic's data; a misspelling's are asked
 * of Hunspell now, for that word only.
 */
static json_t *
code_action(struct server *sv, json_t *params)
{
	const char *uri = str_at(json_object_get(params, "textDocument"), "uri");
	json_t *diags = json_object_get(json_object_get(params, "context"),
	    "diagnostics"), *g, *actions = json_array();
	struct doc *d;
	size_t i, j, asked = 0;

	if (uri == NULL || (d = find_doc(sv, uri)) == NULL ||
	    !json_is_array(diags))
		return actions;
	json_array_foreach(diags, i, g) {
		const char *code = str_at(g, "code");
		json_t *sugg = json_object_get(json_object_get(g, "data"),
		    "suggestions"), *s;

		if (code == NULL || !json_is_string(json_object_get(g, "source")) ||
		    strcmp(str_at(g, "source"), "postlint") != 0)
			continue;
		if (json_is_array(sugg)) {
			json_array_foreach(sugg, j, s)
				if (json_is_string(s))
					add_fix(actions, uri, g, json_string_value(s), j == 0);
		} else if (strcmp(code, "spelling.unknown") == 0) {
			json_t *r = json_object_get(g, "range");
			json_t *st = json_object_get(r, "start"), *en = json_object_get(r, "end");
			size_t a = position_byte(d, int_at(st, "line"),
			    int_at(st, "character"));
			size_t b = position_byte(d, int_at(en, "line"),
			    int_at(en, "character"));
			struct lsp_checker *lc = checker_for(sv, d->path);
			char *list[POSTLINT_MAX_SUGGESTIONS];
			size_t n;

			if (lc->chk == NULL || b <= a || int_at(st, "line") < 0 ||
			    asked >= MAX_SUGGESTED_WORDS)
				continue;
			asked++;
			n = postlint_suggest(lc->chk, d->text + a, b - a, list);
			for (j = 0; j < n; j++) {
				add_fix(actions, uri, g, list[j], j == 0);
				free(list[j]);
			}
		}
	}
	return actions;
}

static json_t *
capabilities(void)
{
	return json_pack("{s:{s:{s:b,s:i},s:{s:[s]}},s:{s:s,s:s}}",
	    "capabilities",
	    "textDocumentSync", "openClose", 1, "change", 1,
	    "codeActionProvider", "codeActionKinds", "quickfix",
	    "serverInfo", "name", "postlint", "version", POSTLINT_VERSION);
}

/* Handles one message.  Returns 1 when the server should exit. */
static int
handle(struct server *sv, json_t *msg)
{
	json_t *id = json_object_get(msg, "id");
	json_t *params = json_object_get(msg, "params");
	const char *method = str_at(msg, "method");
	int is_request = id != NULL;

	if (!json_is_object(msg) || method == NULL ||
	    (id != NULL && !json_is_integer(id) && !json_is_string(id))) {
		/* a response from the client, or garbage */
		if (json_is_object(msg) && method == NULL && id != NULL &&
		    (json_object_get(msg, "result") != NULL ||
		    json_object_get(msg, "error") != NULL))
			return 0;
		reply_error(sv, json_is_integer(id) || json_is_string(id) ? id : NULL,
		    INVALID_REQUEST, "not a JSON-RPC request or notification");
		return 0;
	}
	if (strcmp(method, "exit") == 0)
		return 1;
	if (strcmp(method, "initialize") == 0) {
		if (sv->initialized)
			reply_error(sv, id, INVALID_REQUEST, "already initialized");
		else {
			sv->initialized = 1;
			reply(sv, id, capabilities());
		}
		return 0;
	}
	if (!sv->initialized) {
		if (is_request)
			reply_error(sv, id, SERVER_NOT_INITIALIZED,
			    "initialize comes first");
		return 0;
	}
	if (sv->shutdown) {
		if (is_request)
			reply_error(sv, id, INVALID_REQUEST, "the server is shutting down");
		return 0;
	}
	if (strcmp(method, "shutdown") == 0) {
		sv->shutdown = 1;
		reply(sv, id, json_null());
	} else if (strcmp(method, "textDocument/didOpen") == 0) {
		if (did_open(sv, params) != 0 && is_request)
			reply_error(sv, id, INVALID_PARAMS, "bad didOpen params");
	} else if (strcmp(method, "textDocument/didChange") == 0) {
		if (did_change(sv, params) != 0 && is_request)
			reply_error(sv, id, INVALID_PARAMS, "bad didChange params");
	} else if (strcmp(method, "textDocument/didClose") == 0) {
		(void)did_close(sv, params);
	} else if (strcmp(method, "textDocument/codeAction") == 0) {
		if (is_request)
			reply(sv, id, code_action(sv, params));
	} else if (is_request) {
		reply_error(sv, id, METHOD_NOT_FOUND, "method not supported");
	}
	/* other notifications ($/cancelRequest, initialized, didSave, ...)
	 * need nothing */
	return 0;
}

struct server *
lsp_new(const struct cli *cli, const char *datadir)
{
	struct server *sv = xmalloc(sizeof(*sv));

	memset(sv, 0, sizeof(*sv));
	sv->cli = cli;
	sv->datadir = datadir;
	return sv;
}

static void
forget_docs(struct server *sv)
{
	size_t i;

	for (i = 0; i < sv->ndocs; i++) {
		free(sv->docs[i].uri);
		free(sv->docs[i].path);
		free(sv->docs[i].text);
	}
	free(sv->docs);
	sv->docs = NULL;
	sv->ndocs = 0;
}

/* Whether another message is already waiting on the input.  Only a
 * descriptor can say (lsp_serve reads it unbuffered, so nothing waits in
 * stdio's buffer unseen); for any other stream the answer is no, and
 * every change is published at once, as before. */
static int
input_waiting(struct server *sv)
{
	struct pollfd p;

	p.fd = fileno(sv->in);
	p.events = POLLIN;
	p.revents = 0;
	return p.fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static void
publish_stale(struct server *sv)
{
	size_t i;

	for (i = 0; i < sv->ndocs; i++)
		if (sv->docs[i].stale) {
			sv->docs[i].stale = 0;
			publish(sv, &sv->docs[i]);
		}
}

/*
 * Serves one session from IN to OUT until exit or the end of IN, and
 * returns the exit status.  Documents are forgotten at the end; checkers
 * stay for the next session (the fuzz target runs many).
 */
int
lsp_run(struct server *sv, FILE *in, FILE *out)
{
	int r, status = 1;

	sv->in = in;
	sv->out = out;
	sv->initialized = sv->shutdown = 0;
	for (;;) {
		char *body;
		size_t len;
		json_t *msg;
		json_error_t jerr;

		if (!input_waiting(sv))
			publish_stale(sv);
		if ((r = read_message(sv, &body, &len)) == 0) {
			/* the end of the input: what is owed is still said (a
			 * file for input is always "waiting" until here) */
			publish_stale(sv);
			break;
		}
		if (r == -2) {
			char why[96];

			snprintf(why, sizeof(why), "message larger than %zu MiB; "
			    "skipped", MAX_MESSAGE >> 20);
			reply_error(sv, NULL, INVALID_REQUEST, why);
			continue;
		}
		if (r < 0) {
			reply_error(sv, NULL, PARSE_ERROR,
			    "message without a valid Content-Length header");
			continue;
		}
		msg = json_loadb(body, len, JSON_ALLOW_NUL, &jerr);
		free(body);
		if (msg == NULL) {
			reply_error(sv, NULL, PARSE_ERROR, jerr.text);
			continue;
		}
		r = handle(sv, msg);
		json_decref(msg);
		if (r) {
			status = sv->shutdown ? 0 : 1;
			break;
		}
	}
	forget_docs(sv);
	return status;
}

void
lsp_free(struct server *sv)
{
	size_t i;

	if (sv == NULL)
		return;
	forget_docs(sv);
	for (i = 0; i < sv->ncheckers; i++) {
		postlint_checker_free(sv->checkers[i].chk);
		free(sv->checkers[i].config);
	}
	free(sv->checkers);
	free(sv);
}

int
lsp_serve(const struct cli *cli, const char *datadir)
{
	struct server *sv = lsp_new(cli, datadir);
	int status;

	/* unbuffered, so that a message waiting shows on the descriptor */
	setvbuf(stdin, NULL, _IONBF, 0);
	status = lsp_run(sv, stdin, stdout);

	lsp_free(sv);
	return status;
}
