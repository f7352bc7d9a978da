"""One measured step of the benchmark, run in its own process so its peak memory is its own.

``python -m benchmarks.steps STEP --corpus DIR --graph FILE --store S --json OUT``; the step writes
its numbers to OUT as it goes (a step stopped at its time budget keeps what it had measured).
Steps: store_build, add, serve (benchmarks.store_steps: ``policykg build`` into the store, add and
remove one plan, serve the store); build (the same build in memory, one process, on rdflib's or
Oxigraph's store, for comparison); queries (load the graph file, run every saved question,
co-assignment pairs, analysis); api, analyses, pages (benchmarks.web_steps: the served store under
load, each analysis alone on the store, the web pages in Chromium).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from rdflib import Graph

CO_PAIRS_LIVE = """
SELECT ?a ?b (COUNT(DISTINCT ?t) AS ?n) WHERE {
  ?t a pk:Task ; pk:hasAssignment/pk:agent ?a , ?b .
  FILTER (STR(?a) < STR(?b))
} GROUP BY ?a ?b"""
CO_PAIRS_MATERIALISED = """
SELECT ?a ?b ?n WHERE {
  ?c a pk:CoAssignment ; pk:coAssignee ?a , ?b ; pk:sharedTaskCount ?n .
  FILTER (STR(?a) < STR(?b))
}"""
POINT_LOOKUP = "SELECT ?task ?p ?o WHERE { ?task ?p ?o } "  # ?task bound to one task IRI


class Recorder:
    def __init__(self, path: Path) -> None:
        self.path, self.data = path, {}

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.data["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        self.path.write_text(json.dumps(self.data, ensure_ascii=False, indent=1), encoding="utf-8")


def timed(fn, *args, **kwargs) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def corpus_paths(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.txt"))


def step_build(rec: Recorder, corpus: Path, graph: Path, store: str) -> None:
    """The same build in memory, in one process (loaders.build.build_graph), saved as Turtle."""
    from benchmarks.synth import corpus_places
    from kg.graph import save_graph
    from loaders.build import build_graph
    from loaders.organizations import Registry

    places = corpus_places()
    result, dt = timed(build_graph, corpus_paths(corpus), store=store, registry=Registry.load(places=places),
                       places=places)
    rec["build_s"] = round(dt, 2)
    rec["triples"] = len(result.graph)
    _, dt = timed(save_graph, result.graph, graph)
    rec["save_s"] = round(dt, 2)


def sample_params(g: Graph) -> dict[str, str]:
    """IRIs and values to fill query parameters with: the busiest organisation, a document, a task."""
    from kg.graph import PREFIXES

    def first(q: str) -> str | None:
        rows = list(g.query(q, initNs=PREFIXES))
        return str(rows[0][0]) if rows else None

    org = first("SELECT ?o WHERE { ?t pk:leadUnit ?o } GROUP BY ?o ORDER BY DESC(COUNT(?t)) LIMIT 1")
    doc = first("SELECT ?d WHERE { ?d a pk:PolicyDocument } ORDER BY ?d LIMIT 1")
    task = first("SELECT ?t WHERE { ?t a pk:Task } ORDER BY ?t LIMIT 1")
    domain = first("SELECT ?d WHERE { ?d a pk:Domain } ORDER BY ?d LIMIT 1")
    place = first("SELECT ?p WHERE { ?p a pk:AdministrativeDivision } ORDER BY ?p LIMIT 1")
    return {k: v for k, v in {"org": org, "doc": doc, "task": task, "domain": domain, "place": place}.items() if v}


def value_for(param, samples: dict[str, str]) -> str | None:
    """A plausible value for one declared query parameter (by its name and type)."""
    name = param.name.lower()
    if param.type == "iri":
        for key in ("org", "doc", "task", "domain", "place"):
            if key in name or (key == "org" and "unit" in name) or (key == "doc" and "plan" in name):
                return samples.get(key)
        return samples.get("org")
    return {"integer": "1", "decimal": "1", "boolean": "true", "date": "2023-12-31"}.get(param.type, "市场")


def median_of(fn, reps: int, cap_s: float) -> tuple[float, int]:
    """Median seconds of ``fn`` over ``reps`` runs after one warm-up; stops early past ``cap_s``.

    The warm-up's answer is kept in ``median_of.last`` (so callers can count rows without a rerun).
    """
    median_of.last, first = timed(fn)
    times: list[float] = []
    spent = first
    for _ in range(reps):
        if spent > cap_s:
            break
        _, dt = timed(fn)
        times.append(dt)
        spent += dt
    return statistics.median(times or [first]), len(times) or 1


def step_queries(rec: Recorder, graph: Path, store: str, reps: int, cap_s: float) -> None:
    from kg.graph import PREFIXES, load_graph
    from queries.library import load_queries, run_query

    if store == "oxigraph":  # kg.graph.load_graph parses natively on the Oxigraph store
        g, dt = timed(load_graph, graph)
        rec["load_native_s"] = round(dt, 2)
    else:
        g, dt = timed(load_graph, graph, store=store)
        rec["load_s"] = round(dt, 2)
    rec["triples"] = len(g)
    samples = sample_params(g)
    rec["analysis"] = step_analysis(g, rec)  # first: bounded, and needed whatever the budget
    extra: dict[str, Any] = {}
    for label, text, bindings in [
        ("co-assignment pairs (live)", CO_PAIRS_LIVE, {}),
        ("co-assignment pairs (materialised)", CO_PAIRS_MATERIALISED, {}),
        ("point lookup (one task)", POINT_LOOKUP, {"task": samples.get("task")}),
    ]:
        from rdflib import URIRef

        b = {k: URIRef(v) for k, v in bindings.items() if v}
        med, n = median_of(lambda t=text, b=b: list(g.query(t, initNs=PREFIXES, initBindings=b)), reps, cap_s)
        extra[label] = {"ms": round(med * 1000, 2), "runs": n, "rows": len(median_of.last)}
        rec["extra"] = extra
    results: dict[str, Any] = {}
    for q in load_queries().values():
        params = {p.name: value_for(p, samples) for p in q.params if p.required}
        try:
            med, n = median_of(lambda q=q, params=params: run_query(g, q.name, **params), reps, cap_s)
            results[q.name] = {"ms": round(med * 1000, 2), "runs": n, "rows": len(median_of.last)}
        except Exception as e:  # a broken saved query is a finding, not a crash of the benchmark
            results[q.name] = {"error": f"{type(e).__name__}: {str(e)[:200]}"}
        rec["queries"] = results


def step_analysis(g: Graph, rec: Recorder) -> dict[str, Any]:
    """Times of the collaboration analysis on ``g`` (task–organisation graph, then networkx)."""
    import networkx as nx

    out: dict[str, Any] = {}
    try:
        from queries.analysis.fetch import plan_graph
        from queries.analysis.graphs import collaboration_graph
    except ImportError as e:
        return {"error": f"queries.analysis not importable: {e}"}
    try:
        B, dt = timed(plan_graph, g)
    except Exception as e:  # an analysis that fails on this store is a finding, not a crash
        return {"error": f"plan_graph: {type(e).__name__}: {str(e)[:200]}"}
    out["task–organisation graph (fetch + build)"] = {"s": round(dt, 3), "nodes": B.number_of_nodes()}
    G, dt = timed(collaboration_graph, B)
    out["collaboration graph"] = {"s": round(dt, 3), "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    _, dt = timed(nx.degree_centrality, G)
    out["degree centrality"] = {"s": round(dt, 3)}
    k = min(200, G.number_of_nodes())
    _, dt = timed(nx.betweenness_centrality, G, k=k, seed=0)
    out[f"betweenness (sampled, k={k})"] = {"s": round(dt, 3)}
    _, dt = timed(nx.community.louvain_communities, G, seed=0)
    out["Louvain communities"] = {"s": round(dt, 3)}
    return out


def main(argv: list[str] | None = None) -> int:
    from benchmarks import store_steps, web_steps

    ap = argparse.ArgumentParser(prog="python -m benchmarks.steps")
    ap.add_argument("step", choices=["store_build", "add", "serve", "build", "queries", "api", "analyses", "pages"])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--graph", type=Path)
    ap.add_argument("--store-dir", type=Path, help="the policykg store (store_build writes it; add, serve, api read it)")
    ap.add_argument("--extra", type=Path, help="the plan `add` adds and removes")
    ap.add_argument("--store", default="oxigraph")
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--cap", type=float, default=60.0, help="stop repeating a query after this many seconds")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--clients", type=int, default=16)
    a = ap.parse_args(argv)
    rec = Recorder(a.json)
    if a.step == "store_build":
        store_steps.step_store_build(rec, a.corpus, a.store_dir, a.graph, a.workers)
    elif a.step == "add":
        store_steps.step_add(rec, a.store_dir, a.extra, a.reps)
    elif a.step == "serve":
        store_steps.step_serve(rec, a.store_dir, a.reps, a.seconds)
    elif a.step == "build":
        step_build(rec, a.corpus, a.graph, a.store)
    elif a.step == "queries":
        step_queries(rec, a.graph, a.store, a.reps, a.cap)
    elif a.step == "api":
        web_steps.step_api(rec, a.store_dir, a.seconds, a.clients, a.reps, a.cap)
    elif a.step == "analyses":
        web_steps.step_analyses(rec, a.store_dir)
    else:
        web_steps.step_pages(rec, a.store_dir, a.reps)
    rec["done"] = True
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
