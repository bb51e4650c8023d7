/* cli.h - what the CLI's files share: the parsed command line. */
#ifndef POSTLINT_CLI_H
#define POSTLINT_CLI_H

#include <stddef.h>

/* A setting given on the command line, applied on top of every config. */
struct cli_setting {
	const char *key;
	const char *value;
};

struct cli {
	int format;
	int each_line;
	int quiet;
	int no_config;
	int print_config;
	int list_rules;
	int test_rules;
	int help;
	int version;
	int input_format;
	int scheduled;
	int drafts;
	long long now;
	int has_now;
	const char *column;
	const char *explain;
	const char *config;
	const char *stdin_filename;
	struct cli_setting *settings;
	size_t nsettings;
	const char **excludes;
	size_t nexcludes;
	char **paths;
	size_t npaths;
};

/* Parses argv into CLI.  Returns 0, or -1 after printing a usage error. */
int cli_parse(int argc, char **argv, struct cli *cli);
void cli_help(void);
void cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
