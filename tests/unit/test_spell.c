/* test_spell.c - spelling and stems through the real Hunspell: what is checked, what is left alone. */
#include "harness.h"
#include "internal.h"

static struct postlint_checker *chk;

static void
stem(const char *word, const char *want)
{
	char got[64];
	size_t n = postlint_stem(chk, word, strlen(word), got, sizeof(got));

	CHECK(n == strlen(got), "stem of %s: length %zu for \"%s\"", word, n, got);
	CHECK(strcmp(got, want) == 0, "stem of %s: got %s, expected %s", word, got, want);
}

/* The spelling findings of TEXT, as "word@column" joined by spaces. */
static void
misspelled(const char *text, const char *want)
{
	struct got g;
	char list[512] = "";
	int i;

	check_text(chk, POSTLINT_INPUT_TEXT, text, strlen(text), &g);
	for (i = 0; i < g.nf; i++) {
		char one[96];
		const char *q = strchr(g.msg[i], '"'), *e = q ? strchr(q + 1, '"') : NULL;

		if (strcmp(g.rule[i], "spelling.unknown") != 0 || q == NULL || e == NULL)
			continue;
		snprintf(one, sizeof(one), "%s%.*s@%ld", list[0] ? " " : "",
		    (int)(e - q - 1), q + 1, g.f[i].column);
		strncat(list, one, sizeof(list) - strlen(list) - 1);
	}
	CHECK(strcmp(list, want) == 0, "\"%s\": got [%s], expected [%s]", text, list, want);
}

/* The cache keeps the PL_SPELL_CACHE words used most recently: twice
 * that many distinct words leave it no larger, a word in steady use
 * stays, one used once at the start goes, and a word asked again after
 * it went gets the same answers. */
static void
cache_bounded(void)
{
	struct postlint_error err;
	struct pl_speller *sp = pl_speller_new("en_US", datadir(), NULL, &err);
	char w[16], st[64];
	size_t i, most = 0, lost = 0;

	CHECK(sp != NULL, "en_US speller: %s", sp ? "" : err.message);
	if (sp == NULL)
		return;
	CHECK(!pl_speller_correct(sp, "definately", 10), "definately is wrong");
	CHECK(pl_speller_stem(sp, "cities", 6, st, sizeof(st)) == 4 &&
	    strcmp(st, "city") == 0, "stem of cities: %s", st);
	CHECK(pl_speller_holds(sp, "cities", 6), "cities is cached");
	for (i = 0; i < 2 * PL_SPELL_CACHE; i++) {
		size_t n = (size_t)snprintf(w, sizeof(w), "zq%zux", i), c;

		(void)pl_speller_correct(sp, w, n);
		if (i % 100 == 0) {
			/* never dropped between uses, as it would be if the
			 * cache dropped its oldest word rather than its least
			 * recently used */
			lost += i > 0 && !pl_speller_holds(sp, "running", 7);
			(void)pl_speller_correct(sp, "running", 7);
		}
		if (i % 4096 == 0 && (c = pl_speller_cached(sp)) > most)
			most = c;
	}
	CHECK(pl_speller_cached(sp) <= PL_SPELL_CACHE && most <= PL_SPELL_CACHE,
	    "cache holds %zu words (at most %zu seen), bound %d",
	    pl_speller_cached(sp), most, PL_SPELL_CACHE);
	CHECK(pl_speller_cached(sp) > PL_SPELL_CACHE * 9 / 10,
	    "a full cache holds %zu of %d", pl_speller_cached(sp), PL_SPELL_CACHE);
	CHECK(lost == 0 && pl_speller_holds(sp, "running", 7),
	    "a word in steady use stays (it went %zu times)", lost);
	CHECK(!pl_speller_holds(sp, "definately", 10), "a word used once goes");
	CHECK(!pl_speller_holds(sp, "cities", 6), "a stem used once goes");
	CHECK(!pl_speller_correct(sp, "definately", 10), "definately is still wrong");
	CHECK(pl_speller_correct(sp, "definitely", 10), "definitely is right");
	CHECK(pl_speller_stem(sp, "cities", 6, st, sizeof(st)) == 4 &&
	    strcmp(st, "city") == 0, "stem of cities again: %s", st);
	/* a short buffer gets a truncated string, never an overrun */
	CHECK(pl_speller_stem(sp, "deployments", 11, st, 4) == 3 &&
	    strcmp(st, "dep") == 0, "stem into 4 bytes: %s", st);
	pl_speller_free(sp);
}

int
main(void)
{
	struct postlint_error err;

	chk = test_checker(NULL, "spam,style", &err);
	if (chk == NULL) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	/* stems from Hunspell: inflections meet at one entry */
	stem("running", "run");
	stem("runs", "run");
	stem("ran", "run");
	stem("deployments", "deploy");
	stem("deployed", "deploy");
	stem("cities", "city");
	stem("baking", "bake");
	stem("xyzzyq", "xyzzyq");
	stem("this", "this");

	misspelled("We definately need it.", "definately@4");
	misspelled("\xF0\x9F\x98\x80 teh plan", "teh@3");
	/* left alone: links, mail, mentions, numbers, acronyms, inner
	 * capitals, names inside a sentence */
	misspelled("See https://exampl.org/xyzzy, mail me@exampl.org, ping @devopsguru42.", "");
	misspelled("It took 25min on 3 GPUs with NASA and AWS CLI.", "");
	misspelled("Built on pgBackRest and iPhone apps by Zorblax.", "");
	/* ...but a sentence's first word is checked, and long capitals too */
	misspelled("Zorblax is here. Definately.", "Zorblax@1 Definately@18");
	misspelled("THIS IS DEFINATELY WRONG", "DEFINATELY@9");
	/* CamelCase hashtags are checked word by word; one-word tags are not */
	misspelled("#ThrowbackThursday #ThrowbakcThursday #throwbakc", "Throwbakc@21");
	/* hyphenated words part by part, typographic apostrophes as ' */
	misspelled("A well-knwon fact, isn\xE2\x80\x99t it?", "knwon@8");
	/* the team's social vocabulary */
	misspelled("Retweet the livestream and unfollow spam; DM me.", "");
	/* suggestions are the caller's copies */
	{
		char *sugg[POSTLINT_MAX_SUGGESTIONS];
		size_t n = postlint_suggest(chk, "definately", 10, sugg), j;
		int has = 0;

		CHECK(n > 0 && n <= POSTLINT_MAX_SUGGESTIONS, "%zu suggestions", n);
		for (j = 0; j < n; j++) {
			has |= strcmp(sugg[j], "definitely") == 0;
			free(sugg[j]);
		}
		CHECK(has, "definitely is among the suggestions for definately");
	}
	postlint_checker_free(chk);
	cache_bounded();

	/* accepted and rejected words from the configuration */
	{
		struct postlint_config *cfg = postlint_config_new(datadir());

		postlint_config_set(cfg, "disable", "spam,style", "t", &err);
		postlint_config_set(cfg, "accept", "definately", "t", &err);
		postlint_config_set(cfg, "reject", "utilize", "t", &err);
		chk = postlint_checker_new(cfg, &err);
		postlint_config_free(cfg);
		misspelled("We definately utilize it.", "utilize@15");
		postlint_checker_free(chk);
	}
	/* without spelling, no dictionary and no findings */
	{
		struct postlint_config *cfg = postlint_config_new(datadir());

		postlint_config_set(cfg, "spelling", "no", "t", &err);
		chk = postlint_checker_new(cfg, &err);
		postlint_config_free(cfg);
		misspelled("We definately need it.", "");
		stem("running", "running");
		postlint_checker_free(chk);
	}
	/* a language without a dictionary is refused, naming the package */
	{
		struct postlint_config *cfg = postlint_config_new(datadir());

		postlint_config_set(cfg, "lang", "xx_YY", "t", &err);
		chk = postlint_checker_new(cfg, &err);
		postlint_config_free(cfg);
		CHECK(chk == NULL, "xx_YY has no dictionary");
		CHECK_HAS(err.message, "hunspell-xx-yy");
		postlint_checker_free(chk);
	}
	return harness_end();
}
