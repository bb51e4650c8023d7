#!/bin/bash
# clients.sh BIN - postlint with the real tools users run it from: git
# (--install-hook, --staged), the pre-commit framework, Vim with ALE,
# Neovim's LSP client, a scripted LSP client, and the consumers of the CI
# report formats (the SARIF 2.1.0 schema, XPath over checkstyle and JUnit).
# A client that is not installed is skipped with a message saying so; CI
# installs them all.  Ends with "N passed, N failed".
set -u
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
skip=0
skip() { # skip WHAT WHY
	skip=$((skip + 1))
	echo "SKIP: $1: $2"
}
have() { command -v "$1" >/dev/null 2>&1; }

bad='Follow me please!!! Tag a friend who needs this #f4f #l4l'
good='We measured cold starts in three regions; the numbers and the scripts are in the post.'

# ---- CI report formats -------------------------------------------------

# The inputs the formats are tried on: several posts, a failing one, a
# Markdown post, a feed, an empty input, and a name that needs escaping.
mkdir -p "$tmp/in/a dir"
printf '%s\n%s\nThs has a typo & an <angle> "quote".\n' "$bad" "$good" >"$tmp/in/lines.txt"
cp "$top/tests/cli/sources/post.md" "$tmp/in/a dir/post,1:x%.md"
cp "$top/tests/cli/sources/feed.rss" "$tmp/in/feed.rss"
: >"$tmp/in/empty.txt"

# SARIF: validated against the published 2.1.0 schema, which the npm
# package @microsoft/jest-sarif ships; fetched once into tests/.deps (with
# npm, else straight from the npm registry with curl) and checked against
# the tarball's known SHA-256.
schema=$top/tests/.deps/sarif-2.1.0-rtm.5.json
tgz_sha=748e2c3d1a842e7bb258416685c7ea3a0da40005b72267b2052c2856d48ad102
fetch_schema() {
	local d=$tmp/npm t
	mkdir -p "$top/tests/.deps" "$d" || return 1
	if have npm; then
		(cd "$d" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1)
	fi
	t=$(ls "$d"/*.tgz 2>/dev/null | head -n 1)
	if [ -z "$t" ] && have curl; then
		t=$d/jest-sarif.tgz
		curl -fsS -o "$t" https://registry.npmjs.org/@microsoft/jest-sarif/-/jest-sarif-1.0.0-beta.0.tgz || return 1
	fi
	[ -n "$t" ] && [ "$(sha256sum <"$t" | cut -d' ' -f1)" = "$tgz_sha" ] &&
	tar -xzf "$t" -C "$d" package/lib/schemas/sarif-2.1.0-rtm.5.json &&
	cp "$d/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
}
[ -s "$schema" ] || fetch_schema
sarif_valid() { # sarif_valid ARGS...: the report validates and says what it should
	"$bin" --format=sarif --no-config "$@" >"$tmp/r.sarif"
	[ $? -le 1 ] || return 1
	python3 - "$schema" "$tmp/r.sarif" <<'EOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft4Validator(schema).validate(doc)
run = doc["runs"][0]
rules = run["tool"]["driver"]["rules"]
for r in run["results"]:
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"], r
    reg = r["locations"][0]["physicalLocation"]["region"]
    assert reg["startLine"] >= 1 and reg["startColumn"] >= 1, r
for r in rules:
    assert r["shortDescription"]["text"] and "{" not in r["shortDescription"]["text"], r
EOF
}
if [ -s "$schema" ] && python3 -c 'import jsonschema' 2>/dev/null; then
	check "sarif: each-line posts validate" sarif_valid --each-line "$tmp/in/lines.txt"
	check "sarif: markdown and odd path validate" sarif_valid "$tmp/in/a dir"
	check "sarif: feed validates" sarif_valid "$tmp/in/feed.rss"
	check "sarif: empty input validates" sarif_valid "$tmp/in/empty.txt"
	check "sarif: errors validate, run marked unsuccessful" bash -c '
		"$0" --format=sarif --no-config "$1" /nonexistent >"$2/e.sarif" 2>/dev/null
		[ $? = 2 ] && grep -q "\"executionSuccessful\":false" "$2/e.sarif"' \
		"$bin" "$tmp/in/lines.txt" "$tmp"
	sarif_facts() {
		"$bin" --format=sarif --no-config --each-line "$tmp/in/lines.txt" >"$tmp/f.sarif"
		python3 - "$tmp/f.sarif" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
res = run["results"]
f = [r for r in res if r["ruleId"] == "spam.follow-begging"][0]
assert f["level"] == "error" and f["locations"][0]["physicalLocation"]["region"] == \
    {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 17}, f
x = [r for r in res if r["ruleId"] == "style.exclamation-run"][0]
assert x["level"] == "warning" and x["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "!", x
v = [r for r in res if r["ruleId"] == "postlint.verdict"]
assert len(v) == 1 and v[0]["properties"]["score"] < 60, v
assert run["columnKind"] == "unicodeCodePoints"
EOF
	}
	check "sarif: levels, regions, fixes, one verdict" sarif_facts
	check "sarif: path percent-encoded" bash -c '"$0" --format=sarif --no-config "$1" | grep -q "a%20dir/post%2C1%3Ax%25.md"' "$bin" "$tmp/in/a dir"
else
	skip "sarif schema validation" "needs the schema (npm or curl to fetch @microsoft/jest-sarif) and python3-jsonschema"
fi

# checkstyle and JUnit have no official schema: well-formed by xmllint,
# and the elements and attributes their consumers read, by XPath.
xq() { xmllint --xpath "$2" "$1" 2>/dev/null; }
checkstyle_facts() {
	"$bin" --format=checkstyle --no-config --each-line "$tmp/in/lines.txt" "$tmp/in/a dir" "$tmp/in/empty.txt" >"$tmp/c.xml"
	[ $? = 1 ] || return 1
	xmllint --noout "$tmp/c.xml" &&
	[ "$(xq "$tmp/c.xml" 'string(/checkstyle/@version)')" = 4.3 ] &&
	[ "$(xq "$tmp/c.xml" 'count(/checkstyle/file)')" = 2 ] &&
	[ "$(xq "$tmp/c.xml" "string(/checkstyle/file[1]/error[@source='spam.follow-begging']/@line)")" = 1 ] &&
	[ "$(xq "$tmp/c.xml" "string(/checkstyle/file[1]/error[@source='spam.follow-begging']/@column)")" = 1 ] &&
	[ "$(xq "$tmp/c.xml" "string(/checkstyle/file[1]/error[@source='spam.follow-begging']/@severity)")" = error ] &&
	[ "$(xq "$tmp/c.xml" "count(/checkstyle/file[1]/error[@source='spelling.unknown'][@line=3])")" = 1 ] &&
	[ "$(xq "$tmp/c.xml" "count(//error[@source='postlint.verdict'])")" -ge 1 ] &&
	[ "$(xq "$tmp/c.xml" 'string(/checkstyle/file[2]/@name)')" = "$tmp/in/a dir/post,1:x%.md" ] &&
	[ "$(xq "$tmp/c.xml" 'count(//error[not(@line) or not(@severity) or not(@message) or not(@source)])')" = 0 ]
}
junit_facts() {
	"$bin" --format=junit --no-config --each-line "$tmp/in/lines.txt" >"$tmp/j.xml"
	[ $? = 1 ] || return 1
	xmllint --noout "$tmp/j.xml" &&
	[ "$(xq "$tmp/j.xml" 'string(/testsuites/testsuite/@tests)')" = 3 ] &&
	[ "$(xq "$tmp/j.xml" 'string(/testsuites/testsuite/@failures)')" = 1 ] &&
	[ "$(xq "$tmp/j.xml" 'count(//testcase)')" = 3 ] &&
	[ "$(xq "$tmp/j.xml" 'count(//testcase[failure])')" = 1 ] &&
	[ "$(xq "$tmp/j.xml" 'string(//testcase[failure]/@line)')" = 1 ] &&
	xq "$tmp/j.xml" 'string(//testcase[failure]/failure)' | grep -q 'spam.follow-begging' &&
	[ "$(xq "$tmp/j.xml" 'count(//testcase[@line=2]/failure)')" = 0 ]
}
hostile_xml() { # control characters and invalid UTF-8 in a post and a name
	printf 'Follow me please \001\033[31m now \377\376 ok\n' >"$tmp/in/ctl$(printf '\001')name.txt"
	"$bin" --format=checkstyle --no-config "$tmp/in/ctl$(printf '\001')name.txt" >"$tmp/h1.xml" 2>/dev/null
	"$bin" --format=junit --no-config "$tmp/in/ctl$(printf '\001')name.txt" >"$tmp/h2.xml" 2>/dev/null
	xmllint --noout "$tmp/h1.xml" && xmllint --noout "$tmp/h2.xml"
}
if have xmllint; then
	check "checkstyle: well-formed, attributes reviewdog reads" checkstyle_facts
	check "junit: well-formed, a test case per post, failures" junit_facts
	check "checkstyle/junit: hostile bytes stay well-formed" hostile_xml
	check "checkstyle/junit: empty run is a well-formed document" bash -c '
		"$0" --format=checkstyle --no-config </dev/null | xmllint --noout - &&
		"$0" --format=junit --no-config </dev/null | xmllint --noout -' "$bin"
else
	skip "checkstyle/junit validation" "xmllint (libxml2-utils) not installed"
fi

github_facts() {
	"$bin" --format=github --no-config --each-line "$tmp/in/lines.txt" >"$tmp/g.txt"
	[ $? = 1 ] &&
	grep -qx '::error file=[^,]*lines.txt,line=1,col=1,endLine=1,endColumn=17,title=spam.follow-begging::Begs for follows ("Follow me please"): give readers a reason to follow instead' "$tmp/g.txt" &&
	grep -q '^::warning file=.*,title=style.exclamation-run::' "$tmp/g.txt" &&
	grep -q '^::error file=.*,line=1,title=postlint.verdict::post fails: spam.follow-begging is an error; score' "$tmp/g.txt" &&
	! grep -v '^::\(error\|warning\|notice\) file=' "$tmp/g.txt" &&
	# properties escape ',' and ':'; values escape '%' and newlines
	"$bin" --format=github --no-config "$tmp/in/a dir" | grep -q 'file=[^:]*a dir/post%2C1%3Ax%25.md,'
}
check "github: workflow commands, escaped" github_facts

# ---- git: --install-hook and --staged ----------------------------------

newrepo() { # newrepo DIR: an empty repository with an identity
	rm -rf "$1" && git init -q "$1" && git -C "$1" config user.email t@example.org &&
	git -C "$1" config user.name Tester
}
hook_blocks_staged() { # staged bad, working copy good: blocked
	local r=$tmp/g1
	newrepo "$r" && cd "$r" &&
	"$bin" --install-hook >/dev/null && [ -x .git/hooks/pre-commit ] &&
	printf '%s\n' "$bad" >post.md && git add post.md &&
	printf '%s\n' "$good" >post.md &&
	if git commit -qm bad >"$tmp/commit.out" 2>&1; then
		echo "commit went through"; return 1
	fi
	grep -q 'post.md:1:1: error: Begs for follows' "$tmp/commit.out" &&
	grep -q 'commit is refused' "$tmp/commit.out" &&
	[ "$(git rev-list --count --all)" = 0 ]
}
hook_passes_staged() { # staged good, working copy bad: commits
	local r=$tmp/g2
	newrepo "$r" && cd "$r" &&
	"$bin" --install-hook >/dev/null &&
	printf '%s\n' "$good" >post.md && git add post.md &&
	printf '%s\n' "$bad" >post.md &&
	git commit -qm good && [ "$(git rev-list --count HEAD)" = 1 ]
}
hook_skips_others() { # only post files; deleted and hidden files are not read
	local r=$tmp/g3
	newrepo "$r" && cd "$r" &&
	printf '%s\n' "$bad" >old.md && git add old.md && git commit -qm base --no-verify &&
	"$bin" --install-hook >/dev/null &&
	git rm -q old.md && printf '%s\n' "$bad" >script.sh && printf 'x\n' >.postlint-notes.txt &&
	mkdir node_modules && printf '%s\n' "$bad" >node_modules/x.md &&
	git add -f script.sh .postlint-notes.txt node_modules/x.md && git commit -qm other
}
hook_refuses_other() { # another hook stays unless --force; ours is replaced
	local r=$tmp/g4
	newrepo "$r" && cd "$r" &&
	printf '#!/bin/sh\necho mine\n' >.git/hooks/pre-commit &&
	! "$bin" --install-hook 2>"$tmp/err" &&
	grep -q 'another pre-commit hook is there; it is kept (--force replaces it)' "$tmp/err" &&
	grep -q 'echo mine' .git/hooks/pre-commit &&
	"$bin" --install-hook --force >/dev/null && grep -q -- '--staged' .git/hooks/pre-commit &&
	"$bin" --install-hook --scheduled >/dev/null && grep -q -- "--staged '--scheduled'" .git/hooks/pre-commit &&
	"$bin" --install-hook --scheduled | grep -q 'already installed' &&
	[ -z "$(ls -a .git/hooks | grep '^\.pre-commit\.')" ]
}
hook_keeps_edited() { # a postlint hook the user edited, or one that quotes the marker, is kept
	local r=$tmp/g8
	newrepo "$r" && cd "$r" &&
	"$bin" --install-hook >/dev/null && printf 'echo my own line\n' >>.git/hooks/pre-commit &&
	! "$bin" --install-hook --scheduled 2>"$tmp/err" &&
	grep -q "pre-commit: the hook is not as postlint wrote it (edited, or another tool's); it is kept (--force replaces it)" "$tmp/err" &&
	grep -q 'echo my own line' .git/hooks/pre-commit &&
	printf '#!/bin/sh\n# postlint pre-commit hook, written by postlint --install-hook.\nrun-my-linters\n' >.git/hooks/pre-commit &&
	! "$bin" --install-hook 2>/dev/null && grep -q run-my-linters .git/hooks/pre-commit &&
	"$bin" --install-hook --force >/dev/null && ! grep -q run-my-linters .git/hooks/pre-commit
}
hook_text_exact() { # the hook is byte for byte the documented one; reinstalling over it works
	local r=$tmp/g9 self
	newrepo "$r" && cd "$r" &&
	"$bin" --install-hook --scheduled >/dev/null && self=$(readlink -f "$bin") &&
	printf '%s\n' '#!/bin/sh' \
		'# postlint pre-commit hook, written by postlint --install-hook.' \
		'# It checks the staged version of every added or modified post' \
		'# file, so a commit of a failing post is refused.  To commit' \
		'# anyway, once: git commit --no-verify' \
		"postlint='$self'" \
		'[ -x "$postlint" ] || postlint=postlint' \
		"exec \"\$postlint\" --staged '--scheduled'" >"$tmp/want-hook" &&
	cmp "$tmp/want-hook" .git/hooks/pre-commit &&
	"$bin" --install-hook -j 2 --exclude "a'b" >/dev/null &&
	grep -q "^exec \"\$postlint\" --staged '-j' '2' '--exclude' 'a'\\\\''b'$" .git/hooks/pre-commit &&
	"$bin" --install-hook >/dev/null
}
hook_unwritable() { # git refusing the repository, or a hooks folder not writable: our message
	local r=$tmp/g10 as=()
	newrepo "$r" && chmod -R a+rX "$tmp" &&
	if [ "$(id -u)" = 0 ]; then
		have setpriv || return 0
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=$tmp/nobody)
		# root's repository, used by another user: git refuses it
		mkdir -p "$tmp/nobody" && cd "$r" &&
		! "${as[@]}" "$bin" --install-hook 2>"$tmp/err" &&
		grep -q "^postlint: --install-hook: git cannot name this repository's hooks folder" "$tmp/err" &&
		! grep -q 'dubious' "$tmp/err" &&
		printf '[safe]\n\tdirectory = %s\n' "$r" >"$tmp/nobody/.gitconfig" && chmod a+r "$tmp/nobody/.gitconfig"
	else
		cd "$r" && chmod a-w .git/hooks
	fi &&
	! "${as[@]}" "$bin" --install-hook 2>"$tmp/err" &&
	grep -q '^postlint: .git/hooks: cannot write the hook in this folder (Permission denied); nothing was installed$' "$tmp/err" &&
	[ ! -e .git/hooks/pre-commit ]
}
hook_symlink() { # a symlink at the hook's place is replaced, never written through
	local r=$tmp/g5
	newrepo "$r" && cd "$r" &&
	printf 'precious\n' >"$tmp/outside" && ln -s "$tmp/outside" .git/hooks/pre-commit &&
	! "$bin" --install-hook 2>/dev/null && "$bin" --install-hook --force >/dev/null &&
	[ "$(cat "$tmp/outside")" = precious ] && [ ! -L .git/hooks/pre-commit ]
}
hook_hookspath() { # core.hooksPath and worktrees: where git looks
	local r=$tmp/g6
	newrepo "$r" && cd "$r" && git config core.hooksPath githooks &&
	"$bin" --install-hook >/dev/null && [ -x githooks/pre-commit ] &&
	printf '%s\n' "$bad" >a.txt && git add a.txt && ! git commit -qm bad 2>/dev/null &&
	git config --unset core.hooksPath && printf '%s\n' "$good" >a.txt && git add a.txt &&
	git commit -qm base --no-verify && git worktree add -q ../g6wt 2>/dev/null &&
	cd ../g6wt && "$bin" --install-hook >/dev/null &&
	[ -x "$(git rev-parse --git-path hooks)/pre-commit" ] &&
	printf '%s\n' "$bad" >b.txt && git add b.txt && ! git commit -qm bad 2>/dev/null
}
hook_scheduled() { # options given at install reach the hook: --scheduled
	local r=$tmp/g7
	newrepo "$r" && cd "$r" &&
	"$bin" --install-hook --scheduled --now 2031-01-01 >/dev/null &&
	printf -- '---\ndate: 2030-06-01\n---\n%s\n' "$bad" >past.md && git add past.md &&
	git commit -qm past &&
	printf -- '---\ndate: 2031-06-01\n---\n%s\n' "$bad" >future.md && git add future.md &&
	! git commit -qm future 2>/dev/null
}
staged_outside() {
	cd "$tmp" && ! "$bin" --staged 2>"$tmp/err" && grep -q 'not in a git working tree' "$tmp/err"
}
if have git; then
	export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
	check "hook: staged bad + working good is blocked" hook_blocks_staged
	check "hook: staged good + working bad commits" hook_passes_staged
	check "hook: deleted, non-post and hidden files are not checked" hook_skips_others
	check "hook: another hook is kept without --force" hook_refuses_other
	check "hook: an edited hook, or one quoting the marker, is kept" hook_keeps_edited
	check "hook: the text written is the documented one" hook_text_exact
	check "hook: an unusable repository or hooks folder gets our message" hook_unwritable
	check "hook: a symlinked hook is replaced, not followed" hook_symlink
	check "hook: core.hooksPath and worktrees" hook_hookspath
	check "hook: --scheduled given at install" hook_scheduled
	check "--staged outside a repository" staged_outside
	cd "$top"

	# The pre-commit framework with the repository's .pre-commit-hooks.yaml,
	# from a hook repository holding this checkout's copy of it.
	precommit() {
		local hr=$tmp/hookrepo r=$tmp/pc rev
		newrepo "$hr" && cp "$top/.pre-commit-hooks.yaml" "$hr/" &&
		git -C "$hr" add .pre-commit-hooks.yaml && git -C "$hr" commit -qm hooks &&
		rev=$(git -C "$hr" rev-parse HEAD) &&
		newrepo "$r" && cd "$r" &&
		printf 'repos:\n- repo: %s\n  rev: %s\n  hooks:\n  - id: postlint\n' "$hr" "$rev" >.pre-commit-config.yaml &&
		git add .pre-commit-config.yaml &&
		PATH=$(dirname "$bin"):$PATH PRE_COMMIT_HOME=$tmp/pchome pre-commit install >/dev/null &&
		printf '%s\n' "$bad" >post.md && git add post.md &&
		if PATH=$(dirname "$bin"):$PATH PRE_COMMIT_HOME=$tmp/pchome git commit -qm bad >"$tmp/pc.out" 2>&1; then
			echo "bad post committed"; cat "$tmp/pc.out"; return 1
		fi
		grep -q 'postlint.*Failed' "$tmp/pc.out" &&
		grep -q 'post.md:1:1: error: Begs for follows' "$tmp/pc.out" &&
		printf '%s\n' "$good" >post.md && git add post.md &&
		PATH=$(dirname "$bin"):$PATH PRE_COMMIT_HOME=$tmp/pchome git commit -qm good >"$tmp/pc.out" 2>&1 ||
			{ cat "$tmp/pc.out"; return 1; }
		grep -q 'postlint.*Passed' "$tmp/pc.out"
	}
	if have pre-commit; then
		check "pre-commit framework: bad post blocked, good one commits" precommit
	else
		skip "pre-commit framework" "pre-commit not installed (Debian package pre-commit)"
	fi
	cd "$top"
else
	skip "git hooks" "git not installed"
fi

# ---- editors --------------------------------------------------------------

check "scripted LSP client" python3 "$top/tests/editors/lsp_client.py" "$bin"

printf 'Nice day.\n\xf0\x9f\x98\x80 follow me please!!! #f4f\n' >"$tmp/draft.txt"
ale() {
	TOP=$top POSTLINT=$bin DRAFT=$tmp/draft.txt OUT=$tmp/ale.json HOME=$tmp \
	timeout 60 vim -N -u "$top/tests/editors/ale_vimrc.vim" -i NONE --not-a-term \
		-c "source $top/tests/editors/ale_run.vim" </dev/null >/dev/null 2>&1
	python3 - "$tmp/ale.json" <<'EOF'
import json, sys
items = json.load(open(sys.argv[1]))
print(items)
f = [i for i in items if "Begs for follows" in i["text"]]
# ALE counts bytes: the emoji is 4 bytes and a space, so "follow" is at 6
assert f and f[0]["lnum"] == 2 and f[0]["col"] == 6 and f[0]["type"] == "E", items
assert any(i["type"] == "W" and "#f4f" in i["text"] for i in items), items
EOF
}
if have vim && [ -d /usr/share/vim/vimfiles/pack/dist-bundle/opt/ale ]; then
	check "Vim + ALE shows postlint's findings in the loclist" ale
else
	skip "Vim + ALE" "vim or Debian's vim-ale not installed"
fi

nvim_lsp() {
	TOP=$top POSTLINT=$bin DRAFT=$tmp/draft.txt OUT=$tmp/nvim.json HOME=$tmp \
	XDG_CONFIG_HOME=$tmp XDG_DATA_HOME=$tmp XDG_STATE_HOME=$tmp \
	timeout 60 nvim --headless -u NONE -i NONE -c "luafile $top/tests/editors/nvim_lsp.lua" </dev/null >/dev/null 2>&1
	python3 - "$tmp/nvim.json" <<'EOF'
import json, sys
ds = json.load(open(sys.argv[1]))
print(ds)
f = [d for d in ds if d["code"] == "spam.follow-begging"]
# Neovim turns LSP's UTF-16 columns into bytes: 4 for the emoji, 1 space
assert f and f[0]["lnum"] == 1 and f[0]["col"] == 5 and f[0]["end_col"] == 21, ds
assert f[0]["severity"] == 1 and f[0]["source"] == "postlint", ds
assert any(d["code"] == "style.exclamation-run" and d["severity"] == 2 for d in ds), ds
EOF
}
if have nvim; then
	check "Neovim's LSP client shows postlint's diagnostics" nvim_lsp
else
	skip "Neovim LSP" "nvim not installed (Debian package neovim)"
fi

[ "$skip" = 0 ] || echo "$skip client tests skipped (see SKIP above)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
