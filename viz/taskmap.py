"""The task views: which units carry each task, by domain; and what tasks wait on or share.

``tasks``: every task (a box coloured by its domain) joined to its lead units (solid) and
responsible units (dashed), and each domain to its 领域牵头部门. ``dependencies``: the analysis's
task dependency graph — tasks waiting on a higher level's deployment or an outside event, tasks
naming the same system or platform, and tasks the text puts in order — each line saying why.
Both take their graphs from ``queries.analysis``; this module only decides how they look.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from viz.collaboration import COLLECTIVE_COLOR, KIND_COLORS, OTHER_COLOR, node_size
from viz.data import ViewData, documents_of, kind_labels, restrict_to_document, view_payload

DOMAIN_COLORS = ("#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#ffff99", "#8dd3c7", "#bebada",
                 "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5",
                 "#ffed6f", "#c7e9c0", "#fee0d2", "#deebf7")
LEAD_EDGE = {"color": "#2f4b7c"}
RESP_EDGE = {"color": "#a0aab5"}
HUB_STYLE = {  # dependency node kind → (shape, colour, zh, en)
    "deployment": ("hexagon", "#d1495b", "上级部署", "Higher-level deployment"),
    "event": ("triangle", "#edae49", "外部前置条件", "Outside precondition"),
    "system": ("square", "#00798c", "共用系统/平台", "Shared system or platform"),
}
RELATION_STYLE = {  # relation → (colour, dashes, zh, en)
    "waits_for_deployment": ("#d1495b", False, "等待上级部署", "waits for higher-level deployment"),
    "waits_for_event": ("#edae49", False, "等待外部条件", "waits for an outside event"),
    "uses_system": ("#00798c", [6, 4], "使用同一系统/平台", "names the same system"),
    "precedes": ("#555555", False, "正文先后（箭头指向后续任务）", "ordered by the text (arrow to the later task)"),
}


def short(text: str, n: int = 14) -> str:
    """Return ``text`` cut to ``n`` characters with an ellipsis, for labels on the canvas.

    Example:
        >>> short("全面实施市场准入负面清单制度", 8)
        '全面实施市场准…'
    """
    return text if len(text) <= n else text[: n - 1] + "…"


def _domain_colors(payload: Mapping[str, Any]) -> dict[str, str]:
    return {d["id"]: DOMAIN_COLORS[i % len(DOMAIN_COLORS)] for i, d in enumerate(payload["domains"])}


def _org_node(P: nx.Graph, o: str, info: Mapping[str, Any], load: int) -> None:
    color = COLLECTIVE_COLOR if info["collective"] else KIND_COLORS.get(info["kind"], OTHER_COLOR)
    P.add_node(o, label=info["zh"], pk_type="org", pk_ref=o, pk_zh=info["zh"], pk_en=info["en"],
               shape="diamond" if info["collective"] else "dot", size=node_size(load), color=color,
               font={"size": 18})


def _task_node(P: nx.Graph, t: str, info: Mapping[str, Any], color: str) -> None:
    label = f"{info['ref']}. {short(info['title'])}"
    P.add_node(t, label=label, pk_type="task", pk_ref=t, pk_zh=f"{info['ref']}. {info['title']}",
               shape="box", color={"background": color, "border": "#7b8794"}, font={"size": 16},
               margin=4, widthConstraint={"maximum": 170})


def tasks_picture(payload: Mapping[str, Any], *, max_nodes: int = 1000) -> tuple[nx.Graph, dict[str, Any]]:
    """Return the task–organisation picture (tasks, units, domains) and its legend.

    Past ``max_nodes`` nodes, tasks are folded into their domains: one box per domain, joined to
    the units taking part in its tasks (line width = tasks); filter by domain to see the tasks.
    """
    from viz.network import edge_width

    tasks, orgs = payload["tasks"], payload["orgs"]
    colors = _domain_colors(payload)
    load = {o: len(info["roles"]) for o, info in orgs.items()}
    aggregated = len(tasks) + len(orgs) + len(payload["domains"]) > max_nodes
    P = nx.Graph()
    for d in payload["domains"]:
        label = f"（{d['n']}）{d['zh']}"
        P.add_node(d["id"], label=label, pk_type="domain", pk_zh=label, pk_kind_zh="领域", pk_kind_en="Domain",
                   shape="ellipse", color={"background": colors[d["id"]], "border": "#52606d"},
                   font={"size": 22, "bold": True}, borderWidth=2)
    for o, info in sorted(orgs.items()):
        if info["roles"] or info["domainLead"]:
            _org_node(P, o, info, load[o])
            for d in info["domainLead"]:
                P.add_edge(d, o, pk_tasks=[], pk_relation="domain_lead", pk_secondary=True, dashes=[2, 4], color={"color": "#52606d"}, width=1.5)
    if aggregated:
        per: dict[tuple[str, str], list[str]] = {}
        for o, info in orgs.items():
            for t in info["roles"]:
                per.setdefault((tasks[t]["domain"], o), []).append(t)
        for (d, o), ts in sorted(per.items()):
            if d in P and o in P:
                P.add_edge(d, o, pk_tasks=sorted(ts), pk_weighted=True, width=edge_width(len(ts)), color=RESP_EDGE)
    else:
        for t, info in tasks.items():
            _task_node(P, t, info, colors.get(info["domain"], OTHER_COLOR))
            if info["domain"] in P:
                P.add_edge(t, info["domain"], pk_tasks=[], pk_relation="domain_of", color={"color": "#d9e2ec"}, width=1)
        for o, info in sorted(orgs.items()):
            for t, role in sorted(info["roles"].items()):
                lead = role == "lead"
                P.add_edge(t, o, pk_tasks=[t], pk_role=role, width=2.5 if lead else 1,
                           dashes=False if lead else [6, 5], color=LEAD_EDGE if lead else RESP_EDGE)
    kinds = kind_labels()
    present = sorted({info["kind"] for info in orgs.values() if not info["collective"]})
    legend = {
        "colorModes": ["kind"],
        "colors": {"kind": [{"color": KIND_COLORS.get(k, OTHER_COLOR), "zh": kinds.get(k, {}).get("zh", k),
                             "en": kinds.get(k, {}).get("en", k)} for k in present]
                   + [{"color": COLLECTIVE_COLOR, "zh": "集合单位（菱形）", "en": "Collective units (diamonds)"}]},
        "shapes": [{"color": "#cfd8e3", "round": False, "zh": "方框 = 任务（颜色 = 领域）", "en": "Box = task (colour = domain)"},
                   {"color": "#cfd8e3", "round": True, "zh": "椭圆 = 领域", "en": "Ellipse = domain"}],
        "edges": [{"style": "solid", "color": LEAD_EDGE["color"], "zh": "牵头单位", "en": "lead unit"},
                  {"style": "dashed", "color": RESP_EDGE["color"], "width": 2, "zh": "责任单位", "en": "responsible unit"},
                  {"style": "dotted", "color": "#52606d", "width": 2, "zh": "领域牵头部门", "en": "domain lead"}],
        "note": {"zh": "选择一个领域或单位，图会收拢到相关任务。", "en": "Pick a domain or a unit to narrow the picture to its tasks."},
    }
    return P, {"aggregated": aggregated, "legend": legend}


def dependencies_picture(D: nx.DiGraph, payload: Mapping[str, Any]) -> tuple[nx.DiGraph, dict[str, Any]]:
    """Return the dependency picture from the analysis's dependency graph, and its legend.

    Only tasks with at least one dependency are drawn; the others would be unconnected boxes.
    """
    tasks = payload["tasks"]
    colors = _domain_colors(payload)
    P = nx.DiGraph()
    linked = {n for e in D.edges for n in e}
    for n, a in sorted(D.nodes(data=True), key=lambda x: str(x[0])):
        if n not in linked:
            continue
        kind = a.get("kind")
        if kind == "task" and n in tasks:
            _task_node(P, n, tasks[n], colors.get(tasks[n]["domain"], OTHER_COLOR))
        elif kind in HUB_STYLE:
            shape, color, zh, en = HUB_STYLE[kind]
            label = a.get("label") or str(n)
            P.add_node(n, label=short(label, 18), pk_type=kind, pk_zh=label, pk_kind_zh=zh, pk_kind_en=en,
                       shape=shape, color=color, size=16 if kind != "deployment" else 26, font={"size": 20, "bold": True})
    for u, v, e in sorted(D.edges(data=True), key=lambda x: (str(x[0]), str(x[1]))):
        if u not in P or v not in P:
            continue
        rel = e.get("relation", "")
        color, dashes, _, _ = RELATION_STYLE.get(rel, ("#9aa5b1", False, "", ""))
        P.add_edge(u, v, pk_tasks=[], pk_relation=rel, pk_reason=e.get("reason") or "", color={"color": color},
                   dashes=dashes, width=2 if rel == "precedes" else 1.2,
                   arrows={"to": {"enabled": rel == "precedes", "scaleFactor": 0.6}})
    legend = {
        "colorModes": [],
        "shapes": [{"color": HUB_STYLE[k][1], "round": k != "system", "zh": z, "en": e} for k, (_, _, z, e) in HUB_STYLE.items()]
        + [{"color": "#cfd8e3", "round": False, "zh": "方框 = 任务（颜色 = 领域）", "en": "Box = task (colour = domain)"}],
        "edges": [{"style": "dashed" if d else "solid", "color": c, "zh": zh, "en": en} for c, d, zh, en in RELATION_STYLE.values()],
        "note": {"zh": f"共 {len(tasks)} 项任务，图中显示有依赖关系的 {sum(1 for n in P if n in tasks)} 项。",
                 "en": f"{sum(1 for n in P if n in tasks)} of {len(tasks)} tasks have a dependency and are shown."},
    }
    return P, {"aggregated": False, "legend": legend}


def task_view_options(n_nodes: int) -> dict[str, Any]:
    """vis-network options for the task views: shorter springs than the organisation network, so the
    boxes of one domain or one shared system sit together."""
    from viz.network import default_options

    options = default_options(n_nodes)
    options["physics"]["forceAtlas2Based"].update(springLength=80, gravitationalConstant=-90, avoidOverlap=0.4)
    return options


HELP = {
    "tasks": {"zh": "点击方框查看任务的时限、牵头和责任单位及原文；点击圆点查看单位的全部任务。选择领域或单位可收拢图。",
              "en": "Click a box for the task's deadlines, units and source sentence; a dot for the unit's tasks. Pick a domain or unit to narrow the picture."},
    "dependencies": {"zh": "点击六边形（上级部署）、三角（外部条件）或方块（共用系统）查看等待它的任务；点击方框查看任务，点击连线查看依赖原因。",
                     "en": "Click a hexagon (higher-level deployment), triangle (outside event) or square (shared system) for the tasks waiting on it; a box for the task; a line for why."},
}


def tasks_page(source: Any, *, links: Mapping[str, str], doc: str | None = None, data: ViewData | None = None,
               max_nodes: int = 1000) -> str:
    """Return the task–organisation view of ``source`` as a self-contained HTML page."""
    from viz.data import load_view_data
    from viz.network import render_network_html

    data = data or load_view_data(source, doc=doc)
    payload = view_payload(data)
    P, extra = tasks_picture(payload, max_nodes=max_nodes)
    banner = None
    if P.number_of_nodes() > max_nodes or data.documents:  # too big, or a corpus read one plan at a time
        data, payload, banner = _first_document(data, links)
        P, extra = tasks_picture(payload, max_nodes=max_nodes)
    payload.update(extra, links=dict(links), defaultHops=2, help=HELP["tasks"])
    if extra["aggregated"] and banner is None:
        banner = ("任务太多，已按领域汇总：每个椭圆代表一个领域的全部任务。", "Too many tasks to draw: each ellipse stands for a domain's tasks.")
    return render_network_html(
        P, view="tasks", title=("任务与单位（按领域）", "Tasks and units, by domain"),
        subtitle=("每项任务连到它的牵头单位（实线）和责任单位（虚线）。", "Each task is linked to its lead units (solid) and responsible units (dashed)."),
        payload=payload, links=links, banner=banner, max_nodes=max_nodes, options=task_view_options(P.number_of_nodes()))


def dependencies_page(source: Any, *, links: Mapping[str, str], doc: str | None = None, data: ViewData | None = None,
                      max_nodes: int = 1000) -> str:
    """Return the dependency view of ``source`` as a self-contained HTML page."""
    from queries.analysis.dependencies import dependency_graph
    from queries.analysis.fetch import fetch_task_systems
    from viz.data import load_view_data
    from viz.network import render_network_html

    data = data or load_view_data(source, doc=doc)
    payload = view_payload(data)
    # A corpus too big to draw is read for its first plan only (data.documents lists them): so are its systems.
    systems = fetch_task_systems(source, doc=doc or (data.documents[0]["id"] if data.documents else None))
    P, extra = dependencies_picture(dependency_graph(data.B, systems=systems), payload)
    banner = None
    if P.number_of_nodes() > max_nodes or data.documents:
        data, payload, banner = _first_document(data, links)
        P, extra = dependencies_picture(dependency_graph(data.B, systems=systems), payload)
    payload.update(extra, links=dict(links), defaultHops=2, help=HELP["dependencies"])
    return render_network_html(
        P, view="dependencies", title=("任务依赖关系", "Task dependencies"),
        subtitle=("任务等待的上级部署和外部条件、共用的系统平台，以及正文中的先后顺序。",
                  "What tasks wait for, the systems they share, and the order the text puts them in."),
        payload=payload, links=links, banner=banner, max_nodes=max_nodes, options=task_view_options(P.number_of_nodes()))


def _first_document(data: ViewData, links: Mapping[str, str]) -> tuple[ViewData, dict[str, Any], tuple[str, str]]:
    """Narrow a picture too big to draw to its first document, listing the others to switch to."""
    docs = documents_of(data)
    one = restrict_to_document(data, docs[0]["id"])
    payload = view_payload(one)
    payload["documents"], payload["document"] = docs, docs[0]["id"]
    # A page served by the API can reload itself with ?doc=; a written file holds one document only.
    how = ("请在左侧选择文件。", "pick another document on the left.") if str(links.get("home", "")).startswith("/") else \
          ("请用 policykg viz --doc 指定文件。", "use policykg viz --doc to pick another.")
    banner = (f"图中有 {len(docs)} 份文件，一次画不下：当前显示 {docs[0]['label']}；{how[0]}",
              f"{len(docs)} documents are too many to draw at once: showing {docs[0]['label']}; {how[1]}")
    return one, payload, banner
