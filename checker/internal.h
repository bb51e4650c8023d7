/* internal.h - what the stages of libpostlint share with each other, never installed. */
#ifndef POSTLINT_INTERNAL_H
#define POSTLINT_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "postlint.h"

/* ---- alloc.c: one allocation wrapper, one out-of-memory policy ---- */

#ifdef PL_FAULT_INJECTION
/* Test builds: whether this allocation should fail (POSTLINT_FAIL_ALLOC). */
int pl_fault_alloc(void);
#endif
/* Calls the embedder's handler, then abort(): never returns. */
_Noreturn void pl_nomem(void);
void *pl_malloc(size_t n);
void *pl_calloc(size_t n, size_t size);
void *pl_realloc(void *p, size_t n);
char *pl_strdup(const char *s);
char *pl_strndup(const char *s, size_t n);
/* FNV-1a of the N bytes at K (alloc.c). */
size_t pl_hash(const char *k, size_t n);
/* Grows *P (an array of SIZE-byte items with *CAP slots) to hold NEED. */
void pl_grow(void **p, size_t *cap, size_t need, size_t size);
#define PL_GROW(arr, cap, need) \
	pl_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

void pl_error_set(struct postlint_error *err, const char *file, long line,
    long column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* A growable byte buffer that carries its length; p is NUL-terminated for
 * convenience but may hold NUL bytes. */
struct pl_buf {
	char *p;
	size_t len, cap;
};
void pl_buf_add(struct pl_buf *b, const char *s, size_t n);
void pl_buf_addc(struct pl_buf *b, char c);
void pl_buf_adds(struct pl_buf *b, const char *s);
void pl_buf_printf(struct pl_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Decimal V, as "%lld" writes it. */
void pl_buf_int(struct pl_buf *b, long long v);
/* V as "%.*f" writes it with DECIMALS; the same bytes, faster. */
void pl_buf_fixed(struct pl_buf *b, double v, int decimals);
void pl_buf_free(struct pl_buf *b);

/* A set of byte strings, open addressing; strings are copied.  A set may
 * also give each string a weight (a lexicon does); one that never was
 * given weights weighs each of its strings 1. */
struct pl_set {
	char **keys;
	size_t *lens;
	float *weights;   /* NULL until pl_set_weigh */
	size_t n, cap;
};
int pl_set_add(struct pl_set *s, const char *k, size_t n);   /* 1 if new */
int pl_set_has(const struct pl_set *s, const char *k, size_t n);
/* Adds K with weight W, or raises the weight of K to W. */
void pl_set_weigh(struct pl_set *s, const char *k, size_t n, float w);
/* The weight of K: 0 when K is not in the set. */
float pl_set_weight(const struct pl_set *s, const char *k, size_t n);
void pl_set_clear(struct pl_set *s);
void pl_set_free(struct pl_set *s);
/* Reads one word a line ('#' starts a comment); lowercases ASCII.  With
 * WEIGHTED, a word may be followed by its weight, a number in (0, 1]. */
/* PATH opened to read if it is a regular file; NULL with errno (EINVAL:
 * not a regular file), which pl_open_error words for a message. */
FILE *pl_fopen_regular(const char *path);
const char *pl_open_error(int e);
int pl_set_load(struct pl_set *s, const char *path, int weighted,
    struct postlint_error *err);

/* A small arena for strings that live as long as their owner. */
struct pl_pool {
	struct pl_pool_block *head;
};
char *pl_pool_strndup(struct pl_pool *pool, const char *s, size_t n);
void *pl_pool_alloc(struct pl_pool *pool, size_t n);
void pl_pool_free(struct pl_pool *pool);

/* ---- source.c: bytes, UTF-8 and positions ---- */

/* Decodes one code point at S (N bytes available); returns its length in
 * bytes, or 0 when the bytes there are not valid UTF-8. */
size_t pl_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Returns the byte offset of the first invalid sequence, or N if valid. */
size_t pl_utf8_check(const char *s, size_t n);
size_t pl_utf8_encode(uint32_t cp, char out[4]);

/*
 * A window of the original input that holds one post: it starts at the
 * beginning of line LINE (after a BOM on line 1), at byte OFFSET.
 */
struct pl_window {
	const char *p;
	size_t len;
	long long offset;
	long line;
	size_t *starts;   /* line starts, built on first use */
	size_t nstarts;
	int borrowed;     /* starts belong to another window (pl_window_share) */
};
struct pl_pos {
	long line, column;
	long long byte_offset;
};
/* Position of byte OFF of the window (OFF may equal len). */
void pl_window_pos(struct pl_window *w, size_t off, struct pl_pos *pos);
/* The line of the window holding OFF: [*start, *end) without line break. */
void pl_window_line(struct pl_window *w, size_t off, size_t *start, size_t *end);
void pl_window_free(struct pl_window *w);
/* W, over the same bytes as FROM, uses FROM's line index, built now if it
 * is not: the posts of a CSV or feed file share one, which FROM keeps and
 * frees, instead of each indexing the whole file again. */
void pl_window_share(struct pl_window *w, struct pl_window *from);
/* The window offset of code point COL (0-based) on line LINE (0-based,
 * from the window's first line). */
size_t pl_window_offset(struct pl_window *w, size_t line, size_t col);
/* The line (absolute) of window offset OFF. */
long pl_window_lineno(struct pl_window *w, size_t off);

/* ---- regex.c: the only file that touches PCRE2 ---- */

struct pl_regex;
struct pl_match;   /* per-thread match state */

#define PL_RE_CASELESS 0x1
#define PL_RE_INTERNAL 0x2   /* ours: no time budget (see regex.c) */
struct pl_regex *pl_regex_compile(const char *pat, size_t len, unsigned flags,
    size_t *erroffset, char *errmsg, size_t errlen);
void pl_regex_free(struct pl_regex *re);
struct pl_match *pl_match_new(void);
void pl_match_free(struct pl_match *m);
/* Each rule gets a budget of time on a post (see regex.c): this starts
 * it; after pl_regex_next returned -1, whether the budget ran out (else
 * a PCRE2 limit was hit). */
void pl_regex_budget(struct pl_match *m);
int pl_regex_budget_spent(const struct pl_match *m);
/* Finds the next match at or after START.  Returns 1 and sets [*MS, *ME)
 * on a match, 0 when there is none, -1 when a match/depth/heap limit hit
 * or the rule's time budget ran out. */
int pl_regex_next(const struct pl_regex *re, struct pl_match *m,
    const char *s, size_t n, size_t start, size_t *ms, size_t *me);
/*
 * Gives RE its alternatives one by one, PAT being the Ith of a pattern RE
 * was compiled from as (?:(?:a)|(?:b)|...).  PCRE2 finds no first
 * character or required character in an alternation whose branches
 * differ, and tries every position; each branch alone keeps those
 * optimisations.  RE then runs the branches and takes the leftmost match,
 * the first branch on a tie: what the whole pattern finds.  Returns 0 and
 * drops the branches when one cannot stand alone (back references, \K,
 * \G, verbs, too many branches); RE then runs whole, as before.
 */
int pl_regex_add_alt(struct pl_regex *re, const char *pat, size_t len,
    unsigned flags);
/* How many branches RE runs apart (0: it runs whole), and the source of
 * branch I, as given to pl_regex_add_alt. */
size_t pl_regex_nalts(const struct pl_regex *re);
const char *pl_regex_alt_src(const struct pl_regex *re, size_t i);
/* Between pl_regex_begin(M, RE) and pl_regex_end(M), calls of
 * pl_regex_next on RE over one subject with rising starts remember each
 * branch's next match, so a scan stays linear in the subject. */
void pl_regex_begin(struct pl_match *m, const struct pl_regex *re);
void pl_regex_end(struct pl_match *m);
/* After pl_regex_begin: branch I of RE cannot match this subject (the
 * prefilter found none of its literals), so it is not run. */
void pl_regex_skip_alt(struct pl_match *m, size_t i);
/* Appends S to B with every regex metacharacter escaped. */
void pl_regex_quote(struct pl_buf *b, const char *s, size_t n);
/* Byte length of the grapheme cluster at S. */
size_t pl_grapheme_len(struct pl_match *m, const char *s, size_t n);

/* Unicode character classes, looked up through PCRE2 once per code point. */
#define PL_UC_LETTER  0x01
#define PL_UC_UPPER   0x02
#define PL_UC_LOWER   0x04
#define PL_UC_MARK    0x08
#define PL_UC_DIGIT   0x10
#define PL_UC_SPACE   0x20
#define PL_UC_PICTO   0x40   /* Extended_Pictographic */
#define PL_UC_KNOWN   0x80
struct pl_uclass;
struct pl_uclass *pl_uclass_new(void);
void pl_uclass_free(struct pl_uclass *uc);
unsigned pl_uclass_get(struct pl_uclass *uc, uint32_t cp);

/* ---- spell.c: the only file that touches Hunspell ---- */

struct pl_speller;
struct pl_strlist;
/* Words whose verdict, stem and suggestions a speller keeps: the most
 * recently used ones (postlint(1) SECURITY gives the figure). */
#define PL_SPELL_CACHE 131072
#define PL_MAX_SUGGESTIONS 5
/* The dictionary for LANG from the system folders (or DATADIR/dicts/
 * hunspell), with the team's word lists DATADIR/dicts/LL/ *.dic added
 * and ACCEPT taken as correct.  NULL with ERR set when there is none.
 * Safe from several threads; nothing returned points into the speller. */
struct pl_speller *pl_speller_new(const char *lang, const char *datadir,
    const struct pl_strlist *accept, struct postlint_error *err);
void pl_speller_free(struct pl_speller *sp);
/* Whether the word is correct; an empty or absurdly long one is. */
int pl_speller_correct(struct pl_speller *sp, const char *w, size_t n);
/* The word's stem (the word itself when Hunspell knows none) copied to
 * OUT as a string of at most CAP - 1 bytes; returns its length. */
size_t pl_speller_stem(struct pl_speller *sp, const char *w, size_t n,
    char *out, size_t cap);
/* Up to PL_MAX_SUGGESTIONS suggestions into OUT, each the caller's to
 * free; returns how many. */
size_t pl_speller_suggest(struct pl_speller *sp, const char *w, size_t n,
    char **out);
/* For tests: how many words the cache holds, and whether it holds W
 * (without making it recently used). */
size_t pl_speller_cached(struct pl_speller *sp);
int pl_speller_holds(struct pl_speller *sp, const char *w, size_t n);

/* ---- tokens.c ---- */

struct pl_tokens {
	struct postlint_token *v;
	size_t n, cap;
};
void pl_tokenize(struct pl_uclass *uc, const char *s, size_t n,
    struct pl_tokens *out);

/* ---- metrics.c ---- */

enum pl_metric_id {
	PL_M_CHARACTERS, PL_M_GRAPHEMES, PL_M_BYTES, PL_M_LINES, PL_M_WORDS,
	PL_M_LETTERS, PL_M_SENTENCES, PL_M_HASHTAGS, PL_M_MENTIONS, PL_M_URLS,
	PL_M_EMAILS, PL_M_EMOJI, PL_M_NUMBERS, PL_M_EXCLAMATIONS,
	PL_M_EXCLAMATION_RUNS, PL_M_LONGEST_EXCLAMATION_RUN,
	PL_M_UPPERCASE_RATIO, PL_M_CONTENT_WORDS, PL_M_VALUE_DENSITY,
	PL_M_RELEVANCE, PL_M_SYLLABLES, PL_M_WORDS_PER_SENTENCE,
	PL_M_LONGEST_SENTENCE, PL_M_FLESCH_READING_EASE,
	PL_M_FLESCH_KINCAID_GRADE, PL_M_HEADLINE, PL_M_TOKENS, PL_M_LINKS_AWAY,
	PL_M_X_LENGTH, PL_M_MASTODON_LENGTH, PL_M_TAGS_OFF_NICHE, PL_M_REPETITION,
	PL_M_COUNT
};
/* The metric named NAME, or -1. */
int pl_metric_lookup(const char *name);
const char *pl_metric_name(int id);
int pl_metric_is_integer(int id);

struct pl_lexicon;   /* owned by the checker: stop, filler, niche words */
struct pl_metrics {
	double v[PL_M_COUNT];
	unsigned char is_null[PL_M_COUNT];
};
struct pl_words {
	const struct pl_set *stop;
	const struct pl_set *filler;
	const struct pl_set *const *niche;   /* the audience's lexicons */
	size_t nniche;                       /* 0: no audience */
	struct pl_speller *speller;          /* for stems; may be NULL */
	const struct pl_lemmas *lemmas;      /* for relevance's stems */
};
void pl_metrics_compute(struct pl_uclass *uc, struct pl_match *m,
    const struct pl_words *words, const char *s, size_t n,
    const struct pl_tokens *toks, struct pl_metrics *out);

/* ---- stem.c: the stems relevance matches by ---- */

/* Irregular forms and their lemmas (dicts/LL/lemmas.txt), sorted. */
struct pl_lemma {
	char *form, *lemma;
};
struct pl_lemmas {
	struct pl_lemma *v;
	size_t n, cap;
};
/* A missing file is no forms; 0, or -1 when the file cannot be read. */
int pl_lemmas_load(struct pl_lemmas *l, const char *path);
void pl_lemmas_free(struct pl_lemmas *l);
/* The lemma of the N bytes at W if L lists them as a form, or NULL. */
const char *pl_lemma_of(const struct pl_lemmas *l, const char *w, size_t n);
/* Snowball's English stemmer; one a thread (see pl_match_stemmer). */
struct pl_stemmer;
struct pl_stemmer *pl_stemmer_new(void);
void pl_stemmer_free(struct pl_stemmer *st);
/* Writes into OUT (CAP bytes) the stem of the N lowercase bytes at W,
 * after its lemma if L lists it; returns its length. */
size_t pl_stem(struct pl_stemmer *st, const struct pl_lemmas *l,
    const char *w, size_t n, char *out, size_t cap);
/* M's stemmer, made on first use: a pl_match is one thread's. */
struct pl_stemmer *pl_match_stemmer(struct pl_match *m);

/* ---- sequence.c: concepts and token sequences ---- */

struct pl_lits;

/* A named class of words and phrases, shared by every pack.  A word is
 * matched case-folded and in its regular inflections (follow, follows,
 * followed, following, follower, followers); a phrase is a run of words
 * whose last word inflects. */
struct pl_concept {
	const char *id;
	const char *file;
	long line;
	struct pl_set words;        /* every form of every one-word entry */
	char **phrases;             /* NUL-separated words, "\0\0"-ended */
	size_t *firstlen;           /* strlen of each phrase's first word */
	size_t nphrases, capphrases;
	struct pl_set firsts;       /* the first word of every phrase */
	int wid, fid;               /* bits of words and firsts in the lexmap */
	size_t nentries;            /* as written, for --explain */
	char *shown;                /* the first entries, for --explain */
};

/* The tokens of a post as sequences read them: folded text and kinds. */
struct pl_tv {
	const char *f;              /* folded: ASCII lowercase, ' for U+2019 */
	size_t flen;
	const uint64_t *lex;        /* its bits in the lexmap; NULL: none */
	size_t start, end;          /* prose offsets */
	unsigned bits;              /* PL_TT_* */
};
/*
 * Every word any step or concept can match, with a bit for each set it is
 * in (a concept's words, a concept's phrases' first words, a step's own
 * words): a post looks each token up once, and a step tests a bit.
 */
struct pl_lexmap {
	char **keys;
	size_t *lens;
	uint64_t *bits;             /* WORDS for each slot */
	size_t cap, n, words;
};
struct pl_tview {
	const struct pl_lexmap *map;
	struct pl_tv *v;
	size_t n, cap;
	struct pl_buf text;         /* the folded text the entries point into */
	uint64_t *lex;              /* every token's lexmap bits, or-ed */
	size_t caplex;
	unsigned types;             /* every token's PL_TT_*, or-ed */
	int built;
};

/* Token types a step can name (a token has one kind and some flags). */
enum {
	PL_TT_WORD = 1u << 0, PL_TT_NUMBER = 1u << 1, PL_TT_HASHTAG = 1u << 2,
	PL_TT_MENTION = 1u << 3, PL_TT_URL = 1u << 4, PL_TT_EMAIL = 1u << 5,
	PL_TT_EMOJI = 1u << 6, PL_TT_PUNCT = 1u << 7, PL_TT_MONEY = 1u << 8,
	PL_TT_PERCENT = 1u << 9, PL_TT_CAPITAL = 1u << 10,
	PL_TT_UPPER = 1u << 11, PL_TT_SENTENCE_END = 1u << 12,
	PL_TT_SENTENCE_START = 1u << 13
};

enum pl_step_op { PL_STEP_TOKEN, PL_STEP_SKIP, PL_STEP_NEAR };
struct pl_step {
	int op;
	int min, max;               /* repetitions (TOKEN), gap (SKIP) */
	int negate;                 /* TOKEN: matches a token that is none */
	int at_start;               /* TOKEN: only one that opens a sentence */
	int fid;                    /* its words' bit in the lexmap; -1: none */
	struct pl_set forms;        /* words and stems, folded */
	unsigned types;             /* PL_TT_* */
	struct pl_regex *re;        /* on the token's own text */
	const char **cnames;        /* concepts by name, resolved by link */
	const struct pl_concept **concepts;
	size_t nconcepts;
	struct pl_step *kids;       /* NEAR: steps within WITHIN tokens */
	size_t nkids;
	int within;
	long line;
};
/* What one step that must match needs of a post: a token of one of
 * TYPES, or a token with one of the lexmap bits in LEX. */
struct pl_need {
	uint64_t *lex;              /* the lexmap's WORDS */
	unsigned types;
};
struct pl_seq {
	struct pl_step *steps;
	size_t nsteps;
	const char *file;
	char *shown;                /* the steps as text, for --explain */
	struct pl_need *need;       /* set by pl_lexmap_build */
	size_t nneed;
};
struct pl_concepts {
	struct pl_concept *v;
	size_t n, cap;
};

struct _xmlNode;
/* Reads a <concept> element into CS; 0 or -1 with ERR set. */
int pl_concept_parse(struct pl_concepts *cs, struct pl_pool *pool,
    struct _xmlNode *n, const char *file, struct postlint_error *err);
void pl_concepts_free(struct pl_concepts *cs);
/* Frees the concepts past the first N (a pack that failed to load). */
void pl_concepts_truncate(struct pl_concepts *cs, size_t n);
const struct pl_concept *pl_concept_find(const struct pl_concepts *cs,
    const char *id);
/* Reads a <sequence> element (or one <concept ref> as a one-step
 * sequence when AS_CONCEPT); 0 or -1 with ERR set. */
int pl_seq_parse(struct pl_seq *sq, struct pl_pool *pool, struct _xmlNode *n,
    const char *file, const char *rule, struct postlint_error *err);
int pl_seq_concept(struct pl_seq *sq, struct pl_pool *pool, const char *name,
    const char *file, long line);
/* Resolves the concepts a sequence names; 0 or -1 with ERR set. */
int pl_seq_link(struct pl_seq *sq, const struct pl_concepts *cs,
    const char *rule, struct postlint_error *err);
void pl_seq_free(struct pl_seq *sq);
/* A line for each concept SQ names (once each in B), for --explain. */
void pl_seq_explain(const struct pl_seq *sq, struct pl_buf *b);
/* Literals one of which is in every match of SQ (prefilter.c's folded
 * alphabet), or none when it cannot tell. */
void pl_seq_literals(const struct pl_seq *sq, struct pl_lits *lits);
/* MAP (NULL: none, sets are looked up one by one) from pl_rules_link. */
void pl_tview_build(struct pl_tview *tv, const struct pl_lexmap *map,
    const char *s, size_t n, const struct postlint_token *toks, size_t ntoks);
/* Builds MAP over the concepts and the steps of SEQS, setting their bits. */
void pl_lexmap_build(struct pl_lexmap *map, struct pl_concepts *cs,
    struct pl_seq *const *seqs, size_t nseqs);
void pl_lexmap_free(struct pl_lexmap *map);
void pl_tview_free(struct pl_tview *tv);
/* The next match of SQ among the tokens from *AT that end at or before
 * LIMIT (prose offsets): 1 with [*MS, *ME) set and *AT moved past it, 0
 * when there is none, -1 when the match budget ran out. */
int pl_seq_next(const struct pl_seq *sq, const struct pl_tview *tv,
    struct pl_match *m, const char *s, size_t *at, size_t limit,
    size_t *ms, size_t *me);
/* Whether SQ matches anywhere in the prose span [FROM, TO). */
int pl_seq_within(const struct pl_seq *sq, const struct pl_tview *tv,
    struct pl_match *m, const char *s, size_t from, size_t to);

/* ---- composite.c: expressions over other rules' hits and figures ---- */

struct pl_expr;
struct pl_rules;
/* Parses TEXT; rule names are resolved against the rules before SELF in
 * RS.  NULL with ERR set. */
struct pl_expr *pl_expr_parse(const char *text, const struct pl_rules *rs,
    size_t self, const char *file, long line, struct postlint_error *err);
void pl_expr_free(struct pl_expr *e);
/* Whether E holds, given each rule's hit count and the post's figures. */
struct pl_metrics;
int pl_expr_eval(const struct pl_expr *e, const size_t *counts,
    const struct pl_metrics *mt);
/* The rule indices E reads, appended to *V. */
void pl_expr_rules(const struct pl_expr *e, size_t **v, size_t *n,
    size_t *cap);

/* ---- pack.c / config.c / xml.c ---- */

enum pl_rule_kind { PL_RULE_PHRASES, PL_RULE_PATTERN, PL_RULE_METRIC,
	PL_RULE_SPELLING, PL_RULE_SEQUENCE, PL_RULE_COMPOSITE };
enum pl_cmp { PL_ABOVE, PL_BELOW, PL_AT_LEAST, PL_AT_MOST };
/* What of a post a rule reads: all of it, its opening (title and first
 * sentence), or its headline (the title, or a post that reads as one). */
enum pl_scope { PL_SCOPE_POST, PL_SCOPE_OPENING, PL_SCOPE_HEADLINE };

struct pl_cond {
	int metric;
	int cmp;
	double value;
};

/* ---- prefilter.c: which rules can match a post, in one pass ---- */

/* Literals, one of which occurs in every match of a pattern, over the
 * folded alphabet of prefilter.c; n == 0: none are known. */
struct pl_lits {
	char **v;
	size_t n;
};
/* Reads PAT for its literals; 0 (and none) if it cannot tell. */
int pl_pattern_literals(const char *pat, size_t len, struct pl_lits *lits);
void pl_lits_free(struct pl_lits *lits);
struct pl_rules;
struct pl_prefilter;
/* The automaton over every rule's literals; NULL when
 * POSTLINT_NO_PREFILTER is set or the packs are too large for one. */
struct pl_prefilter *pl_prefilter_new(const struct pl_rules *rs);
void pl_prefilter_free(struct pl_prefilter *pf);
/* Sets MAY[i] (MAY zeroed by the caller, pl_prefilter_size bytes) for
 * each rule i with a literal in S, and for each branch of a rule's
 * pattern (see pl_regex_add_alt) likewise; returns 1 when it cannot
 * tell, and then every rule and branch may match. */
int pl_prefilter_scan(const struct pl_prefilter *pf, const char *s, size_t n,
    unsigned char *may);
size_t pl_prefilter_size(const struct pl_prefilter *pf);
/* Whether rule RULE has literals, so that !MAY[RULE] rules it out. */
int pl_prefilter_skips(const struct pl_prefilter *pf, size_t rule);
/* Whether branch ALT of rule RULE's pattern can be left out, given MAY
 * from pl_prefilter_scan. */
int pl_prefilter_skips_alt(const struct pl_prefilter *pf, size_t rule,
    size_t alt, const unsigned char *may);

/* An exception: a hit of its rule is dropped when this holds in the
 * match, its sentence or the post. */
enum pl_unless_scope { PL_IN_MATCH, PL_IN_SENTENCE, PL_IN_POST };
enum pl_unless_kind { PL_UNLESS_PATTERN, PL_UNLESS_SEQUENCE, PL_UNLESS_WHEN,
	PL_UNLESS_QUOTED };
struct pl_unless {
	int scope, kind;
	struct pl_regex *re;
	struct pl_seq seq;
	struct pl_cond *conds;    /* WHEN: all of them hold */
	size_t nconds;
};

struct pl_rule {
	struct postlint_rule_info info;   /* what callers see */
	int kind;
	int scope;                /* enum pl_scope */
	int part;                 /* role="part": only for composites */
	struct pl_regex *re;
	const char *src;          /* the pattern's text (for prefilter.c) */
	struct pl_seq seq;        /* SEQUENCE */
	struct pl_expr *expr;     /* COMPOSITE */
	const char *expr_src;
	size_t *refs;             /* COMPOSITE: the rules it reads */
	size_t nrefs;
	struct pl_unless *unless;
	size_t nunless;
	struct pl_cond *conds;
	size_t nconds;
	char **suggest;
	size_t nsuggest;
	char **examples;
	int *example_bad;
	char **example_audience;  /* NULL entries: the configured audience */
	long *example_mark;       /* bad examples: [start, end) bytes of the
	                           * span that must be found, or -1 */
};

struct pl_pack {
	char *id;
	char *file;
	char *lang;
	size_t first, nrules;
};

/* Compiles the RELAX NG schema at PATH (an xmlRelaxNGPtr as void *), or
 * NULL with ERR set. */
void *pl_xml_schema(const char *path, struct postlint_error *err);
void pl_xml_schema_free(void *schema);
/* Parses an XML file with the safe options (no network, no entity
 * substitution, no DTD at all) and validates it against SCHEMA (from
 * pl_xml_schema; NULL: none).  Returns an xmlDocPtr (as void *) or NULL
 * with ERR set. */
void *pl_xml_load(const char *path, void *schema, struct postlint_error *err);
/* The same for a document in memory, named NAME in errors; no schema. */
void *pl_xml_parse(const char *buf, size_t len, const char *name,
    struct postlint_error *err);
void pl_xml_free(void *doc);
/* Whether node N is the element NAME. */
struct _xmlNode;
int pl_xml_is(const struct _xmlNode *n, const char *name);
/* N's attribute NAME, copied into POOL, or NULL when it has none. */
char *pl_xml_attr(struct pl_pool *pool, struct _xmlNode *n, const char *name);

/* Every rule of a checker, with the packs and concepts they came from. */
struct pl_rules {
	struct pl_pack *packs;
	size_t npacks, capp;
	struct pl_rule *v;
	size_t n, cap;
	struct pl_concepts concepts;   /* shared by every pack */
	struct pl_lexmap lexmap;       /* built by pl_rules_link */
	int has_tokens;                /* a sequence or exception reads tokens */
	size_t *ids;                   /* rule ids hashed: index + 1, 0 empty */
	size_t capids, nids;           /* rules [0, nids) are in ids */
	struct pl_pool pool;
};
/* After the last pack: resolves the concepts that sequences name. */
int pl_rules_link(struct pl_rules *rs, struct postlint_error *err);
/* Loads the pack at PATH into the rule list; returns 0 or -1. */
int pl_pack_load(struct pl_rules *rs, const char *path, void *schema,
    struct postlint_error *err);
void pl_rules_free(struct pl_rules *rs);
/* Whether ID names a loaded rule or pack. */
int pl_rules_has_id(const struct pl_rules *rs, const char *id);

/* Settings, with the place each came from. */
struct pl_override {
	char *id;
	int severity;   /* 0: unchanged */
	int weight;     /* -1: unchanged */
	char *origin;
};
struct pl_strlist {
	char **v;
	char **origin;
	size_t n, cap;
};
void pl_strlist_add(struct pl_strlist *l, const char *s, const char *origin);
void pl_strlist_clear(struct pl_strlist *l);
void pl_strlist_free(struct pl_strlist *l);

struct postlint_config {
	char *datadir;
	char *file;
	char *platform, *platform_origin;
	char *lang, *lang_origin;
	int threshold;
	char *threshold_origin;
	int fail_level;
	char *fail_level_origin;
	size_t max_post_size;
	char *max_post_size_origin;
	struct pl_strlist audience;
	struct pl_strlist packs;     /* extra packs, absolute or relative to cwd */
	struct pl_strlist disable;
	struct pl_override *overrides;
	size_t noverrides, capo;
	int spelling, suggest;
	char *spelling_origin, *suggest_origin;
	struct pl_strlist accept, reject;
};

/* Whether L, N is a language tag: "ll", "lll", "ll_CC" or "lll_CC". */
int pl_lang_valid(const char *l, size_t n);

/* ---- checker.c / engine.c / score.c ---- */

struct pl_niche {
	char *tag;
	struct pl_set words;   /* its words, and their stems once used */
	atomic_int stemmed;    /* its stems added (see stem_niche) */
};

struct pl_lang_speller {
	char *lang;
	struct pl_speller *sp;     /* NULL: no dictionary (err says why) */
	struct postlint_error err;
};

struct postlint_checker {
	struct postlint_config *cfg;
	struct pl_rules rules;
	struct pl_uclass *uc;
	struct pl_set stop, filler;
	struct pl_lemmas lemmas;   /* dicts/en/lemmas.txt, for relevance */
	struct pl_niche *niches;   /* every lexicon in dicts/niches */
	size_t nniches;
	struct pl_set reject;      /* words always reported (config) */
	int spelling;              /* a spelling rule is on and spelling too */
	/* dictionaries by language, loaded when a post first needs one;
	 * each entry is allocated on its own and never moves, since callers
	 * keep a pointer to it after the lock is released while another
	 * thread may grow this table */
	struct pl_lang_speller **spellers;
	size_t nspellers, capspellers;
	/* why a language was refused; each written once, under the lock */
	struct postlint_error lang_invalid, lang_toomany;
	/* built after PREFILTER_AFTER posts; NULL: every pattern runs */
	_Atomic(struct pl_prefilter *) pf;
	atomic_size_t pf_posts;
	struct pl_match *idle[16];  /* match state kept for the next input */
	size_t nidle;
	pthread_mutex_t lock;
};

/* The prefilter for CHK's rules, or NULL while there is none (for the
 * first posts, which one pass each does not pay for). */
const struct pl_prefilter *pl_checker_prefilter(
    const struct postlint_checker *chk);
/* The speller for LANG (NULL: the configured language), loading it on
 * first use; NULL with *ERR pointing at the reason when there is none:
 * no dictionary, a tag that is not one, or PL_MAX_DICTIONARIES already
 * loaded. */
#define PL_MAX_DICTIONARIES 8
struct pl_speller *pl_checker_speller(const struct postlint_checker *chk,
    const char *lang, const struct postlint_error **err);

/* Match state for one thread's input, kept for reuse when given back. */
struct pl_match *pl_take_match(const struct postlint_checker *chk);
void pl_give_match(const struct postlint_checker *chk, struct pl_match *m);

/* The lexicon for TAG, or NULL. */
const struct pl_set *pl_checker_niche(const struct postlint_checker *chk,
    const char *tag);

/* A run of prose that came from the window: prose bytes [prose, prose+len)
 * came from window bytes [src, src+src_len).  A verbatim run maps byte for
 * byte; another (an entity, an escaped quote) maps its start to src and its
 * end to src+src_len. */
struct pl_seg {
	size_t prose, len;
	size_t src, src_len;
	int verbatim;
};

/* <!-- postlint-disable ... --> and its kin, and a front matter's
 * disable list: rules off for lines [from, to] (to 0: to the end); no ids
 * means every rule.  [src, src_end) is where the ids were written, for the
 * finding an unknown id gets. */
struct pl_suppress {
	long from, to;
	char **ids;
	size_t nids;
	size_t src, src_end;
};

/* A post as the readers hand it to the engine. */
struct pl_post {
	const char *source;
	struct pl_window win;
	const char *prose;        /* the text rules run over */
	size_t prose_len;
	/* without segments, prose byte i is window byte i + prose_base */
	size_t prose_base;
	struct pl_seg *segs;
	size_t nsegs, capsegs;
	struct pl_buf text;       /* prose built by a reader (owned) */
	long line;                /* where the post starts; 0: win.line */
	size_t title_len;         /* prose bytes of the title; 0: none */
	const char *platform;     /* NULL: the checker's */
	const char *lang;         /* NULL: the checker's */
	const struct pl_rule *only;   /* run just this rule (--test-rules) */
	/* what the post's own front matter or feed entry says */
	struct postlint_meta *meta;
	size_t nmeta, capmeta;
	size_t *metacap;          /* room in each meta[i].values */
	size_t *metaslot;         /* keys hashed: index + 1, 0 empty */
	size_t nslots;            /* a power of two, or 0 */
	struct pl_strlist audience, accept;
	int has_audience;
	struct pl_suppress *sup;
	size_t nsup, capsup;
	long long date;           /* scheduled time, seconds since the epoch */
	int has_date;
	int draft;                /* draft: true, or status draft */
	int future;               /* feed status "future" */
	struct pl_pool pool;      /* strings the post owns */
};

void pl_post_free(struct pl_post *p);
/* Appends window bytes [SRC, SRC+N) to the prose, verbatim. */
void pl_post_add_src(struct pl_post *p, size_t src, size_t n);
/* Appends decoded TEXT that came from window bytes [SRC, SRC+SRC_LEN). */
void pl_post_add_mapped(struct pl_post *p, const char *text, size_t n,
    size_t src, size_t src_len);
/* Appends decoded TEXT, found by aligning it with window bytes from
 * *CURSOR to LIMIT (markup and entities in between are skipped); advances
 * *CURSOR past what was matched. */
void pl_post_add_aligned(struct pl_post *p, const char *text, size_t n,
    size_t *cursor, size_t limit);
/* Ends a block: a line break, so sentences do not run across blocks. */
void pl_post_break(struct pl_post *p);
/* Maps a prose offset to a window offset (END: the end of a range). */
size_t pl_post_src(const struct pl_post *p, size_t prose, int end);
/* Adds metadata; a list item appends to KEY's list. */
void pl_post_meta(struct pl_post *p, const char *key, const char *value,
    size_t n, int list);
const char *pl_post_meta_get(const struct pl_post *p, const char *key);
/* Reads a comment's text for postlint-disable / -enable /
 * -disable-next-line; the comment is window bytes [SRC, SRC_END) and ends
 * on LINE. */
void pl_post_comment(struct pl_post *p, const char *text, size_t n,
    size_t src, size_t src_end, long line);
/* Adds a suppression of IDS (NULL: all) for lines [FROM, TO]. */
struct pl_suppress *pl_post_suppress(struct pl_post *p, long from, long to,
    size_t src, size_t src_end);
void pl_suppress_add_id(struct pl_post *p, struct pl_suppress *s,
    const char *id, size_t n);
/* Parses an ISO 8601 date ("2031-05-01", "2031-05-01 09:00",
 * "2031-05-01T09:00:00Z", "...+02:00") or "@SECONDS"; -1 if it is not one. */
int pl_parse_time(const char *s, long long *out);

struct pl_hit {
	const struct pl_rule *rule;   /* NULL for postlint.* findings */
	const char *rule_id;
	int severity;
	size_t start, end;        /* prose offsets */
	size_t src, src_end;      /* window offsets */
	long line;                /* where it starts, for suppressions */
	char *message;            /* owned when not the rule's */
	char **sugg;              /* spelling suggestions, the hit's own */
	size_t nsugg;
};

struct postlint_result {
	const struct postlint_checker *chk;
	const char *source;
	long line;
	int score, threshold, passed;
	const char *reason;       /* what decided the verdict (score.c) */
	const char *decider;      /* the rule id that failed it by severity */
	struct postlint_finding *findings;
	size_t nfindings, capf;
	struct postlint_metric metrics[PL_M_COUNT];
	struct postlint_meta *meta;
	size_t nmeta;
	struct pl_pool pool;
};

/* Checks one post; fills RES (which the caller frees with pl_result_free). */
void pl_engine_check(const struct postlint_checker *chk, struct pl_match *m,
    struct pl_post *post, struct postlint_result *res);
void pl_result_free(struct postlint_result *res);
/* The score and verdict from each rule's hit count (COUNTS, by rule index)
 * and the hits' severities, per the formula in postlint-rules(5). */
void pl_score(const struct postlint_checker *chk, const size_t *counts,
    const struct pl_hit *hits, size_t nhits, struct postlint_result *res);

/* ---- readers ---- */

/* What every reader works with while it reads one input. */
struct pl_ctx {
	const struct postlint_checker *chk;
	const struct postlint_input *in;
	struct pl_match *m;
	postlint_result_fn on_result;
	postlint_error_fn on_error;
	void *data;
	size_t bom;               /* bytes of BOM before BUF (window offsets) */
	size_t max_post_size;     /* --max-post-size */
	/* --test-rules: the example's rule, platform, language and audience,
	 * which every post of the input takes */
	const struct pl_post *as;
	int failed;               /* something could not be judged */
	int stop;                 /* the caller asked to stop */
};
/* pipeline.c: where every reader hands each post it reads.  Judges POST
 * when --scheduled/--drafts select it, hands the result to the caller,
 * and frees the post.  Returns ctx->stop. */
int pl_emit(struct pl_ctx *ctx, struct pl_post *post);
/* The dispatch behind postlint_check_stream and _buffer, with AS (or
 * NULL) as pl_ctx says. */
int pl_dispatch(const struct postlint_checker *chk,
    const struct postlint_input *in, FILE *fp, const char *buf, size_t len,
    const struct pl_post *as, postlint_result_fn on_result,
    postlint_error_fn on_error, void *data);
/* post.c, for readers: whether [S, S+N) is only white space. */
int pl_blank(const char *s, size_t n);
/* Reports an error about the input at LINE (0: the whole input). */
void pl_ctx_error(struct pl_ctx *ctx, long line, long col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Starts POST over window [P, P+N) of the input, at LINE and byte OFFSET. */
void pl_post_init(struct pl_ctx *ctx, struct pl_post *post, const char *p,
    size_t n, long line, long long offset);
/* Checks that [S, S+N) is UTF-8 without NUL bytes; reports and returns -1
 * when it is not.  LINE is the line S starts on. */
int pl_validate(struct pl_ctx *ctx, const char *s, size_t n, long line);

/* Front matter at the top of a window: returns the offset where the body
 * starts (0 without front matter, -1 after reporting an error). */
long pl_frontmatter(struct pl_ctx *ctx, struct pl_post *post);
/* Starts the one post of a whole-file input: checks its encoding, reads
 * its front matter when FRONT is set, and returns where the body starts;
 * -1 when the input cannot be judged (reported). */
long pl_whole_post(struct pl_ctx *ctx, struct pl_post *post, const char *buf,
    size_t len, int front);

void pl_read_text(struct pl_ctx *ctx, const char *buf, size_t len);
void pl_read_lines(struct pl_ctx *ctx, FILE *fp, const char *buf, size_t len);
/* The lines of FP, or of BUF when FP is NULL, in batches to FN (see
 * postlint_split_lines); FN NULL: each line is judged as it is read. */
void pl_split_lines(struct pl_ctx *ctx, FILE *fp, const char *buf, size_t len,
    postlint_batch_fn fn, void *data);
void pl_read_markdown(struct pl_ctx *ctx, const char *buf, size_t len);
void pl_read_html(struct pl_ctx *ctx, const char *buf, size_t len);
void pl_read_feed(struct pl_ctx *ctx, const char *buf, size_t len);
void pl_read_csv(struct pl_ctx *ctx, const char *buf, size_t len);
/* Appends the prose of HTML text [HTML, HTML+N) to POST, aligned with
 * window bytes from *CURSOR to LIMIT (a feed's escaped content). */
void pl_html_prose(struct pl_ctx *ctx, struct pl_post *post, const char *html,
    size_t n, size_t *cursor, size_t limit);

/* ---- report helpers ---- */
void pl_json_string(struct pl_buf *b, const char *s, size_t n);

#endif /* POSTLINT_INTERNAL_H */
