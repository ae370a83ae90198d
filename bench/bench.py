#!/usr/bin/env python3
"""Helpers for bench/run (pure standard library). Subcommands:

  corpus N DIR [--hugo]           generate (or reuse) a corpus; prints one JSON record
  measure --record FILE --size N --tool T --phase P [--timeout S] [--log F] [--out DIR] -- CMD...
                                  run CMD, append wall/CPU/peak-RSS (+ output files/bytes) to FILE
  snapshot DIR SNAPFILE           save {path: mtime_ns, size} of every file under DIR
  edit CORPUS_DIR BACKUP          change one policy's body text (backup for restore)
  restore BACKUP                  undo edit
  incremental --record FILE --size N --snapshot SNAPFILE --out DIR --log F [--timeout S] -- CMD...
                                  measure CMD like `measure` and count output files whose
                                  mtime changed, and files added or removed, since SNAPFILE
  search --record FILE --size N --example BIN --corpus DIR --out OUTDIR
                                  the search index alone (examples/search_index: time, memory on
                                  top of the model, files) and the bytes a fresh visitor
                                  downloads per sample query (node bench/search_bytes.mjs)
  huge --record FILE --work DIR --gongkai BIN --example BIN
                                  one 10 MB document, and one 1 MB title: build and index times
  report RECORDS RESULTS_JSON     print the table, ratios and targets; write RESULTS_JSON
"""

import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------- corpus

def _tree_hash(paths):
    h = hashlib.sha256()
    for base in paths:
        if os.path.isfile(base):
            files = [base]
        else:
            files = sorted(os.path.join(r, f) for r, _, fs in os.walk(base) for f in fs)
        for f in files:
            h.update(os.path.relpath(f, HERE).encode())
            with open(f, "rb") as fh:
                h.update(fh.read())
    return h.hexdigest()


def cmd_corpus(args):
    hugo = "--hugo" in args
    n, outdir = [a for a in args if a != "--hugo"]
    n = int(n)
    inputs = [os.path.join(HERE, "gen_corpus.py")]
    if hugo:
        inputs.append(os.path.join(HERE, "hugo"))
    key = f"n={n} hugo={hugo} {_tree_hash(inputs)}"
    stamp = os.path.join(outdir, ".bench-corpus")
    if os.path.exists(stamp) and open(stamp).read() == key:
        print(json.dumps({"size": n, "hugo": hugo, "reused": True}))
        return 0
    if os.path.exists(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    sys.path.insert(0, HERE)
    import gen_corpus
    t0 = time.perf_counter()
    gen_corpus.generate(n, outdir, hugo=hugo)
    dt = time.perf_counter() - t0
    files, nbytes = count_tree(os.path.join(outdir, "content"))
    with open(stamp, "w") as f:
        f.write(key)
    print(json.dumps({"size": n, "hugo": hugo, "reused": False, "gen_s": round(dt, 2),
                      "files": files, "bytes": nbytes}))
    return 0


# --------------------------------------------------------------------------- measuring

def count_tree(d):
    files = 0
    nbytes = 0
    for r, _, fs in os.walk(d):
        for f in fs:
            try:
                st = os.lstat(os.path.join(r, f))
            except FileNotFoundError:
                continue
            files += 1
            nbytes += st.st_size
    return files, nbytes


def run_measured(cmd, timeout, log):
    """Run cmd in its own session; return dict with wall/user/sys/maxrss/exit/timed_out."""
    logf = open(log, "wb") if log else subprocess.DEVNULL
    # Whatever an earlier step left to write back (a generated corpus, the last output) is
    # written now, not during this measurement: the same for every tool and build.
    os.sync()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 0)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                return
            time.sleep(wait)

    timer = threading.Timer(timeout, kill)
    timer.daemon = True
    timer.start()
    # wait4 gives this child's own rusage (and that of the descendants it waited for):
    # ru_maxrss is the peak resident set size in KiB.
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    if logf is not subprocess.DEVNULL:
        logf.close()
    return {
        "wall_s": round(wall, 3),
        "user_s": round(ru.ru_utime, 3),
        "sys_s": round(ru.ru_stime, 3),
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 3),
        "max_rss_mb": round(ru.ru_maxrss / 1024, 1),
        "exit_code": p.returncode,
        "timed_out": timed_out.is_set(),
    }


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return None


def parse_opts(args):
    opts = {}
    if "--" in args:
        i = args.index("--")
        cmd = args[i + 1:]
        args = args[:i]
    else:
        cmd = []
    it = iter(args)
    for a in it:
        if not a.startswith("--"):
            raise SystemExit(f"bench.py: unexpected argument {a}")
        opts[a[2:]] = next(it)
    return opts, cmd


def append_record(path, rec):
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def cmd_measure(args):
    opts, cmd = parse_opts(args)
    rec = {"size": int(opts["size"]), "tool": opts["tool"], "phase": opts["phase"],
           "command": cmd, "loadavg_before": loadavg()}
    rec.update(run_measured(cmd, float(opts.get("timeout", 900)), opts.get("log")))
    if "out" in opts:
        rec["files"], rec["bytes"] = count_tree(opts["out"])
    append_record(opts["record"], rec)
    print(json.dumps(rec, ensure_ascii=False))
    return 0 if rec["exit_code"] == 0 and not rec["timed_out"] else 1


def snapshot(d):
    snap = {}
    for r, _, fs in os.walk(d):
        for f in fs:
            p = os.path.join(r, f)
            st = os.lstat(p)
            snap[os.path.relpath(p, d)] = [st.st_mtime_ns, st.st_size]
    return snap


def cmd_snapshot(args):
    d, out = args
    with open(out, "w") as f:
        json.dump(snapshot(d), f)
    return 0


def pick_policy(corpus):
    """The policy to edit: the middle one by number, found in its year folder."""
    pol = os.path.join(corpus, "content", "policies")
    names = sorted((f, r) for r, _, fs in os.walk(pol) for f in fs if f.endswith(".md"))
    f, r = names[len(names) // 2]
    return os.path.join(r, f)


def cmd_edit(args):
    corpus, backup = args
    path = pick_policy(corpus)
    with open(path, "rb") as f:
        orig = f.read()
    with open(backup, "w") as f:
        json.dump({"path": path, "text": orig.decode("utf-8")}, f, ensure_ascii=False)
    text = orig.decode("utf-8")
    # change a sentence in the middle of the body (not the front matter, not the first
    # paragraph that a summary may be derived from), as an editor fixing a line would.
    fm_end = text.index("+++", 3) + 3
    body = text[fm_end:]
    marker = "## 三、保障措施\n\n"
    if marker in body:
        body = body.replace(marker, marker + "各单位要按照修订后的要求抓好落实。", 1)
    else:
        body = body.rstrip("\n") + "\n\n（本文件已于基准测试中修订。）\n"
    # keep the source stamp from being mistaken for a fresh corpus
    stamp = os.path.join(corpus, ".bench-corpus")
    if os.path.exists(stamp):
        os.replace(stamp, stamp + ".edited")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text[:fm_end] + body)
    print(os.path.relpath(path, corpus))
    return 0


def cmd_restore(args):
    (backup,) = args
    if not os.path.exists(backup):
        return 0
    with open(backup, encoding="utf-8") as f:
        b = json.load(f)
    with open(b["path"], "w", encoding="utf-8", newline="\n") as f:
        f.write(b["text"])
    corpus = b["path"].split(os.sep + "content" + os.sep)[0]
    stamp = os.path.join(corpus, ".bench-corpus")
    if os.path.exists(stamp + ".edited"):
        os.replace(stamp + ".edited", stamp)
    os.remove(backup)
    return 0


def cmd_incremental(args):
    opts, cmd = parse_opts(args)
    with open(opts["snapshot"]) as f:
        before = json.load(f)
    rec = {"size": int(opts["size"]), "tool": opts.get("tool", "gongkai"),
           "phase": opts.get("phase", "incremental"), "command": cmd, "edited": opts.get("edited"),
           "loadavg_before": loadavg()}
    rec.update(run_measured(cmd, float(opts.get("timeout", 900)), opts.get("log")))
    after = snapshot(opts["out"])
    changed = sorted(p for p in after if p in before and after[p][0] != before[p][0])
    added = sorted(p for p in after if p not in before)
    removed = sorted(p for p in before if p not in after)
    rec.update({"files": len(after), "bytes": sum(v[1] for v in after.values()),
                "written_files": len(changed) + len(added),
                "changed_files": len(changed), "added_files": len(added),
                "removed_files": len(removed), "changed_sample": changed[:20]})
    append_record(opts["record"], rec)
    print(json.dumps({k: v for k, v in rec.items() if k != "changed_sample"}, ensure_ascii=False))
    return 0 if rec["exit_code"] == 0 and not rec["timed_out"] else 1


# --------------------------------------------------------------------------- report

TARGETS = [
    # (id, text): the figures of issues 13 (search) and 14 (builds at scale)
    ("search_100k", "100k: search indexing <= 5 s and <= 400 MB on top of the build"),
    ("query_100k", "100k: per query a fresh visitor downloads <= 300 KB"),
    ("huge", "a 10 MB document / a 1 MB title index in <= 2 s"),
    ("speed_10k", "10k: gongkai >= 3x faster than Hugo (wall)"),
    ("rss_10k", "10k: gongkai peak RSS <= 400 MB"),
    ("speed_100k", "100k: gongkai >= 3x faster than Hugo (wall)"),
    ("rss_100k", "100k: gongkai peak RSS <= 2 GB"),
    ("unchanged_100k", "100k: unchanged rebuild <= 5% of the full build"),
    ("incr_100k", "100k: one-policy rebuild <= 5% of the full build"),
    ("incr_10k", "10k: one-policy rebuild <= 10% of the full build"),
]


QUERIES = ["公开", "预决算", "政务公开", "政府信息公开目录"]


def _json_lines(path):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    return out


def cmd_search(args):
    opts, _ = parse_opts(args)
    size = int(opts["size"])
    log = opts["record"] + f".search-{size}.log"
    rec = {"kind": "search", "size": size, "loadavg_before": loadavg()}
    r = run_measured([opts["example"], opts["corpus"]], float(opts.get("timeout", 900)), log)
    got = _json_lines(log)
    if r["exit_code"] != 0 or not got:
        rec["error"] = f"examples/search_index failed (exit {r['exit_code']}, see {log})"
    else:
        rec.update(got[-1])
        rec["process_max_rss_mb"] = r["max_rss_mb"]
    node = shutil.which("node")
    if node:
        qlog = opts["record"] + f".queries-{size}.log"
        q = run_measured([node, os.path.join(HERE, "search_bytes.mjs"), opts["out"], *QUERIES], 300, qlog)
        rec["queries"] = _json_lines(qlog) if q["exit_code"] == 0 else []
    else:
        rec["queries"] = []
        rec["queries_skipped"] = "node not installed"
    append_record(opts["record"], rec)
    print(json.dumps(rec, ensure_ascii=False))
    return 0 if "error" not in rec else 1


HUGE_CONFIG = """[site]
title = "测试市人民政府"
base_url = "https://test.gov.cn"
host = "测试市人民政府办公室"
site_code = "0000000001"
icp = "测ICP备00000001号"
police_record = "测公网安备00000000000001号"
phone = "0000-1234567"
address = "测试市人民路1号"
org_code = "TESTORG"
"""


def _huge_text(chars, seed):
    import random
    rnd = random.Random(seed)
    words = ["政务公开", "预决算", "信息", "工作要点", "推进", "加强", "落实", "监督", "公共资源",
             "交易", "决策", "部署", "政策解读", "回应关切", "基层", "标准化", "规范化"]
    out, n = [], 0
    while n < chars:
        w = rnd.choice(words) + ("，" if rnd.random() < 0.2 else "") + ("。\n\n" if rnd.random() < 0.03 else "")
        out.append(w)
        n += len(w)
    return "".join(out)[:chars]


def cmd_huge(args):
    opts, _ = parse_opts(args)
    work = opts["work"]
    cases = {"10MB-document": (_huge_text(10_000_000 // 3, 1), "关于一份很长的文件的通知"),
             "1MB-title": ("正文。", _huge_text(1_000_000 // 3, 2).replace("\n", "").replace("。", ""))}
    status = 0
    for name, (body, title) in cases.items():
        root = os.path.join(work, f"huge-{name}")
        if os.path.exists(root):
            shutil.rmtree(root)
        os.makedirs(os.path.join(root, "content/policies/2016"))
        with open(os.path.join(root, "site-config.toml"), "w", encoding="utf-8") as f:
            f.write(HUGE_CONFIG)
        with open(os.path.join(root, "content/policies/2016/huge.md"), "w", encoding="utf-8") as f:
            f.write(f'+++\ntitle = "{title}"\nindex_no = "TESTORG/2016-00001"\ndoc_no = "测政办发〔2016〕1号"\n'
                    'issuer = "测试市人民政府办公室"\nwritten = 2016-04-20\npublished = 2016-04-26\n'
                    'topic = "综合政务\\\\政务公开"\ncategory = "政策文件"\ndisclosure = "主动公开"\n+++\n\n'
                    f"{body}\n")
        rec = {"kind": "huge", "case": name, "input_bytes": len(body.encode()) + len(title.encode()),
               "loadavg_before": loadavg()}
        log = os.path.join(work, f"huge-{name}.log")
        b = run_measured([opts["gongkai"], "build", "--root", root, "--output", os.path.join(root, "public")], 600, log)
        rec["build"] = b
        ilog = os.path.join(work, f"huge-{name}-index.log")
        i = run_measured([opts["example"], root], 600, ilog)
        got = _json_lines(ilog)
        if i["exit_code"] == 0 and got:
            rec.update(got[-1])
        else:
            rec["error"] = f"index failed (see {ilog})"
            status = 1
        if b["exit_code"] != 0:
            rec["error"] = f"build failed (see {log})"
            status = 1
        append_record(opts["record"], rec)
        print(json.dumps(rec, ensure_ascii=False))
        shutil.rmtree(root, ignore_errors=True)
    return status


def machine_info():
    info = {"nproc": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version()}
    try:
        with open("/proc/meminfo") as f:
            info["mem_total_mb"] = int(f.readline().split()[1]) // 1024
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for key, cmd in (("hugo", ["hugo", "version"]), ("rustc", ["rustc", "--version"]),
                     ("gongkai_commit", ["git", "-C", os.path.dirname(HERE), "rev-parse", "--short", "HEAD"])):
        try:
            info[key] = subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            info[key] = None
    return info


def fmt_mb(b):
    return f"{b / 1e6:.1f}"


def cmd_report(args):
    records_path, out = args
    recs = []
    if os.path.exists(records_path):
        with open(records_path, encoding="utf-8") as f:
            recs = [json.loads(line) for line in f if line.strip()]
    runs = [r for r in recs if r.get("kind", "run") == "run"]
    skips = [r for r in recs if r.get("kind") == "skip"]
    corpora = [r for r in recs if r.get("kind") == "corpus"]
    sizes = sorted({r["size"] for r in recs if "size" in r})

    def get(size, tool, phase):
        """The fastest successful run of (size, tool, phase), else the last one."""
        mine = [r for r in runs if r["size"] == size and r["tool"] == tool and r["phase"] == phase]
        good = [r for r in mine if r["exit_code"] == 0 and not r["timed_out"]]
        if good:
            best = min(good, key=lambda r: r["wall_s"])
            best["best_of"] = len(mine)
            return best
        return mine[-1] if mine else None

    def ok(r):
        return r is not None and r["exit_code"] == 0 and not r["timed_out"]

    hdr = f"{'docs':>7}  {'tool':<8} {'phase':<12} {'wall s':>8} {'cpu s':>8} {'RSS MB':>8} {'files':>8} {'out MB':>8}  note"
    print()
    print(hdr)
    print("-" * len(hdr))
    for n in sizes:
        for tool, phase in (("gongkai", "full"), ("gongkai", "unchanged"), ("gongkai", "incremental"),
                            ("hugo", "full")):
            r = get(n, tool, phase)
            if r is None:
                s = next((s for s in skips if s["size"] == n and s["tool"] == tool and s["phase"] == phase), None)
                if s:
                    print(f"{n:>7}  {tool:<8} {phase:<12} {'skipped':>8}  {'':>8} {'':>8} {'':>8} {'':>8}  {s.get('reason', '')}")
                continue
            note = ""
            if r["timed_out"]:
                note = "TIMED OUT"
            elif r["exit_code"] != 0:
                note = f"FAILED (exit {r['exit_code']})"
            if r.get("best_of", 1) > 1:
                note = f"best of {r['best_of']}"
            if phase in ("incremental", "unchanged"):
                note = (note + " " if note else "") + (
                    f"{r['changed_files'] + r['added_files']} of {r['files']} files written "
                    f"({r['changed_files']} changed, {r['added_files']} new, {r['removed_files']} removed)")
            print(f"{n:>7}  {tool:<8} {phase:<12} {r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} "
                  f"{r['max_rss_mb']:>8.1f} {r.get('files', 0):>8} {fmt_mb(r.get('bytes', 0)):>8}  {note}")
    print()
    busy = [r for r in runs if (r.get("loadavg_before") or 0) > 1.0]
    if busy:
        print(f"warning: the machine was busy (load average > 1.0) before {len(busy)} of "
              f"{len(runs)} measured builds (max {max(r['loadavg_before'] for r in busy):.2f}); "
              "figures may be inflated.")
        print()

    ratios = {}
    for n in sizes:
        g, h, i = get(n, "gongkai", "full"), get(n, "hugo", "full"), get(n, "gongkai", "incremental")
        rr = {}
        if ok(g) and ok(h):
            rr["hugo_wall_over_gongkai_wall"] = round(h["wall_s"] / max(g["wall_s"], 1e-9), 2)
            rr["hugo_cpu_over_gongkai_cpu"] = round(h["cpu_s"] / max(g["cpu_s"], 1e-9), 2)
            rr["hugo_rss_over_gongkai_rss"] = round(h["max_rss_mb"] / max(g["max_rss_mb"], 1e-9), 2)
        if ok(g) and ok(i):
            rr["incremental_over_full"] = round(i["wall_s"] / max(g["wall_s"], 1e-9), 3)
        u = get(n, "gongkai", "unchanged")
        if ok(g) and ok(u):
            rr["unchanged_over_full"] = round(u["wall_s"] / max(g["wall_s"], 1e-9), 3)
        if rr:
            ratios[str(n)] = rr
            parts = []
            if "hugo_wall_over_gongkai_wall" in rr:
                parts.append(f"hugo/gongkai wall {rr['hugo_wall_over_gongkai_wall']}x, "
                             f"cpu {rr['hugo_cpu_over_gongkai_cpu']}x, "
                             f"RSS {rr['hugo_rss_over_gongkai_rss']}x")
            if "unchanged_over_full" in rr:
                parts.append(f"unchanged/full {rr['unchanged_over_full'] * 100:.1f}%")
            if "incremental_over_full" in rr:
                parts.append(f"incremental/full {rr['incremental_over_full'] * 100:.1f}%")
            print(f"{n:>7} docs: " + "; ".join(parts))
    print()

    def verdict(cond, have):
        if not have:
            return "n/a"
        return "PASS" if cond else "FAIL"

    searches = {r["size"]: r for r in recs if r.get("kind") == "search"}
    huges = [r for r in recs if r.get("kind") == "huge"]
    if searches or huges:
        print("search index (examples/search_index: indexing alone, on top of the loaded model):")
        print(f"{'docs':>7}  {'records':>8} {'wall s':>7} {'cpu s':>7} {'+RSS MB':>8} {'files':>7} {'MB':>7}  "
              "per query (KB a fresh visitor downloads: page + scripts + index data; results)")
        for n in sorted(searches):
            r = searches[n]
            if "error" in r:
                print(f"{n:>7}  {r['error']}")
                continue
            qs = "  ".join(f"{q['query']} {q['total_kb']:.0f} KB/{q['results']}" for q in r.get("queries", []))
            print(f"{n:>7}  {r['docs']:>8} {r['index_wall_s']:>7.2f} {r['index_cpu_s']:>7.2f} "
                  f"{r['index_peak_over_mb']:>8.1f} {r['index_files']:>7} {fmt_mb(r['index_bytes']):>7}  {qs}")
        for r in huges:
            print(f"  {r['case']}: gongkai build {r['build']['wall_s']:.2f} s wall, {r['build']['cpu_s']:.2f} s CPU, "
                  f"{r['build']['max_rss_mb']:.0f} MB; index alone {r.get('index_wall_s', float('nan')):.2f} s"
                  + (f"  {r['error']}" if "error" in r else ""))
        print()

    results = {}
    s100 = searches.get(100000)
    have_s = s100 is not None and "error" not in s100
    results["search_100k"] = (verdict(have_s and s100["index_wall_s"] <= 5 and s100["index_peak_over_mb"] <= 400, have_s),
                              f"{s100['index_wall_s']:.2f} s, +{s100['index_peak_over_mb']:.0f} MB" if have_s else "needs 100000")
    qmax = max((q["total_kb"] for q in s100.get("queries", [])), default=None) if have_s else None
    results["query_100k"] = (verdict(qmax is not None and qmax <= 300, qmax is not None),
                             f"max {qmax:.0f} KB" if qmax is not None else "needs 100000 and node")
    hmax = max((r.get("index_wall_s", 1e9) for r in huges), default=None)
    results["huge"] = (verdict(hmax is not None and hmax <= 2, hmax is not None),
                       ", ".join(f"{r['case']} {r.get('index_wall_s', float('nan')):.2f} s index, "
                                 f"{r['build']['wall_s']:.2f} s build" for r in huges) or "not run")
    g10, h10 = get(10000, "gongkai", "full"), get(10000, "hugo", "full")
    g100, h100 = get(100000, "gongkai", "full"), get(100000, "hugo", "full")

    def speed_of(g, h, n):
        x = h["wall_s"] / g["wall_s"] if ok(g) and ok(h) else None
        return (verdict(x is not None and x >= 3, x is not None),
                f"{x:.2f}x ({h['wall_s']:.2f} s / {g['wall_s']:.2f} s)" if x is not None
                else f"needs both builds at {n}")

    results["speed_10k"] = speed_of(g10, h10, 10000)
    results["speed_100k"] = speed_of(g100, h100, 100000)
    results["rss_10k"] = (verdict(ok(g10) and g10["max_rss_mb"] <= 400, ok(g10)),
                          f"{g10['max_rss_mb']:.0f} MB" if ok(g10) else "needs gongkai at 10000")
    results["rss_100k"] = (verdict(ok(g100) and g100["max_rss_mb"] <= 2048, ok(g100)),
                           f"{g100['max_rss_mb']:.0f} MB" if ok(g100) else "needs gongkai at 100000")

    def share(n, key, limit):
        x = ratios.get(str(n), {}).get(key)
        return (verdict(x is not None and x <= limit, x is not None),
                f"{x * 100:.1f}%" if x is not None else f"needs gongkai builds at {n}")

    results["unchanged_100k"] = share(100000, "unchanged_over_full", 0.05)
    results["incr_100k"] = share(100000, "incremental_over_full", 0.05)
    results["incr_10k"] = share(10000, "incremental_over_full", 0.10)
    print("targets:")
    for tid, text in TARGETS:
        v, detail = results[tid]
        print(f"  [{v:>4}] {text}: {detail}")
    print()

    doc = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_info(),
        "corpora": corpora,
        "runs": runs,
        "selected": [get(n, t, p) for n in sizes for t, p in (("gongkai", "full"), ("gongkai", "unchanged"),
                     ("gongkai", "incremental"), ("hugo", "full")) if get(n, t, p)],
        "skipped": skips,
        "ratios": ratios,
        "search": list(searches.values()),
        "huge": huges,
        "targets": [{"id": tid, "target": text, "verdict": results[tid][0], "measured": results[tid][1]}
                    for tid, text in TARGETS],
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
    print(f"results: {out}")
    return 1 if any(results[t][0] == "FAIL" for t, _ in TARGETS) else 0


def cmd_record(args):
    """record FILE KEY=VALUE...: append a free-form record (kind=skip|corpus ...)."""
    path = args[0]
    rec = {}
    for kv in args[1:]:
        k, v = kv.split("=", 1)
        if k == "json":
            rec.update(json.loads(v))
            continue
        rec[k] = int(v) if v.isdigit() else v
    append_record(path, rec)
    return 0


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    cmds = {"corpus": cmd_corpus, "measure": cmd_measure, "snapshot": cmd_snapshot,
            "edit": cmd_edit, "restore": cmd_restore, "incremental": cmd_incremental,
            "report": cmd_report, "record": cmd_record, "search": cmd_search, "huge": cmd_huge}
    if argv[0] not in cmds:
        print(__doc__)
        return 2
    return cmds[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
