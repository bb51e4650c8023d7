#!/bin/bash
# golden.sh BIN [--update] - the golden CLI cases in tests/cli.
#
# A case is a set of sibling files sharing a name:
#   NAME.args    options, as shell words (optional); "-" reads NAME.in on stdin
#   NAME.in      the input; appended as the last argument unless args hold "-"
#   NAME.out_FMT expected stdout with --format=FMT (text, gcc, json, jsonl)
#   NAME.out     expected stdout with no --format added
#   NAME.err     expected stderr (default: empty)
#   NAME.rc      expected exit status (default: 0)
# json output is also parsed by Python's json module, as a consumer would.
# The checkout's path in any output is written @TOP@.  --update rewrites the
# expected files from what BIN prints now: review the diff before committing.
# GOLDEN_WRAP is a command put before BIN (tests/valgrind.sh uses it), and
# GOLDEN_SHARD=I/N runs every Nth case from the Ith, to split a slow run,
# and GOLDEN_FIRST=1 only each case's first expected format.
set -u
bin=$1
update=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/tests/cli" || exit 2
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

names=$(ls | sed -n 's/\.\(args\|in\|out\|out_[a-z]*\)$//p' | sort -u)
wrap=()
[ -n "${GOLDEN_WRAP:-}" ] && read -r -a wrap <<<"$GOLDEN_WRAP"
shard=${GOLDEN_SHARD:-0/1}
index=-1
for name in $names; do
	index=$((index + 1))
	[ $((index % ${shard#*/})) = "${shard%/*}" ] || continue
	ls "$name".out* >/dev/null 2>&1 || continue
	args=()
	[ -f "$name.args" ] && eval "args=($(cat "$name.args"))"
	stdin=/dev/null
	use_stdin=0
	for a in "${args[@]+"${args[@]}"}"; do [ "$a" = - ] && use_stdin=1; done
	if [ -f "$name.in" ]; then
		if [ $use_stdin = 1 ]; then stdin=$name.in; else args+=("$name.in"); fi
	fi
	want_rc=0
	[ -f "$name.rc" ] && want_rc=$(cat "$name.rc")
	outs=("$name".out*)
	[ -n "${GOLDEN_FIRST:-}" ] && outs=("${outs[0]}")
	for out in "${outs[@]}"; do
		fmt=${out#"$name".out}
		fmt=${fmt#_}
		if [ -n "$fmt" ]; then
			${wrap[@]+"${wrap[@]}"} "$bin" --format="$fmt" "${args[@]+"${args[@]}"}" <"$stdin" >"$tmp/out" 2>"$tmp/err"
		else
			${wrap[@]+"${wrap[@]}"} "$bin" "${args[@]+"${args[@]}"}" <"$stdin" >"$tmp/out" 2>"$tmp/err"
		fi
		rc=$?
		# the checkout's own path varies from machine to machine
		sed -i "s|$top|@TOP@|g" "$tmp/out" "$tmp/err"
		if [ "$update" = --update ]; then
			cp "$tmp/out" "$out"
			if [ -s "$tmp/err" ]; then cp "$tmp/err" "$name.err"; else rm -f "$name.err"; fi
			if [ $rc != 0 ]; then echo $rc >"$name.rc"; else rm -f "$name.rc"; fi
			want_rc=$rc
		fi
		what=""
		[ "$rc" = "$want_rc" ] || what="exit status $rc, expected $want_rc"
		if ! cmp -s "$tmp/out" "$out"; then
			what="$what${what:+; }stdout differs: $(diff -u "$out" "$tmp/out" | head -n 20)"
		fi
		if [ -f "$name.err" ]; then
			cmp -s "$tmp/err" "$name.err" || what="$what${what:+; }stderr differs: $(diff -u "$name.err" "$tmp/err" | head -n 10)"
		elif [ -s "$tmp/err" ]; then
			what="$what${what:+; }unexpected stderr: $(head -n 5 "$tmp/err")"
		fi
		case $fmt in
		json) python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" 2>/dev/null ||
			what="$what${what:+; }not valid JSON" ;;
		jsonl) python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" 2>/dev/null ||
			what="$what${what:+; }not valid JSON lines" ;;
		esac
		if [ -z "$what" ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: tests/cli/$out: $what"
		fi
	done
done
echo "$pass passed, $fail failed"
