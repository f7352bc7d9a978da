"""Write the benchmark results (benchmarks.run) as Markdown tables, with the machine noted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import report_store, report_web

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


def query_rows(results: dict[str, Any], cols: list[tuple[str, str, str]]) -> list[list[Any]]:
    names: list[str] = []
    for n, store, _ in cols:
        q = results["sizes"][n][store].get("queries", {})
        for k in [*q.get("queries", {}), *q.get("extra", {})]:
            if k not in names:
                names.append(k)
    rows: list[list[Any]] = []
    for label, key in [("load graph file, rdflib memory store (s)", "load_s"),
                       ("load graph file, Oxigraph store, native parser (s)", "load_native_s"),
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
        a = results["sizes"][n][s].get("api")
        if a is None:
            continue
        load = a.get("load", {})
        api_ms, bare_ms = a.get("sparql_api_ms"), a.get("sparql_bare_ms")
        only = a.get("load_sparql", {})
        if only:
            rows.append([f"{label}, /sparql only", a.get("startup_s"), bare_ms, api_ms,
                         f"{api_ms / bare_ms:.2f}×" if api_ms and bare_ms else DASH,
                         only.get("rps"), only.get("p50_ms"), only.get("p99_ms"), only.get("requests"),
                         only.get("errors"), a.get("server_peak_rss_mb"), _status(a)])
        rows.append([f"{label}, mixed" if only else label, a.get("startup_s"), bare_ms, api_ms,
                     f"{api_ms / bare_ms:.2f}×" if api_ms and bare_ms else DASH,
                     load.get("rps"), load.get("p50_ms"), load.get("p99_ms"), load.get("requests"),
                     load.get("errors"), a.get("server_peak_rss_mb"), _status(a)])
    return rows


def api_query_rows(results: dict[str, Any], cols: list[tuple[str, str, str]]) -> tuple[list[str], list[list[Any]]]:
    """Saved questions and REST lookups through HTTP (median ms), one column per size served."""
    served = [(n, s, label) for n, s, label in cols if results["sizes"][n][s].get("api")]
    names: list[str] = []
    for n, s, _ in served:
        a = results["sizes"][n][s]["api"]
        names += [k for k in [*a.get("queries_api", {}), *a.get("rest_api", {})] if k not in names]
    rows = []
    for name in names:
        row: list[Any] = [f"`{name}`" if "/" not in name else name]
        for n, s, _ in served:
            a = results["sizes"][n][s]["api"]
            cell = a.get("queries_api", {}).get(name) or a.get("rest_api", {}).get(name)
            row.append(DASH if cell is None else _ms_cell(cell))
        rows.append(row)
    return [label for _, _, label in served], rows


def _max_ms(cells: dict[str, Any]) -> tuple[float | None, str]:
    timed = {k: v["ms"] for k, v in cells.items() if isinstance(v, dict) and "ms" in v}
    if not timed:
        return None, ""
    k = max(timed, key=timed.get)
    return timed[k], k


def goal_rows(results: dict[str, Any]) -> list[list[Any]]:
    """The issue's goals beside what was measured (in-process times exclude Python start-up)."""
    rows: list[list[Any]] = []
    sizes = results["sizes"]
    goals = {"1": (10, None), "100": (200, 2), "1000": (1000, 10)}
    for n, (q_goal, a_goal) in goals.items():
        if n not in sizes:
            continue
        size = sizes[n]
        q = size.get("oxigraph", {}).get("queries", {})
        worst, name = _max_ms(q.get("queries", {}))
        if worst is not None:
            over = sum(1 for v in q["queries"].values() if v.get("ms", 0) > q_goal)
            rows.append([f"N={int(n):,}", f"saved questions ≤ {q_goal} ms (in-process)",
                         f"slowest {worst:,.0f} ms (`{name}`); {over} of {len(q['queries'])} over", "yes" if not over else "no"])
        a = size.get("oxigraph", {}).get("api", {})
        worst, name = _max_ms(a.get("queries_api", {}))
        if worst is not None:
            over = sum(1 for v in a["queries_api"].values() if v.get("ms", 0) > q_goal)
            rows.append([f"N={int(n):,}", f"saved questions ≤ {q_goal} ms (through the API)",
                         f"slowest {worst:,.0f} ms (`{name}`); {over} of {len(a['queries_api'])} over", "yes" if not over else "no"])
        if a_goal is not None and q.get("analysis") and "error" not in q["analysis"]:
            worst_s = sum(v["s"] for v in q["analysis"].values())
            rows.append([f"N={int(n):,}", f"collaboration analysis ≤ {a_goal} s", f"{worst_s:.1f} s (all steps)",
                         "yes" if worst_s <= a_goal else "no"])
    return rows + report_store.goal_rows(results) + report_web.goal_rows(results)


def _intro_lines(results: dict[str, Any]) -> list[str]:
    m = results["machine"]
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    return [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks.run` (see benchmarks/run.py); every number below was measured",
        "in that run, on this machine. Corpus: synthetic plans of 52 Shandong counties (benchmarks/synth.py),",
        f"seed {results['seed']}. Medians of up to {results['reps']} timed runs after one warm-up (fewer when a",
        f"query is slow). Time budget per step: {results['budget_s']:.0f} s (the store build: an hour). Other",
        "engineers' processes shared the 2 cores during the run, so small numbers are noisy.",
        "",
        f"**Machine:** {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, Python {m['python']}, "
        f"{m['os']}; {pk}. Run {m['date']}.",
        "",
        "Corpus sizes: " + ", ".join(
            f"N={int(n):,}: {s.get('corpus_mb')} MB of text" for n, s in results["sizes"].items()) + ".",
        "",
    ]


def _store_lines(results: dict[str, Any]) -> list[str]:
    return [
        "## Build (`policykg build`: parallel reading, bulk load into the store, validation)",
        "",
        *_table(["N", "build s", "read + load s", "shared checks s", "export .ttl s", "triples", "store MB",
                 "peak MB", "workers peak MB", "validation", "status"], report_store.build_rows(results)),
        "",
        "`build s` is the whole `policykg build` into a new store generation (plans read in parallel worker",
        "processes, each checked by the SHACL shapes as SPARQL where it was read; the shared nodes checked on",
        "the store; co-assignment counts derived); the export to the Turtle file the `queries` step reads is",
        "timed apart. Peak MB is the building process; workers peak is the largest reading process.",
        "",
        "The same corpus built in memory in one process (`loaders.build.build_graph`), for comparison:",
        "",
        *_table(["N", "store", "build s", "save s", "triples", "peak MB", "status"],
                report_store.memory_build_rows(results)),
        "",
        "## Add and remove one plan (seconds)",
        "",
        *_table(["N", "`policykg add`", "`policykg remove`", "add in-process", "remove in-process", "add's parts",
                 "runs", "status"], report_store.add_rows(results)),
        "",
        "The commands are timed as a user waits for them (Python start-up included), medians; the",
        "in-process runs show where the time goes. The store keeps N plans: each add is undone by a remove.",
        "",
        "## Serve the store (`policykg serve --store`)",
        "",
        *_table(["N", "ready s", "RSS at ready MB", "analyses warm s", "RSS warm MB", "RSS after load MB",
                 "peak MB (sum)", "req/s", "p50 ms", "p99 ms", "errors", "status"], report_store.serve_rows(results)),
        "",
        *_table(["N", "query", "bare store ms", "/sparql ms", "/sparql ms while warming", "goal ms", "met"],
                report_store.sparql_rows(results)),
        "",
        "`ready s`: from starting the command to the first answer of /sparql. The server then warms its",
        "analyses in a background thread (`analyses warm s`: until it is idle). Memory sums the server and",
        "its two SPARQL workers (all open the store read-only; none holds a copy); peak is the sum of each",
        "process's own peak. `bare store` runs the query with pyoxigraph in the benchmark's own process on",
        "the same store; `/sparql` is GET /sparql through HTTP, the guard and a worker, measured once the",
        "server is idle (and, for comparison, while it warms). The load is 16 clients on the three queries.",
        "",
    ]


def _query_lines(results: dict[str, Any], cols: list[tuple[str, str, str]]) -> list[str]:
    return [
        "## Load and saved questions (median ms, rows returned)",
        "",
        *_table(["question", *[c[2] for c in cols]], query_rows(results, cols)),
        "",
        "Queries run in-process through `queries.library.run_query` on the graph file the build",
        "exported; required parameters get the busiest lead organisation / first document / first task.",
        "A step stopped at the budget keeps what it measured before; the rest of its column says skipped.",
        *[f"Note (N={int(n):,} {store} {step}): {v['note']}." for n, size in results["sizes"].items()
          for store, part in size.items() if isinstance(part, dict)
          for step, v in part.items() if isinstance(v, dict) and v.get("note")],
        "",
        "## Analysis (seconds)",
        "",
        *_table(["step", *[c[2] for c in cols]], analysis_rows(results, cols)),
        "",
        f"## API (uvicorn on 127.0.0.1, Oxigraph; 16 clients for {results['api_seconds']:.0f} s)",
        "",
        *_table(["served", "startup s", "bare store ms", "/sparql ms", "API/bare", "req/s", "p50 ms", "p99 ms",
                 "requests", "errors", "server+workers peak MB", "status"], api_rows(results, cols)),
        "",
        "`bare store ms` and `/sparql ms` are the same aggregate (tasks per lead unit, top 20) on the",
        "store in-process and through GET /sparql. The `/sparql only` load is that aggregate alone (half",
        "the load's time, at most 30 s); the mixed load adds REST point lookups (/tasks/{number},",
        "/organizations/{id}) and list pages (/tasks, /organizations, /domains, /documents). Peak memory sums the server and its",
        "SPARQL worker processes (serving the store: each opens it read-only).",
        "",
        "### Saved questions and REST lookups through the API (median ms, first call in brackets)",
        "",
        *_table(["request", *api_query_rows(results, cols)[0]], api_query_rows(results, cols)[1]),
        "",
        "Measured once the server is idle (its warm-up done). A saved question answers its first page,",
        "as the query page and the REST routes ask for it; the REST list pages ask for 20 rows. The first",
        "call is timed apart: the server keeps what a store generation has answered once about its plans",
        "(their sizes in 文号 order, each list's per-plan counts, each question's total), never a page's rows.",
        "",
        "### Analysis routes through the API (ms: median once kept, first call in brackets; a place's first call)",
        "",
        *_table(["route", *report_web.analysis_route_rows(results)[0]], report_web.analysis_route_rows(results)[1]),
        "",
        "## Each analysis alone, in-process on the store (seconds: reading + analysis)",
        "",
        *_table(["analysis", *report_web.analyses_rows(results)[0]], report_web.analyses_rows(results)[1]),
        "",
        "What a first request costs the server: read the corpus (or one place's plans) from the store, build",
        "the graphs, make the report; each from a fresh read, so the figures do not share work.",
        "",
        "## Pages in headless Chromium (ms: repeat loads' median, first load in brackets)",
        "",
        *_table(["page", *report_web.page_rows(results)[0]], report_web.page_rows(results)[1]),
        "",
        "From navigation to the later of the page's load event and the end of the last response it asked",
        "for (its data included), served from the store once the server is idle.",
        "",
        "## Goals of the issue, as measured here",
        "",
        *_table(["size", "goal", "measured", "met"], goal_rows(results)),
        "",
    ]


def write_report(results: dict[str, Any], out: Path) -> Path:
    """Write benchmarks/RESULTS.md from the merged ``results``; return its path."""
    # Sizes in ascending order, whatever order runs merged them in.
    results = {**results, "sizes": dict(sorted(results["sizes"].items(), key=lambda kv: int(kv[0])))}
    lines = [*_intro_lines(results), *_store_lines(results), *_query_lines(results, _columns(results))]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def _ms_cell(cell: dict[str, Any]) -> Any:
    """A median (with the first call, when measured apart), or the error."""
    if "ms" not in cell:
        return "error: " + str(cell.get("error", ""))[:40]
    return f"{cell['ms']:,.1f} (first {cell['first_ms']:,.0f})" if "first_ms" in cell else cell["ms"]
