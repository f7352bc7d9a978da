"""The store's tables of benchmarks/RESULTS.md: build, add and remove, serve — and its goals."""

from __future__ import annotations

from typing import Any

DASH = "–"
# The goals, per corpus size: build s (with validation), add s, ready s, server+workers MB.
GOALS = {"100": (30, 2, 3, 1024), "1000": (300, 2, 3, 3072)}


def _n(n: str) -> str:
    return f"N={int(n):,}"


def build_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for n, size in results["sizes"].items():
        b = size.get("store_build")
        if b is None:
            continue
        parts = b.get("parts_s", {})
        rows.append([int(n), b.get("build_s"), parts.get("read and load"), parts.get("validate shared nodes"),
                     b.get("export_s"), (b.get("counts") or {}).get("triples"), b.get("store_mb"),
                     b.get("peak_rss_mb"), b.get("workers_peak_rss_mb"), b.get("validation") or DASH,
                     b.get("status", DASH)])
    return rows


def memory_build_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for n, size in results["sizes"].items():
        for store in ("oxigraph", "memory"):
            b = size.get(store, {}).get("build")
            if b is not None:
                rows.append([int(n), "Oxigraph" if store == "oxigraph" else "rdflib memory", b.get("build_s"),
                             b.get("save_s"), b.get("triples"), b.get("peak_rss_mb"), b.get("status", DASH)])
    return rows


def add_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for n, size in results["sizes"].items():
        a = size.get("add")
        if a is None:
            continue
        parts = ", ".join(f"{k} {v}" for k, v in a.get("add_parts_s", {}).items())
        rows.append([int(n), a.get("add_command_s"), a.get("remove_command_s"), a.get("add_in_process_s"),
                     a.get("remove_in_process_s"), parts or DASH, a.get("runs"), a.get("status", DASH)])
    return rows


def serve_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for n, size in results["sizes"].items():
        s = size.get("serve")
        if s is None:
            continue
        load = s.get("load", {})
        rows.append([int(n), s.get("ready_s"), s.get("rss_ready_mb"), s.get("warm_s"), s.get("rss_warm_mb"),
                     s.get("rss_after_load_mb"), s.get("peak_rss_mb_tree"), load.get("rps"), load.get("p50_ms"),
                     load.get("p99_ms"), load.get("errors"), s.get("status", DASH)])
    return rows


def sparql_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for n, size in results["sizes"].items():
        serve = size.get("serve", {})
        for label, c in serve.get("sparql", {}).items():
            warming = serve.get("sparql_warming", {}).get(label, {}).get("api_ms")
            rows.append([int(n), label, c["bare_ms"], c["api_ms"], warming, c["goal_ms"],
                         "yes" if c["api_ms"] <= c["goal_ms"] else "no"])
    return rows


def goal_rows(results: dict[str, Any]) -> list[list[Any]]:
    """The store's goals of the issue beside what was measured."""
    rows: list[list[Any]] = []
    for n, (build_goal, add_goal, ready_goal, rss_goal) in GOALS.items():
        size = results["sizes"].get(n)
        if size is None:
            continue
        b, a, s = size.get("store_build", {}), size.get("add", {}), size.get("serve", {})
        if b.get("build_s") is not None:
            rows.append([_n(n), f"`policykg build` with validation ≤ {build_goal} s", f"{b['build_s']:.1f} s",
                         _yes(b["build_s"] <= build_goal)])
        if a.get("add_command_s") is not None:
            rows.append([_n(n), f"`policykg add` one plan ≤ {add_goal} s", f"{a['add_command_s']:.2f} s (the command)",
                         _yes(a["add_command_s"] <= add_goal)])
        if s.get("ready_s") is not None:
            rows.append([_n(n), f"`policykg serve` ready ≤ {ready_goal} s", f"{s['ready_s']:.1f} s",
                         _yes(s["ready_s"] <= ready_goal)])
        peak = s.get("peak_rss_mb_tree")
        if peak is not None:
            rows.append([_n(n), f"server + workers RSS ≤ {rss_goal // 1024} GiB",
                         f"{peak:,.0f} MB (sum of each process's peak)", _yes(peak <= rss_goal)])
        for label, c in s.get("sparql", {}).items():
            rows.append([_n(n), f"/sparql ≤ 1.5 × bare + 3 ms ({label})",
                         f"{c['api_ms']:.1f} ms vs {c['goal_ms']:.1f} ms", _yes(c["api_ms"] <= c["goal_ms"])])
    return rows


def _yes(ok: bool) -> str:
    return "yes" if ok else "no"
