# postlint - build, test, install.  See README.md.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share/postlint
MANDIR ?= $(PREFIX)/share/man

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = libpcre2-8 libxml-2.0 md4c yaml-0.1 hunspell jansson libutf8proc
BUILD ?= build

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes
ifeq ($(WERROR),1)
WARN += -Werror
endif
OPT ?= -O2 -g
PL_CFLAGS = -std=c11 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE $(WARN) $(OPT) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS)) -DDATADIR='"$(DATADIR)"' \
	$(CFLAGS) $(SAN)
# Snowball's libstemmer has no .pc file in Debian
PL_LDLIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lstemmer -lpthread -lm $(LDLIBS)

# The library by stage, in the order a post goes through them.
# Containers and XML every stage uses:
LIB_SRC = alloc.c \
	xml.c
# The way in (picks a reader, judges what it emits), the post and its
# source map, and the readers:
LIB_SRC += pipeline.c \
	source.c \
	post.c \
	frontmatter.c \
	read_text.c \
	read_markdown.c \
	read_html.c \
	read_feed.c \
	read_csv.c
# The checker and its packs, words and dictionaries:
LIB_SRC += checker.c \
	config.c \
	pack.c \
	regex.c \
	sequence.c \
	prefilter.c \
	spell.c \
	stem.c
# Judging a post: tokens, figures, rules, score:
LIB_SRC += engine.c \
	tokens.c \
	metrics.c \
	composite.c \
	score.c
# Reporters, which only read results:
LIB_SRC += report.c \
	report_text.c \
	report_json.c \
	report_sarif.c \
	report_xml.c
# The command: options, git, the language server, calibration.
CLI_SRC = main.c \
	options.c \
	git.c \
	lsp.c \
	calibrate.c
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT = tokens position pack score api spell lexicon prefilter
UNIT_BIN = $(UNIT:%=$(BUILD)/test_%)
HEADERS = checker/postlint.h checker/internal.h checker/report.h checker/cli.h

# The binary sits at the top of the tree, beside rules/ and dicts/, where it
# finds its data without installing; build-asan/ holds the sanitizer build.
ifeq ($(BUILD),build)
BIN = postlint
else
BIN = $(BUILD)/postlint
endif

all: $(BIN)

$(BUILD):
	mkdir -p $(BUILD)

$(BUILD)/%.o: checker/%.c $(HEADERS) | $(BUILD)
	$(CC) $(PL_CFLAGS) -c -o $@ $<

$(BUILD)/libpostlint.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BIN): $(CLI_OBJ) $(BUILD)/libpostlint.a
	$(CC) $(PL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libpostlint.a $(PL_LDLIBS)

$(BUILD)/test_%: tests/unit/test_%.c tests/unit/harness.h $(BUILD)/libpostlint.a
	$(CC) $(PL_CFLAGS) -Ichecker $(LDFLAGS) -o $@ $< $(BUILD)/libpostlint.a $(PL_LDLIBS)

unit: $(UNIT_BIN)

# Everything that can fail, then the same again under ASan and UBSan; the
# last line is "N passed, N failed".
check: all unit
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer' \
		SAN='-fsanitize=address,undefined -fno-sanitize-recover=all -DPL_FAULT_INJECTION' \
		all unit build-asan/fault-shim.so
	$(MAKE) BUILD=build-tsan CC=clang OPT='-O1 -g' SAN='-fsanitize=thread' all
	$(MAKE) fuzz-build
	FUZZ_SMOKE=$(FUZZ_SMOKE) bash tests/run.sh

# Fuzzing with libFuzzer (clang): build-fuzz/ holds the targets, built
# with ASan and UBSan.  `make fuzz` runs each for FUZZ_TIME seconds;
# `make check` runs each for FUZZ_SMOKE seconds and replays every input
# in tests/fuzz/regress.
FUZZ = check pack config frontmatter lsp
FUZZ_TIME ?= 600
FUZZ_SMOKE ?= 20
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all

fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=clang OPT='-O1 -g' \
		SAN='$(FUZZ_SAN) -fsanitize=fuzzer-no-link' \
		$(FUZZ:%=build-fuzz/fuzz_%)

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build-fuzz/libpostlint.a \
		build-fuzz/lsp.o build-fuzz/options.o
	$(CC) $(PL_CFLAGS) -D_GNU_SOURCE -fsanitize=fuzzer -Ichecker -o $@ $< \
		build-fuzz/lsp.o build-fuzz/options.o build-fuzz/libpostlint.a $(PL_LDLIBS)

# The read/write failure shim the fault-injection tests preload.
$(BUILD)/fault-shim.so: tests/fault/shim.c | $(BUILD)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -O1 -g -fPIC -shared -o $@ $< -ldl

# The golden cases under Valgrind's memcheck (run by CI before make check).
check-valgrind: all
	bash tests/valgrind.sh $(CURDIR)/postlint

fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ)

bench: all
	bash tests/bench/bench.sh

# Rule quality on the labeled corpora (../shared/corpora, read in place).
eval: all
	python3 tests/eval/eval.py

# The shipped rule weights, fitted on the corpora and the packs' examples
# (needs ../shared/corpora; the result, rules/weights/shipped.xml, is kept).
weights: all
	cd tests/eval && python3 weights.py

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules \
		$(DESTDIR)$(DATADIR)/dicts/niches $(DESTDIR)$(DATADIR)/dicts/en \
		$(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)
	install -m 755 postlint $(DESTDIR)$(BINDIR)/postlint
	install -m 644 rules/*.xml rules/*.rng $(DESTDIR)$(DATADIR)/rules
	mkdir -p $(DESTDIR)$(DATADIR)/rules/weights
	install -m 644 rules/weights/*.xml $(DESTDIR)$(DATADIR)/rules/weights
	install -m 644 dicts/*.txt $(DESTDIR)$(DATADIR)/dicts
	install -m 644 dicts/niches/*.txt $(DESTDIR)$(DATADIR)/dicts/niches
	install -m 644 dicts/en/* $(DESTDIR)$(DATADIR)/dicts/en
	install -m 644 man/postlint.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/postlint-rules.5 man/postlint.xml.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 build/libpostlint.a $(DESTDIR)$(LIBDIR)
	install -m 644 checker/postlint.h $(DESTDIR)$(INCLUDEDIR)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/postlint $(DESTDIR)$(MANDIR)/man1/postlint.1 \
		$(DESTDIR)$(MANDIR)/man5/postlint-rules.5 \
		$(DESTDIR)$(MANDIR)/man5/postlint.xml.5 \
		$(DESTDIR)$(LIBDIR)/libpostlint.a $(DESTDIR)$(INCLUDEDIR)/postlint.h
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-fuzz build-tsan postlint

.PHONY: all unit check check-valgrind bench eval weights install uninstall clean fuzz fuzz-build
