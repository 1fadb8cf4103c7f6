#!/usr/bin/python3
"""Peer baseline for whole-graph questions, as one process: networkx or igraph
loaded from the SQLite store written by the shared peers (ingest_sqlite.py /
ingest_jsonl_sqlite.py), then one question answered.

usage: peer_graph.py flows DB ORGS.csv --engine networkx|igraph [--from US] [--to CN] [-o OUT.csv]
       peer_graph.py dot   DB --root ID -o OUT.dot [--engine networkx]

  DB        SQLite store with edges(child, parent, relation)
  ORGS.csv  gen_hub.py's orgs.csv (namespace,country,kind)
  --peers   directory of the shared peers (for peerlib.py); default ../../shared/bench/peers
            relative to this file, or $LINEAGE_BENCH_PEERS

flows: models owned in TO (country of the namespace) whose ancestry reaches a
model owned in FROM, each with the path to its nearest FROM-owned ancestor.
Written the way a user would: add a super-source linked to every FROM-owned
vertex, one BFS along base -> derived edges (networkx: Python BFS; igraph: BFS in
C), then walk the BFS parents back from every reached TO-owned vertex.  One row
per model (lineage reports one row per nearest base, so merges with two FROM
bases give lineage an extra row); no family (root) column.

dot: the subgraph of ID and its descendants (networkx: nx.descendants +
G.subgraph), written with the hand-written DOT writer of peerlib.write_dot, the
same as graph_networkx.py --dot-dir does.

CSV / DOT go to OUT (default stdout); one JSON line of phase timings to stderr.
"""

import argparse
import csv
import json
import os
import sys
import time


def peers_dir(arg):
    if arg:
        return arg
    env = os.environ.get("LINEAGE_BENCH_PEERS")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "shared", "bench", "peers"))


def load_countries(path):
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        next(rd, None)
        return {r[0]: r[1] for r in rd if len(r) >= 2}


def flows_networkx(rows, country, frm, to, out):
    import networkx as nx
    t0 = time.perf_counter()
    G = nx.DiGraph()
    G.add_edges_from(rows)
    t1 = time.perf_counter()
    ns = lambda v: country.get(v.split("/", 1)[0], "")  # noqa: E731
    src = object()  # a vertex no id can equal
    sources = [v for v in G if ns(v) == frm]
    G.add_edges_from((src, s) for s in sources)
    pred = {}
    for p, c in nx.bfs_edges(G, src):
        pred[c] = p
    n = 0
    w = csv.writer(out)
    w.writerow(["model", "model_country", "base", "base_country", "hops", "path"])
    for v in sorted(pred, key=str):
        if v is src or ns(v) != to:
            continue
        path = [v]
        while pred[path[-1]] is not src:
            path.append(pred[path[-1]])
        w.writerow([v, to, path[-1], frm, len(path) - 1, " > ".join(path)])
        n += 1
    t2 = time.perf_counter()
    return {"build_s": round(t1 - t0, 3), "query_s": round(t2 - t1, 3), "rows": n,
            "nodes": G.number_of_nodes() - 1, "edges": G.number_of_edges() - len(sources)}


def flows_igraph(rows, country, frm, to, out):
    import igraph as ig
    t0 = time.perf_counter()
    g = ig.Graph.TupleList(rows, directed=True)
    t1 = time.perf_counter()
    names = g.vs["name"]
    cc = [country.get(x.split("/", 1)[0], "") for x in names]
    sources = [i for i, c in enumerate(cc) if c == frm]
    s = g.vcount()
    g.add_vertices(1)
    g.add_edges([(s, i) for i in sources])
    vids, _, parents = g.bfs(s, mode="out")
    n = 0
    w = csv.writer(out)
    w.writerow(["model", "model_country", "base", "base_country", "hops", "path"])
    hits = sorted((names[v], v) for v in vids if v != s and cc[v] == to)
    for name, v in hits:
        path = [v]
        while parents[path[-1]] != s:
            path.append(parents[path[-1]])
        w.writerow([name, to, names[path[-1]], frm, len(path) - 1, " > ".join(names[x] for x in path)])
        n += 1
    t2 = time.perf_counter()
    return {"build_s": round(t1 - t0, 3), "query_s": round(t2 - t1, 3), "rows": n,
            "nodes": s, "edges": g.ecount() - len(sources)}


def dot_networkx(rows, root, out_path, peerlib):
    import networkx as nx
    t0 = time.perf_counter()
    G = nx.DiGraph()
    G.add_edges_from(rows)
    t1 = time.perf_counter()
    nodes = nx.descendants(G, root) | {root}
    sub = G.subgraph(nodes)
    t2 = time.perf_counter()
    peerlib.write_dot(out_path, sub.edges())
    t3 = time.perf_counter()
    return {"build_s": round(t1 - t0, 3), "query_s": round(t2 - t1, 3), "write_s": round(t3 - t2, 3),
            "nodes": sub.number_of_nodes(), "edges": sub.number_of_edges()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("task", choices=["flows", "dot"])
    ap.add_argument("db")
    ap.add_argument("orgs", nargs="?")
    ap.add_argument("--engine", choices=["networkx", "igraph"], default="networkx")
    ap.add_argument("--from", dest="frm", default="US")
    ap.add_argument("--to", default="CN")
    ap.add_argument("--root")
    ap.add_argument("-o", "--output")
    ap.add_argument("--peers")
    a = ap.parse_args()
    sys.path.insert(0, peers_dir(a.peers))
    import peerlib  # noqa: E402

    t_start = time.perf_counter()
    rows = peerlib.load_edges(a.db)
    t_load = time.perf_counter() - t_start
    rec = {"tool": "peer_graph", "task": a.task, "engine": a.engine, "load_edges_s": round(t_load, 3)}
    if a.task == "flows":
        if not a.orgs:
            ap.error("flows needs ORGS.csv")
        country = load_countries(a.orgs)
        out = open(a.output, "w", newline="", encoding="utf-8") if a.output else sys.stdout
        fn = flows_networkx if a.engine == "networkx" else flows_igraph
        rec.update(fn(rows, country, a.frm, a.to, out))
        if a.output:
            out.close()
    else:
        if not a.root or not a.output:
            ap.error("dot needs --root and -o")
        if a.engine != "networkx":
            ap.error("dot is implemented for networkx only")
        rec.update(dot_networkx(rows, a.root, a.output, peerlib))
    rec["total_s"] = round(time.perf_counter() - t_start, 3)
    rec["vm_hwm_mb"] = peerlib.vm_hwm_mb()
    sys.stderr.write(json.dumps(rec, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
