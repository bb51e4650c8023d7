#!/usr/bin/env python3
"""lsp_bench.py BIN TEXTFILE [N] - the language server re-checking one
document: the time from sending a full didChange to receiving its
publishDiagnostics, N times after a warm-up; prints the median and the 95th
percentile in milliseconds.  Round trip included, as an editor sees it."""
import json, os, select, statistics, subprocess, sys, time

bin_, path = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
text = open(path, encoding="utf-8", errors="replace").read()
p = subprocess.Popen([bin_, "--lsp", "--no-config"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
buf = b""

def send(o):
    b = json.dumps(dict(o, jsonrpc="2.0")).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
    p.stdin.flush()

def recv():
    global buf
    while True:
        if b"\r\n\r\n" in buf:
            head, rest = buf.split(b"\r\n\r\n", 1)
            k = int(head.split(b":")[1])
            if len(rest) >= k:
                buf = rest[k:]
                return json.loads(rest[:k])
        select.select([p.stdout], [], [])
        buf += os.read(p.stdout.fileno(), 1 << 16)

uri = "file:///bench/post.txt"
send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
while recv().get("id") != 1:
    pass
send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}})
recv()
times = []
for i in range(n + 5):
    # alternate the last word so each re-check sees a changed text
    t = text + (" again\n" if i % 2 else " once more\n")
    s = time.perf_counter()
    send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [{"text": t}]}})
    m = recv()
    e = time.perf_counter()
    assert m.get("method") == "textDocument/publishDiagnostics"
    if i >= 5:
        times.append((e - s) * 1000)
    ndiag = len(m["params"]["diagnostics"])
send({"id": 2, "method": "shutdown"}); recv(); send({"method": "exit"}); p.wait()
times.sort()
print("%.2f ms median, %.2f ms p95 (%d re-checks of %d bytes, %d diagnostics)" % (statistics.median(times), times[int(len(times) * 0.95)], n, len(text.encode()), ndiag))
