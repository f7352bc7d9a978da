"""Write the benchmark results (benchmarks.run) as Markdown tables, with the machine noted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DASH = "–"


def _fmt(v: Any, digits: int = 2) -> str:
    if v is None or v == "":
        return DASH
    if isinstance(v, float):
        if v >= 100:
            return f"{v:,.0f}"
        return f"{v:.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_fmt(c) for c in r) + " |" for r in rows]
    return out


def _status(step: dict[str, Any]) -> str:
    s = step.get("status", DASH)
    return "ok" if s == "ok" else s


def _columns(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(size, store, label) for every measured size × store, in run order."""
    cols = []
    for n, size in results["sizes"].items():
        for store in ("oxigraph", "memory"):
            if store in size:
                cols.append((n, store, f"N={int(n):,} {'Oxigraph' if store == 'oxigraph' else 'rdflib'}"))
    return cols


def build_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for n, size in results["sizes"].items():
        fb = size.get("fastbuild", {})
        rows.append([int(n), "bulk + parallel (benchmarks.fastbuild)", "Oxigraph", fb.get("build_s"), fb.get("save_s"),
                     fb.get("triples"), fb.get("peak_rss_mb"), _status(fb)])
        for store in ("oxigraph", "memory"):
            b = size.get(store, {}).get("build")
            if b is not None:
                rows.append([int(n), "standard (`policykg build`)", "Oxigraph" if store == "oxigraph" else "rdflib memory",
                             b.get("build_s"), b.get("save_s"), b.get("triples"), b.get("peak_rss_mb"), _status(b)])
    return rows


def query_rows(results: dict[str, Any], cols: list[tuple[str, str, str]]) -> list[list[Any]]:
    names: list[str] = []
    for n, store, _ in cols:
        q = results["sizes"][n][store].get("queries", {})
        for k in [*q.get("queries", {}), *q.get("extra", {})]:
            if k not in names:
                names.append(k)
    rows: list[list[Any]] = []
    for label, key in [("load graph file, rdflib parser (s)", "load_s"),
                       ("load graph file, Oxigraph parser (s)", "load_native_s"),
                       ("peak memory of this process (MB)", "peak_rss_mb")]:
        rows.append([label] + [results["sizes"][n][s].get("queries", {}).get(key) for n, s, _ in cols])
    for name in names:
        row: list[Any] = [f"`{name}`" if " " not in name else name]
        for n, s, _ in cols:
            q = results["sizes"][n][s].get("queries", {})
            cell = q.get("queries", {}).get(name) or q.get("extra", {}).get(name)
            if cell is None:
                row.append(_status(q) if q.get("status", "ok") != "ok" else DASH)
            elif "error" in cell:
                row.append("error: " + cell["error"].split(":")[0])
            else:
                row.append(f"{_fmt(cell['ms'])} ({cell['rows']:,} rows)")
        rows.append(row)
    return rows


def analysis_rows(results: dict[str, Any], cols: list[tuple[str, str, str]]) -> list[list[Any]]:
    names: list[str] = []
    for n, s, _ in cols:
        for k in results["sizes"][n][s].get("queries", {}).get("analysis", {}):
            if k != "error" and k not in names:
                names.append(k)
    rows = []
    for name in names:
        row: list[Any] = [name]
        for n, s, _ in cols:
            a = results["sizes"][n][s].get("queries", {}).get("analysis", {})
            cell = a.get(name)
            row.append(cell["s"] if cell else ("error" if "error" in a else DASH))
        rows.append(row)
    errors = [(label, results["sizes"][n][s]["queries"]["analysis"]["error"]) for n, s, label in cols
              if "error" in results["sizes"][n][s].get("queries", {}).get("analysis", {})]
    return rows + [[f"error ({label})", msg] + [""] * (len(cols) - 1) for label, msg in errors]


def api_rows(results: dict[str, Any], cols: list[tuple[str, str, str]]) -> list[list[Any]]:
    rows = []
    for n, s, label in cols:
        a = results["sizes"][n][s].get("api", {})
        load = a.get("load", {})
        api_ms, bare_ms = a.get("sparql_api_ms"), a.get("sparql_bare_ms")
        rows.append([label, a.get("startup_s"), bare_ms, api_ms,
                     f"{api_ms / bare_ms:.2f}×" if api_ms and bare_ms else DASH,
                     load.get("rps"), load.get("p50_ms"), load.get("p99_ms"), load.get("requests"),
                     load.get("errors"), a.get("server_peak_rss_mb"), _status(a)])
    return rows


def write_report(results: dict[str, Any], out: Path) -> Path:
    m = results["machine"]
    cols = _columns(results)
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks.run` (see benchmarks/run.py); every number below was measured",
        "in that run, on this machine. Corpus: synthetic plans of 52 Shandong counties (benchmarks/synth.py),",
        f"seed {results['seed']}. Medians of {results['reps']} timed runs after one warm-up. Time budget for",
        f"one rdflib-memory step: {results['budget_s']:.0f} s.",
        "",
        f"**Machine:** {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, Python {m['python']}, "
        f"{m['os']}; {pk}. Run {m['date']}.",
        "",
        "Corpus sizes: " + ", ".join(
            f"N={int(n):,}: {s.get('corpus_mb')} MB of text" for n, s in results["sizes"].items()) + ".",
        "",
        "## Build (seconds; peak memory of the build process)",
        "",
        *_table(["N", "path", "store", "build s", "save s", "triples", "peak MB", "status"], build_rows(results)),
        "",
        "The standard path is `loaders.build.build_graph` + `kg.graph.save_graph` (rdflib Turtle serialiser);",
        "the bulk path parses in parallel processes, bulk-loads N-Triples into Oxigraph, materialises the",
        "co-assignment pairs and writes Turtle with Oxigraph's serialiser (its triple count includes the",
        "pk:CoAssignment nodes).",
        "",
        "## Load and saved questions (median ms, rows returned)",
        "",
        *_table(["question", *[c[2] for c in cols]], query_rows(results, cols)),
        "",
        "Queries run in-process through `queries.library.run_query` on the graph file the bulk path",
        "wrote; required parameters get the busiest lead organisation / first document / first task.",
        "",
        "## Analysis (seconds)",
        "",
        *_table(["step", *[c[2] for c in cols]], analysis_rows(results, cols)),
        "",
        f"## API (uvicorn on 127.0.0.1, 16 clients for {results['api_seconds']:.0f} s)",
        "",
        *_table(["store", "startup s", "bare store ms", "/sparql ms", "API/bare", "req/s", "p50 ms", "p99 ms",
                 "requests", "errors", "server peak MB", "status"], api_rows(results, cols)),
        "",
        "`bare store ms` and `/sparql ms` are the same aggregate (tasks per lead unit, top 20) on the",
        "store in-process and through GET /sparql; the load mixes /sparql with the saved questions that",
        "need no parameter.",
        "",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    return out
