"""The task dependency graph: what each task waits for, and which tasks are tied to each other.

Edges point from a task to what it depends on, and every edge has a ``relation`` and a ``reason``
quoting the text:

- ``waits_for_deployment``: task → a higher level's deployment (根据省、市统一部署), one node per
  level and plan;
- ``waits_for_event``: task → an outside event the text names as a precondition (…完成后);
- ``uses_system``: task → an information system or platform that at least one *other* task of the
  same plan names too (“爱山东”, 12345热线, 工程建设项目审批管理系统). Tasks sharing such a node
  move together: if one slips, the others lose what they build on;
- ``precedes``: task A → task B when B's text quotes A's title: the text itself puts B after A.
  (An event a task waits for, such as 省“版权保护与服务平台”与“爱山东”对接后, is a higher level's
  work, so it is not tied to a county task that names the same platform.)

Waits, preconditions and systems are facts of the graph (pk:hasDeploymentWait, pk:hasPrecondition,
pk:namesSystem), read from the text by the loader (loaders/task_facts.py) and fetched through the
saved queries; this module reads no text for them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from kg.vocab import level as vocab_level
from queries.analysis.graphs import task_nodes, task_order


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def dependency_graph(B: nx.Graph, *, systems: Iterable[Mapping[str, Any]] = (),
                     texts: Mapping[str, str] | None = None) -> nx.DiGraph:
    """Return the task dependency graph of the task–organisation graph ``B`` (not modified).

    Args:
        B: a graph from :func:`queries.analysis.graphs.task_org_graph`; task nodes need ``waits``
            (kind, label, levels) to wait on anything and ``title`` and ``text`` to be ordered.
        systems: rows with ``task``, ``system`` (its IRI) and ``name``: the systems and platforms
            each task names (the ``analysis_task_systems`` saved query).
        texts: task body texts by task node, used instead of the nodes' ``text`` when given.

    Returns:
        A directed graph: every task of ``B`` (``kind="task"``, with ``ref``, ``number``, ``title``,
        ``document``), plus ``kind="deployment"``, ``"event"`` and ``"system"`` nodes with a
        ``label``; edges task → what it depends on, each with ``relation`` and ``reason``.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([
        ...     {"task": "t1", "number": 1, "doc": "d"}, {"task": "t2", "number": 2, "doc": "d"},
        ...     {"task": "t3", "number": 3, "doc": "d"}], [],
        ...     waits=[{"task": "t3", "wait": "w", "kind": "deployment", "label": "根据省统一部署",
        ...             "level": "https://w3id.org/policykg/ontology#ProvinceLevel"}])
        >>> D = dependency_graph(B, systems=[{"task": "t1", "system": "s", "name": "爱山东"},
        ...     {"task": "t2", "system": "s", "name": "爱山东"}, {"task": "t3", "system": "x", "name": "12345热线"}])
        >>> sorted((D.nodes[u]["ref"], D.nodes[v]["label"], r) for u, v, r in D.edges(data="relation"))
        [(1, '爱山东', 'uses_system'), (2, '爱山东', 'uses_system'), (3, '省级部署', 'waits_for_deployment')]
    """
    def text_of(t: str) -> str:
        return (texts.get(t) if texts is not None else B.nodes[t].get("text")) or ""

    D = nx.DiGraph()
    by_doc: dict[str, list[str]] = defaultdict(list)
    for t in task_nodes(B):
        a = B.nodes[t]
        D.add_node(t, kind="task", ref=a["ref"], number=a.get("number"), title=a.get("title") or "",
                   document=a.get("document"), label=f"{a['ref']}. {a.get('title') or ''}".strip())
        by_doc[str(a.get("doc") or "")].append(t)
    # A system node is one plan's (minted under its document), so its holders share that plan.
    holders: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    names: dict[str, str] = {}
    for r in systems:
        if r["task"] in D:
            holders[str(B.nodes[r["task"]].get("doc") or "")][r["system"]].add(r["task"])
            names.setdefault(r["system"], r.get("name") or str(r["system"]))
    for doc, tasks in by_doc.items():
        _add_waits(B, D, doc, tasks)
        for node, named_by in sorted(holders[doc].items()):
            if len(named_by) > 1:
                D.add_node(node, kind="system", label=names[node], document=B.nodes[tasks[0]].get("document"))
                for t in sorted(named_by, key=lambda t: task_order(B, t)):
                    D.add_edge(t, node, relation="uses_system",
                               reason=f"names {names[node]}, as tasks {task_refs_of(B, named_by - {t})} do")
        _add_text_order(B, D, tasks, {t: text_of(t) for t in tasks})
    return D




def _add_waits(B: nx.Graph, D: nx.DiGraph, doc: str, tasks: list[str]) -> None:
    for t in tasks:
        for kind, label, levels in B.nodes[t].get("waits", ()):
            if kind == "deployment":
                for level in levels or ("higher",):
                    node = f"deployment:{doc}:{level}"
                    known = vocab_level(level)  # 省级 → 省级部署: the level's name in the ontology
                    D.add_node(node, kind="deployment", label=f"{known.zh}部署" if known else "上级部署",
                               document=B.nodes[t].get("document"))
                    D.add_edge(t, node, relation="waits_for_deployment", reason=label)
            elif kind == "precondition":
                node = f"event:{doc}:{label}"
                D.add_node(node, kind="event", label=label, document=B.nodes[t].get("document"))
                D.add_edge(t, node, relation="waits_for_event", reason=label)


def _add_text_order(B: nx.Graph, D: nx.DiGraph, tasks: list[str], body: dict[str, str]) -> None:
    # Look a title up only in texts holding its first six characters, found by one regex pass per
    # text. (A head hidden by an overlapping match of another is missed: the price of the speed,
    # measured in benchmarks/analysis_scale.py; two titles' heads overlapping in a text is rare.)
    heads: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for t in tasks:
        title = _clean(B.nodes[t].get("title") or "")
        if len(title) >= 6:
            heads[title[:6]].append((t, title))
    if not heads:
        return
    pattern = re.compile("|".join(re.escape(h) for h in sorted(heads)))
    for b in tasks:
        text = _clean(body[b])
        for head in sorted({m.group(0) for m in pattern.finditer(text)}):
            for a, title in heads[head]:
                if a != b and title in text and not D.has_edge(a, b):
                    D.add_edge(a, b, relation="precedes",
                               reason=f"task {B.nodes[b]['ref']} names task {B.nodes[a]['ref']}: “{title}”")


def task_refs_of(B: nx.Graph, tasks: Iterable[str]) -> str:
    """Return the refs of ``tasks`` joined with 、 in task order (for reasons)."""
    from queries.analysis.graphs import task_refs

    return "、".join(str(r) for r in task_refs(B, tasks))


def linked_tasks(D: nx.DiGraph, task: str) -> dict[str, list[str]]:
    """Return the tasks tied to ``task`` and why: sharing a system with it, or ordered after it.

    Example:
        >>> D = nx.DiGraph()
        >>> D.add_edge("t1", "s", relation="uses_system"); D.add_edge("t2", "s", relation="uses_system")
        >>> D.add_edge("t1", "t3", relation="precedes")
        >>> nx.set_node_attributes(D, {"t1": "task", "t2": "task", "t3": "task", "s": "system"}, "kind")
        >>> linked_tasks(D, "t1")
        {'t2': ['shares s'], 't3': ['follows it']}
    """
    out: dict[str, list[str]] = defaultdict(list)
    for _, node, rel in D.out_edges(task, data="relation"):
        if rel == "uses_system":
            for other in D.predecessors(node):
                if other != task:
                    out[other].append(f"shares {D.nodes[node].get('label', node)}")
        elif rel == "precedes":
            out[node].append("follows it")
    return dict(sorted(out.items()))
