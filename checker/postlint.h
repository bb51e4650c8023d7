/* postlint.h - the one public interface of libpostlint: configuration, checker, results, reports. */
#ifndef POSTLINT_H
#define POSTLINT_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define POSTLINT_VERSION "0.1.0"

/*
 * Conventions.  Every object has a _new and a _free, and _free(NULL) does
 * nothing.  Functions that can fail return 0 on success and -1 on failure
 * and fill the caller's struct postlint_error; the library never prints and
 * never exits.  Strings are UTF-8.  Text that comes from a post is passed as
 * (pointer, length) and may contain any byte.
 */

/* A failure the caller should show, with the place it refers to. */
struct postlint_error {
	char file[1024];   /* input, pack or config the error is about; may be empty */
	long line;         /* 1-based, 0 when unknown */
	long column;       /* 1-based, 0 when unknown */
	char message[1024];
};

/*
 * Out of memory.  The library allocates through one wrapper; when an
 * allocation fails it calls this handler, which must not return (the CLI
 * prints "postlint: out of memory" and exits 2).  Without a handler the
 * library calls abort().  This is the only process-wide setting: set it once,
 * before creating any object.
 */
typedef void (*postlint_nomem_fn)(void);
void postlint_set_nomem_handler(postlint_nomem_fn fn);

enum postlint_severity {
	POSTLINT_INFO = 1,
	POSTLINT_WARNING = 2,
	POSTLINT_ERROR = 3
};
/* "info", "warning", "error"; for any other value "none". */
const char *postlint_severity_name(int severity);
/* Parses "info" | "warning" | "error" | "none" (none is 4: above every
 * severity, so nothing fails on severity).  Returns -1 for anything else. */
int postlint_severity_parse(const char *name);
#define POSTLINT_FAIL_NONE 4

/*
 * Writes N bytes of text from outside (a file name, a value read from a
 * post, a message built from them) to OUT so that they cannot act on a
 * terminal or forge a line: control characters become \n, \r, \t or \xHH,
 * bytes that are not UTF-8 \xHH, C1 controls, line separators and
 * bidirectional controls \uHHHH.  Everything else is written as it is.
 */
void postlint_write_escaped(FILE *out, const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Configuration: the settings that apply to a set of files.           */

struct postlint_config;

/*
 * A configuration holding the built-in defaults: the packs and
 * dictionaries under DATADIR, platform "generic", language "en_US",
 * threshold 60, fail level "error".  DATADIR is copied.
 */
struct postlint_config *postlint_config_new(const char *datadir);
void postlint_config_free(struct postlint_config *cfg);
/* A deep copy; caller frees. */
struct postlint_config *postlint_config_copy(const struct postlint_config *cfg);

/*
 * Reads a .postlint.xml file, validated against the config schema, on top
 * of CFG.  Paths inside it are relative to its directory.
 */
int postlint_config_load(struct postlint_config *cfg, const char *path,
    struct postlint_error *err);

/*
 * Sets one setting by name, as the CLI options do.  ORIGIN says where the
 * value came from (shown by postlint_config_describe), e.g. "command line".
 * Keys: "audience" (TAG[,TAG...], replaces), "platform", "lang",
 * "threshold" (0-100), "fail-level", "max-post-size" (bytes, suffixes k, M),
 * "rules" (a pack path, adds), "disable" (ID[,ID...], adds), "accept" and
 * "reject" (words, add), "spelling" and "suggest" ("yes" | "no").  A bad
 * value fills ERR and returns -1.
 */
int postlint_config_set(struct postlint_config *cfg, const char *key,
    const char *value, const char *origin, struct postlint_error *err);

/* The path of the config file loaded into CFG, or NULL. */
const char *postlint_config_file(const struct postlint_config *cfg);
size_t postlint_config_max_post_size(const struct postlint_config *cfg);

/*
 * A readable description of every setting and where it came from, one per
 * line, as --print-config shows it.  Caller frees.
 */
char *postlint_config_describe(const struct postlint_config *cfg);

/* ------------------------------------------------------------------ */
/* Checker: packs and dictionaries loaded for one configuration.       */

struct postlint_checker;

/*
 * Loads every pack the configuration names (each validated against
 * rules/postlint.rng, every regex compiled), applies disables and
 * overrides, and loads the dictionaries.  Returns NULL and fills ERR when a
 * pack, a dictionary or a setting is bad.  The configuration is copied.
 * A checker is read-only while checking, so one checker may serve several
 * threads at once.
 */
struct postlint_checker *postlint_checker_new(const struct postlint_config *cfg,
    struct postlint_error *err);
void postlint_checker_free(struct postlint_checker *chk);
/* What the rule list and --explain show of a rule; strings are valid until
 * the checker is freed. */
struct postlint_rule_info {
	const char *id;        /* "pack.name" */
	const char *pack;
	const char *category;
	const char *kind;      /* "phrases" | "pattern" | "metric" | "sequence"
	                        * | "composite" | "spelling" */
	const char *message;
	const char *explain;   /* may be empty */
	const char *lang;      /* the pack's language, e.g. "en" */
	const char *platform;  /* NULL: every platform */
	const char *file;      /* the pack file */
	long line;             /* where the rule starts in it */
	int severity;
	int weight;
	int cap;               /* 0: once per post; else per hit up to cap */
	const char *scope;     /* "post" | "opening" | "headline" */
	int enabled;           /* 0 when disabled by config or option */
	size_t nexamples;
	const char *const *examples;     /* nexamples texts */
	const int *example_bad;          /* 1: bad example, 0: good */
	const char *detail;    /* its sequence, composite and exceptions as
	                        * lines of text (--explain); may be empty */
	int part;              /* 1: a part of composites, with no finding */
};

size_t postlint_checker_rule_count(const struct postlint_checker *chk);
/* The threshold and the fail level (a POSTLINT_* severity, or one above
 * POSTLINT_ERROR for "none") the checker judges with. */
int postlint_checker_threshold(const struct postlint_checker *chk);
int postlint_checker_fail_level(const struct postlint_checker *chk);
/* Rules come in pack order, then file order.  NULL when I is out of range. */
const struct postlint_rule_info *postlint_checker_rule(
    const struct postlint_checker *chk, size_t i);
/* The rule with ID, or NULL. */
const struct postlint_rule_info *postlint_checker_find_rule(
    const struct postlint_checker *chk, const char *id);

/*
 * Runs every example of every rule (enabled or not): a bad example must
 * trigger its rule, on exactly the span it marks if it marks one, and a
 * good one must not.  FN is called for each failing example, with BAD 1
 * (a bad example that does not trigger), 0 (a good one that does) or 2
 * (a bad one whose findings miss its marked span).  Returns the number
 * of failures; *NTESTED gets the number run.
 */
typedef void (*postlint_test_fn)(const struct postlint_rule_info *rule,
    const char *example, int bad, void *data);
size_t postlint_checker_test_rules(const struct postlint_checker *chk,
    postlint_test_fn fn, void *data, size_t *ntested);

/*
 * The stem of a word by the configured language's Hunspell dictionary
 * ("running" -> "run"), or the word itself when Hunspell knows none or
 * spelling is off, copied to OUT as a string of at most CAP - 1 bytes
 * (CAP at least 1).  Returns its length.
 */
size_t postlint_stem(const struct postlint_checker *chk, const char *word,
    size_t len, char *out, size_t cap);

/*
 * Spelling suggestions for WORD (up to POSTLINT_MAX_SUGGESTIONS) from the
 * configured language's dictionary, computed on demand: this is how an
 * editor gets quick fixes for a misspelling reported with suggestions
 * off.  OUT has room for POSTLINT_MAX_SUGGESTIONS strings, each the
 * caller's to free with free().  Returns how many; 0 when spelling is off
 * or the dictionary cannot be loaded.
 */
#define POSTLINT_MAX_SUGGESTIONS 5
size_t postlint_suggest(const struct postlint_checker *chk, const char *word,
    size_t len, char **out);

/* ------------------------------------------------------------------ */
/* Tokens, for callers that want the words of a text.                  */

enum postlint_token_kind {
	POSTLINT_TOKEN_WORD = 1,
	POSTLINT_TOKEN_NUMBER,
	POSTLINT_TOKEN_HASHTAG,
	POSTLINT_TOKEN_MENTION,
	POSTLINT_TOKEN_URL,
	POSTLINT_TOKEN_EMAIL,
	POSTLINT_TOKEN_EMOJI,
	POSTLINT_TOKEN_PUNCT
};
const char *postlint_token_kind_name(int kind);

struct postlint_token {
	int kind;
	size_t offset;        /* byte offset into the text */
	size_t length;        /* bytes */
	int sentence_end;     /* 1 on punctuation that ends a sentence */
};

/*
 * Splits TEXT into tokens.  Whitespace produces no token.  *TOKENS is
 * allocated; caller frees it with free().  Returns the number of tokens.
 */
size_t postlint_tokenize(const struct postlint_checker *chk, const char *text,
    size_t len, struct postlint_token **tokens);

/* ------------------------------------------------------------------ */
/* Checking: inputs in, results out, in input order.                   */

struct postlint_result;

enum postlint_input_format {
	POSTLINT_INPUT_AUTO = 0,  /* by the name's extension, else sniffed */
	POSTLINT_INPUT_TEXT,      /* the whole input is one post */
	POSTLINT_INPUT_LINES,     /* every non-blank line is a post */
	POSTLINT_INPUT_MARKDOWN,  /* one post: title and prose */
	POSTLINT_INPUT_HTML,      /* one post: title, prose and alt text */
	POSTLINT_INPUT_FEED,      /* RSS, Atom or WordPress export: a post per item */
	POSTLINT_INPUT_CSV        /* a bulk-schedule file: a post per row */
};
/* Parses "text", "lines", "markdown", "html", "feed", "csv"; -1 if unknown. */
int postlint_input_format_parse(const char *name);
/* Parses "2031-05-01", "2031-05-01 09:00", "2031-05-01T09:00:00Z",
 * "...+02:00" (no zone: UTC) or "@SECONDS" into seconds since the epoch.
 * Returns 0, or -1 when S is none of these. */
int postlint_parse_time(const char *s, long long *out);

struct postlint_input {
	const char *name;        /* as shown in reports: a path or "-" */
	int format;              /* enum postlint_input_format */
	const char *format_name; /* its extension picks the format; NULL: NAME's */
	int scheduled;           /* judge only posts due after NOW ... */
	int drafts;              /* ... and drafts */
	long long now;           /* seconds since the epoch */
	const char *column;      /* CSV: the message column; NULL: by name */
	/* where the text starts in a bigger input, for a batch of its lines
	 * (postlint_split_lines): 0 and 0, its start */
	long line;
	long long offset;
};

/*
 * Called once per judged post, in input order.  The result belongs to the
 * library and is valid only during the call.  Return nonzero to stop
 * (e.g. the output pipe closed).
 */
typedef int (*postlint_result_fn)(const struct postlint_result *res, void *data);
/* Called for each error (bad encoding, post over the size limit, ...). */
typedef void (*postlint_error_fn)(const struct postlint_error *err, void *data);

/*
 * Reads FP to its end and checks every post in it.  With --each-line,
 * memory stays bounded by the size limit of one post whatever the input
 * size; a file that is one post is read up to that limit, and a feed or CSV
 * file up to 64 MiB.  Returns 0 when
 * every post was judged, -1 when something could not be (reported through
 * ON_ERROR), and 1 when ON_RESULT asked to stop.
 */
int postlint_check_stream(const struct postlint_checker *chk,
    const struct postlint_input *in, FILE *fp,
    postlint_result_fn on_result, postlint_error_fn on_error, void *data);

/* The same for a buffer held by the caller. */
int postlint_check_buffer(const struct postlint_checker *chk,
    const struct postlint_input *in, const char *buf, size_t len,
    postlint_result_fn on_result, postlint_error_fn on_error, void *data);

/*
 * For a caller that judges --each-line input in threads: reads FP to its
 * end and hands FN batches of whole lines, each line ending in a line
 * break, with the line number and byte offset the batch starts at.
 * Judged with postlint_check_buffer, with those in IN's line and offset,
 * in the order they came, the batches give the results and errors
 * postlint_check_stream gives for FP, and ON_ERROR gets what only the
 * reading finds (a line over the size limit, which is skipped unread, and
 * read errors) in its place between batches.  FN returns nonzero to stop.
 * Memory is bounded by one batch and one post.  Returns as
 * postlint_check_stream does.
 */
typedef int (*postlint_batch_fn)(const char *text, size_t len, long line,
    long long offset, void *data);
int postlint_split_lines(const struct postlint_checker *chk,
    const struct postlint_input *in, FILE *fp, postlint_batch_fn fn,
    postlint_error_fn on_error, void *data);

/* What a reporter shows of a finding.  Strings belong to the result. */
struct postlint_finding {
	const char *rule;
	const char *category;
	int severity;
	long line, column;          /* 1-based; column in code points */
	long end_line, end_column;  /* exclusive */
	long long byte_offset;      /* 0-based, in the original input */
	const char *message;
	size_t nsuggestions;
	const char *const *suggestions;
	/* The source line the finding starts on, without its line break, and
	 * the column where the underline ends on that line (exclusive). */
	const char *line_text;
	size_t line_length;
	long underline_end;
};

/* One metric of a post: a name and a number, or null. */
struct postlint_metric {
	const char *name;
	double value;
	int is_null;
	int is_integer;
};

/* One item of metadata; a list when is_list is set. */
struct postlint_meta {
	const char *key;
	size_t nvalues;
	const char *const *values;
	int is_list;
};

/* A copy of RES that outlives the callback (for a caller that reports
 * later, e.g. in input order from several threads); it stays valid while
 * its checker lives.  Free it with postlint_result_free. */
struct postlint_result *postlint_result_copy(const struct postlint_result *res);
void postlint_result_free(struct postlint_result *res);

const char *postlint_result_source(const struct postlint_result *res);
long postlint_result_line(const struct postlint_result *res);
int postlint_result_score(const struct postlint_result *res);
int postlint_result_threshold(const struct postlint_result *res);
int postlint_result_passed(const struct postlint_result *res);
/* What decided the verdict, as the text report says it after "pass: " or
 * "fail: ": "score 35/100 (threshold 60)", or, when a finding at or above
 * the fail level decided it, "spam.bought-audience is an error; score
 * 40/100 (threshold 60)".  Valid as long as RES. */
const char *postlint_result_reason(const struct postlint_result *res);
/* The rule whose finding at or above the fail level failed the post, or
 * NULL when the score decided.  Valid as long as RES. */
const char *postlint_result_decider(const struct postlint_result *res);
size_t postlint_result_finding_count(const struct postlint_result *res);
const struct postlint_finding *postlint_result_finding(
    const struct postlint_result *res, size_t i);
size_t postlint_result_metric_count(const struct postlint_result *res);
const struct postlint_metric *postlint_result_metric(
    const struct postlint_result *res, size_t i);
/* The rule a finding of RES names, or NULL for postlint's own findings
 * (postlint.match-limit, postlint.unknown-rule, ...). */
const struct postlint_rule_info *postlint_result_rule(
    const struct postlint_result *res, const char *id);
size_t postlint_result_meta_count(const struct postlint_result *res);
const struct postlint_meta *postlint_result_meta(
    const struct postlint_result *res, size_t i);

/* ------------------------------------------------------------------ */
/* Reports.                                                            */

enum postlint_format {
	POSTLINT_FORMAT_TEXT = 0,
	POSTLINT_FORMAT_GCC,
	POSTLINT_FORMAT_JSON,
	POSTLINT_FORMAT_JSONL,
	POSTLINT_FORMAT_SARIF,       /* SARIF 2.1.0, one document */
	POSTLINT_FORMAT_CHECKSTYLE,  /* checkstyle XML, a <file> per input */
	POSTLINT_FORMAT_JUNIT,       /* JUnit XML, a test case per post */
	POSTLINT_FORMAT_GITHUB       /* GitHub Actions workflow commands */
};
/* Parses a format name; -1 when unknown. */
int postlint_format_parse(const char *name);

#define POSTLINT_REPORT_COLOR 0x1  /* ANSI colour (text format) */
#define POSTLINT_REPORT_QUIET 0x2  /* only failing posts */

struct postlint_reporter;

/* A reporter writing FORMAT to OUT, which the caller keeps open. */
struct postlint_reporter *postlint_reporter_new(int format, FILE *out,
    unsigned flags);
/* Each returns -1 when writing failed (e.g. a closed pipe), else 0. */
int postlint_reporter_post(struct postlint_reporter *rep,
    const struct postlint_result *res);
int postlint_reporter_error(struct postlint_reporter *rep,
    const struct postlint_error *err);
/* Whether FORMAT writes each post on its own, whatever came before
 * (text, gcc, jsonl).  Then a program judging posts in several threads
 * may give each thread a memory reporter (postlint_reporter_new_memory)
 * and pass the bytes on, in order, with postlint_reporter_write. */
int postlint_format_per_post(int format);
/* A reporter of FORMAT and FLAGS that writes into memory; NULL unless
 * FORMAT is per post. */
struct postlint_reporter *postlint_reporter_new_memory(int format,
    unsigned flags);
/* What REP, a memory reporter, writes for RES: *N bytes (none for a
 * passing post with POSTLINT_REPORT_QUIET), valid until the next call;
 * NULL for another reporter. */
const char *postlint_reporter_render(struct postlint_reporter *rep,
    const struct postlint_result *res, size_t *n);
/* Writes N bytes that another reporter of the same format and flags wrote
 * for posts; -1 when writing failed. */
int postlint_reporter_write(struct postlint_reporter *rep, const char *bytes,
    size_t n);
/* Ends the document (json) and flushes. */
int postlint_reporter_finish(struct postlint_reporter *rep);
void postlint_reporter_free(struct postlint_reporter *rep);

#ifdef __cplusplus
}
#endif
#endif /* POSTLINT_H */
