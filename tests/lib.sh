# lib.sh - what the shell test scripts share: a scratch folder $tmp removed
# at exit, the counts, and check.  Sourced once $top is set.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME CMD...: passes when CMD succeeds; shows its output if not
	local name=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		sed 's/^/    /' "$tmp/check.out" | head -n 25
	fi
}
