#!/usr/bin/env python3
"""fit_niches.py - weighs the words of the topic lexicons on labeled data.

    python3 tests/eval/fit_niches.py            # measure only
    python3 tests/eval/fit_niches.py --write    # rewrite dicts/niches/*.txt

The words of dicts/niches/*.txt are written by the team.  A word may carry
a weight in (0, 1] (postlint(1), RELEVANCE): how surely it points at its
niche rather than at a neighbour.  "match" is a sports word, but it is also
business news ("a bid to match the offer"); "quarterback" is only sports.

This script sets those weights from the topic-labelled dev sets in
../shared/corpora (read in place, never copied), for the niches those sets
label: for a word W of niche N, among the niches of the same set,

    p(n | W) = (posts of n that contain W + A) / (posts that contain W + A*K)
    weight(W, N) = p(N | W) / max over n of p(n | W)

with K the number of niches in the set and A = 1, so a word the data has
not seen keeps weight 1, and the niche a word points at most surely keeps
it at 1.  No word is added or removed: the data only weighs the team's
words.  Matching here is an approximation of postlint's (lowercase, a
possessive dropped, a few English suffixes instead of Snowball's stems, and
the parts of run-together hashtags).

It first reports a two-fold cross-validation, run through postlint itself:
weights fitted on one half of each set (in a copy of the data folder), the
accuracy measured on the other half, so the figure is one for posts the
weights never saw.
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval as E  # noqa: E402

NICHES = os.path.join(E.TOP, "dicts", "niches")
ALPHA = 1.0
PART = 5          # the shortest part of a hashtag that counts (metrics.c)
SCAN = 48

WORD = re.compile(r"[#@]?[^\W_][\w'\u2019-]*")
SUFFIXES = ("ies", "ing", "ed", "es", "s")


def stem(w):
    for suf in SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[:-len(suf)] + ("y" if suf == "ies" else "")
    return w


def read_lexicon(niche):
    """[(line, word or None, weight or None)] keeping comments and order."""
    out = []
    with open(os.path.join(NICHES, niche + ".txt"), encoding="utf-8") as f:
        for line in f:
            body = line.split("#", 1)[0].split()
            if not body:
                out.append((line, None, None))
            else:
                out.append((line, body[0].lower(), float(body[1]) if len(body) > 1 else None))
    return out


def write_lexicon(path, lines, weights):
    with open(path, "w", encoding="utf-8") as f:
        for line, word, _ in lines:
            if word is None:
                f.write(line)
                continue
            w = weights.get(word, 1.0)
            f.write(word + ("" if w >= 0.995 else f" {max(w, 0.01):.2f}") + "\n")


def keys(text, vocab):
    """The lexicon words a post contains, as postlint would roughly see them."""
    found = set()
    for tok in WORD.findall(text):
        if tok[0] == "@":
            continue
        if tok[0] == "#":
            tag = tok[1:]
            low = tag.lower()
            if low in vocab:
                found.add(low)
                continue
            if len(low) < 2 * PART - 1:
                continue
            if tag[0].isupper() and any(c.isupper() for c in tag[1:]):
                parts = [p.lower() for p in re.findall(r"[A-Z]+[^A-Z]*", tag)]
            else:
                s = low[:SCAN]
                parts = [s[i:j] for i in range(len(s)) for j in range(i + PART, len(s) + 1)]
            found.update(p for p in parts if p in vocab)
            continue
        low = tok.lower()
        for suf in ("'s", "\u2019s"):
            if low.endswith(suf) and len(low) > 3:
                low = low[:-len(suf)]
        for k in (low, stem(low)):
            if k in vocab:
                found.add(k)
    return found


def fit(rows, mapping):
    """{niche: {word: weight}} for the niches of one set."""
    niches = sorted(set(mapping.values()))
    lex = {n: read_lexicon(n) for n in niches}
    vocab = {}
    for n in niches:
        for _, w, _ in lex[n]:
            if w is not None:
                vocab.setdefault(w, set()).add(w)
                vocab.setdefault(stem(w), set()).add(w)
    counts = defaultdict(Counter)       # lexicon word -> niche -> posts
    for label, text in rows:
        words = set()
        for k in keys(text, vocab):
            words |= vocab[k]
        for w in words:
            counts[w][mapping[label]] += 1
    out = {}
    for n in niches:
        out[n] = {}
        for _, w, _ in lex[n]:
            if w is None:
                continue
            c = counts.get(w, Counter())
            total = sum(c.values())
            out[n][w] = (c[n] + ALPHA) / (total + ALPHA)
    return out, lex


def cross_validate(name, mapping):
    """Accuracy on each half of NAME with weights fitted on the other."""
    rows = [(l, t.replace("#SemST", "")) for l, t in E.read(name)]
    order = list(range(len(rows)))
    random.Random(20261123).shuffle(order)
    half = len(order) // 2
    folds = [[rows[i] for i in order[:half]], [rows[i] for i in order[half:]]]
    accs = []
    for k in (0, 1):
        train, test = folds[k], folds[1 - k]
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(os.path.join(E.TOP, "rules"), os.path.join(tmp, "rules"))
            shutil.copytree(os.path.join(E.TOP, "dicts"), os.path.join(tmp, "dicts"))
            weights, lex = fit(train, mapping)
            for n, w in weights.items():
                write_lexicon(os.path.join(tmp, "dicts", "niches", n + ".txt"), lex[n], w)
            env = dict(os.environ, POSTLINT_DATADIR=tmp)
            accs.append(E.topic_accuracy(test, mapping, env=env))
    return accs


def main():
    write = "--write" in sys.argv[1:]
    print("two-fold cross-validation through postlint (weights fitted on one half, "
          "measured on the other)")
    for name, mapping in E.TOPICS.items():
        a, b = cross_validate(name, mapping)
        print(f"  {name:38} accuracy {(a + b) / 2:.3f}  (folds {a:.3f}, {b:.3f})")
        if write:
            rows = [(l, t.replace("#SemST", "")) for l, t in E.read(name)]
            weights, lex = fit(rows, mapping)
            for n, w in weights.items():
                write_lexicon(os.path.join(NICHES, n + ".txt"), lex[n], w)
                print(f"    wrote dicts/niches/{n}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
