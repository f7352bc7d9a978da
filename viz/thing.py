"""A page for every thing the graph mints: what it is, its facts, what links to it, the sentences
it was read from, and where it sits in the pictures. A document's page is the plan, read: its own
text with every fact marked in place, and the review queue beside it; a task's page shows its
passage marked the same way.

Everything comes from saved queries (queries/things.py); values reach the page through the
autoescaping template ``viz/templates/thing.html``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, TIME

from kg.namespace import PK
from viz.links import href_for
from viz.marks import Mark, render_marked
from viz.pages import SERVER_LINKS, esc, page_html

LABELS = (str(SKOS.prefLabel), str(RDFS.label), str(DCTERMS.title))
# Predicates outside pk: that pages show, named once here.
_OTHER_TERMS = {
    str(RDF.type): ("类型", "type"), str(RDFS.label): ("标签", "label"), str(SKOS.prefLabel): ("名称", "name"),
    str(SKOS.altLabel): ("别名", "other name"), str(DCTERMS.title): ("标题", "title"),
    str(DCTERMS.identifier): ("文号", "identifier"), str(DCTERMS.issued): ("发布日期", "issued"),
    str(TIME.inXSDDate): ("日期", "date"), str(SKOS.notation): ("代码", "notation"),
    str(SKOS.broader): ("上位", "broader"), str(SKOS.narrower): ("下位", "narrower"),
    str(SKOS.inScheme): ("所属体系", "in scheme"), str(SKOS.exactMatch): ("等同于", "exact match"),
    str(ORG.subOrganizationOf): ("上级单位", "part of"), str(ORG.hasSubOrganization): ("下属单位", "has part"),
    str(ORG.Organization): ("组织机构", "Organisation"),
}
# The facts a reader looks for first, in this order; the rest follow by name.
_FIRST = [str(t) for t in (RDF.type, DCTERMS.title, SKOS.prefLabel, DCTERMS.identifier, PK.taskNumber,
                           PK.domainNumber, PK.inDocument, PK.inDomain, PK.leadUnit, PK.responsibleUnit,
                           PK.domainLead, PK.hasDeadline, PK.text)]
_HIDDEN = {str(PK.sourceText)}  # shown as the plan itself
MAX_LINKS = 60


@dataclass
class Value:
    """One value of a fact: text (Chinese or as written), English where known, link if a thing."""

    text: str
    en: str | None = None
    href: str | None = None
    long: bool = False


@dataclass
class Group:
    """The values of one predicate, named in both languages."""

    zh: str
    en: str
    values: list[Value] = field(default_factory=list)
    more: int = 0


@lru_cache(maxsize=1)
def term_labels() -> dict[str, tuple[str, str]]:
    """Return every ontology term's (Chinese, English) label, plus the few outside terms pages show."""
    from kg.graph import load_ontology

    onto = load_ontology()
    out = dict(_OTHER_TERMS)
    for s in set(onto.subjects(RDFS.label, None)):
        labels = {getattr(o, "language", None): str(o) for o in onto.objects(s, RDFS.label)}
        zh = labels.get("zh") or labels.get("en") or str(s)
        out[str(s)] = (zh, labels.get("en") or zh)
    return out


def term_name(iri: str) -> tuple[str, str]:
    """Return (Chinese, English) for a predicate or class; its local name when the ontology has none."""
    found = term_labels().get(iri)
    if found:
        return found
    local = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return local, local


def thing_page(source: Any, iri: str, *, links: Mapping[str, str] = SERVER_LINKS) -> str:
    """Return the HTML page of ``iri``.

    Raises:
        LookupError: the graph says nothing about ``iri``.
    """
    from queries.things import thing_evidence, thing_links
    from viz.names import english_names_of

    rows = thing_links(source, iri)
    if not rows:
        raise LookupError(f"the graph holds nothing about {iri}")
    names_en = english_names_of(source)
    out = [r for r in rows if r["direction"] == "out"]
    types = [r["other"] for r in out if r["p"] == str(RDF.type)]
    kind = _kind(types)
    zh, en = _labels(out, names_en.get(iri))
    ctx: dict[str, Any] = {
        "iri": iri, "kind": kind, "kind_name": term_name(kind) if kind else ("事物", "thing"),
        "label_zh": zh or _tail(iri), "label_en": en or zh or _tail(iri),
        "facts": _groups(out, names_en),
        # What links here and only repeats the thing's name (its mentions) adds nothing: counted, not listed.
        "linked_from": _groups([r for r in rows if r["direction"] == "in" and r.get("label") != zh], names_en),
        "unnamed_in": sum(1 for r in rows if r["direction"] == "in" and (not r.get("label") or r.get("label") == zh)),
        "evidence": [_evidence(e) for e in thing_evidence(source, iri)],
        "pictures": _pictures(kind, iri, out, links, source), "plan": None, "review": [], "legend": [],
        "formats": [("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples")],
    }
    if kind in (str(PK.PolicyDocument), str(PK.Task)):
        _add_plan(ctx, source, iri, out)
    title = (f"{ctx['kind_name'][0]} · {ctx['label_zh']}", f"{ctx['kind_name'][1]} · {ctx['label_en']}")
    return page_html(title=title, current="", links=links, template="thing.html",
                     head=f'<link rel="alternate" type="text/turtle" href="{esc(href_for(iri))}?format=ttl">',
                     **ctx)


def _kind(types: list[str]) -> str | None:
    """The type a reader knows the thing by: the first of the ontology's own classes we rank."""
    ranked = [str(c) for c in (PK.PolicyDocument, PK.Task, PK.Domain, PK.Assignment, PK.Deadline, PK.Target,
                               PK.DeploymentWait, PK.Precondition, PK.PolicyReference, PK.ReviewNote,
                               PK.TextSpan, PK.AdministrativeDivision, PK.GovernmentFunction, ORG.Organization)]
    for c in ranked:
        if c in types:
            return c
    return types[0] if types else None


def _labels(out: list[dict[str, Any]], en_name: str | None) -> tuple[str | None, str | None]:
    zh = en = None
    for p in LABELS:
        for r in out:
            if r["p"] == p and not r["is_iri"]:
                if r.get("lang") == "en":
                    en = en or str(r["other"])
                else:
                    zh = zh or str(r["other"])
    return zh, en or en_name


def _groups(rows: list[dict[str, Any]], names_en: dict[str, str]) -> list[Group]:
    by_p: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["p"] in _HIDDEN or (r["direction"] == "in" and not r.get("label")):
            continue
        by_p.setdefault(r["p"], []).append(r)
    order = {p: i for i, p in enumerate(_FIRST)}
    groups = []
    for p in sorted(by_p, key=lambda p: (order.get(p, len(order)), term_name(p)[1].lower())):
        zh, en = term_name(p)
        values = sorted((_value(r, names_en) for r in by_p[p]), key=lambda v: _natural(v.text))
        groups.append(Group(zh, en, values[:MAX_LINKS], max(0, len(values) - MAX_LINKS)))
    return groups


def _natural(text: str) -> list:
    """Sort key that puts "9. …" before "10. …"."""
    import re

    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]


def _value(r: dict[str, Any], names_en: dict[str, str]) -> Value:
    other = r["other"]
    if r["is_iri"]:
        label = r.get("label") or (term_name(other)[0] if other in term_labels() else None) or _tail(other)
        en = names_en.get(other) or r.get("label_en") or (term_name(other)[1] if other in term_labels() else None)
        return Value(label, en, href_for(other))
    text = "" if other is None else str(other).lower() if isinstance(other, bool) else str(other)
    return Value(text, None, None, long=len(text) > 200)


def _evidence(e: dict[str, Any]) -> dict[str, Any]:
    """A passage: its sentence with the quote marked, where the quote is found in it."""
    sentence, quote = e.get("sentence") or e.get("quote") or "", e.get("quote") or ""
    at = sentence.find(quote) if quote else -1
    marks = [Mark(at, at + len(quote), "quote")] if at >= 0 and quote != sentence else []
    # A long quote not found verbatim is the sentence itself before clean-up (PDF line breaks): not repeated.
    return {"html": Markup(render_marked(sentence, marks)), "quote": quote if len(quote) <= 60 else "", "found": at >= 0,
            "href": href_for(e["doc"]), "start": e["start"], "end": e["end"]}


def _pictures(kind: str | None, iri: str, out: list[dict[str, Any]], links: Mapping[str, str],
              source: Any) -> list[tuple]:
    """Where the thing sits in the pictures and the ledger: (href, Chinese, English)."""
    from urllib.parse import quote

    from queries.library import run_query

    def values(p):
        return [r["other"] for r in out if r["p"] == str(p)]

    pics = []
    collab, calendar, ledger = links.get("collaboration"), links.get("calendar"), links.get("ledger")
    if kind == str(PK.Task):
        docs = values(PK.inDocument)
        number = next(iter(values(PK.taskNumber)), None)
        if docs and number is not None:
            pics.append((f"{href_for(docs[0])}#task-{number}", "在原文中的位置", "Where it is in the plan"))
        for lead in values(PK.leadUnit)[:1]:
            if collab:
                pics.append((f"{collab}?focus={quote(lead, safe='')}", "牵头单位的协作网络", "The lead unit's collaboration network"))
        if calendar:
            months = sorted({str(r["date"])[:7] for r in run_query(source, "task_detail", task=iri)
                             if r["field"] == "deadline" and r.get("date")})
            pics += [(f"{calendar}?month={m}", f"截止日历：{m}", f"Deadline calendar: {m}") for m in months]
        if ledger and number is not None:
            pics.append((f"{ledger}?task={quote(iri, safe='')}", "台账中的这一行", "Its row in the ledger"))
    elif kind == str(ORG.Organization):
        if collab:
            pics.append((f"{collab}?focus={quote(iri, safe='')}", "协作网络", "Collaboration network"))
        if ledger:
            pics.append((f"{ledger}?org={quote(iri, safe='')}", "台账：该单位的任务", "Ledger: its tasks"))
    elif kind == str(PK.Deadline):
        dates = [str(d) for d in values(TIME.inXSDDate)]
        if dates and calendar:
            pics.append((f"{calendar}?month={dates[0][:7]}", "截止日历中的这个月", "This month in the deadline calendar"))
    elif kind == str(PK.Domain):
        number = next(iter(values(PK.domainNumber)), None)
        if ledger and number is not None:
            pics.append((f"{ledger}?domain={number}", "台账：该领域的任务", "Ledger: tasks of this domain"))
    elif kind == str(PK.PolicyDocument):
        for key, zh, en in (("collaboration", "协作网络", "Collaboration"), ("calendar", "截止日历", "Deadline calendar"),
                            ("ledger", "台账", "Ledger")):
            if links.get(key):
                pics.append((f"{links[key]}?doc={quote(iri, safe='')}" if key != "ledger" else links[key], zh, en))
    return pics


def _add_plan(ctx: dict[str, Any], source: Any, iri: str, out: list[dict[str, Any]]) -> None:
    """The marked text: the whole plan on a document's page, the task's passage on a task's page."""
    from queries.library import run_query
    from queries.things import document_marks
    from viz.plan import KIND_NAMES, plan_marks

    doc = iri if ctx["kind"] == str(PK.PolicyDocument) else next(
        (r["other"] for r in out if r["p"] == str(PK.inDocument)), None)
    texts = run_query(source, "document_text", doc=doc) if doc else []
    if not texts:
        return
    text = texts[0]["text"]
    pm = plan_marks(document_marks(source, doc), text, run_query(source, "document_review", doc=doc))
    if ctx["kind"] == str(PK.Task):
        number = next((int(r["other"]) for r in out if r["p"] == str(PK.taskNumber)), None)
        lo, hi = pm.tasks.get(number, (0, 0))
        if hi > lo:
            ctx["plan"] = Markup(render_marked(text, pm.marks, lo=lo, hi=hi))
        ctx["review"] = [r for r in pm.review if r.task == number]
    else:
        ctx["plan"] = Markup(render_marked(text, pm.marks))
        ctx["review"] = pm.review
    used = {m.kind for m in pm.marks}
    ctx["legend"] = [(k, *KIND_NAMES[k]) for k in KIND_NAMES if k in used]


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
