"""The served store's benchmark steps: the API under load, each analysis alone, the pages in Chromium.

Run by benchmarks.steps in a process of their own (so peak memory is the step's own):

* ``api`` — the store served by uvicorn (as ``policykg serve --store``); once the server has
  finished warming up (idle), /sparql against the bare store, every saved question, the REST list
  pages and point lookups, the analysis routes, then 16 clients on /sparql alone and on a mix of
  SPARQL and REST for the load's duration (the issue asks for 60 s).
* ``analyses`` — each analysis alone, in-process on the store, as the server computes it on a
  first request: read the corpus (or one place's plans), build the graphs, make the report.
* ``pages`` — the web UI's pages in headless Chromium (Debian ``chromium``), served from the store:
  milliseconds from navigation to the last response the page asked for (its data included), or to
  its ``load`` event if later; first load and median of the next ones.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from benchmarks.steps import Recorder, median_of, sample_params, timed, value_for

SPARQL = "SELECT ?org (COUNT(?t) AS ?n) WHERE { ?t pk:leadUnit ?org } GROUP BY ?org ORDER BY DESC(?n) LIMIT 20"
ACCEPT = {"Accept": "application/sparql-results+json"}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# When the page is done: the later of its load event and the end of the last response it asked for.
PAGE_DONE_MS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const ends = performance.getEntriesByType('resource').map(r => r.responseEnd);
  return Math.max(nav ? nav.loadEventEnd : 0, ...ends);
}"""


def _place_of(g: Any, doc: str) -> str | None:
    from kg.graph import PREFIXES

    rows = list(g.query(f"SELECT ?p WHERE {{ <{doc}> pk:jurisdiction ?p }} LIMIT 1", initNs=PREFIXES))
    return str(rows[0][0]) if rows else None


def _calls(samples: dict[str, str]) -> tuple[list[Any], list[Any]]:
    """(REST requests timed one by one, the mixed load's requests)."""
    from benchmarks.loadgen import Call

    lists = [Call("/tasks", {"limit": "20"}, label="/tasks (first page)"),
             Call("/organizations", {"limit": "20"}, label="/organizations (first page)"),
             Call("/domains", {"limit": "20"}, label="/domains (first page)"),
             Call("/documents", label="/documents")]
    lookups = [Call("/tasks/1", {"document": samples["doc"]}, label="/tasks/{number}"),
               Call(f"/organizations/{samples['org']}", label="/organizations/{id}")]
    mix = [Call("/sparql", {"query": SPARQL}, headers=ACCEPT, label="/sparql aggregate"), *lookups, *lists]
    return lists + lookups, mix


def step_api(rec: Recorder, store_dir: Path, seconds: float, clients: int, reps: int, cap_s: float) -> None:
    """Serve the store; once warm, time /sparql against the bare store, each saved question, REST and
    analysis route through HTTP; then ``clients`` clients on /sparql alone and on the mix."""
    import httpx

    from benchmarks.loadgen import peak_rss_mb, run_load, serve_graph
    from benchmarks.store_steps import _wait_idle
    from kg.graph import PREFIXES
    from kg.store import open_store
    from queries.library import load_queries

    opened = open_store(store_dir)
    g = opened.graph()  # the bare store, and where sample parameters come from
    samples = sample_params(g)
    place = _place_of(g, samples["doc"])
    bare, _ = median_of(lambda: list(g.query(SPARQL, initNs=PREFIXES)), reps, cap_s)
    rec["sparql_bare_ms"] = round(bare * 1000, 2)
    t0 = time.perf_counter()
    with serve_graph(store_dir, startup_timeout=3600) as (base, pid):
        rec["startup_s"] = round(time.perf_counter() - t0, 2)
        rec["warm_s"] = round(_wait_idle(pid, limit=1800) + rec.data["startup_s"], 1)
        with httpx.Client(base_url=base, timeout=600) as client:

            def get(path: str, **params: str) -> httpx.Response:
                r = client.get(path, params=params, headers=ACCEPT)
                r.raise_for_status()
                return r

            api, _ = median_of(lambda: get("/sparql", query=SPARQL), reps, cap_s)
            rec["sparql_api_ms"] = round(api * 1000, 2)
            timed_rest, mix = _calls(samples)
            rest: dict[str, Any] = {}
            # The first call apart: a store generation keeps what it has read once (plans' sizes, totals).
            for c in timed_rest:
                _, first = timed(get, c.path, **c.params)
                med, n = median_of(lambda c=c: get(c.path, **c.params), reps, cap_s)
                rest[c.label] = {"ms": round(med * 1000, 2), "first_ms": round(first * 1000, 2), "runs": n}
            rec["rest_api"] = rest
            rec["analyses_api"] = _analysis_routes(get, place, reps, cap_s)
            only = run_load(base, mix[:1], clients=clients, seconds=min(seconds / 2, 30))
            rec["load_sparql"] = only.summary()
            result = run_load(base, mix, clients=clients, seconds=seconds)
            rec["load"] = result.summary()
            rec["load_error_samples"] = result.error_samples
            rec["server_peak_rss_mb"] = peak_rss_mb(pid)
            per_route: dict[str, Any] = {}
            for q in load_queries().values():
                params = {p.name: value_for(p, samples) for p in q.params if p.required}
                try:
                    _, first = timed(get, f"/queries/{q.name}", **params)
                    med, n = median_of(lambda q=q, params=params: get(f"/queries/{q.name}", **params), reps, cap_s)
                    per_route[q.name] = {"ms": round(med * 1000, 2), "first_ms": round(first * 1000, 2), "runs": n}
                except httpx.HTTPError as e:
                    per_route[q.name] = {"error": f"{type(e).__name__}: {str(e)[:120]}"}
                rec["queries_api"] = per_route
            rec["server_peak_rss_mb"] = peak_rss_mb(pid)


def _analysis_routes(get: Any, place: str | None, reps: int, cap_s: float) -> dict[str, Any]:
    """The analysis routes: the whole corpus (first call, then the median once kept) and one place's first call."""
    out: dict[str, Any] = {}
    for route in ("/analysis/collaboration", "/analysis/bottlenecks", "/analysis/workload", "/analysis/network"):
        _, first = timed(get, route)  # a large store's analyses are read on the first request, then kept
        med, n = median_of(lambda r=route: get(r), reps, cap_s)
        out[route] = {"ms": round(med * 1000, 2), "first_ms": round(first * 1000, 2), "runs": n}
    if place:
        for route in ("/analysis/collaboration", "/analysis/bottlenecks"):
            _, dt = timed(get, route, place=place)
            out[f"{route}?place= (first call)"] = {"ms": round(dt * 1000, 2), "runs": 1}
    return out


def step_analyses(rec: Recorder, store_dir: Path) -> None:
    """Each analysis alone on the store, from a fresh read (what a first request costs the server)."""
    from kg.store import open_store
    from queries.analysis import reports

    g = open_store(store_dir).graph()
    place = _place_of(g, sample_params(g)["doc"])
    out: dict[str, Any] = {}
    # The goal's two for the whole corpus (minutes each at 1,000 plans); every analysis for one place.
    scopes = [("corpus", {}, ("collaboration", "bottlenecks"))]
    if place:
        scopes.append(("one place", {"place": place}, ("collaboration", "bottlenecks", "workload", "network", "crunch")))
    for scope, kw, names in scopes:
        for name in names:
            report = getattr(reports, f"{name}_report")
            pa, read_s = timed(lambda kw=kw: reports.PlanAnalysis.from_source(g, **kw))
            _, dt = timed(report, pa)
            # A corpus answered from its stored sums has no task graph (reading it takes minutes): its
            # organisations are the nodes it analysed.
            graph, kind = (pa.G, "organisations") if pa.sums is not None else (pa.B, "tasks and organisations")
            out[f"{name} ({scope})"] = {"s": round(read_s + dt, 3), "read_s": round(read_s, 3),
                                        "analysis_s": round(dt, 3), "nodes": graph.number_of_nodes(),
                                        "nodes_are": kind}
            rec["analyses"] = out


def step_pages(rec: Recorder, store_dir: Path, reps: int) -> None:
    """Each page of the web UI in headless Chromium, served from the store (first load, then median)."""
    import statistics

    from playwright.sync_api import sync_playwright

    from benchmarks.loadgen import serve_graph
    from benchmarks.store_steps import _wait_idle
    from kg.iri import BASE
    from kg.store import open_store

    g = open_store(store_dir).graph()
    samples = sample_params(g)
    place = _place_of(g, samples["doc"])
    pages = {"landing": "/", "query editor": "/query", "ledger": "/ledger",
             "collaboration": "/viz/collaboration", "collaboration of one place": f"/viz/collaboration?place={quote(place or '')}",
             "calendar": "/viz/calendar", "calendar of one place": f"/viz/calendar?place={quote(place or '')}",
             "dependencies": "/viz/dependencies", "tasks": "/viz/tasks",
             "a plan": "/id/" + samples["doc"].removeprefix(BASE),
             "a task": "/id/" + samples["task"].removeprefix(BASE),
             "an organisation": "/id/" + samples["org"].removeprefix(BASE)}
    out: dict[str, Any] = {}
    with serve_graph(store_dir, startup_timeout=3600) as (base, pid):
        rec["pages_warm_s"] = round(_wait_idle(pid, limit=1800), 1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                for label, path in pages.items():
                    times = []
                    for _ in range(1 + reps):
                        try:
                            r = page.goto(base + quote(path, safe="/?=&%"), wait_until="networkidle", timeout=120_000)
                            if r is None or r.status >= 400:
                                raise RuntimeError(f"HTTP {r.status if r else 'no response'}")
                            times.append(page.evaluate(PAGE_DONE_MS))
                        except Exception as e:  # a page that fails is a finding, not a crash of the benchmark
                            out[label] = {"path": path, "error": f"{type(e).__name__}: {str(e)[:120]}"}
                            break
                    else:
                        out[label] = {"path": path, "first_ms": round(times[0], 1),
                                      "ms": round(statistics.median(times[1:] or times), 1)}
                    rec["pages"] = out
            finally:
                browser.close()
