/* xml.c - the one place XML documents are opened: safe parser options and RELAX NG validation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "internal.h"

/*
 * Packs and configs may come from anywhere.  They are parsed without
 * network access, without entity substitution and without loading a DTD,
 * and a document that declares a DOCTYPE at all is refused as soon as the
 * parser sees it: no internal entity can expand ("billion laughs") and no
 * external entity can pull in a local file.
 */
#define SAFE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | \
	XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA)

struct refusal {
	int refused;
	long line;
};

static void
refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *eid,
    const xmlChar *sid)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct refusal *r = ctxt->_private;

	(void)name;
	(void)eid;
	(void)sid;
	r->refused = 1;
	r->line = ctxt->input != NULL ? ctxt->input->line : 0;
	xmlStopParser(ctxt);
}

static void
first_error(void *data, xmlErrorPtr e)
{
	struct postlint_error *err = data;
	size_t n;

	if (err->message[0] != '\0' || e == NULL)
		return;
	snprintf(err->message, sizeof(err->message), "%s",
	    e->message ? e->message : "invalid");
	n = strlen(err->message);
	while (n > 0 && (err->message[n - 1] == '\n' || err->message[n - 1] == ' '))
		err->message[--n] = '\0';
	err->line = e->line;
}

/* Packs, configs and schemas are small; anything larger is refused before
 * it is parsed. */
#define MAX_XML_SIZE (16 * 1024 * 1024)

/*
 * Files are read here, not by libxml2, so that its I/O layer never prints
 * ("I/O warning: failed to load ...") and the error names the reason.
 */
static int
slurp(const char *path, struct pl_buf *b, struct postlint_error *err)
{
	FILE *fp = pl_fopen_regular(path);
	char chunk[8192];
	size_t n;

	if (fp == NULL) {
		pl_error_set(err, path, 0, 0, "cannot read: %s",
		    pl_open_error(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->len + n > MAX_XML_SIZE) {
			pl_error_set(err, path, 0, 0, "larger than %d MiB; refused",
			    MAX_XML_SIZE / 1024 / 1024);
			fclose(fp);
			return -1;
		}
		pl_buf_add(b, chunk, n);
	}
	if (ferror(fp)) {
		pl_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if (b->len == 0) {
		pl_error_set(err, path, 0, 0, "empty file");
		return -1;
	}
	return 0;
}

void *
pl_xml_parse(const char *buf, size_t len, const char *name,
    struct postlint_error *err)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	struct refusal r = { 0, 0 };

	if (len > MAX_XML_SIZE * 4) {
		pl_error_set(err, name, 0, 0, "XML larger than %d MiB; refused",
		    MAX_XML_SIZE * 4 / 1024 / 1024);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		pl_nomem();
	ctxt->_private = &r;
	ctxt->sax->internalSubset = refuse_dtd;
	ctxt->sax->externalSubset = NULL;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, "UTF-8", SAFE_OPTIONS);
	if (r.refused) {
		pl_error_set(err, name, r.line, 0,
		    "DOCTYPE declarations are not allowed (entities are refused)");
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	if (doc == NULL || !ctxt->wellFormed) {
		xmlErrorPtr e = xmlCtxtGetLastError(ctxt);

		pl_error_set(err, name, e ? e->line : 0, 0, "%s",
		    e && e->message ? e->message : "not well-formed XML");
		/* libxml2 messages end in a newline */
		err->message[strcspn(err->message, "\n")] = '\0';
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* A RELAX NG schema compiled once, for every document it checks. */
void *
pl_xml_schema(const char *path, struct postlint_error *err)
{
	xmlRelaxNGParserCtxtPtr pctxt;
	xmlRelaxNGPtr rng;
	struct postlint_error serr;
	struct pl_buf text = { 0 };

	memset(&serr, 0, sizeof(serr));
	if (slurp(path, &text, err) != 0) {
		pl_buf_free(&text);
		return NULL;
	}
	/* the parser context reads TEXT until it is freed */
	pctxt = xmlRelaxNGNewMemParserCtxt(text.p, (int)text.len);
	if (pctxt == NULL)
		pl_nomem();
	xmlRelaxNGSetParserStructuredErrors(pctxt, first_error, &serr);
	rng = xmlRelaxNGParse(pctxt);
	xmlRelaxNGFreeParserCtxt(pctxt);
	pl_buf_free(&text);
	if (rng == NULL)
		pl_error_set(err, path, serr.line, 0, "bad schema: %s",
		    serr.message[0] ? serr.message : "cannot read it");
	return rng;
}

void
pl_xml_schema_free(void *schema)
{
	if (schema != NULL)
		xmlRelaxNGFree(schema);
}

/*
 * libxml2's RELAX NG validation is quadratic in the children of one
 * element and in the errors it meets, so a pack or config is held to
 * these counts before it is validated (the shipped packs have under 500
 * elements each, at most 64 children to one).
 */
#define MAX_XML_ELEMENTS 100000
#define MAX_XML_CHILDREN 10000

/* Counts the elements under N into *TOTAL; returns the first element
 * with more than MAX_XML_CHILDREN children, or NULL. */
static xmlNodePtr
too_wide(xmlNodePtr n, size_t *total)
{
	xmlNodePtr c, bad;
	size_t kids = 0;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (++kids > MAX_XML_CHILDREN || ++*total > MAX_XML_ELEMENTS)
			return n;
		if ((bad = too_wide(c, total)) != NULL)
			return bad;
	}
	return NULL;
}

void *
pl_xml_load(const char *path, void *schema, struct postlint_error *err)
{
	xmlDocPtr doc;
	struct pl_buf text = { 0 };
	xmlNodePtr bad;
	size_t total = 0;

	if (slurp(path, &text, err) != 0) {
		pl_buf_free(&text);
		return NULL;
	}
	doc = pl_xml_parse(text.p, text.len, path, err);
	pl_buf_free(&text);
	if (doc == NULL)
		return NULL;
	if (xmlDocGetRootElement(doc) != NULL &&
	    (bad = too_wide(xmlDocGetRootElement(doc), &total)) != NULL) {
		if (total > MAX_XML_ELEMENTS)
			pl_error_set(err, path, 0, 0, "more than %d elements; "
			    "refused", MAX_XML_ELEMENTS);
		else
			pl_error_set(err, path, xmlGetLineNo(bad), 0, "<%s> has more "
			    "than %d elements in it; refused", (const char *)bad->name,
			    MAX_XML_CHILDREN);
		xmlFreeDoc(doc);
		return NULL;
	}
	if (schema != NULL) {
		xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(schema);
		struct postlint_error serr;
		int rc;

		if (vctxt == NULL)
			pl_nomem();
		memset(&serr, 0, sizeof(serr));
		xmlRelaxNGSetValidStructuredErrors(vctxt, first_error, &serr);
		rc = xmlRelaxNGValidateDoc(vctxt, doc);
		xmlRelaxNGFreeValidCtxt(vctxt);
		if (rc != 0) {
			pl_error_set(err, path, serr.line, 0, "%s",
			    serr.message[0] ? serr.message : "does not match the schema");
			xmlFreeDoc(doc);
			return NULL;
		}
	}
	return doc;
}

void
pl_xml_free(void *doc)
{
	xmlFreeDoc(doc);
}

int
pl_xml_is(const struct _xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

char *
pl_xml_attr(struct pl_pool *pool, struct _xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *r;

	if (v == NULL)
		return NULL;
	r = pl_pool_strndup(pool, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return r;
}
