/* test_spell.c - spelling and stems through the real Hunspell: what is checked, what is left alone. */
#include "harness.h"

static struct postlint_checker *chk;

static void
stem(const char *word, const char *want)
{
	size_t n;
	const char *s = postlint_stem(chk, word, strlen(word), &n);
	char got[64];

	snprintf(got, sizeof(got), "%.*s", (int)n, s);
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
	postlint_checker_free(chk);

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
