#!/bin/bash
# run.sh - every test of postlint, then all of it again on the sanitizer
# build; the last line is "N passed, N failed".  Run by `make check`.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
export POSTLINT_DATADIR=$top
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0

# add LABEL OUTPUT: adds the "N passed, N failed" of OUTPUT's last line
add() {
	local label=$1 out=$2 line p f
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out"
		echo "FAIL: $label: no result line (crashed?)"
		fail=$((fail + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed}
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$f" = 0 ] || printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
	echo "$label: $line"
}

one() { # one LABEL CMD...: a single check that passes when CMD succeeds
	local label=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		printf '%s\n' "$out" | tail -n 20
		echo "FAIL: $label"
	fi
}

suite() { # suite NAME BIN BUILDDIR
	local name=$1 bin=$2 dir=$3 t
	for t in "$dir"/test_*; do
		[ -x "$t" ] || continue
		add "$name unit $(basename "$t")" "$("$t" 2>&1)"
	done
	add "$name golden" "$(bash tests/golden.sh "$bin" 2>&1)"
	add "$name integration" "$(bash tests/integration.sh "$bin" 2>&1)"
	add "$name clients" "$(bash tests/clients.sh "$bin" 2>&1)"
	add "$name hostile input" "$(bash tests/hostile.sh "$bin" 2>&1)"
	one "$name --test-rules" "$bin" --test-rules
}

suite plain "$top/postlint" build
for m in man/*.[0-9]; do
	one "mandoc -Tlint $m" mandoc -Tlint -Wwarning "$m"
done
one "--help lists every option in postlint(1)" bash tests/help-matches-man.sh "$top/postlint"
# ThreadSanitizer over a threaded run: many files, every format, errors
. tests/lang_tag.sh
tsan_jobs() {
	local d f
	d=$(mktemp -d) || return 1
	for f in $(seq 1 200); do
		printf 'Post %d: follow me please!!! we measured it, recieve the notes.\n' "$f" >"$d/p$f.txt"
	done
	cp -r tests/cli/sources "$d/"
	for f in text json sarif junit; do
		TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/postlint --no-config -j 4 \
			--format=$f "$d" >/dev/null 2>"$d/err"
		[ $? = 66 ] && { cat "$d/err"; rm -rf "$d"; return 1; }
	done
	# one --each-line input, judged by threads within it
	cat "$d"/p*.txt "$d"/p*.txt "$d"/p*.txt >"$d/lines.txt"
	for f in text jsonl; do
		TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/postlint --no-config -j 4 \
			--each-line --format=$f "$d/lines.txt" >/dev/null 2>"$d/err"
		[ $? = 66 ] && { cat "$d/err"; rm -rf "$d"; return 1; }
	done
	# more distinct words than the spell cache holds, twice over: words
	# leave the cache while other threads look them up and put them back
	python3 -c '
import itertools, string
w = ["q" + "".join(t) for t in itertools.islice(itertools.product(string.ascii_lowercase, repeat=5), 140000)]
for r in range(2):
    for i in range(0, len(w), 8):
        print(" ".join(w[i:i + 8]))
' >"$d/words.txt"
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/postlint --no-config -j 4 \
		--no-suggest --each-line --format=jsonl "$d/words.txt" >/dev/null 2>"$d/err"
	[ $? = 66 ] && { cat "$d/err"; rm -rf "$d"; return 1; }
	# a language no other post names in every post: the table of
	# dictionaries grows while other threads use it
	mkdir "$d/langs"
	for f in $(seq 0 399); do
		printf -- '---\npostlint:\n  lang: %s\n---\nNotes for %d.\n' "$(lang_tag "$f")" "$f" >"$d/langs/p$f.md"
	done
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/postlint --no-config -j 4 \
		"$d/langs" >/dev/null 2>"$d/err"
	[ $? = 66 ] && { cat "$d/err"; rm -rf "$d"; return 1; }
	rm -rf "$d"
}
if [ -x build-tsan/postlint ]; then
	one "ThreadSanitizer: -j 4 over a tree and within one --each-line file" tsan_jobs
else
	echo "FAIL: no ThreadSanitizer build (build-tsan/postlint)"
	fail=$((fail + 1))
fi
# libFuzzer smoke: each target for FUZZ_SMOKE seconds, two at a time, and
# every crasher kept in tests/fuzz/regress replayed
if ls build-fuzz/fuzz_* >/dev/null 2>&1; then
	bash tests/fuzz/run.sh "${FUZZ_SMOKE:-20}" check pack config >build-fuzz/smoke1.log 2>&1 &
	bash tests/fuzz/run.sh "${FUZZ_SMOKE:-20}" frontmatter lsp >build-fuzz/smoke2.log 2>&1
	wait
	add "fuzz smoke (check pack config)" "$(cat build-fuzz/smoke1.log)"
	add "fuzz smoke (frontmatter lsp)" "$(cat build-fuzz/smoke2.log)"
else
	echo "FAIL: no fuzz targets (make fuzz-build)"
	fail=$((fail + 1))
fi
if [ -x build-asan/postlint ]; then
	export SANITIZED=1
	suite asan "$top/build-asan/postlint" build-asan
	# allocation, read and write failures across the golden cases
	add "asan fault injection" "$(python3 tests/fault/fault.py build-asan/postlint build-asan/fault-shim.so 2>&1)"
else
	echo "FAIL: no sanitizer build (build-asan/postlint)"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
