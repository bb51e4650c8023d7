# lib.sh - what the shell test scripts share; sourced after they set $tmp.
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
