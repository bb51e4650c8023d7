#!/bin/bash
# hostile.sh BIN - hostile rule packs, configs and posts, each with its exact
# outcome: the message (naming the file and line), the exit status, that the
# other inputs are still checked, and that memory stays bounded.  Also: a
# full run modifies no file.  Ends with "N passed, N failed".
set -u
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
export POSTLINT_DATADIR=$top
cd "$tmp" || exit 2

printf 'Good morning, the release notes are up.\n' >ok.txt
printf 'Follow me please!!! #f4f\n' >bad.txt
echo "SECRET-$$-TOKEN" >secret.txt

# expect NAME RC STDERR CMD...: CMD exits RC and prints exactly STDERR
# (the file expect.err) on standard error; its stdout is kept in out.
expect() {
	local name=$1 rc=$2 err=$3
	shift 3
	printf '%s' "$err" >"$tmp/want.err"
	check "$name" bash -c '
		"$@" >"'"$tmp"'/out" 2>"'"$tmp"'/got.err"
		rc=$?
		[ "$rc" = '"$rc"' ] || { echo "exit $rc, expected '"$rc"'"; cat "'"$tmp"'/got.err"; exit 1; }
		diff -u "'"$tmp"'/want.err" "'"$tmp"'/got.err"' _ "$@"
}
no_secret() { ! grep -rq "SECRET-$$-TOKEN" "$tmp/out" "$tmp/got.err"; }

# ---- XML: no entities, no DTD, no network ----------------------------------

cat >xxe-pack.xml <<EOF
<?xml version="1.0"?>
<!DOCTYPE pack [<!ENTITY xxe SYSTEM "file://$tmp/secret.txt">]>
<pack id="xxe" lang="en" version="1"><description>&xxe;</description></pack>
EOF
expect "pack with an external entity is refused" 2 \
"postlint: xxe-pack.xml:2: DOCTYPE declarations are not allowed (entities are refused)
" "$bin" --no-config --rules xxe-pack.xml ok.txt
check "pack entity: the file's content is not shown" no_secret

{
	printf '<?xml version="1.0"?>\n<!DOCTYPE pack [<!ENTITY a "aaaaaaaaaa">'
	prev=a
	for e in b c d e f g h i j; do
		printf '<!ENTITY %s "%s">' $e "$(printf "&$prev;%.0s" 1 2 3 4 5 6 7 8 9 10)"
		prev=$e
	done
	printf ']>\n<pack id="lol" lang="en" version="1"><description>&j;</description></pack>\n'
} >laughs.xml
expect "billion laughs pack is refused" 2 \
"postlint: laughs.xml:2: DOCTYPE declarations are not allowed (entities are refused)
" timeout 10 "$bin" --no-config --rules laughs.xml ok.txt

mkdir -p cfg
cat >cfg/.postlint.xml <<EOF
<?xml version="1.0"?>
<!DOCTYPE postlint [<!ENTITY xxe SYSTEM "file://$tmp/secret.txt">]>
<postlint><accept>&xxe;</accept></postlint>
EOF
cp ok.txt cfg/
expect "config with an external entity is refused" 2 \
"postlint: cfg/.postlint.xml:2: DOCTYPE declarations are not allowed (entities are refused)
" "$bin" cfg/ok.txt
check "config entity: the file's content is not shown" no_secret

cat >xxe.rss <<EOF
<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://$tmp/secret.txt">]>
<rss version="2.0"><channel><item><title>&xxe;</title></item></channel></rss>
EOF
expect "feed with an entity is refused, other inputs checked" 2 \
"postlint: xxe.rss:2: DOCTYPE declarations are not allowed (entities are refused)
" "$bin" --no-config --format=gcc xxe.rss bad.txt
check "feed entity: the next input was still judged" grep -q '^bad.txt:1:1: error' "$tmp/out"
check "feed entity: the file's content is not shown" no_secret

cat >xxe.html <<EOF
<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://$tmp/secret.txt">]>
<html><body><p>Hello &xxe; there, the notes are up.</p></body></html>
EOF
expect "HTML: entities are never loaded" 0 "" "$bin" --no-config --format=jsonl xxe.html
check "HTML entity: the file's content is not shown" no_secret

# ---- regular expressions: limits, never a hang -----------------------------

{ head -c 100000 /dev/zero | tr '\0' a; printf 'b Follow me please\n'; } >aaa.txt
expect "catastrophic backtracking: match limit, other rules still run" 1 "" \
	timeout 60 "$bin" --no-config --no-spelling --rules "$top/tests/cli/packs/backtrack.xml" --format=gcc --max-post-size=1M aaa.txt
check "match limit names the rule" grep -q '^aaa.txt:1:1: warning: rule backtrack.nested hit the regex match limit on this post and was skipped \[postlint.match-limit\]$' "$tmp/out"
check "match limit: spam rule still found" grep -q 'spam.follow-begging' "$tmp/out"

# A pattern that goes over the rest of the line at every position costs
# time in the square of the line, which the match limit does not count:
# each rule is held to its time budget on the post.  Twice the post must
# not cost four times the time (both are bounded by the budget).
scan_run() {
	{ head -c "$1" /dev/zero | tr '\0' a; printf ' Follow me please\n'; } >scan.txt
	"$bin" --no-config --no-spelling --rules "$top/tests/cli/packs/scan.xml" \
	    --format=gcc --max-post-size=1M scan.txt >scan.out 2>scan.err
}
scan_once() {
	scan_run 200000
	local rc=$?
	[ "$rc" = 1 ] && [ ! -s scan.err ] || { echo "exit $rc"; cat scan.err; return 1; }
}
check "scan at every position: exit 1, nothing on stderr" scan_once
check "time budget names each rule" bash -c "[ \$(grep -c '^scan.txt:1:1: warning: rule scan\.[a-z]* used up its time budget on this post and was skipped \[postlint.match-limit\]\$' scan.out) = 3 ]"
check "time budget: the other rules still run" grep -q 'spam.follow-begging' scan.out
budget_ratio() {
	local t0 t1 t2
	t0=$(date +%s%N); scan_run 200000; t1=$(date +%s%N); scan_run 400000; t2=$(date +%s%N)
	echo "200 KB: $(( (t1 - t0) / 1000000 )) ms, 400 KB: $(( (t2 - t1) / 1000000 )) ms"
	[ $(( t2 - t1 )) -le $(( 3 * (t1 - t0) )) ]
}
check "time budget: twice the post costs at most 3 times the time" budget_ratio
rm -f scan.txt scan.out scan.err
# A post of 1 MiB, the largest --max-post-size allows by default, of
# ordinary text: no shipped rule reaches a limit (spam.link-promo once
# backtracked over each link's characters times the rest of the line;
# sequences had a budget of steps that a post of 200,000 tokens used up).
# Under a sanitizer only the match limits are asserted, as the budget is
# time.
python3 -c '
parts = ["Release notes for 3.%d are at https://example.com/notes/%d and %d people joined the call, thanks to everyone who tested the build." % (i % 10, i, 40 + i % 50) for i in range(9000)]
open("long.txt", "w").write(" ".join(parts)[:1000000] + "\n")'
long_post() {
	"$bin" --no-config --no-spelling --format=gcc long.txt >long.out 2>&1
	if [ -n "${SANITIZED:-}" ]; then
		! grep -m 3 'hit the regex match limit' long.out
	else
		! grep -m 3 'postlint.match-limit' long.out
	fi
}
check "a 1 MiB post of ordinary text: no shipped rule reaches a limit" long_post
rm -f long.txt long.out
expect "a pattern closing a group it did not open is refused" 2 \
"postlint: $top/tests/cli/packs/unbalanced.xml:8: rule unbalanced.close: bad pattern at offset 1: unmatched closing parenthesis
" "$bin" --no-config --no-spelling --rules "$top/tests/cli/packs/unbalanced.xml" ok.txt

# ---- text ------------------------------------------------------------------

printf 'We shipped it \xc0\xaf today.\n' >overlong.txt
expect "overlong UTF-8 encoding" 2 \
"postlint: overlong.txt:1: invalid UTF-8 at column 15 (byte 0xC0); not checked
" "$bin" --no-config overlong.txt
printf 'Notes \xed\xa0\x80 here.\n' >surrogate.txt
expect "lone surrogate (CESU-8)" 2 \
"postlint: surrogate.txt:1: invalid UTF-8 at column 7 (byte 0xED); not checked
" "$bin" --no-config surrogate.txt
printf 'Hello\0world\n' >nul.txt
expect "NUL byte named on the command line" 2 \
"postlint: nul.txt:1: NUL byte at column 6 (binary file?); not checked
" "$bin" --no-config nul.txt ok.txt
: >empty.txt
expect "0-byte file: judged as nothing" 0 "" "$bin" --no-config empty.txt
check "0-byte file: no report" test ! -s "$tmp/out"
printf '  \n\t\n\n' >blank.txt
expect "whitespace-only file: judged as nothing" 0 "" "$bin" --no-config blank.txt

# a single 50 MB line: an error for that post, in bounded memory
head -c 50000000 /dev/zero | tr '\0' a >line.txt
echo >>line.txt
expect "50 MB line over --max-post-size" 2 \
"postlint: line.txt:1: post is larger than --max-post-size (1048576 bytes); not checked
" "$bin" --no-config --format=gcc line.txt bad.txt
check "50 MB line: the next input was still judged" grep -q '^bad.txt:1:1: error' "$tmp/out"
expect "50 MB line with --each-line" 2 \
"postlint: line.txt:1: post is larger than --max-post-size (1048576 bytes); not checked
" "$bin" --no-config --each-line line.txt
rm -f line.txt

# every kind of post is held to --max-post-size: a CSV cell, a feed item
{ printf 'date,message\n2031-05-01,"'; head -c 12000000 /dev/zero | tr '\0' a; printf '"\n2031-05-02,Follow me please!!! #f4f\n'; } >cell.csv
expect "12 MB CSV cell over --max-post-size; the next row is judged" 2 \
"postlint: cell.csv:2: post is larger than --max-post-size (1048576 bytes); not checked
" "$bin" --no-config --no-spelling --format=gcc cell.csv
check "12 MB CSV cell: the next row was judged" grep -q '^cell.csv:3:12: error' "$tmp/out"
{ printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>\n<item><title>Long</title><description>'
  head -c 3000000 /dev/zero | tr '\0' a; printf '</description></item>\n<item><title>Next</title><description>Follow me please!!! #f4f</description></item>\n</channel></rss>\n'; } >item.rss
expect "3 MB feed item over --max-post-size" 2 \
"postlint: item.rss:3: post is larger than --max-post-size (1048576 bytes); not checked
" "$bin" --no-config --no-spelling --format=gcc item.rss
check "3 MB feed item: the next item was judged" grep -q '^item.rss:4:.*spam.follow-begging' "$tmp/out"
rm -f cell.csv item.rss

# a run of 20,000 emoji is one finding of the shipped rule, not a match limit
python3 -c 'print("Launch " + "\U0001F680" * 20000)' >emoji.txt
expect "20,000 emoji in a row" 1 "" "$bin" --no-config --no-spelling --format=gcc emoji.txt
check "20,000 emoji: style.emoji-run fires, no rule hits the match limit" bash -c \
	"grep -q '^emoji.txt:1:8: info: Run of emoji' '$tmp/out' && ! grep -q 'match-limit' '$tmp/out'"
rm -f emoji.txt

# ---- packs that cost more than their size ------------------------------------

python3 - <<'PY'
def rule(pack, i, phrase):
    return ('<rule id="%s.r%d" category="spam" severity="warning" weight="5"><message>m</message>'
            '<phrases><phrase>%s</phrase></phrases><bad>a %s b</bad><good>nothing here</good></rule>\n'
            % (pack, i, phrase, phrase))
def pack(name, body):
    with open(name + ".xml", "w") as f:
        f.write('<?xml version="1.0"?>\n<pack id="%s" lang="en" version="1">\n<description>d</description>\n' % name)
        f.write(body)
        f.write("</pack>\n")
pack("wide", "".join(rule("wide", i, "zq%dx" % i) for i in range(20000)))
pack("many", "".join(rule("many", i, "zq%dx" % i) for i in range(6000)))
pack("dups", "".join(rule("dups", i, "zq%dx" % i) for i in range(3000)) + rule("dups", 7, "again"))
pack("phr", '<rule id="phr.a" category="spam" severity="warning" weight="5"><message>m</message><phrases>'
     + "".join("<phrase>phrase number %d</phrase>" % i for i in range(9000))
     + "</phrases><bad>phrase number 7</bad><good>x</good></rule>\n")
pack("pat", '<rule id="pat.a" category="spam" severity="warning" weight="5"><message>m</message><pattern>'
     + "|".join("w%d" % i for i in range(20000)) + "</pattern><bad>w7</bad><good>x</good></rule>\n")
PY
expect "a pack of 20,000 rules is refused before validation" 2 \
"postlint: wide.xml:2: <pack> has more than 10000 elements in it; refused
" timeout 20 "$bin" --no-config --no-spelling --rules wide.xml ok.txt
# the shipped packs count toward the cap: the first rule refused is the
# one past 5,000 with them, a line that moves as the packs grow
shipped=$("$bin" --no-config --list-rules | wc -l)
expect "rules past 5,000 in one run are refused" 2 \
"postlint: many.xml:$((5004 - shipped)): more than 5000 rules in one run; refused
" timeout 20 "$bin" --no-config --no-spelling --rules many.xml ok.txt
expect "a duplicate id among 3,000 rules is found by hash" 2 \
"postlint: dups.xml:3004: duplicate rule id 'dups.r7' (first defined at dups.xml:11)
" timeout 20 "$bin" --no-config --no-spelling --rules dups.xml ok.txt
expect "phrases past 64 KiB are refused before compiling" 2 \
"postlint: phr.xml:4: rule phr.a: phrases longer than 64 KiB in all; refused
" timeout 20 "$bin" --no-config --no-spelling --rules phr.xml ok.txt
expect "a pattern past 64 KiB is refused before compiling" 2 \
"postlint: pat.xml:4: rule pat.a: a pattern longer than 64 KiB; refused
" timeout 20 "$bin" --no-config --no-spelling --rules pat.xml ok.txt
rm -f wide.xml many.xml dups.xml phr.xml pat.xml

# ---- YAML that costs more than its size -------------------------------------

python3 - <<'PY'
with open("alias.md", "w") as f:
    f.write("---\nbase: &x [" + ",".join("t%d" % i for i in range(1000)) + "]\n")
    for i in range(500):
        f.write("k%d: *x\n" % i)
    f.write("---\nThe release notes are up.\n")
with open("deep.md", "w") as f:
    f.write("---\ntitle: Notes\nx: " + "[" * 100000 + "]" * 100000 + "\n---\nThe release notes are up.\n")
with open("quoted.md", "w") as f:
    f.write("---\ntitle: \"" + "[" * 1000 + "\"\nnote: it's [[[ fine ]]]\n---\nThe release notes are up.\n")
with open("tags.md", "w") as f:
    f.write("---\ntags: [" + ",".join("tag%d" % i for i in range(20000)) + "]\n---\nThe release notes are up.\n")
with open("keys.md", "w") as f:
    f.write("---\n" + "".join("key%d: v\n" % i for i in range(50000)) + "---\nThe release notes are up.\n")
with open("cols.csv", "w") as f:
    f.write(",".join(["message"] + ["c%d" % i for i in range(200000)]) + "\n")
    f.write(",".join(["The release notes are up."] + ["v"] * 200000) + "\n")
PY
expect "YAML aliases: 500 uses of a 1,000-item list are refused" 2 \
"postlint: alias.md:2: front matter: more than 100000 values, aliases counted where they are used; not checked
" timeout 20 "$bin" --no-config --no-spelling alias.md
expect "YAML nested 100,000 deep in [ is refused before libyaml" 2 \
"postlint: deep.md:3: front matter: [ and { nested more than 64 deep; not checked
" timeout 20 "$bin" --no-config --no-spelling deep.md
expect "brackets inside quotes are not nesting" 0 "" "$bin" --no-config --no-spelling quoted.md
bounded() { # bounded KB CMD...: CMD succeeds with a peak RSS under KB
	local kb=$1
	shift
	/usr/bin/time -f '%M' -o "$tmp/rss" timeout 60 "$@" >/dev/null 2>"$tmp/got.err" || { cat "$tmp/got.err"; return 1; }
	# a sanitizer's shadow memory and quarantine say nothing of ours
	[ -n "${SANITIZED:-}" ] || [ "$(tail -n 1 "$tmp/rss")" -lt "$kb" ] ||
		{ echo "peak RSS $(tail -n 1 "$tmp/rss") kB"; return 1; }
}
check "front matter with 20,000 tags: under 100 MB (was 1.6 GB)" bounded 100000 "$bin" --no-config --no-spelling tags.md
check "front matter with 50,000 keys: judged, under 100 MB" bounded 100000 "$bin" --no-config --no-spelling keys.md
check "CSV with 200,000 columns: judged, under 150 MB" bounded 150000 "$bin" --no-config --no-spelling --max-post-size 64M cols.csv
rm -f alias.md deep.md quoted.md tags.md keys.md cols.csv

# 1 GiB through --each-line on a pipe: 16,000 long blank lines and a post
# every 1,024 of them; peak RSS stays under 64 MB (not measured under ASan,
# whose shadow memory counts in RSS)
gig() {
	python3 -c '
import sys
blank = b" " * 65535 + b"\n"
post = b"Follow me please!!! #f4f\n"
n = i = 0
w = sys.stdout.buffer
while n < 1 << 30:
    w.write(blank); n += len(blank); i += 1
    if i % 1024 == 0:
        w.write(post); n += len(post)
' | /usr/bin/time -f %M -o "$tmp/rss" "$bin" --no-config --no-spelling --each-line --format=gcc - >"$tmp/gig.out"
	[ $? = 1 ] || return 1
	[ "$(grep -c 'spam.follow-begging' "$tmp/gig.out")" = 16 ] || { echo "posts judged: $(grep -c spam.follow "$tmp/gig.out")"; return 1; }
	[ -n "${SANITIZED:-}" ] || [ "$(tail -n 1 "$tmp/rss")" -le 65536 ] || { echo "peak RSS $(tail -n 1 "$tmp/rss") KiB"; return 1; }
}
if [ -x /usr/bin/time ]; then
	check "1 GiB --each-line stream in bounded memory" gig
fi

# 10,000 levels of nesting
python3 -c 'print(">" * 10000 + " Follow me please!!!")' >deep.md
expect "Markdown nested 10,000 deep" 1 "" "$bin" --no-config --format=gcc deep.md
check "deep Markdown: the post inside is judged" grep -q 'spam.follow-begging' "$tmp/out"
python3 -c 'print("<div>" * 10000 + "Follow me please!!!" + "</div>" * 10000)' >deep.html
expect "HTML nested 10,000 deep" 1 "" "$bin" --no-config --format=gcc deep.html
check "deep HTML: the post inside is judged" grep -q 'spam.follow-begging' "$tmp/out"
python3 -c 'print("<?xml version=\"1.0\"?><rss><channel><item><description>" + "<b>" * 10000 + "x" + "</b>" * 10000 + "</description></item></channel></rss>")' >deep.rss
check "feed nested 10,000 deep: judged or refused, never a crash" bash -c '"$0" --no-config deep.rss >/dev/null 2>&1; [ $? -le 2 ]' "$bin"

# binary files: an error when named, a note when found by a walk
head -c 4096 /bin/sh >prog.txt
expect "binary file named" 2 \
"postlint: prog.txt:1: NUL byte at column 8 (binary file?); not checked
" "$bin" --no-config --format=gcc prog.txt bad.txt
check "binary named: the next input was still judged" grep -q '^bad.txt:1:1: error' "$tmp/out"
mkdir -p walk/sub
cp bad.txt walk/post.txt
cp prog.txt walk/sub/prog.txt
ln -s "$tmp/nowhere.txt" walk/dangling.txt
ln -s .. walk/sub/loop
expect "walk: binary noted, dangling link and loop reported, posts judged" 1 \
"postlint: walk/dangling.txt: dangling symbolic link skipped
postlint: walk/sub/loop: directory already walked (a symbolic link loop?); skipped
postlint: walk/sub/prog.txt: binary file skipped
" timeout 20 "$bin" --no-config --format=gcc walk
check "walk: the post was judged" grep -q '^walk/post.txt:1:1: error' "$tmp/out"

# an unreadable file (the shim denies the open, since root reads anything)
shim=$top/build-asan/fault-shim.so
if [ -f "$shim" ]; then
	expect "unreadable file" 2 "postlint: secret.txt: Permission denied
" env LD_PRELOAD="$shim" FAULT_OPEN=secret.txt ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 \
		"$bin" --no-config --format=gcc secret.txt bad.txt
	check "unreadable: the next input was still judged" grep -q '^bad.txt:1:1: error' "$tmp/out"
fi
expect "missing file" 2 "postlint: nosuch.txt: No such file or directory
" "$bin" --no-config nosuch.txt

# ---- threads: a new language per post ------------------------------------
# Each post names a language no other post names, so the checker's table of
# dictionaries grows while other threads hold entries of it (a
# use-after-free under -j before 2026-12).  Every post gets its own error.

. "$top/tests/lang_tag.sh"
many_langs() {
	mkdir langs && for n in $(seq 0 599); do
		printf -- '---\ntitle: Post %d\npostlint:\n  lang: %s\n---\nThe release notes for %d are up.\n' \
			"$n" "$(lang_tag "$n")" "$n" >"langs/p$n.md"
	done
	"$bin" --no-config -j 4 langs >"$tmp/out" 2>"$tmp/got.err"
	local rc=$?
	[ "$rc" = 2 ] || { echo "exit $rc, expected 2"; head -n 40 "$tmp/got.err"; return 1; }
	! grep -q 'Sanitizer' "$tmp/got.err" || { head -n 40 "$tmp/got.err"; return 1; }
	# eight languages are looked up, the configured one first; every
	# later one is refused unread
	[ "$(grep -c ': no Hunspell dictionary for q[a-z]* ' "$tmp/got.err")" = 7 ] &&
		[ "$(grep -c ': more than 8 languages in one run (no more dictionaries are loaded)$' "$tmp/got.err")" = 593 ] ||
		{ sort "$tmp/got.err" | uniq -c | sort -rn | head; return 1; }
}
check "-j 4, a new language in every post: one error each, at most 8 looked up, no race" many_langs

# ---- a language tag is not a path --------------------------------------------

mkdir -p dictdir/evil && cp /usr/share/hunspell/en_US.aff dictdir/evil/x.aff 2>/dev/null
for lang in '../../../tmp/x' '*' 'en_*' 'e?' 'en_US/../en_GB' 'EN' 'en-US'; do
	printf -- '---\npostlint:\n  lang: "%s"\n---\nThe release notes are up.\n' "$lang" >lang.md
	expect "front matter lang '$lang' is refused before any dictionary is looked for" 2 \
"postlint: lang.md:3: front matter: language '$lang' is not a tag such as en or en_US (letters only)
" timeout 10 "$bin" --no-config lang.md
done
expect "--lang with a path in it is a usage error" 2 \
"postlint: --lang: bad language '../en_US' (expected LL or LL_CC, e.g. en_US)
usage: postlint [options] [FILE | DIR | -]...
       postlint calibrate [options] LABELED-FILE...
Try 'postlint --help' for more information.
" "$bin" --no-config --lang ../en_US ok.txt
lang_memory() {
	local n dots
	mkdir spell && for n in $(seq 1 100); do
		dots=$(printf './%.0s' $(seq 1 "$n"))
		printf -- '---\npostlint:\n  lang: %sen_US\n---\nThe release notes are up.\n' \
			"$dots" >"spell/p$n.md"
	done
	/usr/bin/time -f '%M' -o "$tmp/rss" "$bin" --no-config -j 1 spell >/dev/null 2>"$tmp/got.err"
	[ "$(grep -c 'is not a tag such as en or en_US' "$tmp/got.err")" = 100 ] || { head "$tmp/got.err"; return 1; }
	# one dictionary (the configured one) is about 10 MB
	[ -n "${SANITIZED:-}" ] || [ "$(tail -n 1 "$tmp/rss")" -lt 100000 ] ||
		{ echo "peak RSS $(tail -n 1 "$tmp/rss") kB"; return 1; }
}
check "100 spellings of en_US as paths: refused, one dictionary loaded" lang_memory

# The spell cache keeps the 131,072 words used most recently: 300,000 and
# 600,000 distinct words peak at the same memory (it grew 150 bytes a
# word), and every word is still judged
spell_cache() {
	local k rss1
	python3 -c '
import itertools, string, sys
w = ("q" + "".join(t) for t in itertools.product(string.ascii_lowercase, repeat=5))
for k in (1, 2):
    with open("words%d.txt" % k, "w") as f:
        for i in range(37500 * k):
            f.write(" ".join(next(w) for _ in range(8)) + "\n")
'
	for k in 1 2; do
		/usr/bin/time -f '%M' -o "$tmp/rss$k" "$bin" --no-config --no-suggest --each-line \
			--format=gcc "words$k.txt" >"$tmp/words.out" 2>"$tmp/got.err"
		[ $? = 0 ] || { head -3 "$tmp/got.err"; return 1; }
		[ "$(grep -c 'spelling.unknown' "$tmp/words.out")" = $((300000 * k)) ] ||
			{ echo "$(grep -c spelling.unknown "$tmp/words.out") misspellings of $((300000 * k))"; return 1; }
	done
	rm -f words1.txt words2.txt
	[ -n "${SANITIZED:-}" ] && return 0
	rss1=$(tail -n 1 "$tmp/rss1")
	[ "$(tail -n 1 "$tmp/rss2")" -lt $((rss1 + rss1 / 10)) ] ||
		{ echo "peak RSS $rss1 kB, then $(tail -n 1 "$tmp/rss2") kB"; return 1; }
}
if [ -x /usr/bin/time ]; then
	check "spell cache: 600,000 distinct words in the memory of 300,000" spell_cache
fi

# ---- symbolic links out of the walked folder ---------------------------------

links() {
	mkdir -p repo/posts outside && printf 'SECRET-%s-TOKEN follow me please!!! #f4f\n' $$ >outside/key.txt &&
		ln -s "$tmp/outside/key.txt" repo/posts/leak.txt && ln -s "$tmp/outside" repo/dir &&
		ln -s ../../secret.txt repo/posts/rel.txt && cp ok.txt repo/posts/real.txt &&
		ln -s real.txt repo/posts/alias.txt
}
links
expect "a walk skips links out of the folder, with a note, and quotes nothing from them" 0 \
"postlint: repo/dir: symbolic link out of the folder being checked; skipped (--follow reads it)
postlint: repo/posts/leak.txt: symbolic link out of the folder being checked; skipped (--follow reads it)
postlint: repo/posts/rel.txt: symbolic link out of the folder being checked; skipped (--follow reads it)
" "$bin" --no-config --no-spelling -j 1 repo
check "links out of the folder: no secret in the report" no_secret
check "a link inside the folder is followed" grep -q '^repo/posts/alias.txt:1: pass' "$tmp/out"
expect "--follow reads links out of the folder" 1 "" "$bin" --no-config --no-spelling -j 1 --follow repo
check "--follow: the linked folder and files are judged" bash -c "grep -q '^repo/dir/key.txt:1:' '$tmp/out' && grep -q '^repo/posts/leak.txt:1:' '$tmp/out'"
expect "a link named on the command line is read as named" 1 "" "$bin" --no-config --no-spelling repo/posts/leak.txt

# ---- only regular files are packs, configs and word lists --------------------

mkfifo fifo.xml
expect "a FIFO as a pack is an error, not a hang" 2 \
"postlint: fifo.xml: cannot read: not a regular file
" timeout 10 "$bin" --no-config --rules fifo.xml ok.txt
expect "/dev/stdin as a pack is an error, not a read of the input" 2 \
"postlint: /dev/stdin: cannot read: not a regular file
" timeout 10 "$bin" --no-config --rules /dev/stdin ok.txt
expect "a directory as a pack is an error" 2 \
"postlint: repo: cannot read: not a regular file
" timeout 10 "$bin" --no-config --rules repo ok.txt
expect "a FIFO as the config is an error" 2 \
"postlint: fifo.xml: cannot read: not a regular file
" timeout 10 "$bin" --config fifo.xml ok.txt
mkdir -p fifowalk && cp ok.txt fifowalk/ && mkfifo fifowalk/queue.txt
expect "a FIFO found by a walk is skipped with a note" 0 \
"postlint: fifowalk/queue.txt: not a regular file (a FIFO, socket or device); skipped
" timeout 10 "$bin" --no-config --no-spelling fifowalk

# ---- outside text is escaped on stderr and in reports ------------------------

esc=$'bad\e[2J\e[31m\n::error file=x::forged.txt'
printf 'Follow me please!!! #f4f\n' >"$esc"
printf 'a\0b\n' >"bin"$'\e]0;t\a'".txt"
expect "a file name's control characters are escaped in an error" 2 \
'postlint: bin\x1b]0;t\x07.txt:1: NUL byte at column 2 (binary file?); not checked
' "$bin" --no-config --no-spelling "bin"$'\e]0;t\a'".txt"
expect "a missing file's name is escaped" 2 \
'postlint: no\x1b[31mne.txt: No such file or directory
' "$bin" --no-config --no-spelling "no"$'\e[31m'"ne.txt"
expect "a file name is escaped in the text report" 1 "" "$bin" --no-config --no-spelling -f gcc "$esc"
check "text report: the name shown escaped, no raw escape" bash -c "
	grep -q '^bad\\\\x1b\[2J\\\\x1b\[31m\\\\n::error file=x::forged.txt:1:1: error' '$tmp/out' && ! grep -q \$'\\e' '$tmp/out'"
expect "github: a file name cannot forge an annotation" 1 "" "$bin" --no-config --no-spelling -f github "$esc"
check "github: one command per line, none forged" bash -c "
	! grep -v '^::\(error\|warning\|notice\) file=bad\\\\x1b\[2J\\\\x1b\[31m\\\\n%3A%3Aerror file=x%3A%3Aforged.txt,' '$tmp/out' && ! grep -q \$'\\e' '$tmp/out'"
mkdir -p escwalk && printf 'a\0b\n' >escwalk/"x"$'\e[2J'".txt"
expect "a walk's note escapes the file name" 0 \
'postlint: escwalk/x\x1b[2J.txt: binary file skipped
' "$bin" --no-config --no-spelling escwalk

# ---- nothing is modified -----------------------------------------------------

unchanged() {
	mkdir tree && cp -r "$top/examples" "$top/tests/cli/sources" tree/ && cp bad.txt ok.txt tree/ &&
	touch -d '2030-01-01 00:00' tree/ok.txt
	local before after
	before=$(cd tree && find . -exec stat -c '%n %s %Y %a' {} + | sort; find . -type f -exec sha256sum {} + | sort)
	"$bin" tree >/dev/null 2>&1
	"$bin" --format=json --scheduled --drafts tree >/dev/null 2>&1
	after=$(cd tree && find . -exec stat -c '%n %s %Y %a' {} + | sort; find . -type f -exec sha256sum {} + | sort)
	[ "$before" = "$after" ]
}
check "a full run over a tree modifies no file" unchanged

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
