#!/usr/bin/env python3
"""bench/run.py - lineage against the tools a user would pick instead, in one command.

    python3 bench/run.py                      # 100k and 1M cards, 2M Hub-dump records
    python3 bench/run.py --quick              # 20k cards (CI smoke test, < 2 minutes)
    python3 bench/run.py --sizes 100k --hub 0 # one card corpus, no Hub dump
    python3 bench/run.py --corpus ~/hf-cards --orgs data/organizations.csv --hub-jsonl ~/models.jsonl
    python3 bench/run.py --corpora /dev/shm/lineage-corpora  # corpora on tmpfs: CPU-bound figures

Every step is a whole process (what a user waits for), timed with wall clock and
its peak resident set size (os.wait4).  Corpora come from the shared generator
(../shared/bench/gen_hub.py, --max-depth 40) and are cached in the work directory
(default /tmp/lineage-bench), so reruns only pay for the measurements.

For each card corpus, on the same files:
  ingest      lineage --db X ingest CORPUS --no-progress --no-dataset
              vs peers/ingest_sqlite.py --loader c --jobs 1 and --jobs 2 (PyYAML C loader + sqlite3)
For the Hub dump (gen_hub.py --no-cards --hub-jsonl):
  ingest      lineage --db X ingest HUB.jsonl --as hub --no-progress --no-dataset
              vs peers/ingest_jsonl_sqlite.py on the generator's flat --jsonl of the same models
On every store (lineage's and the peer's, built from the same input):
  chain       lineage chain DEEPEST --format json           vs the sqlite3 shell, recursive CTE (best of 5)
  descendants lineage descendants BIGGEST_ROOT --format json vs the sqlite3 shell, recursive CTE (best of 5)
  flows       lineage flows --from US --to CN --format csv   vs networkx / igraph load + query (bench/peer_graph.py)
  export dot  lineage export dot --descendants BIGGEST_ROOT  vs networkx + hand-written DOT (bench/peer_graph.py)
plus, for detail, the shared peers' in-process figures (query_sqlite.py, graph_networkx.py,
graph_igraph.py).  The summary table goes to stdout and, as Markdown with the machine,
command, corpus parameters and lineage commit, to bench/RESULTS.md (--results).

Requirements: Python 3.8+ standard library for this script; the peers need python3-yaml,
python3-networkx, python3-igraph (run with --peer-python, default /usr/bin/python3) and the
sqlite3 shell.  Missing peers are reported and skipped, never fatal.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import deque

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MiB = 1024.0 * 1024.0

ANC_SQL = """WITH RECURSIVE anc(id) AS (
  SELECT parent FROM edges WHERE child = {id}
  UNION
  SELECT e.parent FROM edges e JOIN anc ON e.child = anc.id)
SELECT id FROM anc;"""
DES_SQL = """WITH RECURSIVE des(id) AS (
  SELECT child FROM edges WHERE parent = {id}
  UNION
  SELECT e.child FROM edges e JOIN des ON e.parent = des.id)
SELECT id FROM des;"""

KIND_MAP = {"org": "company", "quantizer": "community", "user": "individual"}
BLOCS = {
    "_comment": "written by bench/run.py for synthetic corpora",
    "west": ["US", "CA", "GB", "FR", "DE", "NL", "SE", "CH", "IL", "AU", "NZ", "IE", "ES", "IT"],
    "cn": ["CN"],
}


# --------------------------------------------------------------------------- helpers

def log(msg):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def parse_size(s):
    s = s.strip().lower().replace("_", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", s)
    if not m:
        raise argparse.ArgumentTypeError("bad size '%s' (e.g. 20k, 100k, 1m, 250000)" % s)
    return int(float(m.group(1)) * {"": 1, "k": 1000, "m": 1000000}[m.group(2)])


def size_label(n):
    if n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def sql_quote(s):
    return "'" + s.replace("'", "''") + "'"


def file_mb(path):
    tot = 0
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            tot += os.path.getsize(path + suffix)
        except OSError:
            pass
    return tot / MiB


def rm_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def fmt_time(s):
    if s is None:
        return "—"
    if s < 1.0:
        return "%.0f ms" % (s * 1e3) if s >= 0.0995 else "%.1f ms" % (s * 1e3)
    return "%.2f s" % s


def cpu(rec):
    """user + sys seconds of a measured process (None when it was not run)."""
    return round(rec["user_s"] + rec["sys_s"], 2) if rec else None


def fmt_ratio(r):
    if r is None:
        return "—"
    return "%.2fx" % r if r < 10 else "%.1fx" % r


def cpu_jiffies():
    """(busy, total) jiffies of all CPUs from /proc/stat; (0, 0) where unavailable."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return sum(v) - idle, sum(v)
    except (OSError, ValueError, IndexError):
        return 0, 0


BUSY = 0.15  # others_cpu above this marks a measurement as taken on a busy machine
HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
NCPU = os.cpu_count() or 1


def wait_idle(max_wait, need=0.85, window=2.0):
    """Wait (up to max_wait s) for a window in which the CPUs are at least `need` idle:
    other people's builds on a shared machine skew whole-process timings."""
    if max_wait <= 0:
        return 0.0
    t0 = time.time()
    while True:
        b0, a0 = cpu_jiffies()
        time.sleep(window)
        b1, a1 = cpu_jiffies()
        if a1 == a0 or 1.0 - (b1 - b0) / float(a1 - a0) >= need:
            return time.time() - t0
        if time.time() - t0 > max_wait:
            log("machine still busy after %.0f s; measuring anyway (see 'others' CPU')" % (time.time() - t0))
            return time.time() - t0


class Measure:
    """Runs whole processes and records wall time and peak RSS of each, and how much CPU
    the rest of the machine used meanwhile (others_cpu: share of all cores)."""

    def __init__(self, raw_path):
        self.raw_path = raw_path
        self.records = []

    def run(self, label, cmd, stdout=None, stderr_path=None, cwd=None, env=None, quiet=False):
        """stdout: None -> /dev/null, a path -> that file.  Returns a dict."""
        out = open(stdout, "wb") if stdout else open(os.devnull, "wb")
        err = open(stderr_path, "wb") if stderr_path else subprocess.PIPE
        j0 = cpu_jiffies()
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env)
        errtext = b""
        if err is subprocess.PIPE:
            errtext = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        j1 = cpu_jiffies()
        p.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") \
            else (os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status))
        out.close()
        if stderr_path:
            err.close()
            with open(stderr_path, "rb") as f:
                errtext = f.read()
        rec = {"label": label, "cmd": [str(c) for c in cmd], "wall_s": round(wall, 4),
               "rss_mb": round(ru.ru_maxrss / 1024.0, 1), "user_s": round(ru.ru_utime, 3),
               "sys_s": round(ru.ru_stime, 3), "rc": p.returncode,
               "others_cpu": round(max(0.0, (j1[0] - j0[0]) / float(HZ) - ru.ru_utime - ru.ru_stime)
                                   / (wall * NCPU), 3) if wall > 0.05 and j1[1] > j0[1] else None,
               "stderr_tail": errtext.decode("utf-8", "replace")[-1500:]}
        self.records.append(rec)
        with open(self.raw_path, "a") as f:
            f.write(json.dumps(rec, sort_keys=True) + "\n")
        if p.returncode != 0 and not quiet:
            log("FAILED (%d): %s\n%s" % (p.returncode, " ".join(shlex.quote(str(c)) for c in cmd),
                                         rec["stderr_tail"]))
        return rec

    def best(self, label, cmd, n, **kw):
        """Best (minimum wall) of n runs; returns the best record with 'runs' added."""
        recs = []
        for i in range(n):
            r = self.run("%s #%d" % (label, i + 1), cmd, **kw)
            recs.append(r)
            if r["rc"] != 0:
                return r
        b = dict(min(recs, key=lambda r: r["wall_s"]))
        b["runs"] = [r["wall_s"] for r in recs]
        # the best run's own contention figure is kept (it is the one reported)
        b["rss_mb"] = max(r["rss_mb"] for r in recs)
        return b


def last_json_line(text):
    rec = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                rec = json.loads(line)
            except ValueError:
                pass
    return rec


# --------------------------------------------------------------------------- corpora

class Corpus:
    """What a store is built from: card folder and/or Hub dump, plus a meta dir holding
    orgs.csv (gen_hub format) and manifest.json (query targets) for the peers."""

    def __init__(self, label):
        self.label = label
        self.cards = None        # card folder
        self.hub = None          # Hub API dump (JSON lines or array)
        self.flat = None         # gen_hub --jsonl records for the json peer
        self.meta = None         # dir with orgs.csv + manifest.json
        self.manifest = None
        self.synthetic = False
        self.models = None
        self.info = {}


def gen_cmd(args, out, n, cards=True, jsonl=None, hub=None):
    cmd = [sys.executable, args.gen, "--out", out, "--models", str(n), "--seed", str(args.seed),
           "--max-depth", str(args.max_depth)]
    if jsonl:
        cmd += ["--jsonl", jsonl]
    if hub:
        cmd += ["--hub-jsonl", hub]
    if not cards:
        cmd.append("--no-cards")
    return cmd


def dir_kib(path):
    try:
        out = subprocess.run(["du", "-sk", path], capture_output=True, text=True).stdout
        return int(out.split()[0])
    except (OSError, ValueError, IndexError):
        return None


def ensure_generated(args, meas, kind, n, with_hub=False):
    """kind 'cards' (card folder, optionally with Hub dump + flat jsonl) or 'hub' (--no-cards)."""
    tag = "%s-%s-s%d-d%d%s" % (kind, size_label(n), args.seed, args.max_depth, "-hub" if with_hub else "")
    base = args.corpora
    os.makedirs(base, exist_ok=True)
    final = os.path.join(base, tag)
    done = final + ".done.json"
    c = Corpus(("%s cards" if kind == "cards" else "%s Hub records") % size_label(n))
    c.synthetic = True
    if not os.path.exists(done):
        for p in (final, final + ".partial"):
            if os.path.exists(p):
                shutil.rmtree(p)
        for suffix in (".flat.jsonl", ".hub.jsonl"):
            if os.path.exists(final + suffix):
                os.remove(final + suffix)
        want_hub = with_hub or kind == "hub"
        cmd = gen_cmd(args, final + ".partial", n, cards=(kind == "cards"),
                      jsonl=final + ".flat.jsonl" if want_hub else None,
                      hub=final + ".hub.jsonl" if want_hub else None)
        st = shutil.disk_usage(base)
        need_gb = n * 9e-6 if kind == "cards" else n * 1e-6
        if st.free / 1e9 < need_gb * 1.2:
            sys.exit("not enough disk in %s for %s: ~%.0f GB needed, %.0f GB free"
                     % (base, tag, need_gb, st.free / 1e9))
        log("generating %s (%s)" % (tag, " ".join(shlex.quote(x) for x in cmd)))
        r = meas.run("generate " + tag, cmd, stderr_path=final + ".gen.log")
        if r["rc"] != 0:
            sys.exit("gen_hub.py failed, see %s.gen.log" % final)
        os.rename(final + ".partial", final)
        info = {"generate_s": r["wall_s"], "generate_rss_mb": r["rss_mb"], "cmd": cmd}
        if kind == "cards":
            info["cards_disk_mb"] = round((dir_kib(final) or 0) / 1024.0, 1)
        for suffix in (".flat.jsonl", ".hub.jsonl"):
            if os.path.exists(final + suffix):
                info[suffix.strip(".").replace(".", "_") + "_mb"] = round(os.path.getsize(final + suffix) / MiB, 1)
        with open(done, "w") as f:
            json.dump(info, f, indent=1)
        log("generated %s in %.0f s" % (tag, r["wall_s"]))
    else:
        log("reusing %s" % final)
    with open(done) as f:
        c.info = json.load(f)
    c.meta = final
    if kind == "cards":
        c.cards = final
    if os.path.exists(final + ".hub.jsonl"):
        c.hub = final + ".hub.jsonl"
        c.flat = final + ".flat.jsonl"
    with open(os.path.join(final, "manifest.json")) as f:
        c.manifest = json.load(f)
    c.models = c.manifest["counts"]["models"]
    return c


def convert_orgs(src, dst_lineage, dst_gen):
    """Organisation table in gen_hub format (namespace,country,kind) or lineage format
    (namespace,organization,country,kind,source) -> both formats."""
    rows = []
    if src and os.path.exists(src):
        with open(src, newline="", encoding="utf-8") as f:
            rd = csv.DictReader(f)
            for r in rd:
                ns = (r.get("namespace") or "").strip()
                if not ns:
                    continue
                rows.append({"namespace": ns, "organization": (r.get("organization") or ns).strip() or ns,
                             "country": (r.get("country") or "").strip(),
                             "kind": KIND_MAP.get((r.get("kind") or "").strip(), (r.get("kind") or "").strip()),
                             "source": (r.get("source") or "").strip() or "synthetic:gen_hub"})
    with open(dst_lineage, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["namespace", "organization", "country", "kind", "source"])
        for r in rows:
            w.writerow([r["namespace"], r["organization"], r["country"], r["kind"] or "unknown", r["source"]])
    if dst_gen:
        with open(dst_gen, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["namespace", "country", "kind"])
            for r in rows:
                w.writerow([r["namespace"], r["country"], r["kind"]])
    return len(rows)


def fs_type(path):
    """File-system type of the mount holding path (from /proc/mounts), '' if unknown."""
    best, kind = "", ""
    try:
        real = os.path.realpath(path)
        with open("/proc/mounts") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mnt = parts[1].replace("\\040", " ")
                if (real == mnt or real.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                    best, kind = mnt, parts[2]
    except OSError:
        pass
    return kind


def page_cache_reclaim():
    """Describe proactive page-cache reclaim (DAMON pageout) if the kernel runs it: it evicts
    file pages idle for about a minute, so a corpus read a minute ago is read from disk again."""
    base = "/sys/kernel/mm/damon/admin/kdamonds"
    try:
        n = int(open(os.path.join(base, "nr_kdamonds")).read())
    except (OSError, ValueError):
        return ""
    for k in range(n):
        try:
            if open(os.path.join(base, str(k), "state")).read().strip() != "on":
                continue
            ctx = os.path.join(base, str(k), "contexts", "0")
            aggr = int(open(os.path.join(ctx, "monitoring_attrs", "intervals", "aggr_us")).read())
            sch = os.path.join(ctx, "schemes", "0")
            action = open(os.path.join(sch, "action")).read().strip()
            age = int(open(os.path.join(sch, "access_pattern", "age", "min")).read())
            return "DAMON %s of pages idle >= %.0f s" % (action, age * aggr / 1e6)
        except (OSError, ValueError):
            return "DAMON active"
    return ""


def warm_cache(path):
    """Read a corpus once (directories and every README.md, or a dump file) so that every
    tool measured after this finds it in the page cache: the first reader must not pay
    for the disk alone.  Returns seconds spent."""
    t0 = time.perf_counter()
    buf = bytearray(1 << 20)
    if os.path.isdir(path):
        for ns in os.scandir(path):
            if not ns.is_dir():
                continue
            for model in os.scandir(ns.path):
                if not model.is_dir():
                    continue
                try:
                    with open(os.path.join(model.path, "README.md"), "rb") as f:
                        f.readinto(buf)
                except OSError:
                    pass
    elif os.path.exists(path):
        with open(path, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass
    return time.perf_counter() - t0


def compute_targets(peer_db):
    """Query targets for a corpus without a gen_hub manifest: the model farthest from any
    root (shortest-path depth) and the roots with the largest descendant sets."""
    con = sqlite3.connect(peer_db)
    kids, has_parent = {}, set()
    for child, parent in con.execute("SELECT child, parent FROM edges"):
        if child == parent:
            continue
        kids.setdefault(parent, []).append(child)
        has_parent.add(child)
    con.close()
    roots = sorted(p for p in kids if p not in has_parent)
    depth = {r: 0 for r in roots}
    q = deque(roots)
    while q:
        v = q.popleft()
        for c in kids.get(v, ()):
            if c not in depth:
                depth[c] = depth[v] + 1
                q.append(c)
    deepest = max(sorted(depth), key=lambda v: depth[v]) if depth else None
    cand = sorted(roots, key=lambda r: (-len(kids[r]), r))[:60]
    sizes = []
    for r in cand:
        seen = {r}
        q = deque([r])
        while q:
            for c in kids.get(q.popleft(), ()):
                if c not in seen:
                    seen.add(c)
                    q.append(c)
        sizes.append([r, len(seen) - 1])
    sizes.sort(key=lambda x: (-x[1], x[0]))
    return {"deepest_model": deepest, "deepest_depth": depth.get(deepest),
            "biggest_roots_by_family_size": sizes[:10]}


def hub_to_flat(src, dst):
    """A real Hub dump (JSON lines or array) -> the flat records ingest_jsonl_sqlite.py reads."""
    def records():
        with open(src, encoding="utf-8") as f:
            head = f.read(1)
            while head and head.isspace():
                head = f.read(1)
            f.seek(0)
            if head == "[":
                for r in json.load(f):
                    yield r
            else:
                for line in f:
                    line = line.strip()
                    if line:
                        yield json.loads(line)
    n = 0
    with open(dst, "w", encoding="utf-8") as out:
        for r in records():
            mid = r.get("id") or r.get("modelId")
            if not mid:
                continue
            card = r.get("cardData") if isinstance(r.get("cardData"), dict) else {}
            bases = card.get("base_model")
            if isinstance(bases, str):
                bases = [bases]
            rel = card.get("base_model_relation")
            tags = r.get("tags") or []
            if not bases:
                bases = []
                for t in tags:
                    parts = t.split(":") if isinstance(t, str) else []
                    if len(parts) == 3 and parts[0] == "base_model":
                        bases.append(parts[2])
                        rel = rel or parts[1]
            if bases and not rel:
                rel = "merge" if len(bases) > 1 else "finetune"
            lic = card.get("license")
            out.write(json.dumps({
                "id": mid, "author": r.get("author") or mid.split("/")[0], "base_models": bases or [],
                "relation": rel if bases else None, "license": lic if isinstance(lic, str) else None,
                "tags": [t for t in tags if isinstance(t, str)], "pipeline_tag": r.get("pipeline_tag"),
                "library_name": r.get("library_name"), "defect": None}) + "\n")
            n += 1
    return n


def real_corpus(args, label, cards=None, hub=None):
    c = Corpus(label)
    c.cards, c.hub = cards, hub
    meta = os.path.join(args.work, "meta-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", label))
    if os.path.exists(meta):
        shutil.rmtree(meta)
    os.makedirs(meta)
    c.meta = meta
    orgs = args.orgs
    if not orgs and cards and os.path.exists(os.path.join(cards, "orgs.csv")):
        orgs = os.path.join(cards, "orgs.csv")
    n = convert_orgs(orgs, os.path.join(meta, "organizations.csv"), os.path.join(meta, "orgs.csv"))
    c.info["organizations"] = n
    c.info["orgs_file"] = orgs
    if n == 0:
        log("no organisations for %s (use --orgs FILE): flows will be empty" % label)
    if cards and not os.path.exists(os.path.join(cards, "orgs.csv")):
        # ingest_sqlite.py wants DIR/orgs.csv: give it a shadow folder of symlinks.
        shadow = os.path.join(meta, "cards")
        os.makedirs(shadow)
        for e in os.scandir(cards):
            if e.is_dir():
                os.symlink(os.path.abspath(e.path), os.path.join(shadow, e.name))
        shutil.copy(os.path.join(meta, "orgs.csv"), os.path.join(shadow, "orgs.csv"))
        c.info["peer_cards_dir"] = shadow
    if hub:
        c.flat = os.path.join(meta, "flat.jsonl")
        log("converting %s to flat records for the json peer (untimed)" % hub)
        c.info["hub_records"] = hub_to_flat(hub, c.flat)
        c.models = c.info["hub_records"]
    return c


# --------------------------------------------------------------------------- the run

class Bench:
    def __init__(self, args):
        self.a = args
        os.makedirs(args.work, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.m = Measure(os.path.join(args.work, "raw-%s.jsonl" % stamp))
        self.rows = []        # summary table rows
        self.steps = []       # lineage per-step resources
        self.details = []     # peer JSON lines and notes
        self.corpora = []
        self.peer_ok = {}
        self.notes = []
        self.waited = 0.0

    # ---- environment
    def check_peers(self):
        a = self.a
        if a.no_peers:
            self.peer_ok = {k: False for k in ("yaml", "networkx", "igraph", "sqlite3")}
            return
        for mod in ("yaml", "networkx", "igraph"):
            r = subprocess.run([a.peer_python, "-c", "import %s" % mod], capture_output=True)
            self.peer_ok[mod] = r.returncode == 0
            if r.returncode != 0:
                log("peer module '%s' missing for %s: those peers are skipped "
                    "(apt-get install python3-yaml python3-networkx python3-igraph)" % (mod, a.peer_python))
        self.peer_ok["sqlite3"] = shutil.which(a.sqlite3) is not None
        if not self.peer_ok["sqlite3"]:
            log("sqlite3 shell not found: chain/descendants peers are skipped")
        if not os.path.isdir(a.peers):
            log("peers directory %s not found: all peers are skipped" % a.peers)
            self.peer_ok = {k: False for k in self.peer_ok}

    def machine(self):
        cpu = "?"
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        mem = "?"
        try:
            with open("/proc/meminfo") as f:
                for line in f:
                    if line.startswith("MemTotal:"):
                        mem = "%.1f GiB" % (int(line.split()[1]) / 1024.0 / 1024.0)
        except OSError:
            pass

        def out(cmd):
            try:
                return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                return ""
        commit = out(["git", "-C", REPO, "rev-parse", "HEAD"]) or "?"
        dirty = out(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"])
        build = "?"
        cache = os.path.join(os.path.dirname(os.path.abspath(self.a.lineage)), "CMakeCache.txt")
        if os.path.exists(cache):
            with open(cache) as f:
                txt = f.read()
            bt = re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", txt, re.M)
            cxx = re.search(r"^CMAKE_CXX_COMPILER:\w+=(.*)$", txt, re.M)
            build = "%s, %s" % (bt.group(1) if bt else "?", cxx.group(1) if cxx else "?")
        return {
            "nproc": os.cpu_count(), "ram": mem, "cpu": cpu, "kernel": platform.release(),
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "commit": commit[:12] + (" + uncommitted changes" if dirty else ""),
            "lineage": self.a.lineage, "lineage_version": out([self.a.lineage, "--version"]),
            "build": build, "sqlite3": out([self.a.sqlite3, "--version"]).split(" ")[0] if self.peer_ok.get("sqlite3") else "-",
            "python_peers": out([self.a.peer_python, "--version"]),
            "reclaim": page_cache_reclaim(),
            "corpora_fs": fs_type(self.a.corpora) or "?", "work_fs": fs_type(self.a.work) or "?",
        }

    # ---- row helpers
    def row(self, corpus, step, lin, peer, target="", met=None, lin_txt=None, peer_txt=None, peer_name="",
            note="", recs=()):
        ratio = (peer / lin) if (lin and peer) else None
        busy = max([r.get("others_cpu") or 0.0 for r in recs if r] or [0.0])
        self.rows.append({"corpus": corpus.label, "step": step, "note": note, "lineage": lin, "peer": peer,
                          "busy": busy,
                          "lineage_txt": lin_txt or fmt_time(lin), "peer_txt": peer_txt or fmt_time(peer),
                          "peer_name": peer_name, "ratio": ratio, "target": target,
                          "met": met})

    def lstep(self, corpus, step, rec, db=None, extra=""):
        self.steps.append({"corpus": corpus.label, "step": step, "wall_s": rec["wall_s"],
                           "rss_mb": rec["rss_mb"], "rc": rec["rc"], "others_cpu": rec.get("others_cpu"),
                           "cpu_s": round(rec.get("user_s", 0) + rec.get("sys_s", 0), 3),
                           "db_mb": round(file_mb(db), 1) if db else None, "extra": extra})

    def settle(self):
        """Flush dirty pages and wait for other people's jobs to calm down (untimed)."""
        if hasattr(os, "sync"):
            os.sync()
        budget = max(0.0, self.a.wait_budget - self.waited)
        waited = wait_idle(min(self.a.wait_idle, budget))
        self.waited += waited
        if waited > 3:
            log("waited %.0f s for an idle machine" % waited)

    def warm(self, c, path):
        """Read the input once, untimed, right before a tool reads it (not needed on tmpfs)."""
        if fs_type(path) in ("tmpfs", "ramfs"):
            return
        t = warm_cache(path)
        c.info["warm_cache_s"] = round(max(t, c.info.get("warm_cache_s", 0.0)), 1)
        if t > 3:
            log("%s: read %s once to warm the page cache (%.0f s, untimed)" % (c.label, os.path.basename(path), t))

    def lineage(self, db, *args):
        return [self.a.lineage, "--db", db] + [str(x) for x in args]

    def peer(self, script):
        return [self.a.peer_python, os.path.join(self.a.peers, script)]

    # ---- ingest of cards
    def run_cards(self, c):
        a, m = self.a, self.m
        rd = os.path.join(a.work, "runs", re.sub(r"[^A-Za-z0-9_.-]+", "_", c.label))
        os.makedirs(rd, exist_ok=True)
        ldb, pdb1, pdb2 = (os.path.join(rd, x) for x in ("lineage.db", "peer1.db", "peer2.db"))
        orgs_lin = self.prepare_orgs(c, rd)

        rm_db(ldb)
        self.settle()
        self.warm(c, c.cards)
        log("%s: lineage ingest" % c.label)
        r = lrec = m.run("lineage ingest cards " + c.label, self.lineage(ldb, "ingest", c.cards, "--no-progress", "--no-dataset"),
                  stderr_path=os.path.join(rd, "lineage-ingest.log"))
        self.lstep(c, "ingest cards", r, ldb, r["stderr_tail"].strip().splitlines()[-1] if r["stderr_tail"].strip() else "")
        lin = r["wall_s"] if r["rc"] == 0 else None
        lin_rss = r["rss_mb"]
        self.ingest_tables(c, ldb, orgs_lin, rd)

        peer_dir = c.info.get("peer_cards_dir", c.cards)
        p1 = p2 = None
        prec = {}
        if self.peer_ok.get("yaml"):
            for jobs, pdb in ((1, pdb1), (2, pdb2)):
                rm_db(pdb)
                self.settle()
                self.warm(c, c.cards)
                log("%s: PyYAML peer, %d process%s" % (c.label, jobs, "" if jobs == 1 else "es"))
                r = m.run("peer ingest_sqlite jobs=%d %s" % (jobs, c.label),
                          self.peer("ingest_sqlite.py") + [peer_dir, pdb, "--loader", "c", "--jobs", str(jobs)],
                          stdout=os.path.join(rd, "peer%d-ingest.json" % jobs))
                with open(os.path.join(rd, "peer%d-ingest.json" % jobs)) as f:
                    j = last_json_line(f.read()) or {}
                j.update({"wall_s": r["wall_s"], "peak_rss_mb": r["rss_mb"], "corpus": c.label,
                          "others_cpu": r["others_cpu"]})
                prec[jobs] = r
                self.details.append(j)
                if r["rc"] == 0:
                    if jobs == 1:
                        p1 = (r["wall_s"], r["rss_mb"], j.get("db_mb"))
                    else:
                        p2 = (r["wall_s"], r["rss_mb"])
        if c.models is None and self.details and self.details[-1].get("cards"):
            c.models = self.details[-1]["cards"]
        rate = lambda t: "%.1fk cards/s" % (c.models / t / 1000.0) if (t and c.models) else ""  # noqa: E731
        self.row(c, "ingest cards vs PyYAML+sqlite3, 1 process", lin, p1 and p1[0], ">= 5x",
                 None if not (lin and p1) else p1[0] / lin >= 5.0,
                 peer_name="ingest_sqlite.py --loader c --jobs 1",
                 note="lineage %s, peer %s; CPU time lineage %.1f s, peer %s" % (
                     rate(lin), rate(p1 and p1[0]), cpu(lrec), fmt_time(cpu(prec.get(1)))),
                 recs=(lrec, prec.get(1)))
        self.row(c, "ingest cards vs PyYAML+sqlite3, 2 processes", lin, p2 and p2[0], "> 1x",
                 None if not (lin and p2) else p2[0] / lin > 1.0,
                 peer_name="ingest_sqlite.py --loader c --jobs 2",
                 note="peer %s; CPU time peer %s" % (rate(p2 and p2[0]), fmt_time(cpu(prec.get(2)))),
                 recs=(lrec, prec.get(2)))
        self.row(c, "ingest peak RSS", None, None, "", None,
                 lin_txt="%.0f MiB" % lin_rss, peer_txt=("%.0f MiB" % p1[1]) if p1 else "—")
        if p1:
            self.row(c, "store size on disk", None, None, "", None,
                     lin_txt="%.0f MiB" % file_mb(ldb), peer_txt="%.0f MiB" % file_mb(pdb1))
        self.run_store(c, rd, ldb, pdb1 if p1 else None)

    def prepare_orgs(self, c, rd):
        orgs_lin = os.path.join(rd, "organizations.csv")
        src = os.path.join(c.meta, "organizations.csv")
        if os.path.exists(src):
            shutil.copy(src, orgs_lin)
        else:
            convert_orgs(os.path.join(c.meta, "orgs.csv"), orgs_lin, None)
        with open(os.path.join(rd, "blocs.json"), "w") as f:
            json.dump(BLOCS, f, indent=1)
        return orgs_lin

    def ingest_tables(self, c, ldb, orgs_lin, rd):
        r = self.m.run("lineage ingest orgs " + c.label,
                       self.lineage(ldb, "ingest", orgs_lin, os.path.join(rd, "blocs.json"), "--no-progress"),
                       stderr_path=os.path.join(rd, "lineage-ingest-orgs.log"))
        self.lstep(c, "ingest organizations.csv + blocs.json", r, ldb)

    # ---- ingest of a Hub dump
    def run_hub(self, c):
        a, m = self.a, self.m
        rd = os.path.join(a.work, "runs", re.sub(r"[^A-Za-z0-9_.-]+", "_", c.label))
        os.makedirs(rd, exist_ok=True)
        ldb, pdb = os.path.join(rd, "lineage.db"), os.path.join(rd, "peer.db")
        orgs_lin = self.prepare_orgs(c, rd)
        rm_db(ldb)
        self.settle()
        self.warm(c, c.hub)
        log("%s: lineage ingest (Hub dump)" % c.label)
        r = lrec = m.run("lineage ingest hub " + c.label,
                  self.lineage(ldb, "ingest", c.hub, "--as", "hub", "--no-progress", "--no-dataset"),
                  stderr_path=os.path.join(rd, "lineage-ingest.log"))
        self.lstep(c, "ingest Hub dump", r, ldb, r["stderr_tail"].strip().splitlines()[-1] if r["stderr_tail"].strip() else "")
        lin = r["wall_s"] if r["rc"] == 0 else None
        lin_rss = r["rss_mb"]
        self.ingest_tables(c, ldb, orgs_lin, rd)
        p = prec = None
        if not a.no_peers:
            rm_db(pdb)
            self.settle()
            self.warm(c, c.flat)
            log("%s: json+sqlite3 peer" % c.label)
            r = prec = m.run("peer ingest_jsonl_sqlite " + c.label,
                      self.peer("ingest_jsonl_sqlite.py") + [c.flat, os.path.join(c.meta, "orgs.csv"), pdb],
                      stdout=os.path.join(rd, "peer-ingest.json"))
            with open(os.path.join(rd, "peer-ingest.json")) as f:
                j = last_json_line(f.read()) or {}
            j.update({"wall_s": r["wall_s"], "peak_rss_mb": r["rss_mb"], "corpus": c.label,
                      "input_mb": round(os.path.getsize(c.flat) / MiB, 1)})
            self.details.append(j)
            if r["rc"] == 0:
                p = (r["wall_s"], r["rss_mb"])
        n = c.models
        big = n is not None and n >= 2000000
        self.row(c, "ingest Hub dump vs json+sqlite3", lin, p and p[0],
                 "< 30 s" if big else "(< 30 s at 2M)", (lin < 30.0 if lin else False) if big else None,
                 peer_name="ingest_jsonl_sqlite.py",
                 note="%s records; lineage reads the Hub-format dump (%.0f MiB), the peer the flat "
                 "jsonl (%.0f MiB); CPU time lineage %s, peer %s" % (
                     size_label(n) if n else "?", os.path.getsize(c.hub) / MiB,
                     os.path.getsize(c.flat) / MiB, fmt_time(cpu(lrec)), fmt_time(cpu(prec))),
                 recs=(lrec, prec))
        self.row(c, "ingest peak RSS", None, None, "", None,
                 lin_txt="%.0f MiB" % lin_rss, peer_txt=("%.0f MiB" % p[1]) if p else "—")
        if p:
            self.row(c, "store size on disk", None, None, "", None,
                     lin_txt="%.0f MiB" % file_mb(ldb), peer_txt="%.0f MiB" % file_mb(pdb))
        self.run_store(c, rd, ldb, pdb if p else None)

    # ---- queries on a store
    def targets(self, c, pdb):
        if c.manifest and c.manifest.get("query_targets"):
            return c.manifest["query_targets"]
        if pdb:
            t = compute_targets(pdb)
        else:
            t = {"deepest_model": None, "biggest_roots_by_family_size": []}
        if self.a.chain_id:
            t["deepest_model"] = self.a.chain_id
        if self.a.root_id:
            t["biggest_roots_by_family_size"] = [[self.a.root_id, None]] + t["biggest_roots_by_family_size"]
        with open(os.path.join(c.meta, "manifest.json"), "w") as f:
            json.dump({"query_targets": t, "note": "computed by bench/run.py"}, f, indent=1)
        c.manifest = {"query_targets": t}
        return t

    def run_store(self, c, rd, ldb, pdb):
        a, m = self.a, self.m
        tg = self.targets(c, pdb)
        deepest = tg.get("deepest_model")
        roots = tg.get("biggest_roots_by_family_size") or []
        root = roots[0][0] if roots else None
        c.info["targets"] = {"deepest": deepest, "deepest_depth": tg.get("deepest_depth"),
                             "biggest_root": root, "family_size": roots[0][1] if roots else None}
        have_sql = pdb and self.peer_ok.get("sqlite3")
        steps_rss = [s["rss_mb"] for s in self.steps if s["corpus"] == c.label]

        def count_lines(path):
            with open(path, "rb") as f:
                return sum(1 for _ in f)

        for what, target_id, sql, lin_args in (
                ("chain", deepest, ANC_SQL, ["chain"]),
                ("descendants", root, DES_SQL, ["descendants"])):
            if not target_id:
                continue
            log("%s: %s %s" % (c.label, what, target_id))
            lcmd = self.lineage(ldb, *(lin_args + [target_id, "--format", "json"]))
            # one untimed run to count what lineage returns
            outp = os.path.join(rd, "lineage-%s.json" % what)
            self.m.run("lineage %s (count) %s" % (what, c.label), lcmd, stdout=outp, quiet=True)
            try:
                with open(outp) as f:
                    j = json.load(f)
                ln = "%d nodes, %d edges" % (len(j.get("nodes", [])), len(j.get("edges", [])))
            except (ValueError, OSError):
                ln = "?"
            self.settle()
            lr = m.best("lineage %s %s" % (what, c.label), lcmd, a.repeat)
            self.lstep(c, "%s %s --format json" % (what, target_id), lr, extra=ln)
            steps_rss.append(lr["rss_mb"])
            lin = lr["wall_s"] if lr["rc"] == 0 else None
            peer = pr = None
            pn = ""
            if have_sql:
                scmd = [a.sqlite3, "-readonly", pdb, sql.format(id=sql_quote(target_id))]
                outp = os.path.join(rd, "sqlite3-%s.txt" % what)
                self.m.run("sqlite3 %s (count) %s" % (what, c.label), scmd, stdout=outp, quiet=True)
                pn = "%d ids" % count_lines(outp)
                pr = m.best("sqlite3 %s %s" % (what, c.label), scmd, a.repeat)
                peer = pr["wall_s"] if pr["rc"] == 0 else None
                self.details.append({"tool": "sqlite3 shell", "query": what, "corpus": c.label,
                                     "best_s": pr["wall_s"], "runs": pr.get("runs"), "result": pn,
                                     "peak_rss_mb": pr["rss_mb"]})
            if what == "chain":
                note = "%s (depth %s); lineage %s; sqlite3 %s" % (
                    target_id, tg.get("deepest_depth", "?"), ln, pn or "—")
                self.row(c, "chain of the deepest model", lin, peer, "> 1x",
                         None if not (lin and peer) else peer > lin,
                         peer_name="sqlite3 shell, recursive CTE", note=note, recs=(lr, pr))
            else:
                note = "%s; lineage %s; sqlite3 %s" % (target_id, ln, pn or "—")
                ok = None
                if lin:
                    ok = lin < 0.1 and (peer is None or peer > lin)
                self.row(c, "descendants of the biggest root", lin, peer, "> 1x and < 100 ms", ok,
                         peer_name="sqlite3 shell, recursive CTE", note=note, recs=(lr, pr))

        # flows
        log("%s: flows %s -> %s" % (c.label, a.flows_from, a.flows_to))
        lcmd = self.lineage(ldb, "flows", "--from", a.flows_from, "--to", a.flows_to, "--format", "csv")
        outp = os.path.join(rd, "lineage-flows.csv")
        self.m.run("lineage flows (count) " + c.label, lcmd, stdout=outp, quiet=True)
        lrows = max(0, count_lines(outp) - 1)
        self.settle()
        lr = m.best("lineage flows " + c.label, lcmd, a.repeat_heavy)
        self.lstep(c, "flows --from %s --to %s --format csv" % (a.flows_from, a.flows_to), lr,
                   extra="%d rows" % lrows)
        steps_rss.append(lr["rss_mb"])
        lin = lr["wall_s"] if lr["rc"] == 0 else None
        small = c.models is None or c.models <= 1000000
        for engine in ("networkx", "igraph"):
            peer = pr = None
            prow = "—"
            if pdb and self.peer_ok.get(engine):
                pcmd = [a.peer_python, os.path.join(HERE, "peer_graph.py"), "flows", pdb,
                        os.path.join(c.meta, "orgs.csv"), "--engine", engine, "--from", a.flows_from,
                        "--to", a.flows_to, "--peers", a.peers]
                self.settle()
                pr = m.best("peer flows %s %s" % (engine, c.label), pcmd, a.repeat_heavy)
                j = last_json_line(pr["stderr_tail"]) or {}
                j.update({"corpus": c.label, "best_s": pr["wall_s"], "runs": pr.get("runs"),
                          "peak_rss_mb": pr["rss_mb"]})
                self.details.append(j)
                if pr["rc"] == 0:
                    peer = pr["wall_s"]
                    prow = str(j.get("rows", "?"))
            ok = None
            if lin and peer:
                ok = peer > lin and (lin < 2.0 if (small and engine == "networkx") else True)
            self.row(c, "flows %s→%s vs %s load+query" % (a.flows_from, a.flows_to, engine), lin, peer,
                     ("< 2 s and > 1x" if small else "> 1x (< 2 s is for 1M)") if engine == "networkx" else "> 1x",
                     ok, peer_name="bench/peer_graph.py flows --engine " + engine,
                     note="lineage %d rows, %s %s rows" % (lrows, engine, prow), recs=(lr, pr))

        # export dot
        if root:
            log("%s: export dot --descendants %s" % (c.label, root))
            dot = os.path.join(rd, "lineage.dot")
            lcmd = self.lineage(ldb, "export", "dot", "--descendants", root, "-o", dot)
            self.settle()
            lr = m.best("lineage export dot " + c.label, lcmd, a.repeat_heavy)
            lines = count_lines(dot) if os.path.exists(dot) else 0
            self.lstep(c, "export dot --descendants %s" % root, lr, extra="%d lines, %.1f MiB" % (
                lines, file_mb(dot)))
            steps_rss.append(lr["rss_mb"])
            lin = lr["wall_s"] if lr["rc"] == 0 else None
            peer = pr = None
            pinfo = ""
            if pdb and self.peer_ok.get("networkx"):
                pcmd = [a.peer_python, os.path.join(HERE, "peer_graph.py"), "dot", pdb, "--root", root,
                        "-o", os.path.join(rd, "peer.dot"), "--peers", a.peers]
                self.settle()
                pr = m.best("peer dot networkx " + c.label, pcmd, a.repeat_heavy)
                j = last_json_line(pr["stderr_tail"]) or {}
                j.update({"corpus": c.label, "best_s": pr["wall_s"], "runs": pr.get("runs"),
                          "peak_rss_mb": pr["rss_mb"]})
                self.details.append(j)
                if pr["rc"] == 0:
                    peer = pr["wall_s"]
                    pinfo = "; networkx %s nodes" % j.get("nodes", "?")
            fam = roots[0][1] if roots else None
            self.row(c, "export dot --descendants biggest root", lin, peer, "< 1 s", (lin < 1.0) if lin else False,
                     peer_name="bench/peer_graph.py dot (networkx)",
                     note="%s, %s-model family%s" % (root, fam, pinfo), recs=(lr, pr))

        # licence check over every edge (lineage only: no peer answers it); its RSS counts for the peak
        log("%s: licenses check" % c.label)
        outp = os.path.join(rd, "lineage-licenses.csv")
        self.settle()
        lr = m.run("lineage licenses check " + c.label,
                   self.lineage(ldb, "licenses", "check", "--format", "csv"), stdout=outp,
                   stderr_path=os.path.join(rd, "lineage-licenses.log"))
        rows = 0
        if os.path.exists(outp):
            with open(outp, "rb") as f:
                rows = max(0, sum(1 for _ in f) - 1)
        self.lstep(c, "licenses check --format csv", lr, ldb, extra="%d findings" % rows)
        steps_rss.append(lr["rss_mb"])

        # inference over the whole store (it replaces the inferred edges, so the store is the same after)
        log("%s: infer" % c.label)
        lcmd = self.lineage(ldb, "infer")
        outp = os.path.join(rd, "lineage-infer.txt")
        self.settle()
        lr = m.run("lineage infer " + c.label, lcmd, stdout=outp,
                   stderr_path=os.path.join(rd, "lineage-infer.log"))
        first = ""
        if os.path.exists(outp):
            with open(outp) as f:
                first = f.readline().strip()
        self.lstep(c, "infer", lr, ldb, extra=first)
        steps_rss.append(lr["rss_mb"])
        lin = lr["wall_s"] if lr["rc"] == 0 else None
        n = c.models
        per_m = (n / 1e6) if n else None
        ok = None
        if lin and per_m and per_m >= 1.0:
            ok = lin < 10.0 * per_m
        self.row(c, "infer (whole store)", lin, None, "< 10 s per 1M models", ok,
                 note="%s; CPU %s, peak RSS %.0f MiB" % (first or "?", fmt_time(cpu(lr)), lr["rss_mb"]),
                 recs=(lr,))

        # memory of every lineage step on this store
        peak = max(steps_rss) if steps_rss else None
        if peak is not None:
            big = c.models is not None and c.models >= 2000000
            self.row(c, "peak RSS, every lineage step on this store", None, None,
                "< 1 GiB" + ("" if big else " (target is for 2M)"), peak < 1024.0,
                lin_txt="%.0f MiB" % peak, peer_txt="")

        # shared peers' in-process figures, for the details section
        if pdb and not a.no_extras:
            for script, ok in (("query_sqlite.py", True), ("graph_networkx.py", self.peer_ok.get("networkx")),
                               ("graph_igraph.py", self.peer_ok.get("igraph"))):
                if not ok:
                    continue
                log("%s: shared peer %s" % (c.label, script))
                cmd = self.peer(script) + [pdb, c.meta, "--repeat", str(a.repeat)]
                if script == "graph_networkx.py":
                    cmd += ["--dot-dir", rd]
                outp = os.path.join(rd, script.replace(".py", ".json"))
                r = m.run("shared peer %s %s" % (script, c.label), cmd, stdout=outp)
                with open(outp) as f:
                    j = last_json_line(f.read()) or {}
                j.update({"corpus": c.label, "wall_s": r["wall_s"], "peak_rss_mb": r["rss_mb"]})
                self.details.append(j)

    # ---- report
    def table_lines(self, md=True):
        head = ["corpus", "step", "lineage", "peer", "ratio", "target", "met?"]
        rows = []
        for r in self.rows:
            met = {True: "yes", False: "**NO**" if md else "NO", None: "—"}[r["met"]]
            peer = r["peer_txt"] + (" (%s)" % r["peer_name"] if r["peer_name"] and r["peer"] and md else "")
            step = r["step"] + (" — " + r["note"] if md and r["note"] else "")
            mark = " †" if r.get("busy", 0) > BUSY else ""
            rows.append([r["corpus"], step, r["lineage_txt"] + mark, peer + mark, fmt_ratio(r["ratio"]),
                         r["target"] or "", met])
        if md:
            out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            out += ["| " + " | ".join(x.replace("|", "\\|") for x in row) + " |" for row in rows]
            return out
        w = [max(len(str(x[i])) for x in rows + [head]) for i in range(len(head))]
        out = ["  ".join(str(x).ljust(w[i]) for i, x in enumerate(head))]
        out.append("  ".join("-" * w[i] for i in range(len(head))))
        for row in rows:
            out.append("  ".join(str(x).ljust(w[i]) for i, x in enumerate(row)).rstrip())
        return out

    def write_results(self, mach, cmdline, started):
        a = self.a
        L = ["# lineage benchmark results", "",
             "Generated by `bench/run.py` (see bench/README.md). Ratio = peer time / lineage time: "
             "above 1 means lineage is faster. Every figure is one whole process (wall clock, "
             "peak RSS); chain/descendants are best of %d, flows/export best of %d, ingest one run each."
             % (a.repeat, a.repeat_heavy), "",
             "- command: `%s`" % cmdline,
             "- date: %s (run took %.0f s)" % (mach["date"], time.time() - started),
             "- machine: %s cores, %s RAM, %s, Linux %s" % (mach["nproc"], mach["ram"], mach["cpu"], mach["kernel"]),
             "- lineage: `%s` (%s), commit %s, build %s" % (mach["lineage"], mach["lineage_version"],
                                                           mach["commit"], mach["build"]),
             "- peers: %s, sqlite3 %s, peers from `%s`" % (mach["python_peers"], mach["sqlite3"], a.peers),
             "- storage: corpora in `%s` (%s), stores in `%s` (%s); page-cache reclaim: %s" % (
                 a.corpora, mach["corpora_fs"], a.work, mach["work_fs"], mach["reclaim"] or "none seen"),
             "", "## Summary", ""]
        L += self.table_lines(md=True)
        fails = [r for r in self.rows if r["met"] is False]
        if any(r.get("busy", 0) > BUSY for r in self.rows):
            L += ["", "† measured while other processes used more than %d%% of the machine's CPUs "
                  "(shared machine); treat as approximate." % int(BUSY * 100)]
        L += ["", "Targets not met: " + (", ".join("%s — %s" % (r["corpus"], r["step"])
                                                  for r in fails) if fails else "none"), ""]
        L += ["## lineage, step by step", "",
              "| corpus | step | wall | CPU (user+sys) | peak RSS | store after | others' CPU | note |",
              "|---|---|---|---|---|---|---|---|"]
        for s in self.steps:
            L.append("| %s | %s | %s | %s | %.0f MiB | %s | %s | %s |" % (
                s["corpus"], s["step"].replace("|", "\\|"), fmt_time(s["wall_s"]) + ("" if s["rc"] == 0 else " (exit %d)" % s["rc"]),
                fmt_time(s.get("cpu_s")),
                s["rss_mb"], ("%.0f MiB" % s["db_mb"]) if s["db_mb"] is not None else "",
                ("%.0f%%" % (100 * s["others_cpu"])) if s.get("others_cpu") is not None else "",
                s["extra"].replace("|", "\\|")))
        L += ["", "## Corpora", "", "| corpus | source | models | lineage edges (truth) | max depth | "
              "biggest root (family) | deepest model | files |", "|---|---|---|---|---|---|---|---|"]
        for c in self.corpora:
            man = c.manifest or {}
            cnt = man.get("counts", {})
            p = man.get("params", {})
            src = ("gen_hub.py --models %s --seed %s --max-depth %s%s" % (
                p.get("models"), p.get("seed"), p.get("max_depth"), "" if p.get("cards", True) else " --no-cards")
                if c.synthetic else (c.cards or c.hub))
            t = c.info.get("targets", {})
            files = ", ".join("%s %.0f MiB" % (k[:-3], v) for k, v in sorted(c.info.items())
                              if k.endswith("_mb") and isinstance(v, (int, float)))
            if c.synthetic and "generate_s" in c.info:
                files += "; generated in %.0f s" % c.info["generate_s"]
            L.append("| %s | %s | %s | %s | %s | %s (%s) | %s | %s |" % (
                c.label, src, cnt.get("models", c.models or "?"), cnt.get("true_lineage_edges", "?"),
                t.get("deepest_depth", "?"), t.get("biggest_root"), t.get("family_size"), t.get("deepest"), files))
        L += ["", "## Peer details (one JSON line each, as the peers print them)", "", "```"]
        for d in self.details:
            L.append(json.dumps(d, sort_keys=True))
        L += ["```", "", "## Method notes", "",
              "- Card ingest peers: `ingest_sqlite.py --loader c` (PyYAML's libyaml loader, the fast "
              "choice) with `--jobs 1` and `--jobs 2`; they store ids, licence, tags and base_model edges "
              "only. lineage also stores evidence, datasets (`trained_on` edges), diagnostics and provenance.",
              "- Hub-dump peer: `ingest_jsonl_sqlite.py` reads the generator's flat `--jsonl` file for the "
              "same models (smaller than the Hub-format dump lineage reads and without tag parsing).",
              "- chain/descendants peer: one `sqlite3 -readonly` shell process running the recursive CTE "
              "of peers/query_sqlite.py (ids only; lineage returns nodes with attributes and edges "
              "with evidence as JSON). Lineage's counts include datasets in chains.",
              "- flows peer: bench/peer_graph.py loads the peer's edge table into networkx/igraph and "
              "answers the question with one super-source BFS (one row per model, nearest base); lineage "
              "reports one row per nearest base.",
              "- export dot peer: bench/peer_graph.py dot, networkx subgraph + peerlib.write_dot (no labels).",
              "- Before the ingest steps the corpus is read once, untimed, so the page cache is warm "
              "for every tool (the first one measured does not pay for the disk alone).",
              ""]
        os.makedirs(os.path.dirname(os.path.abspath(a.results)), exist_ok=True)
        with open(a.results, "w") as f:
            f.write("\n".join(L))
        return fails


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--sizes", help="card corpora to generate, e.g. 100k,1m (default 100k,1m; none when "
                    "--corpus is given)")
    ap.add_argument("--hub", type=parse_size, help="Hub-dump records to generate (default 2m; 0 = none)")
    ap.add_argument("--corpus", help="an existing card folder (ROOT/<namespace>/<name>/README.md)")
    ap.add_argument("--hub-jsonl", help="an existing Hub API dump (JSON lines or array)")
    ap.add_argument("--orgs", help="organisations for --corpus/--hub-jsonl: lineage's organizations.csv or "
                    "gen_hub's orgs.csv format (default CORPUS/orgs.csv)")
    ap.add_argument("--chain-id", help="model for chain on --corpus/--hub-jsonl (default: the deepest)")
    ap.add_argument("--root-id", help="base for descendants/export on --corpus/--hub-jsonl "
                    "(default: the root with most descendants)")
    ap.add_argument("--flows-from", default="US")
    ap.add_argument("--flows-to", default="CN")
    ap.add_argument("--lineage", help="lineage binary (default build-bench/lineage, then build/lineage)")
    ap.add_argument("--build", action="store_true",
                    help="configure and build build-bench/lineage (Release, no tests) first")
    ap.add_argument("--work", default=os.environ.get("LINEAGE_BENCH_WORK", "/tmp/lineage-bench"),
                    help="work dir: cached corpora, stores, logs (default /tmp/lineage-bench)")
    ap.add_argument("--corpora", help="where generated corpora are cached (default WORK/corpora); "
                    "a tmpfs such as /dev/shm/lineage-corpora keeps them out of the disk's way")
    ap.add_argument("--gen", default=os.path.normpath(os.path.join(REPO, "..", "shared", "bench", "gen_hub.py")))
    ap.add_argument("--peers", default=None, help="shared peers dir (default: next to --gen, peers/)")
    ap.add_argument("--peer-python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3")
                    else sys.executable)
    ap.add_argument("--sqlite3", default="sqlite3")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-depth", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=5, help="best of N for chain/descendants (default 5)")
    ap.add_argument("--repeat-heavy", type=int, default=3, help="best of N for flows/export (default 3)")
    ap.add_argument("--quick", action="store_true", help="20k cards only (with their Hub dump): CI smoke")
    ap.add_argument("--no-peers", action="store_true", help="lineage only")
    ap.add_argument("--wait-idle", type=float,
                    help="before each measured step wait up to N s for the CPUs to be >= 85%% idle "
                    "(shared machines); 0 = never wait (default 60, 10 with --quick)")
    ap.add_argument("--wait-budget", type=float,
                    help="stop waiting for idle CPUs once N s in total were spent waiting "
                    "(default 900, 30 with --quick)")
    ap.add_argument("--no-extras", action="store_true", help="skip the shared peers' in-process runs")
    ap.add_argument("--results", help="Markdown output (default bench/RESULTS.md; with --quick "
                    "WORK/RESULTS-quick.md)")
    a = ap.parse_args()

    started = time.time()
    a.work = os.path.abspath(a.work)
    a.corpora = os.path.abspath(a.corpora or os.path.join(a.work, "corpora"))
    if a.peers is None:
        a.peers = os.path.join(os.path.dirname(os.path.abspath(a.gen)), "peers")
    if a.build:
        bdir = os.path.join(REPO, "build-bench")
        for cmd in (["cmake", "-S", REPO, "-B", bdir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                     "-DLINEAGE_BUILD_TESTS=OFF"], ["ninja", "-C", bdir, "lineage"]):
            log(" ".join(cmd))
            if subprocess.run(cmd).returncode != 0:
                sys.exit("build failed")
    if not a.lineage:
        for cand in ("build-bench/lineage", "build/lineage"):
            if os.path.exists(os.path.join(REPO, cand)):
                a.lineage = os.path.join(REPO, cand)
                break
        else:
            a.lineage = shutil.which("lineage")
    if not a.lineage or not os.path.exists(a.lineage):
        sys.exit("no lineage binary: pass --lineage PATH or --build")
    a.lineage = os.path.abspath(a.lineage)
    if a.wait_idle is None:
        a.wait_idle = 10.0 if a.quick else 60.0
    if a.wait_budget is None:
        a.wait_budget = 30.0 if a.quick else 900.0
    if a.results is None:
        a.results = os.path.join(a.work, "RESULTS-quick.md") if a.quick else os.path.join(HERE, "RESULTS.md")

    if a.quick:
        sizes, hub = [20000], 0
    else:
        if a.sizes is not None:
            sizes = [parse_size(s) for s in a.sizes.split(",") if s.strip()]
        else:
            sizes = [] if (a.corpus or a.hub_jsonl) else [100000, 1000000]
        hub = a.hub if a.hub is not None else (0 if (a.corpus or a.hub_jsonl) else 2000000)
    real = bool(a.corpus or a.hub_jsonl)
    if (sizes or hub) and not os.path.exists(a.gen):
        sys.exit("generator not found: %s (pass --gen)" % a.gen)

    b = Bench(a)
    b.check_peers()
    cmdline = " ".join(shlex.quote(x) for x in ["python3", os.path.relpath(os.path.abspath(sys.argv[0]), REPO)]
                       + sys.argv[1:])
    mach = b.machine()
    log("lineage %s at %s; work dir %s" % (mach["commit"], a.lineage, a.work))
    if mach["reclaim"] and mach["corpora_fs"] not in ("tmpfs", "ramfs"):
        log("note: the kernel runs %s: corpora are re-read from disk between steps; for CPU-bound "
            "figures put them on tmpfs (--corpora /dev/shm/lineage-corpora)" % mach["reclaim"])

    for n in sizes:
        c = ensure_generated(a, b.m, "cards", n, with_hub=a.quick)
        b.corpora.append(c)
        b.run_cards(c)
        if a.quick and c.hub:
            h = Corpus("%s Hub records" % size_label(n))
            h.__dict__.update({k: v for k, v in c.__dict__.items() if k != "label"})
            h.cards = None
            h.info = dict(c.info)
            b.corpora.append(h)
            b.run_hub(h)
    if hub:
        c = ensure_generated(a, b.m, "hub", hub)
        b.corpora.append(c)
        b.run_hub(c)
    if real:
        if a.corpus:
            c = real_corpus(a, "corpus " + os.path.basename(os.path.normpath(a.corpus)),
                            cards=os.path.abspath(a.corpus))
            b.corpora.append(c)
            b.run_cards(c)
        if a.hub_jsonl:
            c = real_corpus(a, "dump " + os.path.basename(a.hub_jsonl), hub=os.path.abspath(a.hub_jsonl))
            b.corpora.append(c)
            b.run_hub(c)

    fails = b.write_results(mach, cmdline, started)
    print("\n".join(b.table_lines(md=False)))
    print()
    print("targets not met: %d   (Markdown: %s; raw measurements: %s)" % (len(fails), a.results, b.m.raw_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
