"""The scale benchmark: build, load, saved questions, analysis, API and memory at N plans per store.

    python -m benchmarks.run [--sizes 1,100,1000] [--stores oxigraph,memory] [--out benchmarks/RESULTS.md]

For each size N it writes a synthetic corpus of N plans (benchmarks.synth), builds it into a store
(``policykg build``: parallel reading, bulk load), adds and removes one plan, serves the store, builds
it in memory for each of the --stores, then — on the graph file the store build exported — loads it, times every saved
question (queries/sparql/*.rq via queries.library.run_query), the co-assignment pairs live and
materialised, the collaboration analysis, and the API under a bounded 16-client load. Every step
runs in its own process (benchmarks.steps) so its peak memory is its own, with a time budget:
a step past the budget is stopped, its partial numbers kept, the larger sizes of that store
skipped, and the table says so. Numbers are
medians measured on this machine; nothing is extrapolated into the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.report import write_report
from benchmarks.synth import write_corpus

PACKAGES = ("rdflib", "oxrdflib", "pyoxigraph", "networkx", "fastapi", "uvicorn", "httpx")


def machine() -> dict[str, Any]:
    """What the numbers were measured on: cores, memory, CPU, Python and package versions."""
    mem_kb = 0
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = "not installed"
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1), "cpu": cpu,
            "python": platform.python_version(), "os": platform.platform(), "packages": versions,
            "date": time.strftime("%Y-%m-%d %H:%M %Z")}


def run_step(step: str, out_json: Path, timeout: float, *args: str) -> dict[str, Any]:
    """Run one benchmarks.steps step in a new process group; stop the whole group at ``timeout``."""
    out_json.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "benchmarks.steps", step, "--json", str(out_json), *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE, text=True)
    status = "ok"
    try:
        _, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            status = f"failed (exit {proc.returncode}): {err.strip().splitlines()[-1] if err.strip() else ''}"
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the step and any server it started
        proc.communicate()
        status = f"skipped: > budget ({timeout:.0f} s)"
    data = json.loads(out_json.read_text(encoding="utf-8")) if out_json.exists() else {}
    data["status"] = status
    data["wall_s"] = round(time.perf_counter() - t0, 1)
    return data


def ensure_corpus(workdir: Path, n: int, seed: int) -> Path:
    corpus = workdir / f"corpus-{n}"
    if not corpus.is_dir() or len(list(corpus.glob("*.txt"))) != n:
        for old in corpus.glob("*.txt") if corpus.is_dir() else []:
            old.unlink()
        write_corpus(n, corpus, seed=seed)
    return corpus


def extra_plan(workdir: Path, n: int, seed: int) -> Path:
    """The plan after the corpus's last (its 文号 unlike theirs): what the add step adds."""
    from benchmarks.synth import generate_corpus

    *_, plan = generate_corpus(n + 1, seed=seed)
    path = workdir / f"extra-{n}" / plan.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(plan.text, encoding="utf-8")
    return path


STORE_STEPS = ("store_build", "add", "serve")
KIND_STEPS = ("build", "queries", "api", "analyses", "pages")


def benchmark(sizes: list[int], stores: list[str], *, workdir: Path, budget: float, reps: int,
              api_seconds: float, seed: int, steps: tuple[str, ...] = STORE_STEPS + KIND_STEPS,
              merge: bool = False, log=print) -> dict[str, Any]:
    """Run the chosen steps for every size and store; return the nested results (also saved as JSON)."""
    workdir.mkdir(parents=True, exist_ok=True)
    earlier = workdir / "results.json"
    kept = json.loads(earlier.read_text(encoding="utf-8"))["sizes"] if merge and earlier.exists() else {}
    results: dict[str, Any] = {"machine": machine(), "budget_s": budget, "reps": reps,
                               "api_seconds": api_seconds, "seed": seed, "sizes": kept}
    over_budget: dict[tuple[str, str], int] = {}  # (store, step) → the size it first ran out of budget at
    last_wall: dict[tuple[str, str], tuple[int, float]] = {}  # (store, step) → (size, wall seconds)
    big = max(budget, 3600.0)
    for n in sizes:
        t0 = time.perf_counter()
        corpus = ensure_corpus(workdir, n, seed)
        # With --merge, the steps not run now keep what an earlier run measured at this size.
        size: dict[str, Any] = results["sizes"].setdefault(str(n), {})
        size.update(corpus_s=round(time.perf_counter() - t0, 1),
                    corpus_mb=round(sum(p.stat().st_size for p in corpus.glob("*.txt")) / 1e6, 2))
        graph, store_dir = workdir / f"kg-{n}.ttl", workdir / f"store-{n}"
        store_args = {
            "store_build": ["--corpus", str(corpus), "--store-dir", str(store_dir), "--graph", str(graph)],
            "add": ["--store-dir", str(store_dir), "--extra", str(extra_plan(workdir, n, seed)),
                    "--reps", str(3 if n < 1000 else 1)],
            "serve": ["--store-dir", str(store_dir), "--reps", str(reps), "--seconds", str(api_seconds)],
        }
        for step in (x for x in STORE_STEPS if x in steps):
            log(f"[N={n}] {step}")
            # The store build gets an hour: every later step needs what it writes.
            size[step] = run_step(step, workdir / "step.json", big if step == "store_build" else budget,
                                  *store_args[step])
        for store in stores:
            part: dict[str, Any] = size.setdefault(store, {})
            # Whole-corpus questions are the slow ones at 1,000 plans: fewer repeats keep the run bounded.
            reps_n = reps if n < 1000 else min(reps, 2)
            kind_steps = {
                "build": ["--corpus", str(corpus), "--graph", str(workdir / f"kg-{n}-mem-{store}.ttl")],
                "queries": ["--graph", str(graph), "--reps", str(reps_n), "--cap", str(min(60.0, budget / 30))],
                "api": ["--store-dir", str(store_dir), "--seconds", str(api_seconds), "--reps", str(reps_n),
                        "--cap", str(min(60.0, budget / 30))],
                "analyses": ["--store-dir", str(store_dir)],
                "pages": ["--store-dir", str(store_dir), "--reps", str(min(reps, 3))],
            }
            kind_steps = {k: v for k, v in kind_steps.items() if k in steps}
            if store != "oxigraph":  # the store serves them; rdflib's speed shows in `queries`
                for step in ("api", "analyses", "pages"):
                    kind_steps.pop(step, None)
            for step, args in kind_steps.items():
                if (store, step) in over_budget:
                    part[step] = {"status": f"skipped: > budget ({budget:.0f} s) already at "
                                            f"N={over_budget[store, step]:,}"}
                    continue
                prev = last_wall.get((store, step))
                # The in-memory build grows at least linearly in N; below N=10 start-up costs dominate, so
                # no guessing. The other steps always run: a load lasts its set time whatever N, and a
                # step stopped at the budget keeps what it measured first.
                if step == "build" and prev and prev[0] >= 10 and prev[1] * n / prev[0] > budget:
                    part[step] = {"status": f"skipped: > budget ({budget:.0f} s): took {prev[1]:.0f} s at "
                                            f"N={prev[0]:,}, so ≈{prev[1] * n / prev[0]:,.0f} s here (not run)"}
                    continue
                log(f"[N={n}] {store}: {step}")
                part[step] = run_step(step, workdir / "step.json", budget, *args, "--store", store)
                last_wall[store, step] = (n, part[step]["wall_s"])
                # A step stopped with nothing measured is not tried again at larger sizes; one stopped
                # part-way (slow questions) is, since its first numbers still come within the budget.
                measured = set(part[step]) - {"status", "wall_s", "peak_rss_mb"}
                if str(part[step]["status"]).startswith("skipped") and len(measured) <= 1:
                    over_budget[store, step] = n
        (workdir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1,100,1000", help="comma-separated plan counts")
    ap.add_argument("--stores", default="oxigraph,memory", help="oxigraph (default store) and/or memory (rdflib)")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/RESULTS.md"))
    ap.add_argument("--workdir", type=Path, default=Path("build/bench"))
    ap.add_argument("--budget", type=float, default=600.0, help="seconds one step may take (all but the bulk build, which gets an hour)")
    ap.add_argument("--reps", type=int, default=5, help="timed runs per query (median), after one warm-up")
    ap.add_argument("--api-seconds", type=float, default=60.0, help="duration of the 16-client mixed API load")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", default=",".join(STORE_STEPS + KIND_STEPS), help="comma-separated steps to run")
    ap.add_argument("--merge", action="store_true", help="keep the sizes of workdir/results.json not run now")
    ap.add_argument("--report-only", action="store_true", help="rewrite --out from workdir/results.json")
    a = ap.parse_args(argv)
    if a.report_only:
        results = json.loads((a.workdir / "results.json").read_text(encoding="utf-8"))
    else:
        sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
        stores = [s.strip() for s in a.stores.split(",") if s.strip()]
        results = benchmark(sizes, stores, workdir=a.workdir, budget=a.budget, reps=a.reps,
                            api_seconds=a.api_seconds, seed=a.seed, merge=a.merge,
                            steps=tuple(x.strip() for x in a.steps.split(",") if x.strip()),
                            log=lambda m: print(m, file=sys.stderr, flush=True))
    write_report(results, a.out)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
