/* test_api.c - the library's contract: _free(NULL), configs and their origins, reporters, limits. */
#include "harness.h"

static int
to_reporter(const struct postlint_result *res, void *data)
{
	return postlint_reporter_post(data, res) != 0;
}

/* A memory reporter, and the text it rendered for the last post. */
struct rendering {
	struct postlint_reporter *r;
	const char *t;
	size_t n;
};

static int
to_render(const struct postlint_result *res, void *data)
{
	struct rendering *c = data;

	c->t = postlint_reporter_render(c->r, res, &c->n);
	return 0;
}

static void
to_error(const struct postlint_error *err, void *data)
{
	postlint_reporter_error(data, err);
}

/* Batches of lines, each judged as a buffer at its place in the input. */
struct batches {
	struct postlint_reporter *r;
	const struct postlint_checker *chk;
	struct postlint_input in;
	int n;
};

static int
judge_batch(const char *text, size_t len, long line, long long offset,
    void *data)
{
	struct batches *b = data;

	b->in.line = line;
	b->in.offset = offset;
	b->n++;
	return postlint_check_buffer(b->chk, &b->in, text, len, to_reporter,
	    to_error, b->r) == 1;
}

/* The jsonl report of POST, through a real reporter, into BUF. */
static int
jsonl_of(const struct postlint_checker *chk, const char *post, char *buf, size_t cap)
{
	struct postlint_input in = { .name = "r", .format = POSTLINT_INPUT_TEXT };
	FILE *out = tmpfile();
	struct postlint_reporter *rep = postlint_reporter_new(POSTLINT_FORMAT_JSONL, out, 0);
	size_t n;
	int rc;

	rc = postlint_check_buffer(chk, &in, post, strlen(post), to_reporter, NULL, rep);
	postlint_reporter_finish(rep);
	postlint_reporter_free(rep);
	rewind(out);
	n = fread(buf, 1, cap - 1, out);
	buf[n] = '\0';
	fclose(out);
	return rc;
}

/* What the metadata test looks at, copied out of the result. */
struct meta_seen {
	size_t nmeta, ntags;
	char *last_tag, *k0, *k299;
};

static int
meta_of(const struct postlint_result *res, void *data)
{
	struct meta_seen *ms = data;
	size_t i;

	ms->nmeta = postlint_result_meta_count(res);
	for (i = 0; i < ms->nmeta; i++) {
		const struct postlint_meta *m = postlint_result_meta(res, i);

		if (strcmp(m->key, "tags") == 0 && m->nvalues > 0) {
			ms->ntags = m->nvalues;
			ms->last_tag = strdup(m->values[m->nvalues - 1]);
		} else if (strcmp(m->key, "key0") == 0 && m->nvalues == 1)
			ms->k0 = strdup(m->values[0]);
		else if (strcmp(m->key, "key299") == 0 && m->nvalues == 1)
			ms->k299 = strdup(m->values[0]);
	}
	return 0;
}

int
main(void)
{
	struct postlint_config *cfg, *copy;
	struct postlint_checker *chk;
	struct postlint_error err;
	struct got g;
	char *text;

	/* times for --now and scheduled dates */
	{
		long long t;

		CHECK_INT(postlint_parse_time("1970-01-02", &t), 0);
		CHECK_INT(t, 86400);
		CHECK_INT(postlint_parse_time("2031-05-01T09:00:00Z", &t), 0);
		CHECK_INT(t, 1935392400);
		CHECK_INT(postlint_parse_time("2031-05-01 11:00+02:00", &t), 0);
		CHECK_INT(t, 1935392400);
		CHECK_INT(postlint_parse_time("2031-05-01T09:00:00.250Z", &t), 0);
		CHECK_INT(t, 1935392400);
		CHECK_INT(postlint_parse_time("@1935392400", &t), 0);
		CHECK_INT(t, 1935392400);
		CHECK_INT(postlint_parse_time("2031-13-01", &t), -1);
		CHECK_INT(postlint_parse_time("tomorrow", &t), -1);
		CHECK_INT(postlint_parse_time("2031-05-01T9:00", &t), -1);
		CHECK_INT(postlint_input_format_parse("markdown"), POSTLINT_INPUT_MARKDOWN);
		CHECK_INT(postlint_input_format_parse("docx"), -1);
	}

	/* freeing nothing is allowed everywhere */
	postlint_config_free(NULL);
	postlint_checker_free(NULL);
	postlint_reporter_free(NULL);

	CHECK_STR(postlint_severity_name(POSTLINT_WARNING), "warning");
	CHECK_INT(postlint_severity_parse("info"), POSTLINT_INFO);
	CHECK_INT(postlint_severity_parse("none"), POSTLINT_FAIL_NONE);
	CHECK_INT(postlint_severity_parse("fatal"), -1);
	CHECK_INT(postlint_format_parse("jsonl"), POSTLINT_FORMAT_JSONL);
	CHECK_INT(postlint_format_parse("xml"), -1);

	/* settings are validated and remember where they came from */
	cfg = postlint_config_new(datadir());
	CHECK_INT(postlint_config_set(cfg, "threshold", "101", "cli", &err), -1);
	CHECK_HAS(err.message, "threshold");
	CHECK_INT(postlint_config_set(cfg, "threshold", "7x", "cli", &err), -1);
	CHECK_INT(postlint_config_set(cfg, "threshold", "70", "cli", &err), 0);
	CHECK_INT(postlint_config_set(cfg, "platform", "myspace", "cli", &err), -1);
	CHECK_INT(postlint_config_set(cfg, "platform", "mastodon", "cli", &err), 0);
	CHECK_INT(postlint_config_set(cfg, "lang", "english", "cli", &err), -1);
	CHECK_INT(postlint_config_set(cfg, "lang", "de_DE", "cli", &err), 0);
	CHECK_INT(postlint_config_set(cfg, "audience", "../etc", "cli", &err), -1);
	CHECK_INT(postlint_config_set(cfg, "audience", "devops,cooking", "cli", &err), 0);
	CHECK_INT(postlint_config_set(cfg, "max-post-size", "0", "cli", &err), -1);
	CHECK_INT(postlint_config_set(cfg, "max-post-size", "2G", "cli", &err), -1);
	CHECK_INT(postlint_config_set(cfg, "max-post-size", "64k", "cli", &err), 0);
	CHECK_INT(postlint_config_max_post_size(cfg), 65536);
	CHECK_INT(postlint_config_set(cfg, "fail-level", "warning", "cli", &err), 0);
	CHECK_INT(postlint_config_set(cfg, "colour", "red", "cli", &err), -1);
	copy = postlint_config_copy(cfg);
	postlint_config_free(cfg);
	text = postlint_config_describe(copy);
	CHECK_HAS(text, "threshold: 70\t(cli)");
	CHECK_HAS(text, "platform: mastodon\t(cli)");
	CHECK_HAS(text, "audience: cooking\t(cli)");
	CHECK_HAS(text, "fail-level: warning\t(cli)");
	CHECK_HAS(text, "lang: de_DE\t(cli)");
	free(text);
	CHECK(postlint_config_file(copy) == NULL, "no config file was loaded");
	postlint_config_free(copy);

	/* an audience without a lexicon is refused, naming the tag */
	cfg = postlint_config_new(datadir());
	postlint_config_set(cfg, "audience", "knitting", "cli", &err);
	chk = postlint_checker_new(cfg, &err);
	CHECK(chk == NULL, "audience knitting has no lexicon");
	CHECK_HAS(err.message, "'knitting'");
	postlint_config_free(cfg);

	/* relevance is null without an audience and a share with one */
	{
		const char *post = "Rolled back the Kubernetes deployment after the canary #devops";
		char buf[4096];

		chk = test_checker(NULL, NULL, &err);
		CHECK_INT(jsonl_of(chk, post, buf, sizeof(buf)), 0);
		CHECK_HAS(buf, "\"relevance\":null");
		CHECK_HAS(buf, "\"hashtags\":1");
		postlint_checker_free(chk);

		cfg = postlint_config_new(datadir());
		postlint_config_set(cfg, "audience", "devops", "cli", &err);
		chk = postlint_checker_new(cfg, &err);
		postlint_config_free(cfg);
		CHECK_INT(jsonl_of(chk, post, buf, sizeof(buf)), 0);
		/* rolled, back, kubernetes, deployment, canary and #devops: 4 of 6
		 * are in the lexicon ("rolled" is not "rollback" until stems match) */
		CHECK_HAS(buf, "\"relevance\":0.6667");
		postlint_checker_free(chk);
	}

	/* X counts after NFC: "e" and a combining acute are one "é", the
	 * Angstrom sign is "Å" (weight 1, not 2); Mastodon counts graphemes */
	{
		char buf[4096];

		chk = test_checker(NULL, NULL, &err);
		CHECK_INT(jsonl_of(chk, "cafe\xCC\x81 \xE2\x84\xAB", buf, sizeof(buf)), 0);
		CHECK_HAS(buf, "\"characters\":7,");
		CHECK_HAS(buf, "\"x_length\":6,");
		CHECK_HAS(buf, "\"mastodon_length\":6,");
		CHECK_INT(jsonl_of(chk, "caf\xC3\xA9 \xC3\x85", buf, sizeof(buf)), 0);
		CHECK_HAS(buf, "\"x_length\":6,");
		/* a link and an emoji split the text; each side is normalised */
		CHECK_INT(jsonl_of(chk, "e\xCC\x81 https://example.com/a \xF0\x9F\x98\x80 "
		    "\xE4\xB8\xAD", buf, sizeof(buf)), 0);
		CHECK_HAS(buf, "\"x_length\":31,");
		postlint_checker_free(chk);
	}

	/* repetition: the share of words that end a three-word run said
	 * before; a long post (past the table kept on the stack) too, and
	 * markup between words breaks runs */
	{
		char buf[16384], post[2048] = "";

		chk = test_checker(NULL, NULL, &err);
		CHECK_INT(jsonl_of(chk, "Buy now! Buy now! Buy now! Buy now!", buf, sizeof(buf)), 0);
		CHECK_HAS(buf, "\"repetition\":0.5000");
		for (int k = 0; k < 100; k++)
			strcat(post, "Buy now! ");
		CHECK_INT(jsonl_of(chk, post, buf, sizeof(buf)), 0);
		CHECK_HAS(buf, "\"repetition\":0.9800");
		CHECK_INT(jsonl_of(chk, "a<br /><br /><br /><br /><br /><br /><br />b", buf, sizeof(buf)), 0);
		CHECK_HAS(buf, "\"repetition\":0.0000");
		postlint_checker_free(chk);
	}

	/* a post over the size limit is an error, not a result */
	cfg = postlint_config_new(datadir());
	postlint_config_set(cfg, "max-post-size", "10", "cli", &err);
	chk = postlint_checker_new(cfg, &err);
	postlint_config_free(cfg);
	CHECK_INT(check_text(chk, POSTLINT_INPUT_TEXT, "eleven char", 11, &g), -1);
	CHECK_HAS(g.err.message, "larger than --max-post-size (10 bytes)");
	CHECK_INT(check_text(chk, POSTLINT_INPUT_TEXT, "ten chars.", 10, &g), 0);
	CHECK_INT(g.nposts, 1);
	/* with --each-line the limit is per line */
	CHECK_INT(check_text(chk, POSTLINT_INPUT_LINES, "short\nthis line is long\nok", 26, &g), -1);
	CHECK_INT(g.nposts, 2);
	CHECK_INT(g.err.line, 2);
	postlint_checker_free(chk);

	/* metadata: many keys and a long list keep every value, in order,
	 * and a key set twice keeps its last value */
	{
		struct meta_seen ms;
		char *fm = NULL;
		size_t fmlen = 0;
		FILE *f = open_memstream(&fm, &fmlen);
		int i;

		fputs("---\n", f);
		for (i = 0; i < 300; i++)
			fprintf(f, "key%d: value %d\n", i, i);
		fputs("key0: again\ntags: [", f);
		for (i = 0; i < 1000; i++)
			fprintf(f, "%st%d", i ? ", " : "", i);
		fputs("]\n---\nThe release notes are up.\n", f);
		fclose(f);
		cfg = postlint_config_new(datadir());
		postlint_config_set(cfg, "spelling", "no", "cli", &err);
		chk = postlint_checker_new(cfg, &err);
		postlint_config_free(cfg);
		memset(&ms, 0, sizeof(ms));
		{
			struct postlint_input in = { .name = "m.md", .format = POSTLINT_INPUT_MARKDOWN };

			CHECK_INT(postlint_check_buffer(chk, &in, fm, fmlen, meta_of, NULL, &ms), 0);
		}
		CHECK_INT(ms.nmeta, 301);
		CHECK_INT(ms.ntags, 1000);
		CHECK_STR(ms.last_tag ? ms.last_tag : "", "t999");
		CHECK_STR(ms.k0 ? ms.k0 : "", "again");
		CHECK_STR(ms.k299 ? ms.k299 : "", "value 299");
		free(ms.last_tag);
		free(ms.k0);
		free(ms.k299);
		free(fm);
		postlint_checker_free(chk);
	}

	/* a catastrophic pattern ends in a match-limit finding, and the post
	 * is still judged by the other rules */
	chk = test_checker("backtrack.xml", NULL, &err);
	{
		char post[30001];

		memset(post, 'a', 30000);
		post[29999] = 'b';
		post[30000] = '\0';
		memcpy(post, "Follow me please ", 17);
		check_text(chk, POSTLINT_INPUT_TEXT, post, 30000, &g);
		CHECK_INT(g.nposts, 1);
		CHECK(g.nf >= 2, "%d findings", g.nf);
		CHECK_STR(g.rule[0], "postlint.match-limit");
		CHECK_HAS(g.msg[0], "backtrack.nested");
		CHECK(g.f[0].severity == POSTLINT_WARNING, "severity %d", g.f[0].severity);
		CHECK_STR(g.rule[1], "spam.follow-begging");
	}
	postlint_checker_free(chk);

	/* per-post formats, which a program may render in its threads */
	CHECK_INT(postlint_format_per_post(POSTLINT_FORMAT_JSONL), 1);
	CHECK_INT(postlint_format_per_post(POSTLINT_FORMAT_TEXT), 1);
	CHECK_INT(postlint_format_per_post(POSTLINT_FORMAT_GCC), 1);
	CHECK_INT(postlint_format_per_post(POSTLINT_FORMAT_JSON), 0);
	CHECK_INT(postlint_format_per_post(POSTLINT_FORMAT_SARIF), 0);
	/* --each-line input cut into batches (postlint_split_lines) and
	 * each judged as a buffer at its line and offset gives the report
	 * of the whole stream, byte for byte: errors of the reading (a line
	 * over the size limit) and of the judging (bad UTF-8) in place */
	{
		static const int fmts[] = { POSTLINT_FORMAT_TEXT,
			POSTLINT_FORMAT_JSONL, POSTLINT_FORMAT_JSON };
		struct postlint_input in = { .name = "lines",
			.format = POSTLINT_INPUT_LINES };
		struct { char *p; size_t n; } o[2];
		struct postlint_checker *one;
		struct postlint_config *small = postlint_config_new(datadir());
		struct postlint_error e2;
		static char lines[200000];
		size_t k = 0, f;
		int i;

		for (i = 0; i < 1200; i++) {
			k += (size_t)snprintf(lines + k, sizeof(lines) - k,
			    i % 3 ? "Post %d: we shipped it, %d ms.\r\n" :
			    "Follow me please!!! #f4f %d %d\n", i, i);
			if (i == 700) {   /* over the limit of 4096 bytes */
				memset(lines + k, 'a', 5000);
				k += 5000;
				lines[k++] = '\n';
			}
			if (i == 900)
				k += (size_t)snprintf(lines + k, sizeof(lines) - k,
				    "bad \xff byte\n");
		}
		postlint_config_set(small, "max-post-size", "4096", "t", &e2);
		one = postlint_checker_new(small, &e2);
		postlint_config_free(small);
		for (f = 0; f < 3; f++) {
			for (i = 0; i < 2; i++) {
				FILE *mem = open_memstream(&o[i].p, &o[i].n);
				FILE *src = fmemopen(lines, k, "rb");
				struct batches b;

				b.r = postlint_reporter_new(fmts[f], mem, 0);
				b.chk = one;
				b.in = in;
				b.n = 0;
				if (i == 0)
					postlint_check_stream(one, &in, src, to_reporter,
					    to_error, b.r);
				else
					CHECK_INT(postlint_split_lines(one, &in, src,
					    judge_batch, to_error, &b), 0);
				CHECK(i == 0 || b.n > 2, "%d batches", b.n);
				postlint_reporter_finish(b.r);
				postlint_reporter_free(b.r);
				fclose(src);
				fclose(mem);
			}
			CHECK(o[0].n > 1000 && o[0].n == o[1].n &&
			    memcmp(o[0].p, o[1].p, o[0].n) == 0,
			    "format %zu: %zu bytes from the stream, %zu from batches",
			    f, o[0].n, o[1].n);
			/* json lists the errors; the others leave them to stderr */
			CHECK(fmts[f] != POSTLINT_FORMAT_JSON ||
			    (strstr(o[0].p, "larger than --max-post-size") != NULL &&
			    strstr(o[0].p, "invalid UTF-8") != NULL),
			    "format %zu: both errors reported", f);
			free(o[0].p);
			free(o[1].p);
		}
		postlint_checker_free(one);
		one = test_checker(NULL, NULL, &e2);
		/* write: the bytes as they are */
		{
			char *p = NULL;
			size_t n = 0;
			FILE *mem = open_memstream(&p, &n);
			struct postlint_reporter *r =
			    postlint_reporter_new(POSTLINT_FORMAT_JSONL, mem, 0);

			CHECK_INT(postlint_reporter_write(r, "{}\n", 3), 0);
			postlint_reporter_free(r);
			fclose(mem);
			CHECK(n == 3 && memcmp(p, "{}\n", 3) == 0, "wrote %zu bytes", n);
			free(p);
		}
		/* a memory reporter renders a post as a reporter on a file
		 * writes it, post after post; other formats have none */
		{
			struct postlint_reporter *mr =
			    postlint_reporter_new_memory(POSTLINT_FORMAT_TEXT, 0);
			char want[8192], got[8192];
			const char *t;
			size_t n;

			CHECK(postlint_reporter_new_memory(POSTLINT_FORMAT_SARIF, 0) ==
			    NULL, "a SARIF memory reporter");
			for (i = 0; i < 2; i++) {
				struct postlint_input one_in = { .name = "m",
					.format = POSTLINT_INPUT_TEXT };
				const char *post = i ? "Follow me please!!! #f4f" :
				    "We shipped the new search page.";
				FILE *out = tmpfile();
				struct postlint_reporter *fr =
				    postlint_reporter_new(POSTLINT_FORMAT_TEXT, out, 0);
				struct rendering cap = { mr, NULL, 0 };
				size_t k2;

				(void)postlint_check_buffer(one, &one_in, post, strlen(post),
				    to_reporter, NULL, fr);
				postlint_reporter_free(fr);
				rewind(out);
				k2 = fread(want, 1, sizeof(want) - 1, out);
				want[k2] = '\0';
				fclose(out);
				(void)postlint_check_buffer(one, &one_in, post, strlen(post),
				    to_render, NULL, &cap);
				snprintf(got, sizeof(got), "%.*s", (int)cap.n,
				    cap.t ? cap.t : "");
				CHECK(k2 > 0 && strcmp(got, want) == 0,
				    "post %d rendered \"%s\", written \"%s\"", i, got, want);
			}
			{
				struct postlint_reporter *fr =
				    postlint_reporter_new(POSTLINT_FORMAT_TEXT, stdout, 0);

				n = 1;
				t = postlint_reporter_render(fr, NULL, &n);
				CHECK(t == NULL && n == 0, "render on a file reporter");
				postlint_reporter_free(fr);
			}
			postlint_reporter_free(mr);
		}
		postlint_checker_free(one);
	}
	return harness_end();
}
