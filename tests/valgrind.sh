#!/bin/bash
# valgrind.sh BIN - the golden CLI cases again, each under Valgrind's
# memcheck: any invalid read or write, use of an uninitialised value, or
# definite or indirect leak makes the case fail (exit 99 and the report on
# stderr).  PCRE2's JIT is off (POSTLINT_NO_JIT=1): memcheck cannot see
# what JIT-compiled code initialises.  Each case runs once, with its first
# expected format (the plain and sanitizer suites run every format), in one
# shard per core.
# Ends with "N passed, N failed".  Run by `make check-valgrind`.
set -u
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v valgrind >/dev/null 2>&1; then
	echo "FAIL: valgrind is not installed"
	echo "0 passed, 1 failed"
	exit 1
fi
export POSTLINT_NO_JIT=1 POSTLINT_DATADIR=$top GOLDEN_FIRST=1
export GOLDEN_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"
n=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 0 $((n - 1))); do
	GOLDEN_SHARD=$i/$n bash "$top/tests/golden.sh" "$bin" >"$tmp/$i" 2>&1 &
done
wait
pass=0 fail=0
for i in $(seq 0 $((n - 1))); do
	grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/$i"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/$i" | tail -n 1)
	if [ -z "$line" ]; then
		fail=$((fail + 1))
		continue
	fi
	pass=$((pass + ${line%% passed*}))
	f=${line#*passed, }
	fail=$((fail + ${f%% failed}))
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
