#!/bin/bash
# bench.sh - times postlint over the labeled corpora, one post per line, so
# every change can be measured.  Run by `make bench`.  The corpora are read
# where they stand (../shared/corpora, or $CORPORA) and never copied into
# the repository; the joined file lives in build/bench/, which git ignores.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
corpora=${CORPORA:-$top/../shared/corpora}
out=$top/build/bench
runs=${RUNS:-5}
mkdir -p "$out"
if ! ls "$corpora"/*/dev.tsv >/dev/null 2>&1; then
	echo "bench: no corpora in $corpora (set CORPORA)" >&2
	exit 2
fi
# every text column, header dropped: about 60,000 posts
for f in "$corpora"/*/dev.tsv; do tail -n +2 "$f" | cut -f2-; done >"$out/corpus.txt"
bytes=$(wc -c <"$out/corpus.txt")
posts=$(wc -l <"$out/corpus.txt")
export POSTLINT_DATADIR=$top

# median of RUNS wall-clock times after one warm-up, in seconds
median() {
	local i times=()
	"$@" >/dev/null 2>&1 || true
	for i in $(seq 1 "$runs"); do
		local s e
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		times+=("$(echo "$e - $s" | bc -l)")
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
trow() { # trow LABEL CMD...: time only, for runs not over the corpus
	local label=$1 t
	shift
	t=$(median "$@")
	printf '%-44s %8.4f s\n' "$label" "$t"
}
row() { # row LABEL CMD...
	local label=$1 t
	shift
	t=$(median "$@")
	printf '%-44s %8.3f s %8.1f MB/s\n' "$label" "$t" "$(echo "$bytes / $t / 1000000" | bc -l)"
}
echo "corpus: $posts posts, $bytes bytes; median of $runs runs after a warm-up"
row "postlint --each-line, spelling --no-suggest" "$top/postlint" --no-config --each-line --no-suggest --format=jsonl "$out/corpus.txt"
row "postlint --each-line --no-spelling" "$top/postlint" --no-config --each-line --no-spelling --format=jsonl "$out/corpus.txt"
row "postlint --each-line --no-spelling -f gcc" "$top/postlint" --no-config --each-line --no-spelling --format=gcc "$out/corpus.txt"
if command -v hunspell >/dev/null 2>&1; then
	row "hunspell -l -d en_US (peer)" sh -c 'hunspell -l -d en_US <"$0"' "$out/corpus.txt"
fi
# the same posts as one file per post, 100 to a folder
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
t1=$(median "$top/postlint" --no-config --no-suggest -j 1 --format=jsonl "$out/tree")
t2=$(median "$top/postlint" --no-config --no-suggest -j 2 --format=jsonl "$out/tree")
printf '%-44s %8.3f s\n' "postlint tree of $posts files, -j 1" "$t1"
printf '%-44s %8.3f s   (%.2fx faster than -j 1)\n' "postlint tree of $posts files, -j 2" "$t2" "$(echo "$t1 / $t2" | bc -l)"
echo "one post from stdin (start-up included):"
printf 'We shipped the new search page. It answers in 40 ms.\n' >"$out/one.txt"
trow "  postlint, spelling on" sh -c '"$0" --no-config --no-suggest - <"$1"' "$top/postlint" "$out/one.txt"
trow "  postlint --no-spelling" sh -c '"$0" --no-config --no-spelling - <"$1"' "$top/postlint" "$out/one.txt"
if command -v hunspell >/dev/null 2>&1; then
	trow "  hunspell -l, one word (peer)" sh -c 'echo word | hunspell -l -d en_US'
fi
echo "language server, re-checking a 2 KB post (didChange to diagnostics):"
awk '{ n += length($0) + 1; print; if (n >= 2048) exit }' "$out/corpus.txt" >"$out/lsp-2k.txt"
printf '  postlint --lsp, spelling on: %s\n' "$(python3 "$top/tests/bench/lsp_bench.py" "$top/postlint" "$out/lsp-2k.txt" 200)"
# The same prose as one Markdown file and one text file (a paragraph per
# post): the Markdown reader's cost is the difference.
sed 's/$/\n/' "$out/corpus.txt" >"$out/corpus-paragraphs.md"
cp "$out/corpus-paragraphs.md" "$out/corpus-paragraphs.txt"
tmd=$(median "$top/postlint" --no-config --no-suggest --max-post-size=64M --format=jsonl "$out/corpus-paragraphs.md")
ttx=$(median "$top/postlint" --no-config --no-suggest --max-post-size=64M --format=jsonl "$out/corpus-paragraphs.txt")
printf '%-44s %8.3f s\n' "same prose as one .txt post" "$ttx"
printf '%-44s %8.3f s   (%.2fx the text time)\n' "same prose as one .md post" "$tmd" "$(echo "$tmd / $ttx" | bc -l)"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$out/rss" "$top/postlint" --no-config --no-suggest --each-line --format=jsonl "$out/corpus.txt" >/dev/null 2>&1 || true
	echo "peak RSS: $(tail -n 1 "$out/rss") KiB"
fi
