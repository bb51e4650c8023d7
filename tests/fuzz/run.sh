#!/bin/bash
# run.sh SECONDS TARGET... - runs each fuzz target (built by make
# fuzz-build) for SECONDS, from the team's seeds in tests/fuzz/seeds plus the
# project's own packs, configs and test posts, then replays every saved
# crasher in tests/fuzz/regress/TARGET.  A new crash is written to
# build-fuzz/crash-TARGET-* (copy it to tests/fuzz/regress/TARGET once
# fixed).  Prints the executions each target reached; ends with
# "N passed, N failed", one check per target and per regression input.
set -u
secs=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
export POSTLINT_DATADIR=$top
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0
for t in "$@"; do
	bin=build-fuzz/fuzz_$t
	work=build-fuzz/corpus/$t
	mkdir -p "$work"
	# -max_len reaches the size-driven paths: past fuzz_check's 64 KiB
	# post limit, past 10,000 elements inside one element of a pack or a
	# configuration; a front matter reaches 100,000 values by aliases and
	# 64 levels of nesting in far less
	max_len=262144
	case $t in
	check) extra=(tests/cli/sources) ;;
	pack) extra=(rules tests/cli/packs) ;;
	config) extra=(tests/cli/fixtures) ;;
	frontmatter) extra=() max_len=65536 ;;
	lsp) extra=() ;;
	esac
	log=build-fuzz/$t.log
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len="$max_len" \
		-print_final_stats=1 -artifact_prefix="build-fuzz/crash-$t-" \
		"$work" "tests/fuzz/seeds/$t" "${extra[@]}" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ $rc = 0 ]; then
		pass=$((pass + 1))
		echo "fuzz $t: ${runs:-?} executions in ${secs} s, no crash"
	else
		fail=$((fail + 1))
		echo "FAIL: fuzz $t (exit $rc):"
		grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$log" | head -n 25 | sed 's/^/    /'
	fi
	if [ -d "tests/fuzz/regress/$t" ]; then
		for f in tests/fuzz/regress/"$t"/*; do
			[ -f "$f" ] || continue
			if "$bin" "$f" >"$log.regress" 2>&1; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL: fuzz regression $f"
				grep -E 'ERROR|SUMMARY' "$log.regress" | head -n 5 | sed 's/^/    /'
			fi
		done
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
