#!/bin/bash
# integration.sh BIN - what golden files cannot show: pipes, installs,
# symlinks, streams, and the examples in the man pages.  Ends with
# "N passed, N failed".
set -u
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"

# A closed pipe ends the run quietly: no message, and the exit status still
# says the posts failed.
closed_pipe() {
	local i
	for i in $(seq 1 3000); do echo "Follow me please $i"; done >"$tmp/many.txt"
	"$bin" --each-line "$tmp/many.txt" 2>"$tmp/pipe.err" | head -n 1 >/dev/null
	local rc=${PIPESTATUS[0]}
	[ "$rc" = 1 ] && [ ! -s "$tmp/pipe.err" ] || { echo "rc=$rc"; cat "$tmp/pipe.err"; return 1; }
}
check "closed pipe ends quietly" closed_pipe

# make install PREFIX=DIR gives a binary that finds its installed packs,
# and DESTDIR stages without touching PREFIX.
install_prefix() {
	make -C "$top" -s install PREFIX="$tmp/pfx" >/dev/null &&
	printf 'Follow me please!!!\n' | env -u POSTLINT_DATADIR "$tmp/pfx/bin/postlint" - >/dev/null
	[ $? = 1 ] || return 1
	# the installed binary uses the installed packs, not the checkout's
	env -u POSTLINT_DATADIR "$tmp/pfx/bin/postlint" --explain spam.follow-begging |
		grep -q "$tmp/pfx/share/postlint/rules/spam.xml" || return 1
	[ -f "$tmp/pfx/share/man/man1/postlint.1" ] && [ -f "$tmp/pfx/share/man/man5/postlint-rules.5" ] &&
	[ -f "$tmp/pfx/share/man/man5/postlint.xml.5" ] && [ -f "$tmp/pfx/include/postlint.h" ] || return 1
	make -C "$top" -s uninstall PREFIX="$tmp/pfx" >/dev/null &&
	[ ! -e "$tmp/pfx/bin/postlint" ] && [ ! -e "$tmp/pfx/share/postlint" ]
}
check "make install PREFIX, then uninstall" install_prefix
install_destdir() {
	make -C "$top" -s install DESTDIR="$tmp/stage" PREFIX=/opt/pl >/dev/null &&
	[ -x "$tmp/stage/opt/pl/bin/postlint" ] && [ -f "$tmp/stage/opt/pl/share/postlint/rules/spam.xml" ] &&
	[ ! -e /opt/pl ] &&
	POSTLINT_DATADIR="$tmp/stage/opt/pl/share/postlint" "$tmp/stage/opt/pl/bin/postlint" --test-rules >/dev/null
}
check "make install DESTDIR stages" install_destdir

# POSTLINT_DATADIR wins over everything else.
datadir_env() {
	mkdir -p "$tmp/dd/rules" "$tmp/dd/dicts/niches"
	cp "$top"/rules/*.rng "$top/rules/style.xml" "$tmp/dd/rules/"
	cp "$top"/dicts/*.txt "$tmp/dd/dicts/"
	POSTLINT_DATADIR="$tmp/dd" "$bin" --list-rules | grep -q '^style\.' &&
	! POSTLINT_DATADIR="$tmp/dd" "$bin" --list-rules | grep -q '^spam\.'
}
check "POSTLINT_DATADIR chooses the packs" datadir_env
datadir_empty() {
	mkdir -p "$tmp/nodata"
	POSTLINT_DATADIR="$tmp/nodata" "$bin" "$top/tests/cli/good.in" >/dev/null 2>"$tmp/nd.err"
	[ $? = 2 ] && grep -q "no rule packs in $tmp/nodata/rules" "$tmp/nd.err"
}
check "a data folder without packs is an error" datadir_empty

# Directory walks survive symlink loops and dangling links.
symlinks() {
	mkdir -p "$tmp/tree/a"
	printf 'Slides from the meetup are online.\n' >"$tmp/tree/a/p.txt"
	ln -s .. "$tmp/tree/a/up"
	ln -s nowhere.txt "$tmp/tree/a/dangling.txt"
	timeout 20 "$bin" --no-config --format=jsonl "$tmp/tree" >"$tmp/sl.out" 2>"$tmp/sl.err"
	local rc=$?
	[ "$rc" = 0 ] && [ "$(grep -c '"verdict"' "$tmp/sl.out")" = 1 ] &&
	grep -q 'dangling.txt: dangling symbolic link skipped' "$tmp/sl.err"
}
check "symlink loop and dangling link in a walk" symlinks

# An empty directory is judged as nothing.
mkdir -p "$tmp/empty"
check "empty directory exits 0" "$bin" --no-config "$tmp/empty"

# A binary file named on the command line is an error (found by a walk it
# is only skipped, see tests/cli/walk).
binary_named() {
	head -c 2048 /bin/sh >"$tmp/bin.txt"
	"$bin" --no-config "$tmp/bin.txt" "$top/tests/cli/good.in" >"$tmp/b.out" 2>"$tmp/b.err"
	[ $? = 2 ] && grep -q bin.txt "$tmp/b.err" && grep -q good.in "$tmp/b.out"
}
check "binary file named on the command line" binary_named

# --each-line streams: memory stays flat on a large input.
stream_memory() {
	yes 'We measured cold starts across three regions and wrote up the numbers.' |
		head -c 20000000 >"$tmp/big.txt"
	/usr/bin/time -f %M -o "$tmp/rss" "$bin" --no-config --each-line --format=jsonl \
		"$tmp/big.txt" >/dev/null 2>&1 || return 1
	local kb
	kb=$(tail -n 1 "$tmp/rss")
	echo "peak RSS ${kb} KiB"
	[ "$kb" -le 65536 ]
}
# (a sanitizer build keeps shadow memory and a quarantine: not a measure)
if [ -x /usr/bin/time ] && [ -z "${SANITIZED:-}" ]; then
	check "20 MB --each-line in bounded memory" stream_memory
fi

# A single line over --max-post-size is refused without holding it.
long_line() {
	head -c 5000000 /dev/zero | tr '\0' a >"$tmp/line.txt"
	echo >>"$tmp/line.txt"
	echo "Follow me please" >>"$tmp/line.txt"
	"$bin" --no-config --each-line --max-post-size=1M --format=gcc "$tmp/line.txt" \
		>"$tmp/ll.out" 2>"$tmp/ll.err"
	[ $? = 2 ] && grep -q 'line.txt:1: post is larger' "$tmp/ll.err" &&
	grep -q '^.*line.txt:2:1: error' "$tmp/ll.out"
}
check "a line over the size limit, the next one judged" long_line

# Inputs are never modified.
untouched() {
	cp -r "$top/examples" "$tmp/ex"
	local a b
	a=$(find "$tmp/ex" -type f -exec sha1sum {} + | sort)
	"$bin" "$tmp/ex" >/dev/null 2>&1
	b=$(find "$tmp/ex" -type f -exec sha1sum {} + | sort)
	[ "$a" = "$b" ]
}
check "checking modifies nothing" untouched

# The shipped examples behave as the README says.
examples() {
	"$bin" "$top/examples/good-post.txt" >/dev/null &&
	! "$bin" "$top/examples/follow-begging.txt" >/dev/null &&
	"$bin" --each-line --format=jsonl "$top/examples/queue.txt" >"$tmp/q.out"
	[ $? = 1 ] && [ "$(grep -c '"verdict":"pass"' "$tmp/q.out")" -ge 2 ] &&
	[ "$(grep -c '"verdict":"fail"' "$tmp/q.out")" -ge 2 ]
}
check "examples/ behave as the README says" examples

# The example pack in postlint-rules(5) loads and its examples hold.
man_pack() {
	sed -n '/^<?xml/,/^<\/pack>/p' "$top/man/postlint-rules.5" | sed 's/\\e/\\/g' >"$tmp/team.xml"
	"$bin" --no-config --rules "$tmp/team.xml" --test-rules
}
check "postlint-rules(5) example pack passes --test-rules" man_pack

# The example config in postlint.xml(5) validates (its extra pack aside).
man_config() {
	mkdir -p "$tmp/cfg/rules"
	sed -n '/^<?xml/,/^<\/postlint>/p' "$top/man/postlint.xml.5" >"$tmp/cfg/.postlint.xml"
	sed -n '/^<?xml/,/^<\/pack>/p' "$top/man/postlint-rules.5" | sed 's/\\e/\\/g; s/id="team/id="house/g' \
		>"$tmp/cfg/rules/house-style.xml"
	printf 'Our rollback runbook, step by step.\n' >"$tmp/cfg/post.txt"
	"$bin" --print-config "$tmp/cfg/post.txt" | grep -q 'threshold: 70' &&
	"$bin" "$tmp/cfg/post.txt" >/dev/null
}
check "postlint.xml(5) example config loads" man_config

# NO_COLOR and pipes: no escape codes unless stdout is a terminal.
no_color() {
	! "$bin" "$top/tests/cli/bad.in" | grep -q $'\033'
}
check "no colour on a pipe" no_color
if command -v script >/dev/null 2>&1; then
	color_tty() {
		script -qec "$bin --no-config $top/tests/cli/bad.in" /dev/null </dev/null | grep -q $'\033\[' &&
		! NO_COLOR=1 script -qec "$bin --no-config $top/tests/cli/bad.in" /dev/null </dev/null | grep -q $'\033\['
	}
	check "colour on a terminal unless NO_COLOR" color_tty
fi

# -j: reports in input order, byte for byte those of -j 1, in every format,
# with errors, notes, feeds and CSV files among many small posts.
jobs_same() {
	local d=$tmp/jtree i f
	mkdir -p "$d/a" "$d/b/c" "$d/z"
	for i in $(seq 1 120); do
		printf 'Post %d: we measured the cold start again, %d ms.\n' "$i" "$i" >"$d/a/p$i.txt"
		printf 'Follow me please!!! #f4f %d\n' "$i" >"$d/b/c/q$i.md"
	done
	cp "$top/tests/cli/sources/feed.rss" "$top/tests/cli/sources/queue.csv" "$top/tests/cli/sources/bad-yaml.md" "$d/z/"
	printf 'bad \xff byte\n' >"$d/a/p50.txt"
	head -c 2000 /bin/sh >"$d/b/prog.txt"
	ln -s "$d/nowhere" "$d/b/dangling.txt"
	# text, gcc and jsonl are written by the workers, the others copied;
	# "quiet" is text with --quiet, whose passing posts write nothing
	for f in text gcc json jsonl sarif checkstyle junit github quiet; do
		local fo=--format=$f
		[ $f = quiet ] && fo=--quiet
		"$bin" --no-config -j 1 $fo "$d" nosuch.txt >"$tmp/j1.out" 2>"$tmp/j1.err"
		local r1=$?
		"$bin" --no-config -j 3 $fo "$d" nosuch.txt >"$tmp/j3.out" 2>"$tmp/j3.err"
		local r3=$?
		[ $r1 = $r3 ] && [ $r1 = 2 ] && cmp "$tmp/j1.out" "$tmp/j3.out" && cmp "$tmp/j1.err" "$tmp/j3.err" ||
			{ echo "format $f differs (exit $r1 / $r3)"; diff "$tmp/j1.out" "$tmp/j3.out" | head; diff "$tmp/j1.err" "$tmp/j3.err" | head; return 1; }
	done
	# and a closed pipe still ends a threaded run quietly
	"$bin" --no-config -j 2 "$d" 2>"$tmp/jp.err" | head -n 1 >/dev/null
	[ ! -s "$tmp/jp.err" ] || ! grep -v 'skipped\|invalid UTF-8\|front matter\|No such' "$tmp/jp.err"
}
check "-j 3: reports byte for byte those of -j 1" jobs_same
# The worker pool must always end: a lost wake-up once left a worker
# waiting for room in the window after every task was reported (about 1
# run in 40 hung).  Many short threaded runs, each given 20 seconds.
jobs_end() {
	local d=$tmp/jend i
	mkdir -p "$d/a" "$d/b"
	for i in $(seq 1 300); do
		printf 'Post %d: we measured it.\n' "$i" >"$d/a/p$i.txt"
		printf 'Follow me please!!! %d\n' "$i" >"$d/b/q$i.md"
	done
	for i in $(seq 1 20); do
		for j in 3 8; do
			timeout 20 "$bin" --no-config --no-spelling -j $j --format=junit "$d" >/dev/null 2>&1
			[ $? = 124 ] && { echo "run $i with -j $j hung"; return 1; }
		done
	done
	return 0
}
check "-j runs always end" jobs_end
# One --each-line input is judged by threads within it: byte for byte
# what one thread reports, in every format, from a file and from stdin,
# with a BOM, CRLF lines, bad bytes, a line over --max-post-size and
# thousands of posts (more than a few batches); a closed pipe still ends
# it quietly, and many short runs always end.
lines_same() {
	local f=$tmp/lines.txt i fmt
	{
		printf '\xef\xbb\xbfFirst post after a BOM, follow me please\r\n'
		for i in $(seq 1 3000); do
			case $((i % 7)) in
			0) printf 'Post %d: we measured the cold start again, %d ms.\n' "$i" "$i" ;;
			1) printf 'Follow me please!!! #f4f %d\r\n' "$i" ;;
			2) printf 'bad \xff byte on %d\n' "$i" ;;
			3) printf '\n' ;;
			4) head -c 3000 /dev/zero | tr '\0' 'a'; printf ' %d\n' "$i" ;;
			*) printf 'SHOUTING ABOUT THE RELEASE %d, recieve it\n' "$i" ;;
			esac
		done
		printf 'last line without a break'
	} >"$f"
	for fmt in text gcc json jsonl sarif checkstyle junit github; do
		"$bin" --no-config --each-line --max-post-size=2000 -j 1 --format=$fmt "$f" >"$tmp/l1.out" 2>"$tmp/l1.err"
		local r1=$?
		"$bin" --no-config --each-line --max-post-size=2000 -j 2 --format=$fmt "$f" >"$tmp/l2.out" 2>"$tmp/l2.err"
		local r2=$?
		"$bin" --no-config --each-line --max-post-size=2000 -j 5 --format=$fmt - <"$f" >"$tmp/l5.out" 2>"$tmp/l5.err"
		local r5=$?
		"$bin" --no-config --each-line --max-post-size=2000 -j 1 --format=$fmt - <"$f" >"$tmp/l1s.out" 2>"$tmp/l1s.err"
		[ $r1 = 2 ] && [ $r2 = 2 ] && [ $r5 = 2 ] && cmp "$tmp/l1.out" "$tmp/l2.out" && cmp "$tmp/l1.err" "$tmp/l2.err" &&
			cmp "$tmp/l1s.out" "$tmp/l5.out" && cmp "$tmp/l1s.err" "$tmp/l5.err" ||
			{ echo "format $fmt differs (exit $r1 / $r2 / $r5)"; diff "$tmp/l1.out" "$tmp/l2.out" | head -5; return 1; }
	done
	grep -q 'larger than --max-post-size' "$tmp/l1.err" && grep -q 'invalid UTF-8' "$tmp/l1.err" || return 1
	grep -a 'Post\|Follow' "$f" >"$tmp/lines-ok.txt"
	"$bin" --no-config --each-line -j 2 "$tmp/lines-ok.txt" 2>"$tmp/lp.err" | head -n 1 >/dev/null
	[ "${PIPESTATUS[0]}" != 2 ] && [ ! -s "$tmp/lp.err" ] || return 1
	for i in $(seq 1 20); do
		timeout 20 "$bin" --no-config --no-spelling --each-line -j 3 --format=jsonl "$f" >/dev/null 2>&1
		[ $? = 124 ] && { echo "run $i hung"; return 1; }
	done
	return 0
}
check "--each-line with threads: byte for byte one thread's report" lines_same
jobs_usage() {
	"$bin" -j 0 /dev/null 2>"$tmp/ju.err"
	[ $? = 2 ] && grep -qx "postlint: -j: '0' is not a number of threads (1-256)" "$tmp/ju.err"
}
check "-j needs a number of threads" jobs_usage

# A write error that is not a closed pipe: the report is incomplete, and
# postlint says so and exits 2 rather than 1.
full_disk() {
	printf 'Follow me please!!!\n' | "$bin" --no-config - >/dev/full 2>"$tmp/full.err"
	[ $? = 2 ] && grep -qx 'postlint: cannot write the report: No space left on device' "$tmp/full.err"
}
if [ -w /dev/full ]; then
	check "a full disk is an error, not a closed pipe" full_disk
fi

echo "$pass passed, $fail failed"
