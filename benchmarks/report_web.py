"""Tables of the served store's steps (benchmarks.web_steps): analyses alone, analysis routes, pages, and their goals."""

from __future__ import annotations

from typing import Any

DASH = "–"
# The goals per size: REST list page p50 ms, one analysis s, page ms, mixed-load p99 ms.
GOALS = {"100": (100, 2, 2000, 500), "1000": (300, 10, 3000, 2000)}
REST_LISTS = ("/tasks (first page)", "/organizations (first page)", "/domains (first page)", "/documents")
GOAL_ANALYSES = ("collaboration (corpus)", "bottlenecks (corpus)")


def _oxigraph(results: dict[str, Any], n: str, step: str) -> dict[str, Any]:
    return results["sizes"][n].get("oxigraph", {}).get(step, {})


def _by_size(results: dict[str, Any], step: str, key: str, cell: Any) -> tuple[list[str], list[list[Any]]]:
    """One row per measured name of ``step``'s ``key``, one column per size that measured it."""
    sizes = [n for n in results["sizes"] if _oxigraph(results, n, step).get(key)]
    names: list[str] = []
    for n in sizes:
        names += [k for k in _oxigraph(results, n, step)[key] if k not in names]
    rows = [[name, *[cell(_oxigraph(results, n, step)[key].get(name)) for n in sizes]] for name in names]
    return [f"N={int(n):,}" for n in sizes], rows


def _analysis_cell(c: dict[str, Any] | None) -> str:
    if not c:
        return DASH
    what = "organisations, from the stored sums" if c.get("nodes_are") == "organisations" else "nodes"
    return f"{c['s']:.2f} ({c['read_s']:.2f} + {c['analysis_s']:.2f}; {c['nodes']:,} {what})"


def _route_cell(c: dict[str, Any] | None) -> str:
    if not c:
        return DASH
    return f"{c['ms']:,.0f} (first {c['first_ms']:,.0f})" if "first_ms" in c else f"{c['ms']:,.0f}"


def _page_cell(c: dict[str, Any] | None) -> str:
    if not c:
        return DASH
    if "error" in c:
        return "error: " + c["error"][:60]
    return f"{c['ms']:,.0f} (first {c['first_ms']:,.0f})"


def analyses_rows(results: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Each analysis alone (seconds: reading + analysis), one column per size."""
    return _by_size(results, "analyses", "analyses", _analysis_cell)


def analysis_route_rows(results: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The analysis routes through HTTP (median ms once kept, first call; a place's first call)."""
    return _by_size(results, "api", "analyses_api", _route_cell)


def page_rows(results: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Each page in Chromium: median of the repeat loads and the first load (ms)."""
    return _by_size(results, "pages", "pages", _page_cell)


def goal_rows(results: dict[str, Any]) -> list[list[Any]]:
    """REST list pages, each analysis, pages and the mixed load beside the issue's goals."""
    rows: list[list[Any]] = []
    for n, (rest_ms, analysis_s, page_ms, p99_ms) in GOALS.items():
        if n not in results["sizes"]:
            continue
        label = f"N={int(n):,}"
        api = _oxigraph(results, n, "api")
        lists = {k: v["ms"] for k, v in api.get("rest_api", {}).items() if k in REST_LISTS and "ms" in v}
        if lists:
            worst = max(lists, key=lists.get)
            rows.append([label, f"REST list pages p50 ≤ {rest_ms} ms", f"slowest {lists[worst]:,.0f} ms ({worst})",
                         _yes(lists[worst] <= rest_ms)])
        analyses = _oxigraph(results, n, "analyses").get("analyses", {})
        for name in GOAL_ANALYSES:
            if name in analyses:
                s = analyses[name]["s"]
                rows.append([label, f"{name.split()[0]} analysis ≤ {analysis_s} s", f"{s:.1f} s (read + analyse)",
                             _yes(s <= analysis_s)])
        pages = {k: v["ms"] for k, v in _oxigraph(results, n, "pages").get("pages", {}).items() if "ms" in v}
        if pages:
            worst = max(pages, key=pages.get)
            rows.append([label, f"any page in Chromium ≤ {page_ms / 1000:g} s",
                         f"slowest {pages[worst]:,.0f} ms ({worst}), median of repeat loads", _yes(pages[worst] <= page_ms)])
        load = api.get("load", {})
        if load.get("requests"):
            rows.append([label, f"16 clients mixed, {load.get('seconds', 0):.0f} s: 0 errors, p99 ≤ {p99_ms} ms",
                         f"{load['errors']} errors, p99 {load['p99_ms']:,.0f} ms",
                         _yes(load["errors"] == 0 and load["p99_ms"] <= p99_ms)])
    return rows


def _yes(ok: bool) -> str:
    return "yes" if ok else "no"
