"""The collaboration network: organisations joined by the tasks they share.

Sizes, edges and counts come from ``queries.analysis`` (``collaboration_graph``); this module only
decides how they look: size by load, colour by community or kind, width by shared tasks, solid
lines where two units lead a task together, dashed where one leads and the other is responsible,
dotted where both are responsible. Past :data:`viz.network.MAX_NODES` organisations the picture
shows communities instead of organisations (or one organisation's neighbourhood when focused).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

import networkx as nx

from viz.data import ViewData, kind_labels, view_payload

# Colour-blind-friendly palette for communities (Tableau 10 + 2), in order of community size.
COMMUNITY_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
                    "#ff9da7", "#9c755f", "#86bcb6", "#8cd17d", "#d4a6c8")
OTHER_COLOR = "#bab0ac"
COLLECTIVE_COLOR = "#c9b6e4"
KIND_COLORS = {
    "PeopleGovernment": "#1d3f72", "GovernmentAgency": "#4e79a7", "PartyOrgan": "#e15759",
    "Court": "#9c755f", "Procuratorate": "#b6992d", "PublicInstitution": "#59a14f",
    "StateOwnedEnterpriseBranch": "#f28e2b", "BankBranch": "#edc948", "RegulatorBranch": "#b07aa1",
    "MassOrganization": "#76b7b2", "UtilityGroup": "#ff9da7", "CollectiveUnit": COLLECTIVE_COLOR,
}
EDGE_STYLES = {  # pair kind → (dashes, colour, legend zh, legend en)
    "lead_lead": (False, "#3b5b85", "牵头–牵头（共同牵头）", "lead–lead (joint leads)"),
    "lead_responsible": ([8, 6], "#8a9bb0", "牵头–责任", "lead–responsible"),
    "responsible_responsible": ([2, 5], "#b8c2cc", "责任–责任", "responsible–responsible"),
}


def node_size(load: int) -> float:
    """Radius of an organisation's dot for ``load`` tasks (lead + responsible).

    Example:
        >>> node_size(0), node_size(4), node_size(36)
        (8.0, 17.0, 35.0)
    """
    return round(8 + 4.5 * math.sqrt(max(load, 0)), 1)


def collaboration_communities(G: nx.Graph) -> dict[str, int]:
    """Return organisation → community number (0 = largest), from the analysis's Louvain communities.

    Collective units take no part (the analysis leaves them out): they stand for many bodies.
    """
    from queries.analysis.network import communities

    return {n: i for i, members in enumerate(communities(G)) for n in members}


def _pair_style(e: Mapping[str, Any]) -> str:
    for kind in ("lead_lead", "lead_responsible", "responsible_responsible"):
        if e.get(kind):
            return kind
    return "responsible_responsible"


def collaboration_picture(G: nx.Graph, payload: Mapping[str, Any], *, communities: Mapping[str, int] | None = None,
                          focus: str | None = None, hops: int = 1, max_nodes: int = 1000) -> tuple[nx.Graph, dict[str, Any]]:
    """Return the picture graph for ``render_network_html`` and the legend, from an analysis graph.

    Args:
        G: the collaboration graph from :func:`queries.analysis.graphs.collaboration_graph`.
        payload: from :func:`viz.data.view_payload` (names and kinds of the organisations).
        communities: organisation → community number; colours by kind only when None.
        focus: keep only this organisation and its neighbourhood (``hops`` steps).
        hops: how far the focus reaches.
        max_nodes: past this many organisations, communities are drawn instead.

    Returns:
        ``(picture, extra)``: extra holds ``legend`` and ``aggregated`` for the payload.
    """
    if focus is not None and focus in G:
        from queries.analysis.network import ego_network

        G = ego_network(G, focus, hops=hops)
    communities = dict(communities or {})
    kinds = kind_labels()
    orgs = payload["orgs"]
    sizes: dict[int, int] = {}
    for c in communities.values():
        sizes[c] = sizes.get(c, 0) + 1

    def community_color(n: str) -> str:
        if orgs.get(n, {}).get("collective"):
            return COLLECTIVE_COLOR
        c = communities.get(n)
        return COMMUNITY_COLORS[c] if c is not None and c < len(COMMUNITY_COLORS) else OTHER_COLOR

    def kind_color(n: str) -> str:
        info = orgs.get(n, {})
        return COLLECTIVE_COLOR if info.get("collective") else KIND_COLORS.get(info.get("kind"), OTHER_COLOR)

    modes = ["community", "kind"] if communities else ["kind"]
    if G.number_of_nodes() > max_nodes:
        return _aggregate(G, payload, communities, community_color), {
            "aggregated": True, "legend": _legend(G, payload, communities, ["community"], kinds)}
    P = nx.Graph()
    for n, a in sorted(G.nodes(data=True), key=lambda x: str(x[0])):
        info = orgs.get(n, {"zh": a.get("label") or n, "en": a.get("label") or n, "collective": False})
        colors = {"community": community_color(n), "kind": kind_color(n)}
        P.add_node(n, label=info["zh"], pk_type="org", pk_ref=n, pk_zh=info["zh"], pk_en=info["en"],
                   size=node_size(a.get("lead", 0) + a.get("responsible", 0)),
                   shape="diamond" if info.get("collective") else "dot",
                   color=colors[modes[0]], pk_colors=colors, pk_community=communities.get(n))
    for u, v, e in sorted(G.edges(data=True), key=lambda x: (str(x[0]), str(x[1]))):
        dashes, color, _, _ = EDGE_STYLES[_pair_style(e)]
        from viz.network import edge_width

        P.add_edge(u, v, width=edge_width(e.get("weight", 1)), dashes=dashes, color={"color": color},
                   pk_tasks=list(e.get("task_ids", ())), pk_pair=_pair_style(e), pk_weighted=True)
    return P, {"aggregated": False, "legend": _legend(G, payload, communities, modes, kinds)}


def group_names(G: nx.Graph, payload: Mapping[str, Any], members: list[str]) -> tuple[str, str]:
    """Name a group of organisations by its most connected member and, across plans, the document
    most of its tasks come from (names repeat across counties: each has a 县财政局)."""
    core = max(members, key=lambda m: (G.degree(m, weight="weight"), m))
    name = payload["orgs"].get(core, {}).get("zh", core)
    docs = Counter(payload["tasks"][t]["ref"].split("#")[0] for m in members
                   for t in payload["orgs"].get(m, {}).get("roles", {}) if "#" in payload["tasks"][t]["ref"])
    where = f"{docs.most_common(1)[0][0]} · " if docs else ""
    return f"{where}{name} 等 {len(members)} 个单位", f"{where}{name} and {len(members) - 1} others"


def _aggregate(G: nx.Graph, payload: Mapping[str, Any], communities: Mapping[str, int], color_of) -> nx.Graph:
    """One node per community, edges summing shared tasks.

    A collective unit joins the community of its heaviest tie (it has none of its own); an
    organisation without ties stays alone. Each group is named by its most connected member and
    the document most of its tasks come from (names repeat across counties: 县财政局 is in each).
    """
    group_of = {}
    for n in G:
        if n in communities:
            group_of[n] = f"group:{communities[n]}"
        else:
            ties = sorted(((e.get("weight", 1), str(m)) for m, e in G[n].items() if m in communities), reverse=True)
            group_of[n] = f"group:{communities[ties[0][1]]}" if ties else f"group:{n}"
    members: dict[str, list[str]] = {}
    for n, g in sorted(group_of.items()):
        members.setdefault(g, []).append(n)
    P = nx.Graph()
    for g, ms in sorted(members.items()):
        load = sum(G.nodes[m].get("lead", 0) + G.nodes[m].get("responsible", 0) for m in ms)
        core = max(ms, key=lambda m: (G.degree(m, weight="weight"), m))
        zh, en = group_names(G, payload, ms)
        P.add_node(g, label=zh, pk_zh=zh, pk_en=en, pk_type="group", pk_members=ms,
                   size=node_size(load // max(len(ms), 1)) + 2 * math.log2(len(ms) + 1), color=color_of(core))
    for u, v, e in G.edges(data=True):
        a, b = group_of[u], group_of[v]
        if a == b:
            continue
        if not P.has_edge(a, b):
            P.add_edge(a, b, pk_tasks=[], pk_weighted=True)
        P.edges[a, b]["pk_tasks"] = sorted(set(P.edges[a, b]["pk_tasks"]) | set(e.get("task_ids", ())))
    from viz.network import edge_width

    for _, _, e in P.edges(data=True):
        e["width"] = edge_width(len(e["pk_tasks"]))
    return P


def _legend(G: nx.Graph, payload: Mapping[str, Any], communities: Mapping[str, int], modes: list[str],
            kinds: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    orgs = payload["orgs"]
    colors: dict[str, list[dict[str, str]]] = {}
    if "community" in modes:
        groups: dict[int, list[str]] = {}
        for n, c in communities.items():
            if n in G:
                groups.setdefault(c, []).append(n)
        items = []
        for c, ms in sorted(groups.items()):
            zh, en = group_names(G, payload, ms)
            color = COMMUNITY_COLORS[c] if c < len(COMMUNITY_COLORS) else OTHER_COLOR
            items.append({"color": color, "zh": f"社区 {c + 1}：{zh}", "en": f"Community {c + 1}: {en}"})
        if len(items) > len(COMMUNITY_COLORS):
            items = items[:len(COMMUNITY_COLORS)] + [{"color": OTHER_COLOR, "zh": "其他小社区", "en": "Other small communities"}]
        colors["community"] = items + [{"color": COLLECTIVE_COLOR, "zh": "集合单位（菱形，不参与排名）",
                                        "en": "Collective units (diamonds, not ranked)"}]
    present = sorted({orgs[n]["kind"] for n in G if n in orgs and not orgs[n]["collective"]})
    colors["kind"] = [{"color": KIND_COLORS.get(k, OTHER_COLOR), "zh": kinds.get(k, {}).get("zh", k),
                       "en": kinds.get(k, {}).get("en", k)} for k in present] + [
        {"color": COLLECTIVE_COLOR, "zh": "集合单位（菱形，不参与排名）", "en": "Collective units (diamonds, not ranked)"}]
    return {
        "colorModes": modes,
        "colors": colors,
        "edges": [{"style": "solid" if d is False else ("dashed" if d[0] > 4 else "dotted"), "color": c, "zh": zh, "en": en}
                  for d, c, zh, en in EDGE_STYLES.values()],
        "note": {"zh": "圆点大小 = 牵头和责任任务数；连线粗细 = 共同任务数。", "en": "Dot size = tasks led or supported; line width = shared tasks."},
    }


def scope_note(data: ViewData, G: nx.Graph) -> tuple[str, str] | None:
    """Say what a picture of several plans draws (every plan, body and tie; where the sentences
    come from), or None for one plan.

    Example:
        >>> B = nx.Graph()
        >>> B.add_nodes_from([("t1", {"kind": "task", "doc": "d1"}), ("t2", {"kind": "task", "doc": "d2"})])
        >>> G = nx.Graph([("a", "b")])
        >>> scope_note(ViewData(B, quoted=False), G)[1]
        'All 2 plans of this scope: 2 tasks, 2 organisations and 1 ties between them. The sentences are read when you open a task or a line.'
    """
    docs = {a.get("doc") for _, a in data.B.nodes(data=True) if a.get("kind") == "task"}
    if len(docs) <= 1:
        return None
    tasks = sum(1 for _, k in data.B.nodes(data="kind") if k == "task")
    zh = (f"本范围的全部 {len(docs)} 份文件：{tasks} 项任务、{G.number_of_nodes()} 个单位、"
          f"{G.number_of_edges()} 条协作连线。")
    en = (f"All {len(docs)} plans of this scope: {tasks} tasks, {G.number_of_nodes()} organisations "
          f"and {G.number_of_edges()} ties between them.")
    if not data.quoted:
        zh += "打开任务或连线时读取原文。"
        en += " The sentences are read when you open a task or a line."
    return zh, en


def collaboration_page(source: Any, *, links: Mapping[str, str], focus: str | None = None, hops: int = 1,
                       doc: str | None = None, place: str | None = None, data: ViewData | None = None,
                       max_nodes: int = 1000) -> str:
    """Return the collaboration view of ``source`` as a self-contained HTML page.

    Args:
        source: a graph or store :func:`queries.library.run_query` accepts.
        links: header links (``viz.pages.SERVER_LINKS`` or ``FILE_LINKS``).
        focus: an organisation IRI or name: draw only its neighbourhood (the page can still widen it).
        hops: the focus's reach.
        doc: only this document.
        place: only the plans of this division (one place's own network in a corpus).
        data: already-loaded view data (saves the queries when the caller has them).
        max_nodes: aggregate past this many organisations.

    Raises:
        LookupError: ``focus`` names no organisation, or several.
    """
    from queries.analysis.graphs import collaboration_graph, find_organization
    from viz.data import load_view_data
    from viz.network import render_network_html

    data = data or load_view_data(source, doc=doc, place=place)
    G = collaboration_graph(data.B)
    focus_iri = find_organization(data.B, focus) if focus else None
    payload = view_payload(data)
    communities = collaboration_communities(G)
    P, extra = collaboration_picture(G, payload, communities=communities, max_nodes=max_nodes,
                                     focus=focus_iri if G.number_of_nodes() > max_nodes else None, hops=hops)
    payload.update(extra, links=dict(links), defaultHops=hops, initial={"org": focus_iri} if focus_iri else {})
    if payload.get("quoteDocs") and str(links.get("home", "")).startswith("/"):
        payload["quoteUrl"] = "/queries/"
    banner = None
    if data.documents:  # the scope holds more tasks than a picture of bodies can show: its first plan
        from viz.data import documents_of

        docs = documents_of(data)
        payload["documents"], payload["document"] = docs, docs[0]["id"]
        banner = (f"共 {len(docs)} 份文件，当前显示 {docs[0]['label']}；请在左侧选择文件。",
                  f"{len(docs)} documents: showing {docs[0]['label']}; pick another on the left.")
    elif extra["aggregated"]:
        banner = (f"单位超过 {max_nodes} 个：每个圆点代表一个协作社区。选择一个单位可查看其周边网络。",
                  f"More than {max_nodes} organisations: each dot is a community. Focus on one organisation to see its neighbourhood.")
    else:
        banner = scope_note(data, G)
    return render_network_html(
        P, view="collaboration", title=("单位协作网络", "Collaboration network"),
        subtitle=("两个单位共同承担一项任务（同为牵头或责任单位）即相连。", "Two organisations are linked when they share a task as lead or responsible units."),
        payload=payload, links=links, banner=banner, max_nodes=max_nodes)
