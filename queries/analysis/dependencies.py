"""The task dependency graph: what each task waits for, and which tasks are tied to each other.

Edges point from a task to what it depends on, and every edge has a ``relation`` and a ``reason``
quoting the text:

- ``waits_for_deployment``: task → a higher level's deployment (根据省、市统一部署), one node per
  level and plan;
- ``waits_for_event``: task → an outside event the text names as a precondition (…完成后);
- ``uses_system``: task → a system, platform or named item that at least one *other* task of the
  same plan names too (电子营业执照, “爱山东”, 12345热线, 工程建设项目审批管理系统). Tasks sharing
  such a node move together: if one slips, the others lose what they build on;
- ``precedes``: task A → task B when B's text quotes A's title: the text itself puts B after A.
  (An event a task waits for, such as 省“版权保护与服务平台”与“爱山东”对接后, is a higher level's
  work, so it is not tied to a county task that names the same platform.)

Names are found by two general rules, never by a list of known systems: a quoted name (“…”, at
most 12 characters, no list punctuation inside), and a run of characters ending in a system word
(系统, 平台, 热线, APP, 执照, 数据库, 小程序, 网站) that another task of the plan also writes; leading
verbs and prepositions (推动, 依托, 通过, 与 …) are not part of a name and are trimmed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx

from queries.analysis.graphs import task_nodes

SYSTEM_WORDS = ("系统", "平台", "热线", "APP", "App", "app", "执照", "数据库", "小程序", "网站")
_SYSTEM_END = re.compile("|".join(re.escape(w) for w in SYSTEM_WORDS))
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9“”]")
_QUOTED = re.compile(r"“([^“”、，,；;。：:]{2,12})”")
# Words that open a clause in these texts and are never the start of a system's name.
_LEADING = sorted((
    "推动", "推进", "推行", "推广", "深化", "持续", "实现", "通过", "依托", "完善", "优化", "拓展", "支持",
    "使用", "应用", "加强", "强化", "升级", "建设", "开展", "提升", "全面", "进一步", "逐步", "积极",
    "统筹", "健全", "根据", "按照", "利用", "运用", "嵌入", "集成", "共享", "对接", "接入", "开通",
    "登录", "送至", "纳入", "在", "与", "将", "至", "对", "的", "和", "及", "等", "并", "为",
), key=len, reverse=True)
MAX_NAME = 20
# Characters before the system word: 交易系统 and 信息化平台 are words, 电子营业执照 and 征纳互动平台 names.
MIN_CORE = 4


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _trim(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for w in _LEADING:
            if name.startswith(w) and len(name) > len(w):
                name, changed = name[len(w):], True
                break
    return name.replace("“", "").replace("”", "")


def quoted_names(text: str) -> list[str]:
    """Return the short quoted names in ``text`` (“爱山东”, “一照多址”), in order, without repeats.

    Example:
        >>> quoted_names("在“爱山东”APP开通，坚持“换位思考、主动服务”理念，再用“爱山东”")
        ['爱山东']
    """
    seen: dict[str, None] = {}
    for m in _QUOTED.finditer(_clean(text)):
        seen.setdefault(m.group(1))
    return list(seen)


def _suffix_candidates(text: str) -> list[list[str]]:
    """For each system word in ``text``, the strings ending there, longest first."""
    out = []
    for m in _SYSTEM_END.finditer(text):
        end, start = m.end(), m.start()
        i = start
        while i > 0 and end - i < MAX_NAME and _NAME_CHAR.match(text[i - 1]):
            i -= 1
        cands = [text[j:end] for j in range(i, start - MIN_CORE + 1)]
        if cands:
            out.append(cands)
    return out


def shared_system_names(texts: dict[str, str]) -> dict[str, set[str]]:
    """Return each system-like name two or more of ``texts`` share, with the keys of those texts.

    A name is a quoted name, or the longest run ending in a system word that another text also
    writes, with leading verbs trimmed.

    Example:
        >>> names = shared_system_names({
        ...     1: "持续推动电子营业执照应用，在“爱山东”APP开通",
        ...     2: "支持企业使用电子营业执照；优化“爱山东”政务服务平台",
        ...     3: "推行纸质营业执照"})
        >>> {k: sorted(v) for k, v in sorted(names.items())}
        {'爱山东': [1, 2], '电子营业执照': [1, 2]}
    """
    cleaned = {k: _clean(v) for k, v in texts.items()}
    holders: dict[str, set] = defaultdict(set)
    per_text: dict = {}
    for k, text in cleaned.items():
        per_text[k] = _suffix_candidates(text)
        for cands in per_text[k]:
            for c in cands:
                holders[c].add(k)
    names: dict[str, set] = defaultdict(set)
    for k, occurrences in per_text.items():
        for cands in occurrences:
            shared = next((c for c in cands if len(holders[c]) > 1), None)
            if shared is not None:
                name = _trim(shared)
                if len(name) - _suffix_len(name) >= MIN_CORE:
                    names[name].add(k)
    quoted: dict[str, set] = defaultdict(set)
    for k, text in cleaned.items():
        for q in quoted_names(text):
            quoted[q].add(k)
    for q, ks in quoted.items():
        names[q] |= ks
    shared = {n: ks for n, ks in names.items() if len(ks) > 1}
    # 电子营业执照系统 adds no tie that 电子营业执照 does not already make: keep the shorter name.
    return {n: ks for n, ks in shared.items()
            if not any(o != n and o in n and ks <= shared[o] for o in shared)}


def _suffix_len(name: str) -> int:
    m = re.search(f"(?:{_SYSTEM_END.pattern})$", name)
    return len(m.group(0)) if m else 0


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """Return the names from ``names`` that ``text`` contains (quotes and spaces ignored)."""
    flat = _clean(text).replace("“", "").replace("”", "")
    return [n for n in names if n.replace("“", "").replace("”", "") in flat]


def dependency_graph(B: nx.Graph, *, texts: Mapping[str, str] | None = None) -> nx.DiGraph:
    """Return the task dependency graph of the task–organisation graph ``B`` (not modified).

    Args:
        B: a graph from :func:`queries.analysis.graphs.task_org_graph`; task nodes need ``text``
            and ``waits`` (kind, label, levels) to have dependencies.
        texts: task body texts by task node, used instead of the nodes' ``text`` when given.

    Returns:
        A directed graph: every task of ``B`` (``kind="task"``, with ``ref``, ``number``, ``title``,
        ``document``), plus ``kind="deployment"``, ``"event"`` and ``"system"`` nodes with a
        ``label``; edges task → what it depends on, each with ``relation`` and ``reason``.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([
        ...     {"task": "t1", "number": 1, "doc": "d", "text": "推进“爱山东”建设。"},
        ...     {"task": "t2", "number": 2, "doc": "d", "text": "依托“爱山东”办理。"},
        ...     {"task": "t3", "number": 3, "doc": "d", "text": "优化服务。"}], [],
        ...     waits=[{"task": "t3", "wait": "w", "kind": "deployment", "label": "根据省统一部署",
        ...             "level": "pk#ProvinceLevel"}])
        >>> D = dependency_graph(B)
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
    for doc, tasks in by_doc.items():
        _add_waits(B, D, doc, tasks)
        systems = shared_system_names({t: text_of(t) for t in tasks})
        for name, holders in sorted(systems.items()):
            node = f"system:{doc}:{name}"
            D.add_node(node, kind="system", label=name, document=B.nodes[tasks[0]].get("document"))
            for t in holders:
                others = task_refs_of(B, holders - {t})
                D.add_edge(t, node, relation="uses_system",
                           reason=f"names {name}, as tasks {others} do")
        _add_text_order(B, D, tasks, {t: text_of(t) for t in tasks})
    return D


_LEVEL_LABELS = {"NationalLevel": "国家部署", "ProvinceLevel": "省级部署", "CityLevel": "市级部署"}


def _add_waits(B: nx.Graph, D: nx.DiGraph, doc: str, tasks: list[str]) -> None:
    for t in tasks:
        for kind, label, levels in B.nodes[t].get("waits", ()):
            if kind == "deployment":
                for level in levels or ("HigherLevel",):
                    node = f"deployment:{doc}:{level}"
                    D.add_node(node, kind="deployment", label=_LEVEL_LABELS.get(level, "上级部署"),
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
