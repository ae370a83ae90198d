#!/usr/bin/env python3
"""Edit-to-updated-page latency of `gongkai serve`.

    bench/serve_latency.py                       # the demo site and a generated 10,000-document site
    bench/serve_latency.py --sizes demo          # only the demo
    bench/serve_latency.py --sizes 10000 --edits 100
    bench/serve_latency.py --bin target/release/gongkai --corpus-dir /tmp/corpora

For each site: copy it (the demo) or generate it (`bench/gen_corpus.py N`, reused from
--corpus-dir when already there), start `gongkai serve --port 0`, wait for the first build and
the background search index, then edit one policy N times. Each edit rewrites the file in
place with a new marker sentence at the end of its body (past the first paragraph, so the
summary and the listings do not change) and polls the page every 2 ms over one keep-alive
connection until the marker is served. With --kind title the marker goes into the title in
the front matter instead (listings, facets, home and feeds show the title). Latency = from
just before the write to the first response that contains the marker. A body or title edit
is first previewed (only the edited page); the script also reports when the full rebuild
that follows (every listing) is done, and when the search index (updated in the background)
finds the marker: the marker is one ASCII word, looked up in its dictionary shard. Between edits the script waits for the server to settle.

With --client sse the script does what the live-reload script in the browser does instead of
polling: it listens on /__gongkai/events and loads the page once after each rebuild event. The
2 ms polling client keeps one of a 2-core machine's cores busy parsing responses, which slows
the server it measures; the SSE client measures what an editor sees.

Prints median, p95, min and max, and the server's own per-stage medians (from
/__gongkai/status: load, validate, plan, render, total), so that what dominates is visible.
Standard library only; builds nothing itself (run `cargo build --release` first).
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def fnv32(data):
    """FNV-1a, 32 bits: the dictionary shard of a term (as `src/search/text.rs`)."""
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def copy_demo(dst):
    for name in ("site-config.toml", "content", "static", "templates", "themes"):
        src = os.path.join(REPO, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dst, name))
        elif os.path.isfile(src):
            shutil.copy(src, os.path.join(dst, name))


def corpus(size, corpus_dir):
    path = os.path.join(corpus_dir, f"serve-corpus-{size}")
    if not os.path.isfile(os.path.join(path, "site-config.toml")):
        print(f"generating {size} documents into {path} …", flush=True)
        subprocess.run([sys.executable, os.path.join(REPO, "bench", "gen_corpus.py"), str(size), path], check=True)
    return path


class Server:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen(
            [binary, "serve", "--root", root, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(os.environ, NO_COLOR="1"),
        )
        self.log = []
        threading.Thread(target=self._drain, daemon=True).start()
        self.port = None
        for line in self.proc.stdout:
            line = line.decode("utf-8", "replace").strip()
            if "http://" in line:
                self.port = int(line.rsplit(":", 1)[1].strip("/"))
                break
        if self.port is None:
            raise SystemExit("serve did not start:\n" + "".join(self.log))
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def _drain(self):
        for line in self.proc.stderr:
            self.log.append(line.decode("utf-8", "replace"))

    def get(self, path):
        try:
            self.conn.request("GET", path)
            r = self.conn.getresponse()
            return r.status, r.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request("GET", path)
            r = self.conn.getresponse()
            return r.status, r.read()

    def status(self):
        return json.loads(self.get("/__gongkai/status")[1])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def pick_policy(root):
    base = os.path.join(root, "content", "policies")
    for dirpath, _, files in sorted(os.walk(base)):
        for f in sorted(files):
            if not f.endswith(".md"):
                continue
            text = open(os.path.join(dirpath, f), encoding="utf-8").read()
            if 'disclosure = "主动公开"' in text:
                rel = os.path.relpath(os.path.join(dirpath, f), base)
                return os.path.join(dirpath, f), "/policies/" + rel[:-3].replace(os.sep, "/") + "/"
    raise SystemExit("no published policy in " + root)


class Events:
    """Server-sent events from /__gongkai/events, as the live-reload script receives them."""

    def __init__(self, port):
        self.cond = threading.Condition()
        self.count = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=None)
        conn.request("GET", "/__gongkai/events")
        self.resp = conn.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.resp:
            if line.startswith(b"event:"):
                with self.cond:
                    self.count += 1
                    self.cond.notify_all()

    def wait_after(self, seen, timeout):
        with self.cond:
            self.cond.wait_for(lambda: self.count > seen, timeout)
            return self.count


def measure(binary, name, root, edits, settle, log=None, kind="body", client="poll"):
    print(f"\n== {name}: {root}", flush=True)
    server = Server(binary, root)
    try:
        # Wait for the search index (it runs in the background after the first build).
        deadline = time.time() + 600
        while time.time() < deadline:
            files = json.loads(server.get("/__gongkai/files")[1])["files"]
            if any(f["path"].startswith("search-index/") for f in files):
                break
            time.sleep(0.5)
        n_files = len(files)
        time.sleep(settle)
        path, url = pick_policy(root)
        original = open(path, encoding="utf-8").read()
        status, body = server.get(url)
        assert status == 200, (url, status)
        lat, stages = [], {k: [] for k in ("load", "validate", "plan", "render", "total")}
        events = Events(server.port) if client == "sse" else None
        full, found = [], []
        try:
            for i in range(edits):
                # One ASCII word: a term of its own in the search index.
                marker = f"BENCHMARK{os.getpid()}X{i}"
                before = server.status()["rebuild"]
                if kind == "body":
                    text = original.rstrip("\n") + f"\n\n本段为测试段落{marker}。\n"
                else:
                    text = original.replace('title = "', f'title = "{marker}', 1)
                seen = events.count if events else 0
                t0 = time.perf_counter()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                while True:
                    if events:
                        # Like the live-reload script: wait for a rebuild event, then load.
                        seen = events.wait_after(seen, 1.0)
                    _, body = server.get(url)
                    if marker.encode() in body:
                        break
                    if time.perf_counter() - t0 > 60:
                        raise SystemExit("edit never appeared; serve log:\n" + "".join(server.log[-40:]))
                    if not events:
                        time.sleep(0.002)
                lat.append((time.perf_counter() - t0) * 1000)
                server.log.append(f"## bench: edit {i} served after {lat[-1]:.1f} ms\n")
                # Wait for the full rebuild (a preview shows only the edited page), then let
                # the machine settle before the next edit.
                while True:
                    st = server.status()
                    if st["rebuild"] > before and not st.get("preview"):
                        break
                    if events:
                        events.wait_after(events.count, 0.05)
                    else:
                        time.sleep(0.005)
                full.append((time.perf_counter() - t0) * 1000)
                # Then wait until the search index finds the marker (the index is updated on a
                # thread of its own after the rebuild).
                term = marker.lower().encode()
                while True:
                    _, meta = server.get("/search-index/meta.json")
                    shard = fnv32(term) % json.loads(meta)["buckets"]
                    _, dictionary = server.get(f"/search-index/t/{shard}.bin")
                    if term in dictionary:
                        break
                    if time.perf_counter() - t0 > 120:
                        raise SystemExit("the edit never reached the search index")
                    time.sleep(0.005)
                found.append((time.perf_counter() - t0) * 1000)
                for k in stages:
                    stages[k].append(st["timings"][k])
                time.sleep(settle)
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        if log:
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"== {name}\n" + "".join(server.log))
        print(f"{n_files} files served; {edits} {kind} edits of {url}, {settle} s apart, client: {client}")
        print(
            "edit → updated page: median {:.1f} ms, p95 {:.1f} ms, min {:.1f} ms, max {:.1f} ms".format(
                statistics.median(lat), percentile(lat, 95), min(lat), max(lat)
            )
        )
        print(
            "edit → whole site rebuilt: median {:.1f} ms, p95 {:.1f} ms, max {:.1f} ms".format(
                statistics.median(full), percentile(full, 95), max(full)
            )
        )
        print(
            "edit → findable in the search index: median {:.1f} ms, p95 {:.1f} ms, max {:.1f} ms".format(
                statistics.median(found), percentile(found, 95), max(found)
            )
        )
        print(
            "server stages of the full rebuild (median ms): "
            + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in stages.items())
            + "; p95 total {:.1f}".format(percentile(stages["total"], 95))
        )
        return lat
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "gongkai"))
    ap.add_argument("--sizes", default="demo,10000", help="comma-separated: demo and/or document counts")
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--settle", type=float, default=0.3, help="seconds to wait between edits")
    ap.add_argument("--corpus-dir", default=tempfile.gettempdir())
    ap.add_argument("--log", help="write each latency and the server's log to this file")
    ap.add_argument(
        "--client",
        choices=["poll", "sse"],
        default="poll",
        help="poll: GET the page every 2 ms (finest resolution, but the client takes a core); "
        "sse: wait for the live-reload event, then GET once, as the browser does",
    )
    ap.add_argument(
        "--kind",
        choices=["body", "title"],
        default="body",
        help="body: a sentence at the end of the body (previewed at once); title: the title in the "
        "front matter (the full incremental build: listings, facets, home, feeds change)",
    )
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        raise SystemExit(f"{args.bin} not found: run cargo build --release")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    for size in args.sizes.split(","):
        if size == "demo":
            with tempfile.TemporaryDirectory() as tmp:
                copy_demo(tmp)
                measure(args.bin, "demo", tmp, args.edits, args.settle, args.log, args.kind, args.client)
        else:
            src = corpus(int(size), args.corpus_dir)
            with tempfile.TemporaryDirectory() as tmp:
                site = os.path.join(tmp, "site")
                shutil.copytree(src, site)
                measure(args.bin, f"{size} documents", site, args.edits, args.settle, args.log, args.kind, args.client)
    print(f"\nload average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
