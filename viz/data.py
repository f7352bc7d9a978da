"""What the pictures show, read from the graph: the analysis graphs plus the few facts only pictures need.

The graphs (task–organisation, collaboration, dependencies, the deadline crunch) come from
``queries.analysis``; this module adds what a tooltip or a details panel quotes — the sentence each
assignment and deadline was read from, English names and government functions — through the saved
``viz_*`` queries, and packs everything into one JSON-able payload the pages' scripts filter in the
browser. Nothing here builds a graph of its own or renders HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import networkx as nx

from queries.library import run_query

ROLE_ORDER = ("lead", "responsible")


@dataclass(frozen=True)
class ViewData:
    """The task–organisation graph of the plans and the quotes the pictures show beside it.

    Attributes:
        B: the task–organisation graph from :func:`queries.analysis.fetch.plan_graph`.
        assignment_sentences: (task, organisation) → the sentence naming the organisation.
        deadline_sentences: (task, deadline phrase) → the sentence the deadline was read from.
        names_en: organisation → English name, where the graph records one.
        functions: organisation → government function key (``market_regulation``).
        documents: every plan of the scope (id, label, tasks) when ``B`` holds only the first of
            them (see :func:`load_view_data`); empty when it holds them all.
        quoted: whether the sentences were read (False: a page fetches them when shown).
    """

    B: nx.Graph
    assignment_sentences: dict[tuple[str, str], str] = field(default_factory=dict)
    deadline_sentences: dict[tuple[str, str], str] = field(default_factory=dict)
    names_en: dict[str, str] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    documents: tuple[dict[str, Any], ...] = ()
    quoted: bool = True


# Past this many tasks a picture of single tasks and bodies is unreadable and slow to send: the
# views draw the first plan and offer the others (a corpus has its own picture, viz.corpus).
MAX_VIEW_TASKS = 3000


def load_view_data(source: Any, *, doc: str | None = None, place: str | None = None,
                   max_tasks: int = MAX_VIEW_TASKS, quotes: bool | None = True,
                   read_plans: Callable[[str | None, str | None], nx.Graph] | None = None,
                   names_en: Mapping[str, str] | None = None) -> ViewData:
    """Return the task–organisation graph of ``source`` and the quotes the pictures need.

    Args:
        source: a graph or remote store that :func:`queries.library.run_query` accepts.
        doc: only this document's tasks (an IRI).
        place: only the plans of this division and those below it (an IRI).
        max_tasks: when no document is given and the scope holds more tasks than this (known from
            the plans' tallies, before anything is read), read only its first plan and list the
            others in ``documents``.
        quotes: read the sentences each assignment and deadline comes from: True always, None
            only when the scope is one plan. Without them a served page fetches one plan's
            sentences when the analyst opens one of its tasks (reading every sentence of a place's
            plans at once took most of its page's time; see :func:`quote_documents`).
        read_plans: ``(doc, place) → task–organisation graph`` when the caller keeps the graphs it
            has read (the server's analyses); default :func:`queries.analysis.fetch.plan_graph`.
        names_en: every organisation's English name when the caller keeps them (the server);
            default :func:`viz.names.english_names_of`.
    """
    from queries.analysis.fetch import plan_graph
    from queries.document_pages import plan_sizes

    documents: tuple[dict[str, Any], ...] = ()
    if doc is None:
        sizes = plan_sizes(source, place=place)
        if len(sizes) > 1 and sum(p.rows for p in sizes) > max_tasks:
            documents = tuple({"id": p.doc, "label": p.identifier or p.doc, "tasks": p.rows} for p in sizes)
            doc = sizes[0].doc
        if quotes is None:
            quotes = doc is not None or len(sizes) <= 1
    quotes = quotes is not False
    params = {"doc": doc, "place": place}
    B = read_plans(doc, place) if read_plans else plan_graph(source, doc=doc, place=place)
    assignment: dict[tuple[str, str], str] = {}
    deadline: dict[tuple[str, str], str] = {}
    if quotes:
        for r in run_query(source, "viz_assignment_sentences", **params):
            if r.get("sentence"):
                assignment.setdefault((r["task"], r["org"]), r["sentence"])
        for r in run_query(source, "viz_deadline_sentences", **params):
            if r.get("sentence"):
                deadline.setdefault((r["task"], r.get("label") or ""), r["sentence"])
    # Where the graph records no English name: the function's English label and the place (viz/names.py).
    from viz.names import english_names_of

    names_en, functions = dict(names_en if names_en is not None else english_names_of(source)), {}
    if any(o not in names_en for o, k in B.nodes(data="kind") if k == "organization"):
        # A body the store's list of organisations lacks (a graph from another tool): its recorded
        # English name and function, from the plans' own mentions.
        recorded = {}
        for r in run_query(source, "viz_organization_names", **params):
            if r.get("label_en"):
                recorded[r["org"]] = r["label_en"]
            if r.get("function"):
                functions[r["org"]] = r["function"].rstrip("/").rsplit("/", 1)[-1]
        names_en = {**names_en, **recorded}
    return ViewData(B, assignment, deadline, names_en, functions, documents, quoted=quotes)


def quote_documents(data: ViewData) -> list[str]:
    """Return the documents (IRIs) whose sentences a page must fetch when it needs them: every plan
    of the data's tasks (in the order first met) when the data was read without quotes, else none."""
    if data.quoted:
        return []
    out: dict[str, None] = {}
    for _, a in data.B.nodes(data=True):
        if a.get("kind") == "task" and a.get("doc"):
            out.setdefault(a["doc"], None)
    return list(out)


def documents_of(data: ViewData) -> list[dict[str, Any]]:
    """Return the documents of the view data: IRI, 文号 and number of tasks, in 文号 order (every
    plan of the scope when the data holds only the first)."""
    if data.documents:
        return sorted(data.documents, key=lambda d: (d["label"], d["id"]))
    docs: dict[str, dict[str, Any]] = {}
    for _, a in data.B.nodes(data=True):
        if a.get("kind") == "task" and a.get("doc"):
            d = docs.setdefault(a["doc"], {"id": a["doc"], "label": a.get("document") or a["doc"], "tasks": 0})
            d["tasks"] += 1
    return sorted(docs.values(), key=lambda d: (d["label"], d["id"]))


def restrict_to_document(data: ViewData, doc: str) -> ViewData:
    """Return the view data of one document: its tasks and the organisations taking part in them."""
    B = data.B
    tasks = [t for t, a in B.nodes(data=True) if a.get("kind") == "task" and a.get("doc") == doc]
    keep = set(tasks) | {o for t in tasks for o in B[t]}
    return replace(data, B=B.subgraph(keep).copy(), documents=())


@lru_cache(maxsize=1)
def kind_labels() -> dict[str, dict[str, str]]:
    """Return the Chinese and English label of every ontology class, by local name (``Court``)."""
    from rdflib import OWL, RDF, RDFS

    from kg.graph import load_ontology
    from kg.namespace import PK

    onto = load_ontology()
    out: dict[str, dict[str, str]] = {}
    for cls in onto.subjects(RDF.type, OWL.Class):
        if not str(cls).startswith(str(PK._NS)):
            continue
        labels = {lit.language: str(lit) for lit in onto.objects(cls, RDFS.label)}
        local = str(cls)[len(str(PK._NS)):]
        out[local] = {"zh": labels.get("zh", local), "en": labels.get("en", local)}
    return out


def english_names(data: ViewData, orgs: list[str]) -> dict[str, str]:
    """Return an English label for each organisation, for the pictures' English mode.

    The graph rarely records English names, so the government function stands in
    (``market_regulation`` → "Market regulation"); where two organisations share a function, or
    none is known, the Chinese name is kept beside it so no two labels read the same.

    Example:
        >>> B = nx.Graph()
        >>> B.add_nodes_from([("a", {"label": "县财政局"}), ("b", {"label": "中国移动巨野分公司"}),
        ...                   ("c", {"label": "中国联通巨野分公司"}), ("d", {"label": "县有关部门"})])
        >>> english_names(ViewData(B, functions={"a": "finance", "b": "telecom", "c": "telecom"}), ["a", "b", "c", "d"])
        {'a': 'Finance', 'b': 'Telecom (中国移动巨野分公司)', 'c': 'Telecom (中国联通巨野分公司)', 'd': '县有关部门'}
    """
    words = {o: data.functions[o].replace("_", " ").capitalize() for o in orgs if o in data.functions}
    counts: dict[str, int] = defaultdict(int)
    for w in words.values():
        counts[w] += 1
    out = {}
    for o in orgs:
        zh = data.B.nodes[o].get("label") or o
        if o in data.names_en:
            out[o] = data.names_en[o]
        elif o in words and counts[words[o]] == 1:
            out[o] = words[o]
        elif o in words:
            out[o] = f"{words[o]} ({zh})"
        else:
            out[o] = zh
    return out


def task_payload(data: ViewData, task: str) -> dict[str, Any]:
    """Return what the browser needs to know about one task."""
    a = data.B.nodes[task]
    return {
        "ref": str(a.get("ref")),
        "title": a.get("title") or "",
        "domain": a.get("domain") or "",
        "deadlines": [
            {"date": d, "label": label, "sentence": data.deadline_sentences.get((task, label), "")}
            for d, label, _ in a.get("deadlines", ())
        ],
        "waits": [{"kind": k, "label": label, "levels": list(levels)} for k, label, levels in a.get("waits", ())],
    }


def view_payload(data: ViewData) -> dict[str, Any]:
    """Return the JSON-able facts every view's controls, tooltips and details panel read.

    Returns:
        ``tasks`` (id → ref, title, domain, deadlines with their sentence, waits), ``orgs`` (id →
        Chinese and English name, kind and its labels, collective flag, role per task, sentence
        per task, domains led), ``domains`` (in plan order), ``months`` (YYYY-MM with deadlines);
        ``quoteDocs`` (the plans whose sentences the page fetches, each task's ``d`` its index)
        when the data was read without them.
    """
    from queries.analysis.graphs import organization_nodes, participants, task_nodes

    B = data.B
    kinds = kind_labels()
    tasks = {t: {**task_payload(data, t), "o": i} for i, t in enumerate(task_nodes(B))}
    orgs_list = organization_nodes(B)
    en = english_names(data, orgs_list)
    orgs: dict[str, dict[str, Any]] = {}
    for o in orgs_list:
        a = B.nodes[o]
        kind = a.get("org_class") or "GovernmentAgency"
        orgs[o] = {
            "zh": a.get("label") or o, "en": en[o], "kind": kind,
            "kindLabel": kinds.get(kind, {"zh": kind, "en": kind}),
            "collective": bool(a.get("collective")),
            "roles": {}, "sentences": {}, "domainLead": [],
        }
    for t in tasks:
        for o, role in participants(B, t).items():
            orgs[o]["roles"][t] = role
            if (t, o) in data.assignment_sentences:
                orgs[o]["sentences"][t] = data.assignment_sentences[(t, o)]
    domains: dict[str, dict[str, Any]] = {}
    for t in tasks:
        a = B.nodes[t]
        d = a.get("domain")
        if d and d not in domains:
            domains[d] = {"n": a.get("domain_number"), "zh": a.get("domain_label") or "", "doc": a.get("document")}
    for o in orgs_list:
        for t in B[o]:
            if "domain_lead" in B.edges[t, o]["roles"]:
                d = B.nodes[t].get("domain")
                if d and d not in orgs[o]["domainLead"]:
                    orgs[o]["domainLead"].append(d)
    fetched = quote_documents(data)
    if fetched:  # the page fetches a plan's sentences when it shows one of its tasks
        index = {d: i for i, d in enumerate(fetched)}
        for t, x in tasks.items():
            if B.nodes[t].get("doc") in index:
                x["d"] = index[B.nodes[t]["doc"]]
    months = sorted({d["date"][:7] for t in tasks.values() for d in t["deadlines"] if d["date"]})
    several = len({dm.get("doc") for dm in domains.values()}) > 1
    return {
        "tasks": tasks,
        "orgs": orgs,
        "domains": [{"id": d, "n": v["n"], "zh": v["zh"], "doc": v["doc"] if several else None}
                    for d, v in domains.items()],
        "months": months,
        "hasUndated": any(not any(d["date"] for d in t["deadlines"]) for t in tasks.values()),
        **({"quoteDocs": fetched} if fetched else {}),
    }
