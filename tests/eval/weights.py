#!/usr/bin/env python3
"""weights.py - fits the shipped rule weights (make weights).

Runs `postlint calibrate` from the packs' own weights on the dev sets of
../shared/corpora (read where they stand, never copied), with the packs'
own examples each weighing as EXAMPLE_WEIGHT posts, and writes
rules/weights/shipped.xml, which the checker applies over the packs'
weights.  Only the fitted numbers are committed; rebuilding them needs the
corpora.  eval.py's leave-one-set-out uses the same recipe.

The examples weigh more than a corpus post because they are the only
data on kinds no corpus holds (engagement bait, empty greetings,
testimonial scams): without them the fit would pull those rules toward
what chat messages and comment sections say.
"""
import os
import subprocess
import sys
import tempfile

import eval as ev

OUT = os.path.join(ev.TOP, "rules", "weights", "shipped.xml")
EXAMPLE_WEIGHT = 5


def labeled(names):
    """A temporary TSV of the dev sets NAMES; the caller removes it."""
    f = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False)
    for name in names:
        for label, text in ev.read(name):
            f.write(f"{'bad' if label in ev.BAD else 'good'}\t{text.replace(chr(13), ' ')}\n")
    f.close()
    return f.name


def calibrate(names, out):
    """Fits weights on NAMES (and the examples) into OUT; the report."""
    path = labeled(names)
    try:
        env = dict(os.environ, POSTLINT_PACK_WEIGHTS="1")
        p = subprocess.run([ev.POSTLINT, "calibrate", "--no-config", "--no-suggest",
                            "--examples", str(EXAMPLE_WEIGHT), "--write", out, path],
                           capture_output=True, text=True, env=env)
    finally:
        os.unlink(path)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit(f"postlint calibrate failed ({p.returncode})")
    return p.stdout


def main():
    print(calibrate(ev.VERDICT_SETS, OUT))
    print(f"wrote {os.path.relpath(OUT, ev.TOP)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
