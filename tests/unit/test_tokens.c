/* test_tokens.c - the tokenizer: kinds and byte ranges of words, tags, links, emoji and punctuation. */
#include "harness.h"

static struct postlint_checker *chk;

/* Checks that TEXT splits into exactly the tokens "kind:text" in WANT. */
static void
expect(const char *text, const char *const *want)
{
	struct postlint_token *t;
	size_t n = postlint_tokenize(chk, text, strlen(text), &t), i, nw = 0;

	while (want[nw] != NULL)
		nw++;
	CHECK(n == nw, "\"%s\": %zu tokens, expected %zu", text, n, nw);
	for (i = 0; i < n && i < nw; i++) {
		char got[256];

		snprintf(got, sizeof(got), "%s:%.*s", postlint_token_kind_name(t[i].kind),
		    (int)t[i].length, text + t[i].offset);
		CHECK(strcmp(got, want[i]) == 0, "\"%s\" token %zu: got %s, expected %s",
		    text, i, got, want[i]);
	}
	free(t);
}

#define T(text, ...) do { \
	static const char *const w_[] = { __VA_ARGS__, NULL }; \
	expect(text, w_); \
} while (0)

int
main(void)
{
	struct postlint_error err;
	struct postlint_token *t;
	size_t n;

	chk = test_checker(NULL, NULL, &err);
	if (chk == NULL) {
		fprintf(stderr, "checker: %s: %s\n", err.file, err.message);
		return 1;
	}
	T("Hello, world!", "word:Hello", "punct:,", "word:world", "punct:!");
	T("don't stop well-known", "word:don't", "word:stop", "word:well-known");
	T("it\xE2\x80\x99s here", "word:it\xE2\x80\x99s", "word:here");
	T("3.5 1,000 25min 4th", "number:3.5", "number:1,000", "number:25min",
	    "number:4th");
	T("f4f l4l", "word:f4f", "word:l4l");
	T("#ThrowbackThursday #1 #100DaysOfCode", "hashtag:#ThrowbackThursday",
	    "punct:#", "number:1", "hashtag:#100DaysOfCode");
	T("@devops_guru42 and @user@mastodon.social", "mention:@devops_guru42",
	    "word:and", "mention:@user@mastodon.social");
	/* a Bluesky handle is a domain name; a full stop after a name is not */
	T("by @ana.bsky.social, thanks @bob.", "word:by",
	    "mention:@ana.bsky.social", "punct:,", "word:thanks", "mention:@bob",
	    "punct:.");
	T("mail me@example.com now", "word:mail", "email:me@example.com",
	    "word:now");
	T("see https://example.org/a?b=1.", "word:see",
	    "url:https://example.org/a?b=1", "punct:.");
	T("(https://en.example.org/wiki/X_(y)) ok", "punct:(",
	    "url:https://en.example.org/wiki/X_(y)", "punct:)", "word:ok");
	T("visit example.com/path or www.example.net", "word:visit",
	    "url:example.com/path", "word:or", "url:www.example.net");
	T("it ends.it was", "word:it", "word:ends", "punct:.", "word:it",
	    "word:was");
	T("caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC",
	    "word:caf\xC3\xA9", "word:na\xC3\xAFve", "word:\xE6\x97\xA5\xE6\x9C\xAC");
	/* emoji: a skin tone and a ZWJ family stay one token; flags pair */
	T("\xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
	    "emoji:\xF0\x9F\x98\x80", "emoji:\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
	    "emoji:\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7");
	T("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7!",
	    "emoji:\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",
	    "punct:!");
	T("Wow!!! Really?!", "word:Wow", "punct:!!!", "word:Really", "punct:?!");
	T("e\xCC\x81t\xC3\xA9", "word:e\xCC\x81t\xC3\xA9");

	/* sentence ends: full stops before space or end, and line breaks */
	n = postlint_tokenize(chk, "One. Two v1.2\nThree", 19, &t);
	CHECK_INT(n, 7);
	if (n == 7) {
		CHECK_INT(t[1].sentence_end, 1);   /* "." */
		CHECK_INT(t[2].sentence_end, 0);   /* Two */
		CHECK_INT(t[5].sentence_end, 1);   /* 2, before the line break */
		CHECK_INT(t[4].sentence_end, 0);   /* the "." inside v1.2 */
	}
	free(t);

	/* NUL bytes are text like any other: lengths, not terminators */
	n = postlint_tokenize(chk, "a\0b", 3, &t);
	CHECK_INT(n, 3);
	free(t);
	n = postlint_tokenize(chk, "", 0, &t);
	CHECK_INT(n, 0);
	free(t);

	postlint_checker_free(chk);
	return harness_end();
}
