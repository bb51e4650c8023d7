/* options.c - the CLI's option table: parsing, validation and --help, from one list. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "postlint.h"

enum {
	OPT_AUDIENCE = 256, OPT_EACH_LINE, OPT_EXCLUDE, OPT_EXPLAIN,
	OPT_FAIL_LEVEL, OPT_LANG, OPT_LIST_RULES, OPT_MAX_POST_SIZE,
	OPT_NO_CONFIG, OPT_PLATFORM, OPT_PRINT_CONFIG, OPT_STDIN_FILENAME,
	OPT_TEST_RULES, OPT_THRESHOLD, OPT_DISABLE, OPT_COLUMN, OPT_DRAFTS,
	OPT_INPUT_FORMAT, OPT_NOW, OPT_SCHEDULED, OPT_NO_SPELLING, OPT_NO_SUGGEST,
	OPT_FORCE, OPT_INSTALL_HOOK, OPT_LSP, OPT_STAGED, OPT_FOLDS, OPT_WRITE,
	OPT_EXAMPLES, OPT_COST, OPT_FOLLOW
};

/* Sorted by long name; --help prints them in this order. */
static const struct opt {
	const char *name;
	int has_arg;
	int val;
	const char *arg;
	const char *help;
} opts[] = {
	{ "audience", 1, OPT_AUDIENCE, "TAG[,TAG...]",
	  "the audience's niche tags, for relevance" },
	{ "column", 1, OPT_COLUMN, "NAME", "CSV: the column that holds the post" },
	{ "config", 1, 'c', "FILE", "use FILE instead of finding .postlint.xml" },
	{ "cost", 1, OPT_COST, "N",
	  "calibrate: a good post failed costs N bad posts\n"
	  "passed (default 1)" },
	{ "disable", 1, OPT_DISABLE, "ID[,ID...]",
	  "turn off rules or whole packs (repeatable)" },
	{ "drafts", 0, OPT_DRAFTS, NULL, "with --scheduled, check drafts too" },
	{ "each-line", 0, OPT_EACH_LINE, NULL,
	  "read input as plain text, every line a post" },
	{ "examples", 1, OPT_EXAMPLES, "N",
	  "calibrate: fit on the packs' own examples too,\n"
	  "each weighing as N labeled posts" },
	{ "exclude", 1, OPT_EXCLUDE, "GLOB", "skip paths matching GLOB (repeatable)" },
	{ "explain", 1, OPT_EXPLAIN, "ID", "describe one rule, with its examples" },
	{ "fail-level", 1, OPT_FAIL_LEVEL, "LEVEL",
	  "fail a post on a finding at LEVEL or above:\n"
	  "error (default), warning, info, none" },
	{ "folds", 1, OPT_FOLDS, "N",
	  "calibrate: judge with N held-out folds (default 5)" },
	{ "follow", 0, OPT_FOLLOW, NULL,
	  "in a directory walk, follow symbolic links that\n"
	  "lead out of the folder named" },
	{ "force", 0, OPT_FORCE, NULL,
	  "with --install-hook, replace another pre-commit hook" },
	{ "format", 1, 'f', "FMT", "text (default), gcc, json, jsonl,\n"
	  "sarif, checkstyle, junit, github" },
	{ "help", 0, 'h', NULL, "show this help and exit" },
	{ "input-format", 1, OPT_INPUT_FORMAT, "FMT",
	  "text, markdown, html, feed or csv (default: by\n"
	  "extension, else sniffed)" },
	{ "install-hook", 0, OPT_INSTALL_HOOK, NULL,
	  "write a git pre-commit hook that runs --staged\n"
	  "with the other options given, and exit" },
	{ "jobs", 1, 'j', "N",
	  "judge files, or the posts of one --each-line input,\n"
	  "with N threads (default: the number of cores);\n"
	  "reports keep the input order" },
	{ "lang", 1, OPT_LANG, "LL_CC", "the posts' language (default en_US)" },
	{ "list-rules", 0, OPT_LIST_RULES, NULL, "list every loaded rule and exit" },
	{ "lsp", 0, OPT_LSP, NULL,
	  "speak the Language Server Protocol on stdin/stdout" },
	{ "max-post-size", 1, OPT_MAX_POST_SIZE, "N",
	  "largest post in bytes, suffix k, M, G (default 1M)" },
	{ "no-config", 0, OPT_NO_CONFIG, NULL, "ignore every .postlint.xml" },
	{ "no-spelling", 0, OPT_NO_SPELLING, NULL,
	  "do not check spelling (no dictionary is loaded)" },
	{ "no-suggest", 0, OPT_NO_SUGGEST, NULL,
	  "report misspellings without suggestions (faster)" },
	{ "now", 1, OPT_NOW, "TIME",
	  "the time --scheduled compares with (ISO 8601 or\n"
	  "@seconds; default: the clock)" },
	{ "platform", 1, OPT_PLATFORM, "NAME",
	  "generic (default), x, mastodon, bluesky, threads, linkedin" },
	{ "print-config", 0, OPT_PRINT_CONFIG, NULL,
	  "show the settings for each path, with their origin" },
	{ "quiet", 0, 'q', NULL, "report only failing posts and errors" },
	{ "rules", 1, 'r', "PATH", "load an extra rule pack (repeatable)" },
	{ "scheduled", 0, OPT_SCHEDULED, NULL,
	  "check only posts scheduled after --now" },
	{ "staged", 0, OPT_STAGED, NULL,
	  "check the staged version of added and modified\n"
	  "post files in the current git repository" },
	{ "stdin-filename", 1, OPT_STDIN_FILENAME, "PATH",
	  "name standard input: its format, config and report name" },
	{ "test-rules", 0, OPT_TEST_RULES, NULL,
	  "run every rule's own examples and exit" },
	{ "threshold", 1, OPT_THRESHOLD, "N",
	  "fail posts scoring below N, 0-100 (default 60)" },
	{ "version", 0, 'V', NULL, "show the version and exit" },
	{ "write", 1, OPT_WRITE, "FILE",
	  "calibrate: write the fitted weights to FILE, as\n"
	  "a .postlint.xml of rule weight overrides" },
};
#define NOPTS (sizeof(opts) / sizeof(*opts))

static const char synopsis[] =
    "usage: postlint [options] [FILE | DIR | -]...\n"
    "       postlint calibrate [options] LABELED-FILE...\n";

#ifdef PL_FAULT_INJECTION
int pl_fault_alloc(void);   /* alloc.c: the test builds' failing allocator */
#define FAULT() pl_fault_alloc()
#else
#define FAULT() 0
#endif

/*
 * Out of memory, from any thread: the report is incomplete, so say so and
 * exit 2 at once.  _exit, not exit: another thread may be writing the
 * report, and exit's flushing would race with it.
 */
void
cli_nomem(void)
{
	static const char msg[] = "postlint: out of memory\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more can be done */
	}
	_exit(2);
}

int
cli_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void *
xmalloc(size_t n)
{
	void *p = FAULT() ? NULL : malloc(n ? n : 1);

	if (p == NULL)
		cli_nomem();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = FAULT() ? NULL : realloc(p, n ? n : 1);
	if (p == NULL)
		cli_nomem();
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* FMT, AP formatted; caller frees. */
static char *
vformat(const char *fmt, va_list ap)
{
	va_list again;
	int n;
	char *s;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)
		n = 0;
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* Every message on stderr goes through here or print_error: it may quote
 * a file name or a value from a post, so it is written escaped. */
void
cli_vwarn(const char *fmt, va_list ap)
{
	char *s = vformat(fmt, ap);

	fputs("postlint: ", stderr);
	postlint_write_escaped(stderr, s, strlen(s));
	fputc('\n', stderr);
	free(s);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
}

char *
cli_escaped(const char *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		cli_nomem();
	postlint_write_escaped(f, s, strlen(s));
	if (fclose(f) != 0)
		cli_nomem();
	return buf;
}

void
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
	fputs(synopsis, stderr);
	fputs("Try 'postlint --help' for more information.\n", stderr);
}

void
cli_help(void)
{
	size_t i;

	fputs(synopsis, stdout);
	fputs("Check social-media posts and short blog posts before they go out:\n"
	    "spam, bait and clickbait phrasing, shouting, hashtag stuffing and\n"
	    "value density, with a 0-100 click score and a verdict per post.\n"
	    "With no FILE, or when FILE is -, read standard input.\n\n", stdout);
	for (i = 0; i < NOPTS; i++) {
		const struct opt *o = &opts[i];
		char left[64];
		const char *h = o->help, *nl;
		int shortopt = o->val < 256;

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
		    shortopt ? "-" : "  ", shortopt ? o->val : ' ',
		    shortopt ? ", " : "  ", o->name, o->arg ? " " : "",
		    o->arg ? o->arg : "");
		/* help text may span lines; each continues in the column */
		while ((nl = strchr(h, '\n')) != NULL) {
			printf("  %-30s %.*s\n", left, (int)(nl - h), h);
			left[0] = '\0';
			h = nl + 1;
		}
		printf("  %-30s %s\n", left, h);
	}
	fputs("\nExit status: 0 every post passed, 1 a post failed, 2 something "
	    "could not\nbe checked (bad usage, pack, config or input).\n"
	    "See postlint(1), postlint-rules(5) and postlint.xml(5).\n", stdout);
}

static void
add_setting(struct cli *cli, const char *key, const char *value)
{
	cli->settings = xrealloc(cli->settings,
	    (cli->nsettings + 1) * sizeof(*cli->settings));
	cli->settings[cli->nsettings].key = key;
	cli->settings[cli->nsettings].value = value;
	cli->nsettings++;
}

/* Parses ARG as a whole number from LO to HI into *OUT; otherwise a usage
 * error "OPTION: 'ARG' is not WHAT (LO-HI)" and -1. */
static int
parse_count(const char *arg, long lo, long hi, const char *option,
    const char *what, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg || n < lo || n > hi) {
		cli_usage_error("%s: '%s' is not %s (%ld-%ld)", option, arg, what,
		    lo, hi);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int
cli_parse(int argc, char **argv, struct cli *cli)
{
	struct option lopts[NOPTS + 1];
	char shortopts[64];
	size_t i, ns = 0;
	int c;

	memset(cli, 0, sizeof(*cli));
	/* "postlint calibrate ...": a command, then the usual options */
	if (argc > 1 && strcmp(argv[1], "calibrate") == 0) {
		cli->calibrate = 1;
		argv++;
		argc--;
	}
	shortopts[ns++] = ':';   /* report a missing value as ':' */
	for (i = 0; i < NOPTS; i++) {
		lopts[i].name = opts[i].name;
		lopts[i].has_arg = opts[i].has_arg ? required_argument : no_argument;
		lopts[i].flag = NULL;
		lopts[i].val = opts[i].val;
		if (opts[i].val < 256) {
			shortopts[ns++] = (char)opts[i].val;
			if (opts[i].has_arg)
				shortopts[ns++] = ':';
		}
	}
	memset(&lopts[NOPTS], 0, sizeof(lopts[NOPTS]));
	shortopts[ns] = '\0';
	/* getopt prints its own message; ours follows with the synopsis. */
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, lopts, NULL)) != -1) {
		switch (c) {
		case OPT_AUDIENCE:
			add_setting(cli, "audience", optarg);
			break;
		case 'c':
			cli->config = optarg;
			break;
		case OPT_COLUMN:
			cli->column = optarg;
			break;
		case OPT_DRAFTS:
			cli->drafts = 1;
			break;
		case OPT_INPUT_FORMAT:
			cli->input_format = postlint_input_format_parse(optarg);
			if (cli->input_format < 0 || cli->input_format ==
			    POSTLINT_INPUT_LINES) {
				cli_usage_error("unknown input format '%s' (text, markdown, "
				    "html, feed, csv)", optarg);
				return -1;
			}
			break;
		case OPT_NO_SPELLING:
			add_setting(cli, "spelling", "no");
			break;
		case OPT_NO_SUGGEST:
			add_setting(cli, "suggest", "no");
			break;
		case OPT_NOW:
			if (postlint_parse_time(optarg, &cli->now) != 0) {
				cli_usage_error("--now: '%s' is not a time (2031-05-01, "
				    "2031-05-01T09:00:00Z or @SECONDS)", optarg);
				return -1;
			}
			cli->has_now = 1;
			break;
		case OPT_SCHEDULED:
			cli->scheduled = 1;
			break;
		case OPT_FORCE:
			cli->force = 1;
			break;
		case OPT_FOLLOW:
			cli->follow = 1;
			break;
		case 'j':
			if (parse_count(optarg, 1, 256, "-j", "a number of threads",
			    &cli->jobs) != 0)
				return -1;
			break;
		case OPT_INSTALL_HOOK:
			cli->install_hook = 1;
			break;
		case OPT_FOLDS:
			if (parse_count(optarg, 2, 100, "--folds", "a number of folds",
			    &cli->folds) != 0)
				return -1;
			break;
		case OPT_WRITE:
			cli->write = optarg;
			break;
		case OPT_COST:
			if (parse_count(optarg, 1, 1000, "--cost", "a cost",
			    &cli->cost) != 0)
				return -1;
			break;
		case OPT_EXAMPLES:
			if (parse_count(optarg, 1, 10000, "--examples", "a weight",
			    &cli->examples) != 0)
				return -1;
			break;
		case OPT_LSP:
			cli->lsp = 1;
			break;
		case OPT_STAGED:
			cli->staged = 1;
			break;
		case OPT_DISABLE:
			add_setting(cli, "disable", optarg);
			break;
		case OPT_EACH_LINE:
			cli->each_line = 1;
			break;
		case OPT_EXCLUDE:
			cli->excludes = xrealloc(cli->excludes,
			    (cli->nexcludes + 1) * sizeof(*cli->excludes));
			cli->excludes[cli->nexcludes++] = optarg;
			break;
		case OPT_EXPLAIN:
			cli->explain = optarg;
			break;
		case OPT_FAIL_LEVEL:
			add_setting(cli, "fail-level", optarg);
			break;
		case 'f':
			if ((cli->format = postlint_format_parse(optarg)) < 0) {
				cli_usage_error("unknown format '%s' (text, gcc, json, "
				    "jsonl, sarif, checkstyle, junit, github)", optarg);
				return -1;
			}
			break;
		case 'h':
			cli->help = 1;
			break;
		case OPT_LANG:
			add_setting(cli, "lang", optarg);
			break;
		case OPT_LIST_RULES:
			cli->list_rules = 1;
			break;
		case OPT_MAX_POST_SIZE:
			add_setting(cli, "max-post-size", optarg);
			break;
		case OPT_NO_CONFIG:
			cli->no_config = 1;
			break;
		case OPT_PLATFORM:
			add_setting(cli, "platform", optarg);
			break;
		case OPT_PRINT_CONFIG:
			cli->print_config = 1;
			break;
		case 'q':
			cli->quiet = 1;
			break;
		case 'r':
			add_setting(cli, "rules", optarg);
			break;
		case OPT_STDIN_FILENAME:
			cli->stdin_filename = optarg;
			break;
		case OPT_TEST_RULES:
			cli->test_rules = 1;
			break;
		case OPT_THRESHOLD:
			add_setting(cli, "threshold", optarg);
			break;
		case 'V':
			cli->version = 1;
			break;
		case ':':
			cli_usage_error("option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			if (optopt != 0 && optopt < 256)
				cli_usage_error("unknown option '-%c'", optopt);
			else
				cli_usage_error("unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (cli->drafts && !cli->scheduled) {
		cli_usage_error("--drafts only makes sense with --scheduled");
		return -1;
	}
	if (cli->config != NULL && cli->no_config) {
		cli_usage_error("--config and --no-config exclude each other");
		return -1;
	}
	cli->paths = argv + optind;
	cli->npaths = (size_t)(argc - optind);
	cli->argc = argc;
	cli->argv = argv;
	if ((cli->folds || cli->write || cli->examples || cli->cost) &&
	    !cli->calibrate) {
		cli_usage_error("--%s only makes sense with postlint calibrate",
		    cli->folds ? "folds" : cli->write ? "write" : cli->examples ?
		    "examples" : "cost");
		return -1;
	}
	if (cli->force && !cli->install_hook) {
		cli_usage_error("--force only makes sense with --install-hook");
		return -1;
	}
	if ((cli->install_hook || cli->staged || cli->lsp) && cli->npaths > 0) {
		cli_usage_error("--%s takes no FILE operands",
		    cli->install_hook ? "install-hook" : cli->staged ? "staged" :
		    "lsp");
		return -1;
	}
	if (cli->install_hook + cli->staged + cli->lsp > 1) {
		cli_usage_error("--install-hook, --staged and --lsp exclude each "
		    "other");
		return -1;
	}
	return 0;
}
