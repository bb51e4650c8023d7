#!/usr/bin/env python3
"""fault.py BIN SHIM [CASE...] - fault injection across the golden CLI cases.

BIN is a build with PL_FAULT_INJECTION (build-asan) and SHIM the LD_PRELOAD
library from tests/fault/shim.c.  For every golden case, with its first
expected format, the allocations, reads and writes a run makes are counted;
then runs are made in which one of them fails: the first, the last, and one
between whose place differs from case to case.  Each such run must either

  - exit 2 with a message on stderr (an allocation: "postlint: out of
    memory"), with no sanitizer report and no signal; or
  - print exactly the case's expected output with its expected status (the
    failure did not touch the result, e.g. a read that is retried).

A run that exits 0 or 1 with any other output would be a report that looks
complete but is not: that fails the test.  Ends with "N passed, N failed".
"""
import concurrent.futures
import hashlib
import os
import re
import shlex
import subprocess
import sys

BIN, SHIM = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ONLY = set(sys.argv[3:])   # case names, to rerun a few
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(TOP, "tests", "cli")
ENV = dict(os.environ, POSTLINT_DATADIR=TOP,
           ASAN_OPTIONS="detect_leaks=0:verify_asan_link_order=0:exitcode=86",
           UBSAN_OPTIONS="halt_on_error=1:exitcode=87")
for k in ("POSTLINT_FAIL_ALLOC", "POSTLINT_COUNT_ALLOC", "FAULT_READ_AT",
          "FAULT_WRITE_AT", "FAULT_COUNT", "FAULT_OPEN"):
    ENV.pop(k, None)


def cases():
    names = sorted({re.sub(r"\.(args|in|out|out_[a-z]+)$", "", f) for f in os.listdir(CLI)
                    if re.search(r"\.(args|in|out|out_[a-z]+)$", f)})
    for name in names:
        outs = sorted(f for f in os.listdir(CLI) if re.fullmatch(re.escape(name) + r"\.out(_[a-z]+)?", f))
        if not outs or (ONLY and name not in ONLY):
            continue
        args = []
        if os.path.exists(os.path.join(CLI, name + ".args")):
            args = shlex.split(open(os.path.join(CLI, name + ".args")).read())
        stdin = None
        if os.path.exists(os.path.join(CLI, name + ".in")):
            if "-" in args:
                stdin = os.path.join(CLI, name + ".in")
            else:
                args.append(name + ".in")
        fmt = outs[0][len(name) + 5:]
        if fmt:
            args = ["--format=" + fmt] + args
        want = open(os.path.join(CLI, outs[0]), "rb").read().replace(b"@TOP@", TOP.encode())
        rcf = os.path.join(CLI, name + ".rc")
        want_rc = int(open(rcf).read()) if os.path.exists(rcf) else 0
        yield name, args, stdin, want, want_rc


def run(args, stdin, extra, preload=False):
    env = dict(ENV, **extra)
    if preload:
        env["LD_PRELOAD"] = SHIM
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        p = subprocess.run([BIN] + args, stdin=f, capture_output=True, cwd=CLI, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def points(n, name, kind):
    """The first and the last call, and one between that differs from case
    to case, so that the suite as a whole fails calls all along a run."""
    if n <= 0:
        return []
    h = int.from_bytes(hashlib.sha1((name + kind).encode()).digest()[:4], "big")
    return sorted({1, 1 + h % n, n})


def judge(kind, name, at, rc, out, err, want, want_rc):
    sanitizer = "AddressSanitizer" in err or "runtime error" in err or rc in (86, 87) or rc < 0
    if sanitizer:
        return f"{name}: {kind} #{at}: crash or sanitizer report (exit {rc}): {err[-1500:]}"
    if rc == want_rc and out == want:
        return None   # the failure did not touch the result (or, with
                      # threads, that allocation came out elsewhere)
    if rc == 2 and err.strip():
        if kind == "alloc" and "postlint: out of memory" not in err:
            return f"{name}: alloc #{at}: exit 2 without 'out of memory': {err[-300:]}"
        return None
    return f"{name}: {kind} #{at}: exit {rc} with a report that differs from the expected one"


def one_case(case):
    name, args, stdin, want, want_rc = case
    problems, n = [], 0
    rc, out, err = run(args, stdin, {"POSTLINT_COUNT_ALLOC": "1", "FAULT_COUNT": "1"}, preload=True)
    m = re.search(r"postlint-alloc-count: (\d+)", err)
    allocs = int(m.group(1)) if m else 0
    m = re.search(r"fault-shim: (\d+) reads, (\d+) writes", err)
    reads, writes = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    for at in points(allocs, name, "alloc"):
        n += 1
        rc, out, err = run(args, stdin, {"POSTLINT_FAIL_ALLOC": str(at)})
        p = judge("alloc", name, at, rc, out, err, want, want_rc)
        if p:
            problems.append(p)
    for kind, count, var in (("read", reads, "FAULT_READ_AT"), ("write", writes, "FAULT_WRITE_AT")):
        for at in points(count, name, kind):
            n += 1
            rc, out, err = run(args, stdin, {var: str(at)}, preload=True)
            p = judge(kind, name, at, rc, out, err, want, want_rc)
            if p:
                problems.append(p)
    return n, problems


def main():
    total = failed = 0
    jobs = os.cpu_count() or 2
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for n, problems in ex.map(one_case, list(cases())):
            total += n
            failed += len(problems)
            for p in problems:
                print("FAIL:", p)
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
