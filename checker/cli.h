/* cli.h - what the CLI's files share: the parsed command line. */
#ifndef POSTLINT_CLI_H
#define POSTLINT_CLI_H

#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>

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
	int install_hook;
	int force;
	int follow;        /* walks follow links out of the root */
	int staged;
	int lsp;
	int calibrate;     /* postlint calibrate */
	int folds;         /* calibrate: held-out folds; 0: 5 */
	int cost;          /* calibrate: a good post weighs this many bad */
	int examples;      /* calibrate: the packs' examples weigh this many
	                    * posts each; 0: they are not fitted on */
	const char *write; /* calibrate: where the fitted weights go */
	int jobs;          /* -j; 0: the number of cores */
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
	int argc;          /* the whole command line, for --install-hook */
	char **argv;
};

/* Parses argv into CLI.  Returns 0, or -1 after printing a usage error. */
int cli_parse(int argc, char **argv, struct cli *cli);
void cli_help(void);
void cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* git.c */
int git_capture(char *const argv[], char **out, size_t *len, size_t limit);
int git_install_hook(const struct cli *cli);
long git_staged_paths(char **list, size_t *len);
char *git_toplevel(void);
int git_staged_blob(const char *path, char **buf, size_t *len, size_t limit);

/* calibrate.c: fits the rule weights of CHK to the labeled posts in
 * CLI's paths; the exit status. */
struct postlint_checker;
int calibrate_command(const struct cli *cli, const struct postlint_checker *chk,
    int threshold, int fail_level);

/* lsp.c */
struct server;
int lsp_serve(const struct cli *cli, const char *datadir);
struct server *lsp_new(const struct cli *cli, const char *datadir);
int lsp_run(struct server *sv, FILE *in, FILE *out);
void lsp_free(struct server *sv);

_Noreturn void cli_nomem(void);
/* Whether PATH is a regular file (after symlinks). */
int cli_is_file(const char *path);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* "postlint: " and the formatted message, escaped, on stderr. */
void cli_warn(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void cli_vwarn(const char *fmt, va_list ap);
/* S escaped as postlint_write_escaped writes it; caller frees. */
char *cli_escaped(const char *s);

#endif
