"""Pictures of a corpus: how government functions work together across places, and how one place
differs from the rest.

With many plans loaded, one dot per organisation is unreadable (every county has its own 县财政局)
and the organisations of different counties never meet. What compares across places is the
function a body serves (the functions scheme, ontology/functions.ttl): in how many places do
bodies of two functions take on tasks together, one leading? All counts come from the plans'
tallies through the saved questions ``function_roles``, ``function_pairs`` and ``plan_places``;
this module only decides how they look and what goes to the browser (capped: no page of the
corpus view carries more than :data:`MAX_EDGES` lines, whatever the corpus).

A pair is *typical* when it works together in at least :data:`TYPICAL` of the places, *rare* when
in at most :data:`RARE` of them. For one place (``compare``), the picture marks its own pairs:
typical ones it shares, rare ones it has (what it does differently) and typical ones it lacks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx

from queries.library import run_query
from viz.collaboration import COMMUNITY_COLORS, OTHER_COLOR, node_size

MAX_EDGES = 400
TYPICAL = 0.5
RARE = 0.2
COLORS = {"typical": "#8a9bb0", "shared": "#1f5fa8", "rare_here": "#e07b00", "missing_here": "#c0392b",
          "faded": "#d9e2ec"}


def corpus_payload(source: Any, *, compare: str | None = None, scope: str | None = None) -> dict[str, Any]:
    """Return the functions, their pairs across places and (with ``compare``) one place's own pairs.

    Args:
        source: a graph or store :func:`queries.library.run_query` accepts.
        compare: a place (division IRI) to set against the others.
        scope: only the plans of this division (and those below it).
    """
    places = run_query(source, "plan_places", place=scope)
    functions = run_query(source, "function_roles", place=scope)
    pairs = run_query(source, "function_pairs", place=scope)
    here = {(r["a"], r["b"]): r for r in run_query(source, "function_pairs", place=compare)} if compare else {}
    n_places = max(len(places), 1)
    for r in pairs:
        share = r["places"] / n_places
        r["share"] = round(share, 3)
        r["typical"] = share >= TYPICAL
        r["rare"] = share <= RARE
        mine = here.get((r["a"], r["b"]))
        r["here"] = mine["tasks"] if mine else 0
    return {
        "places": sorted(({"iri": p["where"], "name": p["name"] or p["where"], "code": p["code"], "plans": p["plans"],
                           "tasks": p["tasks"]} for p in places), key=lambda p: (p["code"] or "", p["iri"])),
        "functions": functions,
        "pairs": pairs,
        "compare": compare,
        "placeCount": len(places),
    }


def _groups(functions: list[dict[str, Any]]) -> dict[str, str]:
    """Colour each function by its group (skos:broader), the groups in order of their size."""
    sizes: dict[str, int] = {}
    for f in functions:
        g = f.get("group") or f["function"]
        sizes[g] = sizes.get(g, 0) + (f["lead_tasks"] or 0) + (f["responsible_tasks"] or 0)
    order = sorted(sizes, key=lambda g: (-sizes[g], g))
    return {g: COMMUNITY_COLORS[i] if i < len(COMMUNITY_COLORS) else OTHER_COLOR for i, g in enumerate(order)}


def _edge_state(pair: Mapping[str, Any], comparing: bool) -> str:
    if not comparing:
        return "typical"
    if pair["here"]:
        return "rare_here" if pair["rare"] else "shared"
    return "missing_here" if pair["typical"] else "faded"


def functions_picture(payload: Mapping[str, Any], *, max_edges: int = MAX_EDGES) -> tuple[nx.Graph, list[dict[str, Any]]]:
    """Return the picture (functions as dots, pairs as lines, width by places) and the pairs drawn.

    The most widespread pairs are drawn, at most ``max_edges``; when comparing, every pair of the
    place and every typical pair it lacks is drawn first.
    """
    comparing = bool(payload.get("compare"))
    colors = _groups(payload["functions"])
    pairs = sorted(payload["pairs"], key=lambda r: (not (comparing and (r["here"] or r["typical"])),
                                                    -r["places"], -r["tasks"], r["a"], r["b"]))[:max_edges]
    present = {f for r in pairs for f in (r["a"], r["b"])}
    used_here = {f for r in pairs if r["here"] for f in (r["a"], r["b"])}
    P = nx.Graph()
    for f in payload["functions"]:
        if f["function"] not in present and payload["pairs"]:
            continue
        load = (f["lead_tasks"] or 0) + (f["responsible_tasks"] or 0)
        color = colors.get(f.get("group") or f["function"], OTHER_COLOR)
        if comparing and f["function"] not in used_here:
            color = COLORS["faded"]
        P.add_node(f["function"], label=f["name_zh"] or f["function"].rsplit("/", 1)[-1], pk_type="function",
                   pk_zh=f["name_zh"], pk_en=f["name_en"], pk_group=f.get("group"),
                   size=round(node_size(0) + 2.5 * math.log2(1 + load), 1), color=color,
                   pk_lead=f["lead_tasks"], pk_resp=f["responsible_tasks"], pk_places=f["places"])
    for i, r in enumerate(pairs):
        if r["a"] not in P or r["b"] not in P:
            continue
        state = _edge_state(r, comparing)
        width = round(1 + 5 * math.sqrt(r["places"] / max(payload["placeCount"], 1)), 2)
        P.add_edge(r["a"], r["b"], id=f"p{i}", width=width, color={"color": COLORS[state]},
                   dashes=state == "missing_here", pk_state=state, pk_places=r["places"], pk_tasks=r["tasks"],
                   pk_lead_lead=r["lead_lead"], pk_a_leads=r["a_leads"], pk_b_leads=r["b_leads"],
                   pk_share=r["share"], pk_here=r["here"])
    return P, pairs


def corpus_page(source: Any, *, links: Mapping[str, str], compare: str | None = None,
                scope: str | None = None) -> str:
    """Return the corpus collaboration view: government functions working together across places.

    Args:
        source: a graph or store :func:`queries.library.run_query` accepts.
        links: header links (``viz.pages.SERVER_LINKS``).
        compare: a place (division IRI) to set against the rest of the corpus.
        scope: only the plans of this division (and those below it).
    """
    from viz.network import default_options, render_network_html

    payload = corpus_payload(source, compare=compare, scope=scope)
    P, drawn = functions_picture(payload)
    names = {p["iri"]: p["name"] for p in payload["places"]}
    subtitle = (f"{payload['placeCount']} 个地方的计划：两个职能的单位共同承担任务（其一牵头）即相连，线越粗，这样合作的地方越多。",
                f"Plans of {payload['placeCount']} places: two functions are linked when their bodies take on a task "
                "together, one leading; the wider the line, the more places work that way.")
    banner = None
    if len(payload["pairs"]) > len(drawn):
        banner = (f"共 {len(payload['pairs'])} 对职能，图中画出最常见的 {len(drawn)} 对。",
                  f"{len(payload['pairs'])} pairs of functions; the {len(drawn)} most widespread are drawn.")
    data = {"places": payload["places"], "placeCount": payload["placeCount"], "compare": compare,
            "compareName": names.get(compare or "", compare), "typical": TYPICAL, "rare": RARE,
            "colors": COLORS, "links": dict(links), "pairsTotal": len(payload["pairs"])}
    options = default_options(P.number_of_nodes())
    options["edges"]["smooth"] = False
    return render_network_html(P, view="functions", title=("职能协作网络", "Functions working together"),
                               subtitle=subtitle, payload=data, links=links, banner=banner, options=options,
                               scripts=("pk-page.js", "pk-functions.js"), current="collaboration")
