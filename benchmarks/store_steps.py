"""The store's benchmark steps: build, add one plan, serve (ready time, memory, /sparql vs bare store).

Run by benchmarks.steps in a process of their own (so peak memory is the step's own):

* ``store_build`` — ``policykg build --out``'s function (loaders.store_build.build_store: parallel
  reading, bulk load, validation) on the corpus, into a new store, with the export to the Turtle
  file the other steps read timed apart.
* ``add`` — ``policykg add`` and ``policykg remove`` of one more plan, as commands (wall time a user
  waits, Python start-up included), then again in-process for the time of each part.
* ``serve`` — ``policykg serve --store`` as a command: seconds until /sparql answers, memory of
  the server and its SPARQL workers, and the same queries on the bare store (pyoxigraph,
  in-process) and through GET /sparql.

The corpus names counties places.yaml does not list; the in-process builds pass them in
(benchmarks.synth.corpus_places), as the loader needs them for county-scoped organisation IRIs.
The ``add`` command reads its plan with the registered places only, as a user's would.
"""

from __future__ import annotations

import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]
# What /sparql is compared on: an aggregate, a join with a filter, a point lookup.
SPARQL = {
    "tasks per lead unit (top 20)":
        "SELECT ?org (COUNT(?t) AS ?n) WHERE { ?t pk:leadUnit ?org } GROUP BY ?org ORDER BY DESC(?n) LIMIT 20",
    "tasks due in December (first 100)":
        "SELECT ?t ?d WHERE { ?t pk:hasDeadline ?dl . ?dl pk:deadlineMonth 12 ; time:inXSDDate ?d } LIMIT 100",
    "one task's facts": "SELECT ?p ?o WHERE { ?t pk:taskNumber 7 ; ?p ?o } LIMIT 50",
}


def _corpus_registry():
    from benchmarks.synth import corpus_places
    from loaders.organizations import Registry

    places = corpus_places()
    return places, Registry.load(places=places)


def _children_peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def step_store_build(rec, corpus: Path, store: Path, graph: Path, jobs: int | None) -> None:
    """Build the store from the corpus (with validation), then export it to ``graph``."""
    import shutil

    from loaders.store_build import build_store

    shutil.rmtree(store, ignore_errors=True)
    places, registry = _corpus_registry()
    files = sorted(corpus.glob("*.txt"))
    t0 = time.perf_counter()
    result = build_store(files, store, jobs=jobs, places=places, registry=registry, validate=True, out=graph)
    total = time.perf_counter() - t0
    parts = {k: round(v, 2) for k, v in result.seconds.items()}
    rec["build_s"] = round(total - result.seconds.get("export", 0.0), 2)  # `policykg build` without --out
    rec["export_s"] = parts.pop("export", None)
    rec["parts_s"] = parts
    rec["counts"] = result.counts
    rec["problems"] = result.report.counts()
    rec["validation"] = result.validation.summary() if result.validation else None
    rec["workers_peak_rss_mb"] = _children_peak_mb()
    rec["store_mb"] = round(sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) / 1e6, 1)
    rec["file_mb"] = round(graph.stat().st_size / 1e6, 1)


def step_add(rec, store: Path, extra: Path, reps: int) -> None:
    """Add one plan to the store and remove it again: as commands, then in-process by parts."""
    from loaders.store_build import add_to_store, remove_from_store

    env = {**os.environ, "PYTHONPATH": os.getcwd()}

    def command(*args: str) -> float:
        t0 = time.perf_counter()
        done = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"policykg {' '.join(args)}: {done.stderr.strip().splitlines()[-1:]}")
        return time.perf_counter() - t0

    adds, removes = [], []
    for _ in range(reps):
        adds.append(command("add", str(extra), "--store", str(store), "--quiet"))
        removes.append(command("remove", extra.name, "--store", str(store), "--quiet"))
    rec["add_command_s"] = round(statistics.median(adds), 2)
    rec["remove_command_s"] = round(statistics.median(removes), 2)
    rec["runs"] = reps
    places, registry = _corpus_registry()
    t0 = time.perf_counter()
    added = add_to_store([extra], store, places=places, registry=registry)
    rec["add_in_process_s"] = round(time.perf_counter() - t0, 2)
    rec["add_parts_s"] = {k: round(v, 2) for k, v in added.seconds.items()}
    t0 = time.perf_counter()
    removed = remove_from_store(extra.name, store)
    rec["remove_in_process_s"] = round(time.perf_counter() - t0, 2)
    rec["remove_parts_s"] = {k: round(v, 2) for k, v in removed.seconds.items()}


def step_serve(rec, store: Path, reps: int, seconds: float) -> None:
    """``policykg serve --store``: time to the first answer, memory, /sparql against the bare store."""
    import httpx

    from benchmarks.loadgen import Call, free_port, run_load
    from kg.store import open_store

    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    t0 = time.perf_counter()
    proc = subprocess.Popen([*CLI, "serve", "--store", str(store), "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=600) as client:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-500:]}")
                try:
                    if client.get("/sparql", params={"query": "ASK {}"}).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            ready = time.perf_counter() - t0
            rec["ready_s"] = round(ready, 2)
            rec["rss_ready_mb"] = rss_tree_mb(proc.pid)
            with open_store(store) as opened:
                # While the server warms its analyses (a background thread), then once it is idle.
                rec["sparql_warming"] = _compare(client, opened.store, reps)
                rec["warm_s"] = round(_wait_idle(proc.pid, limit=900) + ready, 1)
                rec["rss_warm_mb"] = rss_tree_mb(proc.pid)
                rec["sparql"] = _compare(client, opened.store, reps)
            calls = [Call("/sparql", {"query": q}, headers={"Accept": "application/sparql-results+json"}, label=k)
                     for k, q in SPARQL.items()]
            load = run_load(base, calls, clients=16, seconds=seconds)
            rec["load"] = load.summary()
            rec["rss_after_load_mb"] = rss_tree_mb(proc.pid)
            rec["peak_rss_mb_tree"] = peak_tree_mb(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _compare(client, store, reps: int) -> dict[str, Any]:
    """The SPARQL queries on the bare store and through /sparql (median ms), with the goal."""
    from kg.graph import PREFIXES

    out: dict[str, Any] = {}
    for label, query in SPARQL.items():
        bare = _median(lambda q=query: list(store.query(q, prefixes=PREFIXES, use_default_graph_as_union=True)), reps)
        api = _median(lambda q=query: client.get("/sparql", params={"query": q},
                                                 headers={"Accept": "application/sparql-results+json"}
                                                 ).raise_for_status(), reps)
        out[label] = {"bare_ms": bare, "api_ms": api, "goal_ms": round(1.5 * bare + 3, 2)}
    return out


def _wait_idle(pid: int, *, limit: float) -> float:
    """Wait until the server uses under a tenth of a core over 5 s (its warm-up done); return seconds waited."""
    t0 = time.perf_counter()
    last = _cpu_s(pid)
    while time.perf_counter() - t0 < limit:
        time.sleep(5)
        now = _cpu_s(pid)
        if now - last < 0.5:
            break
        last = now
    return time.perf_counter() - t0


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _median(fn, reps: int) -> float:
    fn()
    times = []
    for _ in range(max(reps, 5)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 2)


def _tree(pid: int) -> list[int]:
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_tree_mb(pid: int) -> float:
    """Resident memory now of a process and its descendants (server and SPARQL workers), in MB."""
    return round(sum(_status_kb(p, "VmRSS") for p in _tree(pid)) / 1024, 1)


def peak_tree_mb(pid: int) -> float:
    """The sum of each process's own peak resident memory: an upper bound of what they held at once."""
    return round(sum(_status_kb(p, "VmHWM") for p in _tree(pid)) / 1024, 1)
