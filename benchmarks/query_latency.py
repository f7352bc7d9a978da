"""Median latency of every saved question on the bundled plan: embedded store vs a remote server.

    python -m benchmarks.query_latency [--reps 21] [--out benchmarks/QUERY_LATENCY.md] [--no-endpoint]

Three ways to ask the same question, each timed ``--reps`` times after one warm-up run:

* embedded — ``run_query`` on the graph in-process (rdflib's API over Oxigraph, as the API uses);
* remote — ``run_query`` on a RemoteStore talking to an ``oxigraph serve`` started here on
  127.0.0.1 (HTTP + SPARQLWrapper + JSON parsing included);
* /sparql — the question's text (parameters bound as VALUES) POSTed to the app's endpoint
  (TestClient, so no network): the guard, a worker process round trip and serialisation. The
  worker caches checked texts, so the first (cold) run is reported apart: that is the cost of
  rdflib's parser on a new text.

Medians in milliseconds measured on this machine; nothing is extrapolated.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ORG = "https://w3id.org/policykg/id/org/371724/"
TASK = "https://w3id.org/policykg/id/document/371724/巨政发〔2023〕5号/task/"
SAMPLE_PARAMS = {"org": ORG + "县商务局", "org_a": ORG + "县商务局", "org_b": ORG + "县发展和改革局",
                 "node": TASK + "1", "task": TASK + "1"}


def timed_median(fn, reps: int) -> tuple[float, float]:
    """Return (first run, median of ``reps`` further runs), in milliseconds."""
    started = time.perf_counter()
    fn()
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(times)


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).is_file():
        raise SystemExit("the oxigraph server is not installed (pip install oxigraph)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("oxigraph server did not start")


def measure(reps: int, endpoint: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from kg.graph import load_graph, save_graph
    from kg.remote_load import load_file_into_server
    from kg.remote_store import RemoteStore, bind_values
    from loaders.build import build_graph
    from loaders.data import BUNDLED_PLAN
    from queries.library import load_queries, run_query

    tmp = Path(tempfile.mkdtemp(prefix="policykg-latency-"))
    graph_path = save_graph(build_graph([BUNDLED_PLAN]).graph, tmp / "kg.ttl")
    g = load_graph(graph_path)
    proc, url = start_oxigraph(tmp / "oxigraph")
    client = None
    try:
        remote = RemoteStore(url)
        load_file_into_server(remote, graph_path)
        if endpoint:
            from fastapi.testclient import TestClient

            from api.app import create_app
            from kg.settings import Settings

            client = TestClient(create_app(Settings(graph_paths=(graph_path,), query_timeout=60.0)))
            client.__enter__()
        results = []
        for q in load_queries().values():
            params = {p.name: SAMPLE_PARAMS[p.name] for p in q.params if p.required}
            rows = len(run_query(g, q.name, **params))
            _, emb = timed_median(lambda q=q, p=params: run_query(g, q.name, **p), reps)
            _, rem = timed_median(lambda q=q, p=params: run_query(remote, q.name, **p), reps)
            row = {"name": q.name, "rows": rows, "embedded_ms": emb, "remote_ms": rem}
            if client is not None:
                text = bind_values(q.sparql, q.bind(params))

                def post(text: str = text) -> None:
                    r = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
                    r.raise_for_status()

                row["endpoint_cold_ms"], row["endpoint_ms"] = timed_median(post, reps)
            results.append(row)
    finally:
        if client is not None:
            client.__exit__(None, None, None)
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    from importlib import metadata

    env = {"python": platform.python_version(), "nproc": os.cpu_count(),
           "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
           "pyoxigraph": metadata.version("pyoxigraph"), "oxigraph server": metadata.version("oxigraph"),
           "rdflib": metadata.version("rdflib"), "reps": reps, "date": time.strftime("%Y-%m-%d %H:%M %Z")}
    return results, env


def to_markdown(results: list[dict[str, Any]], env: dict[str, Any]) -> str:
    endpoint = "endpoint_ms" in results[0]
    head = "| saved question | rows | embedded ms | remote (Oxigraph server) ms |"
    rule = "|---|---:|---:|---:|"
    if endpoint:
        head += " /sparql ms (cold) |"
        rule += "---:|"
    lines = [f"Median of {env['reps']} runs after one warm-up, bundled plan (巨政发〔2023〕5号), "
             f"{env['date']}; Python {env['python']}, {env['nproc']} cores, load average {env['load_average']:.1f}; "
             f"pyoxigraph {env['pyoxigraph']}, oxigraph server {env['oxigraph server']}, rdflib {env['rdflib']}.",
             "", head, rule]
    for r in results:
        line = f"| {r['name']} | {r['rows']} | {r['embedded_ms']:.1f} | {r['remote_ms']:.1f} |"
        if endpoint:
            line += f" {r['endpoint_ms']:.1f} ({r['endpoint_cold_ms']:.0f}) |"
        lines.append(line)
    med = lambda k: statistics.median(r[k] for r in results)  # noqa: E731
    summary = f"| **median over questions** | | **{med('embedded_ms'):.1f}** | **{med('remote_ms'):.1f}** |"
    if endpoint:
        summary += f" **{med('endpoint_ms'):.1f}** ({med('endpoint_cold_ms'):.0f}) |"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=21)
    ap.add_argument("--out", type=Path, help="also write the Markdown table here")
    ap.add_argument("--no-endpoint", action="store_true", help="skip the /sparql measurements")
    args = ap.parse_args(argv)
    results, env = measure(args.reps, not args.no_endpoint)
    text = to_markdown(results, env)
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
