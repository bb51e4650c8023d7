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

echo "$pass passed, $fail failed"
