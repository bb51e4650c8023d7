#!/bin/bash
# bench.sh - postlint against its peers on the labeled corpora, one table,
# every figure from the same run.  Run by `make bench`.
#
# The corpora are read where they stand (../shared/corpora, or $CORPORA)
# and never copied into the repository: the joined files live in
# build/bench/, which git ignores.  Peers are installed here, not
# committed: write-good and alex from npm into build/bench/peers, GNU
# diction, hunspell and hyperfine from Debian when missing (as root).
#
# Every time is the median of $RUNS runs (default 5) after a warm-up,
# measured by hyperfine; a ratio is a peer's median over postlint's.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
corpora=${CORPORA:-$top/../shared/corpora}
out=$top/build/bench
runs=${RUNS:-5}
pl=$top/postlint
mkdir -p "$out"
if ! ls "$corpora"/*/dev.tsv >/dev/null 2>&1; then
	echo "bench: no corpora in $corpora (set CORPORA)" >&2
	exit 2
fi
export POSTLINT_DATADIR=$top

# --- peers ------------------------------------------------------------
need=()
for p in hyperfine:hyperfine diction:diction hunspell:hunspell; do
	command -v "${p%%:*}" >/dev/null 2>&1 || need+=("${p#*:}")
done
[ -e /usr/share/hunspell/en_US.dic ] || need+=(hunspell-en-us)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "bench: installing ${need[*]} from Debian" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
	else
		echo "bench: needs ${need[*]} (apt-get install ${need[*]})" >&2
		exit 2
	fi
fi
peers=$out/peers
if [ ! -x "$peers/node_modules/.bin/write-good" ] || [ ! -x "$peers/node_modules/.bin/alex" ]; then
	if command -v npm >/dev/null 2>&1; then
		echo "bench: installing write-good and alex from npm into $peers" >&2
		mkdir -p "$peers"
		npm install --no-audit --no-fund --prefix "$peers" write-good@1.0.8 alex@11.0.1 >&2 ||
			echo "bench: npm install failed; those peers are left out" >&2
	else
		echo "bench: no npm; write-good and alex are left out" >&2
	fi
fi

# --- inputs -----------------------------------------------------------
# every text column, header dropped: about 60,000 posts
for f in "$corpora"/*/dev.tsv; do tail -n +2 "$f" | cut -f2-; done >"$out/corpus.txt"
bytes=$(wc -c <"$out/corpus.txt")
posts=$(wc -l <"$out/corpus.txt")
# The npm peers get the same lines as files of 1,000 lines each: alex's
# Markdown parser overflows its stack on one 5 MB file, and write-good
# slows down more than linearly with the size of one file (one run on
# the whole file took over 3 minutes, against 2 s for its first 500 KB)
rm -rf "$out/chunks" && mkdir "$out/chunks"
split -l 1000 "$out/corpus.txt" "$out/chunks/c"
# the grep floor: one alternation of the spam pack's phrases
python3 - "$top/rules/spam.xml" >"$out/phrases.txt" <<'PY'
import re, sys, xml.etree.ElementTree as ET
print("|".join(re.escape(p.text.strip()) for p in ET.parse(sys.argv[1]).iter("phrase")))
PY
# one file per post, 100 to a folder
if [ ! -f "$out/tree/.complete" ] || [ "$out/tree/.complete" -ot "$out/corpus.txt" ]; then
	rm -rf "$out/tree"
	python3 - "$out/corpus.txt" "$out/tree" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for i, line in enumerate(open(src, "rb")):
    d = os.path.join(dst, "%03d" % (i // 100))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "%05d.txt" % i), "wb") as f:
        f.write(line)
open(os.path.join(dst, ".complete"), "w").close()
PY
fi
printf 'We shipped the new search page. It answers in 40 ms.\n' >"$out/one.txt"
for k in 4 16; do
	: >"$out/corpus-x$k.txt"
	for _ in $(seq "$k"); do cat "$out/corpus.txt" >>"$out/corpus-x$k.txt"; done
done

# --- timing -----------------------------------------------------------
# median CMD: the median wall time of CMD, in seconds (a shell command)
median() {
	hyperfine -i -w 1 -r "$runs" --style none --output=null \
		--export-json "$out/hf.json" "$1" >/dev/null 2>&1
	python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$out/hf.json"
}
# peak RSS of CMD in MiB (one run)
rss() {
	/usr/bin/time -f '%M' -o "$out/rss" sh -c "$1" >/dev/null 2>&1 || true
	echo "$(($(tail -n 1 "$out/rss") / 1024))"
}
mbs() { echo "$bytes / $1 / 1000000" | bc -l; }
# row LABEL SECONDS [REFERENCE SECONDS]: time, throughput, ratio to REF
row() {
	if [ $# -ge 3 ]; then
		printf '%-46s %9.3f s %7.1f MB/s %8.2fx\n' "$1" "$2" "$(mbs "$2")" "$(echo "$2 / $3" | bc -l)"
	else
		printf '%-46s %9.3f s %7.1f MB/s\n' "$1" "$2" "$(mbs "$2")"
	fi
}

q=$(printf '%q' "$out")
on="$pl --no-config --each-line --no-suggest --format=jsonl"
off="$pl --no-config --each-line --no-spelling --format=jsonl"
echo "postlint bench: $posts posts, $bytes bytes (../shared/corpora/*/dev.tsv, one post a line)"
echo "median of $runs runs after a warm-up (hyperfine); ratio = the peer's time / postlint's"
echo
printf '%-46s %11s %12s %9s\n' "whole corpus as one file" "time" "speed" "ratio"
t_on=$(median "$on $q/corpus.txt")
t_off=$(median "$off $q/corpus.txt")
row "postlint --each-line, spelling (--no-suggest)" "$t_on"
row "postlint --each-line --no-spelling" "$t_off"
t=$(median "grep -c -i -E -f $q/phrases.txt $q/corpus.txt")
row "grep -c, the spam pack's phrases (floor)" "$t" "$t_off"
t=$(median "hunspell -l -d en_US <$q/corpus.txt")
row "hunspell -l (vs postlint with spelling)" "$t" "$t_on"
t=$(median "diction <$q/corpus.txt")
row "GNU diction (vs postlint with spelling)" "$t" "$t_on"
if [ -x "$peers/node_modules/.bin/write-good" ]; then
	t=$(median "$peers/node_modules/.bin/write-good $q/chunks/*")
	row "write-good (vs postlint with spelling)" "$t" "$t_on"
fi
if [ -x "$peers/node_modules/.bin/alex" ]; then
	t=$(median "$peers/node_modules/.bin/alex --text $q/chunks/*")
	row "alex --text (vs postlint with spelling)" "$t" "$t_on"
fi
echo
printf '%-46s %11s %12s %9s\n' "one file per post ($posts files)" "time" "speed" "speed-up"
t1=$(median "$pl --no-config --no-suggest -j 1 --format=jsonl $q/tree")
t2=$(median "$pl --no-config --no-suggest -j 2 --format=jsonl $q/tree")
row "postlint -j 1, spelling" "$t1"
printf '%-46s %9.3f s %7.1f MB/s %8.2fx\n' "postlint -j 2, spelling" "$t2" "$(mbs "$t2")" "$(echo "$t1 / $t2" | bc -l)"
echo
echo "one post from stdin, start-up included"
a=$(median "$pl --no-config --no-suggest - <$q/one.txt")
b=$(median "$pl --no-config --no-spelling - <$q/one.txt")
h=$(median "echo word | hunspell -l -d en_US")
printf '%-46s %9.1f ms\n' "postlint, spelling" "$(echo "$a * 1000" | bc -l)"
printf '%-46s %9.1f ms\n' "postlint --no-spelling" "$(echo "$b * 1000" | bc -l)"
printf '%-46s %9.1f ms   (postlint with spelling: %+.1f ms)\n' "hunspell -l, one word" \
	"$(echo "$h * 1000" | bc -l)" "$(echo "($a - $h) * 1000" | bc -l)"
echo
echo "language server, re-checking a 2 KB post (didChange to diagnostics)"
awk '{ n += length($0) + 1; print; if (n >= 2048) exit }' "$out/corpus.txt" >"$out/lsp-2k.txt"
printf '%-46s %s\n' "postlint --lsp, spelling" "$(python3 "$top/tests/bench/lsp_bench.py" "$pl" "$out/lsp-2k.txt" 200)"
echo
printf '%-46s %11s %12s %9s\n' "scaling, --each-line with spelling" "time" "speed" "peak RSS"
for k in 1 4 16; do
	f=$q/corpus.txt
	[ "$k" = 1 ] || f=$q/corpus-x$k.txt
	t=$(median "$on $f")
	r=$(rss "$on $f")
	printf '%-46s %9.3f s %7.1f MB/s %5d MiB\n' "corpus x$k ($((bytes * k / 1000000)) MB)" "$t" \
		"$(echo "$bytes * $k / $t / 1000000" | bc -l)" "$r"
done
echo
# Each multi-post reader over N and 2N posts of the corpus: time and memory
# should about double (a reader that indexes the whole file per post, as
# CSV and feeds once did, shows 4x and more).
printf '%-46s %11s %9s %9s %9s\n' "readers, the input doubled" "time" "x time" "peak RSS" "x RSS"
python3 - "$out/corpus.txt" "$out" <<'PY'
import sys, html
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8", errors="replace")]
for n in (20000, 40000):
    take = [lines[i % len(lines)] for i in range(n)]
    with open("%s/queue-%d.csv" % (sys.argv[2], n), "w", encoding="utf-8") as f:
        f.write("date,message\n")
        for i, t in enumerate(take):
            f.write('2031-05-%02d 09:00,"%s"\n' % (i % 28 + 1, t.replace('"', '""')))
    with open("%s/feed-%d.rss" % (sys.argv[2], n // 2), "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>bench</title>\n')
        for t in take[: n // 2]:
            f.write("<item>\n<title>%s</title>\n<description>%s</description>\n</item>\n"
                    % (html.escape(t[:60]), html.escape(t)))
        f.write("</channel></rss>\n")
    with open("%s/lines-%d.txt" % (sys.argv[2], n), "w", encoding="utf-8") as f:
        f.write("\n".join(take) + "\n")
# one post of about 240 and 480 KB in Markdown and HTML, paragraphs of the
# corpus; a front matter of 10,000 and 20,000 tags
for k in (1, 2):
    paras = [" ".join(lines[(i * 7 + j) % len(lines)] for j in range(7)) for i in range(300 * k)]
    with open("%s/long-%d.md" % (sys.argv[2], k), "w", encoding="utf-8") as f:
        f.write("# A long post\n\n" + "\n\n".join(paras) + "\n")
    with open("%s/long-%d.html" % (sys.argv[2], k), "w", encoding="utf-8") as f:
        f.write("<html><body><h1>A long post</h1>\n")
        f.write("".join("<p>%s</p>\n" % html.escape(p) for p in paras))
        f.write("</body></html>\n")
    with open("%s/tags-%d.md" % (sys.argv[2], k), "w", encoding="utf-8") as f:
        f.write("---\ntitle: Tags\ntags:\n" + "".join("  - tag%d\n" % i for i in range(10000 * k)))
        f.write("---\nRelease notes for the new build are up.\n")
# 500,000 and 1,000,000 distinct made-up words, 8 a line: past the spell
# cache's 131,072 words, so its memory stays flat while time doubles
import itertools, string
for k in (1, 2):
    words = ("q" + "".join(t) for t in itertools.product(string.ascii_lowercase, repeat=5))
    with open("%s/words-%d.txt" % (sys.argv[2], k), "w") as f:
        for i in range(62500 * k):
            f.write(" ".join(next(words) for _ in range(8)) + "\n")
PY
doubled() { # doubled LABEL FILE-N FILE-2N [OPTION]; $spell: spelling's option
	local t1 t2 r1 r2 o="${4:-} ${spell:---no-spelling}"
	t1=$(median "$pl --no-config --format=jsonl $o $2")
	t2=$(median "$pl --no-config --format=jsonl $o $3")
	r1=$(rss "$pl --no-config --format=jsonl $o $2")
	r2=$(rss "$pl --no-config --format=jsonl $o $3")
	printf '%-46s %9.3f s %8.2fx %5d MiB %8.2fx\n' "$1" "$t2" "$(echo "$t2 / $t1" | bc -l)" \
		"$r2" "$(echo "$r2 / $r1" | bc -l)"
}
doubled "CSV, 20,000 -> 40,000 rows" "$q/queue-20000.csv" "$q/queue-40000.csv"
doubled "RSS, 10,000 -> 20,000 items" "$q/feed-10000.rss" "$q/feed-20000.rss"
doubled "text --each-line, 20,000 -> 40,000 lines" "$q/lines-20000.txt" "$q/lines-40000.txt" --each-line
doubled "Markdown, one post of 240 -> 480 KB" "$q/long-1.md" "$q/long-2.md"
doubled "HTML, one post of 240 -> 480 KB" "$q/long-1.html" "$q/long-2.html"
doubled "front matter, 10,000 -> 20,000 tags" "$q/tags-1.md" "$q/tags-2.md"
spell=--no-suggest doubled "spelling, 500,000 -> 1,000,000 distinct words" "$q/words-1.txt" "$q/words-2.txt" --each-line
