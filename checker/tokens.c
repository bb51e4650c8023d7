/* tokens.c - the tokenizer: words, numbers, hashtags, mentions, URLs, e-mail, emoji, punctuation. */
#include <string.h>

#include "internal.h"

/*
 * The tokenizer walks the text once.  ASCII is classified by a table;
 * anything else asks the Unicode class cache (regex.c), so accented words,
 * CJK and emoji are handled without a hand-written property table.
 */

struct scan {
	struct pl_uclass *uc;
	const unsigned char *s;
	size_t n;
};

static unsigned
cls_at(const struct scan *sc, size_t i, size_t *len, uint32_t *cpo)
{
	uint32_t cp;
	size_t k;
	unsigned char c;

	if (i >= sc->n) {
		*len = 0;
		return 0;
	}
	c = sc->s[i];
	if (c < 0x80) {
		unsigned v = PL_UC_KNOWN;

		*len = 1;
		if (cpo)
			*cpo = c;
		if (c >= 'a' && c <= 'z')
			v |= PL_UC_LETTER | PL_UC_LOWER;
		else if (c >= 'A' && c <= 'Z')
			v |= PL_UC_LETTER | PL_UC_UPPER;
		else if (c >= '0' && c <= '9')
			v |= PL_UC_DIGIT;
		else if (c == ' ' || (c >= '\t' && c <= '\r'))
			v |= PL_UC_SPACE;
		return v;
	}
	k = pl_utf8_decode(sc->s + i, sc->n - i, &cp);
	if (k == 0) {   /* cannot happen on validated text; be safe */
		*len = 1;
		if (cpo)
			*cpo = 0xFFFD;
		return PL_UC_KNOWN;
	}
	*len = k;
	if (cpo)
		*cpo = cp;
	return pl_uclass_get(sc->uc, cp);
}

#define WORDCH (PL_UC_LETTER | PL_UC_MARK | PL_UC_DIGIT)

static int
is_word(const struct scan *sc, size_t i)
{
	size_t k;

	if (i < sc->n && sc->s[i] == '_')
		return 1;
	return (cls_at(sc, i, &k, NULL) & WORDCH) != 0;
}

static int
is_space(const struct scan *sc, size_t i)
{
	size_t k;

	return i >= sc->n || (cls_at(sc, i, &k, NULL) & PL_UC_SPACE) != 0;
}

/* The code point that ends just before I. */
static int
word_before(const struct scan *sc, size_t i)
{
	size_t j;

	if (i == 0)
		return 0;
	j = i - 1;
	while (j > 0 && (sc->s[j] & 0xC0) == 0x80)
		j--;
	return is_word(sc, j);
}

static uint32_t
cp_at(const struct scan *sc, size_t i, size_t *len)
{
	uint32_t cp = 0;

	(void)cls_at(sc, i, len, &cp);
	return cp;
}

static int
is_emoji_start(const struct scan *sc, size_t i)
{
	size_t k, k2;
	uint32_t cp;
	unsigned c = cls_at(sc, i, &k, &cp);

	if (cp >= 0x1F1E6 && cp <= 0x1F1FF)   /* regional indicator */
		return 1;
	if ((cp >= '0' && cp <= '9') || cp == '#' || cp == '*') {
		/* keycap: digit, optional VS16, then U+20E3 */
		uint32_t n1 = cp_at(sc, i + k, &k2);

		if (n1 == 0xFE0F)
			n1 = cp_at(sc, i + k + k2, &k2);
		return n1 == 0x20E3;
	}
	if (!(c & PL_UC_PICTO))
		return 0;
	/* (C), (R), TM and arrows are pictographic but rarely emoji unless
	 * they ask for emoji presentation. */
	return cp >= 0x2194 || cp_at(sc, i + k, &k2) == 0xFE0F;
}

static size_t
emoji_end(const struct scan *sc, size_t i)
{
	size_t k;
	uint32_t cp = cp_at(sc, i, &k);

	i += k;
	if (cp >= 0x1F1E6 && cp <= 0x1F1FF) {   /* flags come in pairs */
		uint32_t n1 = cp_at(sc, i, &k);

		if (n1 >= 0x1F1E6 && n1 <= 0x1F1FF)
			i += k;
		return i;
	}
	for (;;) {
		cp = cp_at(sc, i, &k);
		if (k == 0)
			break;
		if (cp == 0xFE0F || cp == 0x20E3 || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
		    (cp >= 0xE0020 && cp <= 0xE007F))
			i += k;
		else if (cp == 0x200D) {
			size_t k2;
			unsigned c2 = cls_at(sc, i + k, &k2, NULL);

			if (!(c2 & PL_UC_PICTO))
				break;
			i += k + k2;
		} else
			break;
	}
	return i;
}

static int
lower_eq(const unsigned char *s, size_t n, const char *lit)
{
	size_t i, m = strlen(lit);

	if (n < m)
		return 0;
	for (i = 0; i < m; i++) {
		unsigned char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c != (unsigned char)lit[i])
			return 0;
	}
	return 1;
}

/* Characters that may not end a URL: sentence punctuation after a link. */
static size_t
trim_url(const struct scan *sc, size_t start, size_t end)
{
	while (end > start) {
		unsigned char c = sc->s[end - 1];

		if (c == ')') {
			/* keep a closing paren that closes one inside the URL */
			size_t j, open = 0, close = 0;

			for (j = start; j < end; j++) {
				open += sc->s[j] == '(';
				close += sc->s[j] == ')';
			}
			if (open >= close)
				break;
			end--;
		} else if (strchr(".,;:!?'\"]}>", c) != NULL && c != '\0')
			end--;
		else
			break;
	}
	return end;
}

static size_t
url_end(const struct scan *sc, size_t i)
{
	size_t start = i;

	while (i < sc->n && !is_space(sc, i) && sc->s[i] != '<' &&
	    sc->s[i] != '"')
		i++;
	return trim_url(sc, start, i);
}

/* Top-level domains that make a bare "name.tld" a link.  Two-letter words
 * that end sentences typed without a space ("it", "in", "to", "me") are left
 * out on purpose. */
static const char *const tlds[] = {
	"com", "net", "org", "io", "co", "ly", "info", "biz", "xyz", "app",
	"dev", "gl", "gg", "tv", "uk", "de", "fr", "ru", "nl", "eu", "ca", "au",
	"jp", "cn", "br", "es", "site", "online", "store", "shop", "blog", "link",
	"click", "top", "club", "live", "news", "gov", "edu", "ai", "social",
	NULL
};

static int
is_tld(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; tlds[i] != NULL; i++)
		if (strlen(tlds[i]) == n && lower_eq(s, n, tlds[i]))
			return 1;
	return 0;
}

/*
 * A run of word characters joined by '.', '-' or '@' that has the shape of
 * a domain (labels of letters, digits and hyphens; a known TLD) or of an
 * e-mail address.  Returns the end of the link, or 0 when it is neither.
 */
static size_t
domain_like(const struct scan *sc, size_t i, int *is_email)
{
	size_t j = i, label = i, at = 0, dots = 0, dots_at = 0;

	*is_email = 0;
	while (j < sc->n) {
		unsigned char c = sc->s[j];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '+' && at == 0)) {
			j++;
			continue;
		}
		if ((c == '.' || c == '@') && j > label && j + 1 < sc->n &&
		    is_word(sc, j + 1)) {
			if (c == '@') {
				if (at)
					break;
				at = j + 1;
			} else {
				dots++;
				dots_at += at != 0;
			}
			j++;
			label = j;
			continue;
		}
		break;
	}
	if (dots == 0 || (at && dots_at == 0) ||
	    !is_tld(sc->s + label, j - label))
		return 0;
	if (at) {
		*is_email = 1;
		return j;
	}
	/* a domain followed by a path: the whole link */
	if (j < sc->n && sc->s[j] == '/')
		return url_end(sc, j);
	return j;
}

static void
emit(struct pl_tokens *out, int kind, size_t off, size_t len)
{
	struct postlint_token *t;

	PL_GROW(out->v, out->cap, out->n + 1);
	t = &out->v[out->n++];
	t->kind = kind;
	t->offset = off;
	t->length = len;
	t->sentence_end = 0;
}

static int
is_joiner(const struct scan *sc, size_t i, int in_number)
{
	unsigned char c = sc->s[i];
	size_t k;
	uint32_t cp;

	if (in_number)
		return (c == '.' || c == ',' || c == ':') && i + 1 < sc->n &&
		    sc->s[i + 1] >= '0' && sc->s[i + 1] <= '9';
	cp = cp_at(sc, i, &k);
	if (cp == '\'' || cp == 0x2019 || cp == '-')
		return is_word(sc, i + k);
	return 0;
}

void
pl_tokenize(struct pl_uclass *uc, const char *text, size_t n,
    struct pl_tokens *out)
{
	struct scan sc = { uc, (const unsigned char *)text, n };
	const unsigned char *s = sc.s;
	size_t i = 0, k;

	out->n = 0;
	while (i < n) {
		unsigned c = cls_at(&sc, i, &k, NULL);
		unsigned char b = s[i];
		size_t j;
		int email;

		if (c & PL_UC_SPACE) {
			/* A line break ends a sentence: posts use them as full stops. */
			if (b == '\n' && out->n > 0)
				out->v[out->n - 1].sentence_end = 1;
			i += k;
			continue;
		}
		if ((b == 'h' || b == 'H') && (lower_eq(s + i, n - i, "http://") ||
		    lower_eq(s + i, n - i, "https://"))) {
			j = url_end(&sc, i);
			emit(out, POSTLINT_TOKEN_URL, i, j - i);
			i = j;
			continue;
		}
		if ((b == 'w' || b == 'W') && lower_eq(s + i, n - i, "www.") &&
		    !word_before(&sc, i) && i + 4 < n && is_word(&sc, i + 4)) {
			j = url_end(&sc, i);
			emit(out, POSTLINT_TOKEN_URL, i, j - i);
			i = j;
			continue;
		}
		if ((b == '@' || b == '#') && !word_before(&sc, i) &&
		    is_word(&sc, i + 1)) {
			int letters = 0;

			for (j = i + 1; j < n && is_word(&sc, j);) {
				unsigned cc = cls_at(&sc, j, &k, NULL);

				letters |= (cc & PL_UC_LETTER) != 0;
				j += k;
			}
			if (b == '@' && j + 1 < n && s[j] == '@' &&
			    is_word(&sc, j + 1)) {
				/* @user@instance.social (Mastodon) */
				size_t e = domain_like(&sc, j + 1, &email);

				if (e > 0 && !email)
					j = e;
			} else if (b == '@' && j + 1 < n && s[j] == '.' &&
			    is_word(&sc, j + 1)) {
				/* @name.bsky.social (Bluesky: a handle is a
				 * domain name) */
				size_t e = domain_like(&sc, i + 1, &email);

				if (e > j && !email && memchr(s + j, '/', e - j) == NULL)
					j = e;
			}
			if (b == '@' || letters) {
				emit(out, b == '@' ? POSTLINT_TOKEN_MENTION :
				    POSTLINT_TOKEN_HASHTAG, i, j - i);
				i = j;
				continue;
			}
		}
		if (is_emoji_start(&sc, i)) {
			j = emoji_end(&sc, i);
			emit(out, POSTLINT_TOKEN_EMOJI, i, j - i);
			i = j;
			continue;
		}
		if ((c & WORDCH) || b == '_') {
			int number = (c & PL_UC_DIGIT) != 0;

			if (b < 0x80 && (j = domain_like(&sc, i, &email)) > 0) {
				emit(out, email ? POSTLINT_TOKEN_EMAIL :
				    POSTLINT_TOKEN_URL, i, j - i);
				i = j;
				continue;
			}
			j = i;
			for (;;) {
				while (j < n && is_word(&sc, j)) {
					/* "Politicshttps://..." is a word and a link */
					if (j > i && (s[j] == 'h' || s[j] == 'H') &&
					    (lower_eq(s + j, n - j, "http://") ||
					    lower_eq(s + j, n - j, "https://")))
						break;
					(void)cls_at(&sc, j, &k, NULL);
					j += k;
				}
				if (j >= n || !is_joiner(&sc, j, number))
					break;
				(void)cp_at(&sc, j, &k);
				j += k;
			}
			emit(out, number ? POSTLINT_TOKEN_NUMBER :
			    POSTLINT_TOKEN_WORD, i, j - i);
			i = j;
			continue;
		}
		/* Punctuation and symbols: one token per run. */
		j = i;
		{
			int ends = 0;

			while (j < n) {
				unsigned cc = cls_at(&sc, j, &k, NULL);
				uint32_t cp = 0;

				if ((cc & (WORDCH | PL_UC_SPACE)) || s[j] == '_' ||
				    (j > i && is_emoji_start(&sc, j)))
					break;
				if (j > i && (s[j] == '@' || s[j] == '#') &&
				    is_word(&sc, j + 1))
					break;
				(void)cls_at(&sc, j, &k, &cp);
				if (cp == '.' || cp == '!' || cp == '?' ||
				    cp == 0x2026 || cp == 0x3002 || cp == 0xFF01 ||
				    cp == 0xFF1F)
					ends = 1;
				j += k;
			}
			emit(out, POSTLINT_TOKEN_PUNCT, i, j - i);
			/* A full stop ends a sentence when space or the end
			 * follows it ("v1.2" and "wait...what" do not end). */
			if (ends && is_space(&sc, j))
				out->v[out->n - 1].sentence_end = 1;
			i = j;
		}
	}
}

static const char *const kind_names[] = {
	NULL, "word", "number", "hashtag", "mention", "url", "email", "emoji",
	"punct"
};

const char *
postlint_token_kind_name(int kind)
{
	if (kind < POSTLINT_TOKEN_WORD || kind > POSTLINT_TOKEN_PUNCT)
		return "unknown";
	return kind_names[kind];
}

size_t
postlint_tokenize(const struct postlint_checker *chk, const char *text,
    size_t len, struct postlint_token **tokens)
{
	struct pl_tokens t = { NULL, 0, 0 };

	pl_tokenize(chk->uc, text, len, &t);
	*tokens = t.v;
	return t.n;
}
