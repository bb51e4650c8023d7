/* metrics.c - the figures of a post: counts, ratios, value density and relevance. */
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "internal.h"

/* Names as they appear in JSON "metrics" and in metric rules. */
static const char *const names[PL_M_COUNT] = {
	"characters", "graphemes", "bytes", "lines", "words", "letters",
	"sentences", "hashtags", "mentions", "urls", "emails", "emoji",
	"numbers", "exclamations", "exclamation_runs",
	"longest_exclamation_run", "uppercase_ratio", "content_words",
	"value_density", "relevance", "syllables", "words_per_sentence",
	"longest_sentence", "flesch_reading_ease", "flesch_kincaid_grade",
	"headline", "tokens", "links_away", "x_length", "mastodon_length",
	"tags_off_niche", "repetition"
};

int
pl_metric_lookup(const char *name)
{
	int i;

	for (i = 0; i < PL_M_COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *
pl_metric_name(int id)
{
	return id >= 0 && id < PL_M_COUNT ? names[id] : "?";
}

int
pl_metric_is_integer(int id)
{
	return id != PL_M_UPPERCASE_RATIO && id != PL_M_VALUE_DENSITY &&
	    id != PL_M_RELEVANCE && id != PL_M_WORDS_PER_SENTENCE &&
	    id != PL_M_FLESCH_READING_EASE && id != PL_M_FLESCH_KINCAID_GRADE &&
	    id != PL_M_REPETITION;
}

/* Lowercases ASCII into BUF (at most CAP bytes); other bytes are kept, so
 * non-ASCII words compare case-sensitively. */
static size_t
fold(const char *s, size_t n, char *buf, size_t cap)
{
	size_t i;

	if (n > cap)
		n = cap;
	for (i = 0; i < n; i++) {
		char c = s[i];

		buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	return n;
}

/*
 * A link that is how a platform attaches a photo or quotes a post (a
 * pic.twitter.com image, a status link) is part of the post, not a link
 * away from it.
 */
static int
has_status(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 7 <= n; i++)
		if (memcmp(s + i, "/status", 7) == 0)
			return 1;
	return 0;
}

static int
attachment(const char *s, size_t n)
{
	static const char *const hosts[] = {
		"pic.twitter.com/", "pbs.twimg.com/", "twitter.com/", "x.com/",
		"instagram.com/p/", "www.instagram.com/p/", "mobile.twitter.com/",
		NULL
	};
	size_t i, k;

	/* copied tweets glue the photo link to the last word: "nicepic.twitter.com/x" */
	for (i = 0; i + 16 <= n; i++)
		if (memcmp(s + i, "pic.twitter.com/", 16) == 0)
			return 1;
	for (i = 0; i + 3 <= n && i < 12; i++)
		if (memcmp(s + i, "://", 3) == 0) {
			s += i + 3;
			n -= i + 3;
			break;
		}
	for (k = 0; hosts[k] != NULL; k++) {
		size_t hl = strlen(hosts[k]);

		if (n >= hl && strncasecmp(s, hosts[k], hl) == 0)
			return hosts[k][0] == 'p' || hosts[k][0] == 'i' ||
			    hosts[k][0] == 'w' || has_status(s, n);
	}
	return 0;
}

/* The weight of a word in the audience's lexicons: the largest among
 * them, 0 in none. */
static float
niche_weight(const struct pl_words *w, const char *s, size_t n)
{
	float best = 0.0f, x;
	size_t i;

	for (i = 0; i < w->nniche; i++)
		if ((x = pl_set_weight(w->niche[i], s, n)) > best)
			best = x;
	return best;
}

/*
 * A hashtag is often words run together ("#climatestrike",
 * "#StopTheSpread"); one that is not itself a lexicon word weighs what its
 * heaviest part does: the words its capitals mark off, or else, in a tag
 * long enough to hold two words, any lexicon word of TAG_PART or more
 * letters inside it.  Long tags are not searched past TAG_SCAN bytes.
 */
#define TAG_PART 5
#define TAG_SCAN 48

static float
hashtag_weight(const struct pl_words *w, const char *tag, size_t n,
    const char *folded)
{
	float best = niche_weight(w, folded, n), x;
	size_t i, j, caps = 0;

	if (best > 0.0f)
		return best;
	for (i = 1; i < n; i++)
		caps += tag[i] >= 'A' && tag[i] <= 'Z' &&
		    !(tag[i - 1] >= 'A' && tag[i - 1] <= 'Z');
	if (caps > 0 && tag[0] >= 'A' && tag[0] <= 'Z') {
		/* CamelCase: the parts are the runs that start at a capital */
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && !(tag[j] >= 'A' && tag[j] <= 'Z' &&
			    !(tag[j - 1] >= 'A' && tag[j - 1] <= 'Z')); j++)
				;
			if ((x = niche_weight(w, folded + i, j - i)) > best)
				best = x;
		}
		return best;
	}
	if (n < 2 * TAG_PART - 1)   /* too short to hold two words */
		return best;
	if (n > TAG_SCAN)
		n = TAG_SCAN;
	for (i = 0; i + TAG_PART <= n; i++)
		for (j = n; j >= i + TAG_PART; j--)
			if ((x = niche_weight(w, folded + i, j - i)) > best)
				best = x;
	return best;
}

/*
 * Syllables of an English word, by the usual rule of thumb: each run of
 * vowels (a, e, i, o, u, y) is a syllable; a final silent "e" is not
 * ("make", but not "table" or "free"), nor "ed" after a consonant other
 * than t and d ("moved", not "wanted"), nor "es" after a consonant other
 * than s, x, z, c, g, h ("makes", not "boxes"); every word has one.
 * Letters outside ASCII count as vowels.  postlint(1) documents this.
 */
static size_t
syllables(const char *w, size_t n)
{
	size_t i, count = 0, len = 0;
	int prev_vowel = 0;
	char last = 0, before = 0, before2 = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		int vowel;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (!((c >= 'a' && c <= 'z') || c >= 0xC0))
			continue;   /* apostrophes, hyphens, continuation bytes */
		vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ||
		    c == 'y' || c >= 0xC0;
		if (vowel && !prev_vowel)
			count++;
		prev_vowel = vowel;
		before2 = before;
		before = last;
		last = (char)c;
		len++;
	}
	/* silent endings: "make", "moved", "makes" (not "table", "wanted",
	 * "boxes") */
	if (len > 2 && count > 1 && last == 'e' && before != 'e' &&
	    !(before == 'l' && strchr("aeiouy", before2) == NULL))
		count--;
	else if (len > 3 && count > 1 && before == 'e' && last == 'd' &&
	    before2 != 't' && before2 != 'd' && strchr("aeiouy", before2) == NULL)
		count--;
	else if (len > 3 && count > 1 && before == 'e' && last == 's' &&
	    strchr("sxzcghaeiouy", before2) == NULL)
		count--;
	return count ? count : 1;
}

static size_t
graphemes(struct pl_match *m, const char *s, size_t n)
{
	size_t i = 0, count = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		/* Two ASCII bytes in a row are two graphemes, except CR LF;
		 * only text next to non-ASCII needs the Unicode rules. */
		if (c < 0x80 && (i + 1 == n || (unsigned char)s[i + 1] < 0x80)) {
			i += (c == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
		} else
			i += pl_grapheme_len(m, s + i, n - i);
		count++;
	}
	return count;
}

/* X's weight of one code point: 1 in its light ranges (Latin, and the
 * punctuation it lists), 2 elsewhere (CJK, most other scripts). */
static size_t
x_weight(uint32_t cp)
{
	return (cp <= 4351 || (cp >= 8192 && cp <= 8205) ||
	    (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247)) ? 1 : 2;
}

/*
 * The X length of text with no link or emoji in it, after NFC, as X
 * counts: "e" and a combining acute are one "é".  Text in ASCII is its
 * own NFC; other text goes through utf8proc.  Text utf8proc refuses
 * (not UTF-8) is counted as written.
 */
static size_t
x_length_nfc(const char *s, size_t n)
{
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t len;
	size_t i, k, x = 0;
	uint32_t cp;

	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == n)
		return n;
	len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
	    &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (len == UTF8PROC_ERROR_NOMEM)
		pl_nomem();
	if (len >= 0) {
		s = (const char *)nfc;
		n = (size_t)len;
	}
	for (i = 0; i < n; i += k) {
		k = pl_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0)
			k = 1, cp = 0xFFFD;
		x += x_weight(cp);
	}
	free(nfc);
	return x;
}

/*
 * Platform lengths.  X counts the text after NFC (x_length_nfc), an
 * emoji as 2 and every link as 23.  Mastodon counts graphemes and every
 * link as 23.
 */
static void
platform_lengths(struct pl_match *m, const char *s, size_t n,
    const struct pl_tokens *toks, double *v)
{
	size_t t, x = 0, masto = 0, plain = 0;

	/* the text between links and emoji, then each of them */
	for (t = 0; t < toks->n; t++) {
		const struct postlint_token *tk = &toks->v[t];
		int url = tk->kind == POSTLINT_TOKEN_URL;

		if ((!url && tk->kind != POSTLINT_TOKEN_EMOJI) || tk->offset < plain)
			continue;
		x += x_length_nfc(s + plain, tk->offset - plain) + (url ? 23 : 2);
		masto += graphemes(m, s + plain, tk->offset - plain) +
		    (url ? 23 : graphemes(m, s + tk->offset, tk->length));
		plain = tk->offset + tk->length;
	}
	x += x_length_nfc(s + plain, n - plain);
	masto += graphemes(m, s + plain, n - plain);
	v[PL_M_X_LENGTH] = (double)x;
	v[PL_M_MASTODON_LENGTH] = (double)masto;
}

/*
 * Repetition: the share of a post's words (and numbers) that end a run of
 * three words the post has already said, case aside.  "Buy now! Buy now!
 * Buy now! Buy now!" repeats 4 of its 8 words; prose that says "one of
 * the" twice repeats one word of many.  Only words written as prose count
 * as a run: words with markup or code between them ("<br /><br />",
 * "f(x) = f(y)") start a new one.  Runs of words are compared by a
 * 64-bit hash.
 */
static double
repetition(const char *s, const struct pl_tokens *toks)
{
	/* the runs seen, as hashes in an open-addressing table (0: empty),
	 * on the stack for posts of up to 128 words */
	uint64_t h[3] = { 0, 0, 0 }, small[256], *seen = small;
	size_t i, j, cap = 256, words = 0, repeated = 0, run = 0, end = 0;

	for (i = 0; i < toks->n; i++)
		words += toks->v[i].kind == POSTLINT_TOKEN_WORD ||
		    toks->v[i].kind == POSTLINT_TOKEN_NUMBER;
	while (cap < 2 * words)
		cap *= 2;
	if (cap > 256)
		seen = pl_malloc(cap * sizeof(*seen));
	memset(seen, 0, cap * sizeof(*seen));
	for (i = 0; i < toks->n; i++) {
		const struct postlint_token *t = &toks->v[i];
		uint64_t x = 1469598103934665603ULL, key;

		if (t->kind != POSTLINT_TOKEN_WORD && t->kind != POSTLINT_TOKEN_NUMBER)
			continue;
		/* prose between words: spaces, sentence punctuation, quotes and
		 * anything beyond ASCII (curly quotes, dashes, emoji) */
		for (j = end; j < t->offset && run > 0; j++) {
			unsigned char c = (unsigned char)s[j];

			if (c < 0x80 && strchr(" \t\r\n,.!?;:'\"-", c) == NULL)
				run = 0;
		}
		end = t->offset + t->length;
		for (j = 0; j < t->length; j++) {
			unsigned char c = (unsigned char)s[t->offset + j];

			x ^= (c >= 'A' && c <= 'Z') ? c + 32 : c;
			x *= 1099511628211ULL;
		}
		h[0] = h[1];
		h[1] = h[2];
		h[2] = x;
		if (++run < 3)
			continue;
		key = (h[0] * 0x9E3779B97F4A7C15ULL) ^ (h[1] * 0xC2B2AE3D27D4EB4FULL) ^ h[2];
		key += key == 0;
		for (j = (size_t)(key ^ (key >> 29)) & (cap - 1);
		    seen[j] != 0 && seen[j] != key; j = (j + 1) & (cap - 1))
			;
		if (seen[j] == key)
			repeated++;
		else
			seen[j] = key;
	}
	if (seen != small)
		free(seen);
	return words > 0 ? (double)repeated / (double)words : 0.0;
}

void
pl_metrics_compute(struct pl_uclass *uc, struct pl_match *m,
    const struct pl_words *words, const char *s, size_t n,
    const struct pl_tokens *toks, struct pl_metrics *out)
{
	struct pl_set content = { 0 }, numbers = { 0 }, relevant = { 0 },
	    topical = { 0 };
	double relevance = 0.0;   /* the weights of the words in RELEVANT */
	float wt, x;
	size_t i, upper = 0, lower = 0, chars = 0, run = 0, longest = 0;
	size_t counted = 0, in_sentence = 0, lines = 0, line_has = 0;
	size_t sentence_words = 0, longest_sentence = 0, syl = 0;
	double *v = out->v;
	char buf[128];

	memset(out, 0, sizeof(*out));
	v[PL_M_BYTES] = (double)n;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xC0) != 0x80)
			chars++;
		if (c == '!') {
			run++;
			v[PL_M_EXCLAMATIONS]++;
		} else if (run > 0) {
			if (run >= 2)
				v[PL_M_EXCLAMATION_RUNS]++;
			if (run > longest)
				longest = run;
			run = 0;
		}
		if (c == '\n') {
			lines += line_has;
			line_has = 0;
		} else if (c != ' ' && c != '\t' && c != '\r')
			line_has = 1;
	}
	if (run >= 2)
		v[PL_M_EXCLAMATION_RUNS]++;
	if (run > longest)
		longest = run;
	v[PL_M_LINES] = (double)(lines + line_has);
	v[PL_M_CHARACTERS] = (double)chars;
	v[PL_M_LONGEST_EXCLAMATION_RUN] = (double)longest;
	v[PL_M_GRAPHEMES] = (double)graphemes(m, s, n);

	for (i = 0; i < toks->n; i++) {
		const struct postlint_token *t = &toks->v[i];
		const char *p = s + t->offset;
		size_t len, j;

		switch (t->kind) {
		case POSTLINT_TOKEN_WORD:
			v[PL_M_WORDS]++;
			in_sentence = 1;
			counted++;
			sentence_words++;
			syl += syllables(p, t->length);
			for (j = 0; j < t->length;) {
				uint32_t cp;
				size_t k = pl_utf8_decode((const unsigned char *)p + j,
				    t->length - j, &cp);
				unsigned cl;

				if (k == 0)
					break;
				cl = cp < 0x80 ?
				    ((cp >= 'A' && cp <= 'Z') ? PL_UC_LETTER | PL_UC_UPPER :
				    (cp >= 'a' && cp <= 'z') ? PL_UC_LETTER | PL_UC_LOWER : 0) :
				    pl_uclass_get(uc, cp);
				if (cl & PL_UC_LETTER)
					v[PL_M_LETTERS]++;
				upper += (cl & PL_UC_UPPER) != 0;
				lower += (cl & PL_UC_LOWER) != 0;
				j += k;
			}
			len = fold(p, t->length, buf, sizeof(buf));
			/* "Microsoft's" is Microsoft */
			if (len > 3 && buf[len - 1] == 's' && buf[len - 2] == '\'')
				len -= 2;
			else if (len > 5 && buf[len - 1] == 's' &&
			    memcmp(buf + len - 4, "\xE2\x80\x99", 3) == 0)
				len -= 4;
			if (t->length >= 2 && !pl_set_has(words->stop, buf, len) &&
			    !pl_set_has(words->filler, buf, len)) {
				/* "runs" and "running" are one word: count stems */
				char key[128];
				size_t klen = words->speller ?
				    pl_speller_stem(words->speller, buf, len, key,
				    sizeof(key)) : 0;

				if (words->speller != NULL)
					pl_set_add(&content, key, klen);
				else
					pl_set_add(&content, buf, len);
				if (words->nniche > 0) {
					/* Snowball's stems, which do not depend
					 * on a dictionary (see stem.c) */
					char sb[128];
					size_t sl = pl_stem(pl_match_stemmer(m),
					    words->lemmas, buf, len, sb, sizeof(sb));

					pl_set_add(&topical, sb, sl);
					wt = niche_weight(words, sb, sl);
					if (wt < 1.0f && (x = niche_weight(words, buf,
					    len)) > wt)
						wt = x;
					if (wt > 0.0f &&
					    pl_set_add(&relevant, sb, sl))
						relevance += wt;
				}
			}
			break;
		case POSTLINT_TOKEN_NUMBER:
			v[PL_M_NUMBERS]++;
			in_sentence = 1;
			counted++;
			pl_set_add(&numbers, p, t->length);
			break;
		case POSTLINT_TOKEN_HASHTAG:
			v[PL_M_HASHTAGS]++;
			counted++;
			if (words->nniche > 0) {
				len = fold(p + 1, t->length - 1, buf, sizeof(buf));
				pl_set_add(&topical, buf, len);
				wt = hashtag_weight(words, p + 1, len, buf);
				if (wt > 0.0f && pl_set_add(&relevant, buf, len))
					relevance += wt;
			}
			break;
		case POSTLINT_TOKEN_MENTION:
			v[PL_M_MENTIONS]++;
			counted++;
			break;
		case POSTLINT_TOKEN_URL:
			v[PL_M_URLS]++;
			counted++;
			if (!attachment(p, t->length))
				v[PL_M_LINKS_AWAY]++;
			break;
		case POSTLINT_TOKEN_EMAIL:
			v[PL_M_EMAILS]++;
			counted++;
			break;
		case POSTLINT_TOKEN_EMOJI:
			v[PL_M_EMOJI]++;
			counted++;
			break;
		default:
			break;
		}
		if (t->sentence_end && in_sentence) {
			v[PL_M_SENTENCES]++;
			in_sentence = 0;
			if (sentence_words > longest_sentence)
				longest_sentence = sentence_words;
			sentence_words = 0;
		}
	}
	if (in_sentence)
		v[PL_M_SENTENCES]++;
	if (sentence_words > longest_sentence)
		longest_sentence = sentence_words;
	/* Readability (English formulas, on word tokens; numbers, tags and
	 * links are not words here). */
	v[PL_M_SYLLABLES] = (double)syl;
	v[PL_M_LONGEST_SENTENCE] = (double)longest_sentence;
	if (v[PL_M_WORDS] > 0 && v[PL_M_SENTENCES] > 0) {
		double wps = v[PL_M_WORDS] / v[PL_M_SENTENCES];
		double spw = (double)syl / v[PL_M_WORDS];

		v[PL_M_WORDS_PER_SENTENCE] = wps;
		v[PL_M_FLESCH_READING_EASE] = 206.835 - 1.015 * wps - 84.6 * spw;
		v[PL_M_FLESCH_KINCAID_GRADE] = 0.39 * wps + 11.8 * spw - 15.59;
	} else {
		out->is_null[PL_M_WORDS_PER_SENTENCE] = 1;
		out->is_null[PL_M_FLESCH_READING_EASE] = 1;
		out->is_null[PL_M_FLESCH_KINCAID_GRADE] = 1;
	}
	v[PL_M_UPPERCASE_RATIO] = upper + lower > 0 ?
	    (double)upper / (double)(upper + lower) : 0.0;
	platform_lengths(m, s, n, toks, v);
	v[PL_M_CONTENT_WORDS] = (double)content.n;
	v[PL_M_REPETITION] = repetition(s, toks);
	v[PL_M_TOKENS] = (double)counted;
	/* Value density: distinct content words and numbers over every token
	 * that is not punctuation (see postlint(1), VALUE DENSITY). */
	v[PL_M_VALUE_DENSITY] = counted > 0 ?
	    (double)(content.n + numbers.n) / (double)counted : 0.0;
	if (words->nniche == 0)
		out->is_null[PL_M_RELEVANCE] = 1;
	else
		v[PL_M_RELEVANCE] = topical.n > 0 ?
		    relevance / (double)topical.n : 0.0;
	pl_set_free(&content);
	pl_set_free(&numbers);
	pl_set_free(&relevant);
	pl_set_free(&topical);
}
