#!/usr/bin/env python3
"""lsp_client.py BIN - a scripted LSP client for `postlint --lsp`.

Speaks JSON-RPC over the server's stdin/stdout as an editor would and checks
each answer: the handshake, diagnostics with UTF-16 ranges, full and ranged
changes, close, quick fixes (a rule's own and Hunspell's, computed on
request), JSON-RPC errors for malformed and out-of-order messages, and a
clean shutdown.  Prints one line per failed check and ends with
"N passed, N failed".
"""
import json
import os
import select
import subprocess
import sys
import time

BIN = sys.argv[1]
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name} {detail}"[:2000])


class Server:
    def __init__(self):
        env = dict(os.environ)
        self.p = subprocess.Popen([BIN, "--lsp", "--no-config"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.buf = b""
        self.pending = []

    def raw(self, body):
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def send(self, obj):
        obj = dict(obj, jsonrpc="2.0")
        self.raw(json.dumps(obj).encode())

    def read(self, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            if b"\r\n\r\n" in self.buf:
                head, rest = self.buf.split(b"\r\n\r\n", 1)
                n = None
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        n = int(line.split(b":")[1])
                assert n is not None, head
                if len(rest) >= n:
                    self.buf = rest[n:]
                    return json.loads(rest[:n])
            r, _, _ = select.select([self.p.stdout], [], [], 0.2)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 1 << 16)
                if not chunk:
                    return None
                self.buf += chunk
        return None

    def wait_for(self, pred, timeout=15):
        for i, m in enumerate(self.pending):
            if pred(m):
                return self.pending.pop(i)
        end = time.time() + timeout
        while time.time() < end:
            m = self.read(end - time.time())
            if m is None:
                return None
            if pred(m):
                return m
            self.pending.append(m)
        return None

    def request(self, id_, method, params=None):
        msg = {"id": id_, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.wait_for(lambda m: m.get("id") == id_ and "method" not in m)

    def diagnostics(self, uri):
        m = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"]["uri"] == uri)
        return None if m is None else m["params"]["diagnostics"]


def find(diags, code):
    return [d for d in diags or [] if d.get("code") == code]


s = Server()

# Before initialize, a request gets ServerNotInitialized.
r = s.request(1, "textDocument/codeAction", {})
check("request before initialize", r and r.get("error", {}).get("code") == -32002, r)

r = s.request(2, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
caps = (r or {}).get("result", {}).get("capabilities", {})
check("initialize: capabilities", caps.get("textDocumentSync", {}).get("change") == 1 and
      caps.get("codeActionProvider"), r)
check("initialize: serverInfo", r["result"].get("serverInfo", {}).get("name") == "postlint", r)
s.send({"method": "initialized", "params": {}})

# A line with an astral emoji (2 UTF-16 units) and a CJK character (1 unit,
# 3 bytes) before the phrase: LSP columns count UTF-16 units.
uri = "file:///tmp/postlint-lsp-test/draft.txt"
text = "Good morning.\n\U0001F600\u4e16 follow me please!!! #f4f\n"
s.send({"method": "textDocument/didOpen", "params": {"textDocument": {
    "uri": uri, "languageId": "plaintext", "version": 1, "text": text}}})
d = s.diagnostics(uri)
f = find(d, "spam.follow-begging")
check("didOpen: diagnostics published", d is not None and len(d) >= 3, d)
check("utf-16 start", f and f[0]["range"]["start"] == {"line": 1, "character": 4}, f)
check("utf-16 end", f and f[0]["range"]["end"] == {"line": 1, "character": 20}, f)
check("severity error -> 1", f and f[0]["severity"] == 1, f)
check("source", f and f[0]["source"] == "postlint", f)
w = find(d, "style.exclamation-run")
check("severity warning -> 2", w and w[0]["severity"] == 2, w)
check("verdict diagnostic", find(d, "postlint.verdict"), d)

# Quick fixes: the exclamation rule's own suggestion.
r = s.request(3, "textDocument/codeAction", {"textDocument": {"uri": uri},
              "range": w[0]["range"] if w else {}, "context": {"diagnostics": w}})
acts = (r or {}).get("result") or []
check("code action from a rule's suggestion",
      any(a["kind"] == "quickfix" and a["edit"]["changes"][uri][0]["newText"] == "!"
          for a in acts), r)

# didChange, full sync: a misspelling, no suggestions until asked.
text2 = "We recieve new data every Monday and publish the charts.\n"
s.send({"method": "textDocument/didChange", "params": {
    "textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text2}]}})
d = s.diagnostics(uri)
sp = find(d, "spelling.unknown")
check("didChange full: new diagnostics", sp and not find(d, "spam.follow-begging"), d)
check("no suggestions computed with diagnostics", sp and "data" not in sp[0], sp)
check("misspelling range", sp and sp[0]["range"]["start"] == {"line": 0, "character": 3}
      and sp[0]["range"]["end"] == {"line": 0, "character": 10}, sp)
r = s.request(4, "textDocument/codeAction", {"textDocument": {"uri": uri},
              "range": sp[0]["range"] if sp else {}, "context": {"diagnostics": sp}})
acts = (r or {}).get("result") or []
check("spelling quick fix computed on request",
      any(a["edit"]["changes"][uri][0]["newText"] == "receive" for a in acts), r)
check("first fix preferred", acts and acts[0].get("isPreferred") is True, acts)

# A burst of 40 didChange, written at once as a fast typist's editor
# would: the server checks the last version, not all 40.
burst = b""
for v in range(40):
    body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 100 + v},
        "contentChanges": [{"text": "Draft %d: follow me please!!!\n" % v if v < 39 else text2}]}}).encode()
    burst += b"Content-Length: %d\r\n\r\n" % len(body) + body
s.p.stdin.write(burst)
s.p.stdin.flush()
d = s.diagnostics(uri)
seen = [d]
while True:   # any further publications for this document come at once
    more = s.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri, timeout=2)
    if more is None:
        break
    seen.append(more["params"]["diagnostics"])
check("didChange burst: checked at the last version", find(seen[-1], "spelling.unknown")
      and not find(seen[-1], "spam.follow-begging"), seen[-1])
check("didChange burst: 40 changes, a few checks", len(seen) <= 4, len(seen))

# A ranged change is spliced in: fix the typo in place.
s.send({"method": "textDocument/didChange", "params": {
    "textDocument": {"uri": uri, "version": 3}, "contentChanges": [{
        "range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 10}},
        "text": "receive"}]}})
d = s.diagnostics(uri)
check("didChange with range: typo gone", d is not None and not find(d, "spelling.unknown"), d)

# Malformed input: each gets a JSON-RPC error, and the server goes on.
s.raw(b"{not json")
r = s.wait_for(lambda m: "error" in m and m.get("id") is None)
check("parse error -32700", r and r["error"]["code"] == -32700, r)
s.raw(b"[1, 2, 3]")
r = s.wait_for(lambda m: "error" in m and m.get("id") is None)
check("non-object -32600", r and r["error"]["code"] == -32600, r)
s.p.stdin.write(b"X-Nonsense: 1\r\n\r\n")
s.p.stdin.flush()
r = s.wait_for(lambda m: "error" in m and m.get("id") is None)
check("no Content-Length -32700", r and r["error"]["code"] == -32700, r)
# A message over the 16 MiB cap is skipped unread, with an error, and
# the next one is still answered.
big = b'{"jsonrpc":"2.0","method":"x","params":"' + b"a" * (17 << 20) + b'"}'
s.raw(big)
r = s.wait_for(lambda m: "error" in m and m.get("id") is None, timeout=60)
check("oversized message: -32600 naming the cap", r and r["error"]["code"] == -32600
      and "16 MiB" in r["error"]["message"], r)
# A code action over many misspellings asks Hunspell for 20 of them.
words = ("market garden window silver button pocket ladder orange purple yellow river "
         "forest planet rocket engine bridge castle dinner summer winter circle square "
         "monkey donkey turtle rabbit kitten pencil marker folder letter number office "
         "school student teacher doctor farmer singer dancer painter writer reader player "
         "driver sailor soldier captain pilot baker butcher plumber jacket sweater").split()
many = " ".join(w[:3] + w[2] + w[3:] for w in words) + "\n"   # "marrket": one letter doubled
suri = "file:///tmp/postlint-lsp-test/typos.txt"
s.send({"method": "textDocument/didOpen", "params": {"textDocument": {
    "uri": suri, "languageId": "plaintext", "version": 1, "text": many}}})
d = s.diagnostics(suri)
sp = find(d, "spelling.unknown")
r = s.request(50, "textDocument/codeAction", {"textDocument": {"uri": suri},
              "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}},
              "context": {"diagnostics": sp}})
acts = (r or {}).get("result")
fixed = {json.dumps(a["diagnostics"][0]["range"]) for a in (acts or []) if a.get("diagnostics")}
check("code action: suggestions for at most 20 misspellings",
      sp and len(sp) > 20 and acts is not None and len(fixed) <= 20, (len(sp or []), len(fixed)))
r = s.request(5, "textDocument/hover", {})
check("unknown method -32601", r and r.get("error", {}).get("code") == -32601, r)
s.send({"id": 6, "method": "textDocument/didOpen", "params": {"textDocument": {"uri": 7}}})
r = s.wait_for(lambda m: m.get("id") == 6)
check("bad params -32602", r and r.get("error", {}).get("code") == -32602, r)
s.raw(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                  "params": {"textDocument": {"uri": "file:///x.txt", "text": "a\u0000b"}}}).encode())
d = s.diagnostics("file:///x.txt")
check("NUL in a document is judged, not fatal", d is not None, d)

# A Markdown document: front matter and prose, positions in the file.
muri = "file:///tmp/postlint-lsp-test/post.md"
s.send({"method": "textDocument/didOpen", "params": {"textDocument": {
    "uri": muri, "languageId": "markdown", "version": 1,
    "text": "---\ntitle: Notes\n---\n\n# Notes\n\nTag a friend who needs this.\n"}}})
d = s.diagnostics(muri)
b = find(d, "bait.tag")
check("markdown positions", b and b[0]["range"]["start"] == {"line": 6, "character": 0}, d)

# didClose clears the document's diagnostics.
s.send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": muri}}})
d = s.diagnostics(muri)
check("didClose publishes an empty list", d == [], d)

r = s.request(7, "shutdown")
check("shutdown replies null", r is not None and "result" in r and r["result"] is None, r)
r = s.request(8, "textDocument/codeAction", {})
check("request after shutdown -32600", r and r.get("error", {}).get("code") == -32600, r)
s.send({"method": "exit"})
try:
    rc = s.p.wait(timeout=10)
except subprocess.TimeoutExpired:
    s.p.kill()
    rc = None
check("exit after shutdown: status 0", rc == 0, rc)
err = s.p.stderr.read().decode(errors="replace")
check("nothing on stderr", err == "", err)

# exit without shutdown: status 1; end of input: the server ends too.
p = subprocess.run([BIN, "--lsp", "--no-config"], input=b'Content-Length: 34\r\n\r\n{"jsonrpc":"2.0","method":"exit"}\n',
                   capture_output=True, timeout=20)
check("exit without shutdown: status 1", p.returncode == 1, p.returncode)
p = subprocess.run([BIN, "--lsp", "--no-config"], input=b"", capture_output=True, timeout=20)
check("end of input ends the server", p.returncode in (0, 1) and p.stdout == b"", p)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
