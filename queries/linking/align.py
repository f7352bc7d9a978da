"""Align a lower-level plan with the higher-level plans above it: domains, then tasks, then waits.

The genre makes this tractable: a county plan is written from its city's and province's plans,
its domains follow the same national business-environment indicators, and its tasks restate the
higher tasks with 县 for 省. So:

1. Plans are paired when the higher plan's division contains the lower plan's (pk:withinDivision)
   and its level is higher — a county plan is never aligned with another province's plan.
2. Domains are aligned by label similarity (character bigrams): 开办企业 ↔ 开办企业.
3. Each lower task gets the most similar higher task: character n-gram TF-IDF cosine of the
   cleaned texts (kg.textsim over queries.linking.similarity.clean_text), plus small bonuses for a
   shared cited document (pk:cites), a shared system or platform (pk:namesSystem, names compared
   without place and level words), and sitting in aligned domains. Above ``threshold`` the pair becomes
   pk:implements; every method that contributed is recorded on a pk:Alignment node.
4. A task waiting on a higher deployment (根据省、市统一部署) whose matched task is in a plan of
   the waited-on level gets pk:deploymentTask on its wait.

Everything is read through SPARQL, so the plans may come from a local graph or a remote store.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.graph import PREFIXES
from kg.iri import child_iri
from kg.namespace import PK
from kg.textsim import TfidfIndex, label_similarity
from kg.vocab import level_rank, notation_iri
from queries.library import rows_from_result
from queries.linking.similarity import clean_text

# Chosen on the development half of tests/data/alignment-gold.tsv (README beside it).
DEFAULT_THRESHOLD = 0.30
DOMAIN_THRESHOLD = 0.5
BONUS = {"shared_reference": 0.15, "shared_platform": 0.10, "aligned_domain": 0.05}
Triple = tuple[URIRef, URIRef, URIRef | Literal]

_TASKS = """
SELECT ?task ?doc ?number ?title ?text ?domain ?place ?level WHERE {
  ?task a pk:Task ; pk:inDocument ?doc ; dcterms:title ?title .
  OPTIONAL { ?task pk:taskNumber ?number }
  OPTIONAL { ?task pk:text ?text }
  OPTIONAL { ?task pk:inDomain ?domain }
  OPTIONAL { ?doc pk:jurisdiction ?place OPTIONAL { ?place pk:level ?level } }
}"""
_DOMAINS = """
SELECT ?domain ?doc ?label WHERE { ?domain a pk:Domain ; pk:inDocument ?doc ; skos:prefLabel ?label }"""
_REFERENCES = """
SELECT ?task ?ref ?label WHERE { ?task a pk:Task ; pk:cites ?ref OPTIONAL { ?ref rdfs:label ?label } }"""
_SYSTEMS = """
SELECT ?task ?name WHERE { ?task a pk:Task ; pk:namesSystem ?system . ?system skos:prefLabel ?name }"""
_WAITS = """
SELECT ?task ?wait ?level ?phrase WHERE {
  ?task pk:hasDeploymentWait ?wait OPTIONAL { ?wait pk:deploymentLevel ?level } OPTIONAL { ?wait rdfs:label ?phrase } }"""
_PLACES = """
SELECT ?place ?parent ?name WHERE {
  ?place a pk:AdministrativeDivision OPTIONAL { ?place pk:withinDivision ?parent }
  OPTIONAL { ?place skos:prefLabel ?name } }"""


@dataclass(frozen=True)
class Alignment:
    """One link from a lower task or domain (``subject``) to a higher one (``object``)."""

    subject: str
    object: str
    predicate: URIRef
    score: float
    methods: tuple[str, ...]
    evidence: tuple[str, ...] = ()

    @property
    def iri(self) -> URIRef:
        # Stable: from the two IRIs, never from run order.
        digest = hashlib.sha1(self.object.encode("utf-8")).hexdigest()[:12]
        return child_iri(URIRef(self.subject), "alignment", digest)


@dataclass
class AlignmentResult:
    """What the aligner found; ``best`` keeps each lower task's best candidate even below threshold."""

    domains: list[Alignment] = field(default_factory=list)
    tasks: list[Alignment] = field(default_factory=list)
    best: dict[str, Alignment] = field(default_factory=dict)
    resolved_waits: list[tuple[str, str]] = field(default_factory=list)
    document_pairs: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"document_pairs": len(self.document_pairs), "domains": len(self.domains),
                "tasks": len(self.tasks), "deployment_waits_resolved": len(self.resolved_waits)}


def _rows(source: Any, sparql: str) -> list[dict[str, Any]]:
    return rows_from_result(source.query(sparql, initNs=PREFIXES))


def _ancestors(places: list[dict[str, Any]]) -> dict[str, set[str]]:
    parent = {r["place"]: r["parent"] for r in places if r.get("parent")}
    out: dict[str, set[str]] = {}
    for p in {r["place"] for r in places}:
        seen, q = set(), parent.get(p)
        while q and q not in seen:
            seen.add(q)
            q = parent.get(q)
        out[p] = seen
    return out


def document_pairs(tasks: list[dict[str, Any]], places: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Return (lower, higher) document pairs: higher level, and a division containing the lower one."""
    ancestors = _ancestors(places)
    docs = {r["doc"]: (r.get("place"), level_rank(r.get("level"))) for r in tasks}
    pairs = []
    for low, (lp, lr) in docs.items():
        for high, (hp, hr) in docs.items():
            if low != high and lp and hp and lr is not None and hr is not None and hr > lr \
                    and hp in ancestors.get(lp, set()):
                pairs.append((low, high))
    return sorted(pairs)


def align_plans(source: Any, *, threshold: float = DEFAULT_THRESHOLD,
                domain_threshold: float = DOMAIN_THRESHOLD) -> AlignmentResult:
    """Return the alignments between every lower plan in ``source`` and the higher plans above it.

    Args:
        source: an rdflib Graph or a kg.remote_store.RemoteStore holding both plans.
        threshold: the least score at which a task pair becomes pk:implements.
        domain_threshold: the least label similarity at which two domains are aligned.

    Example:
        >>> from kg.graph import new_graph
        >>> align_plans(new_graph()).summary()
        {'document_pairs': 0, 'domains': 0, 'tasks': 0, 'deployment_waits_resolved': 0}
    """
    tasks = _rows(source, _TASKS)
    places = _rows(source, _PLACES)
    result = AlignmentResult(document_pairs=document_pairs(tasks, places))
    if not result.document_pairs:
        return result
    place_names = {r["name"] for r in places if r.get("name")}
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in tasks:
        by_doc[r["doc"]].append(r)

    result.domains = align_domains(_rows(source, _DOMAINS), result.document_pairs, domain_threshold)
    aligned_domains = {(a.subject, a.object) for a in result.domains}

    refs: dict[str, set[str]] = defaultdict(set)
    ref_labels: dict[str, str] = {}
    for r in _rows(source, _REFERENCES):
        refs[r["task"]].add(r["ref"])
        ref_labels[r["ref"]] = r.get("label") or r["ref"]
    waits = _rows(source, _WAITS)
    # The 根据省、市统一部署 formula says who deploys, not what: the loader found each (pk:hasDeploymentWait).
    formulas: dict[str, set[str]] = defaultdict(set)
    for r in waits:
        if r.get("phrase"):
            formulas[r["task"]].add(r["phrase"])
    texts = {r["task"]: clean_text(r.get("text") or r["title"], place_names=place_names,
                                   phrases=formulas[r["task"]]) for r in tasks}
    index = TfidfIndex(texts, sizes=(2, 3), sublinear=True)
    platforms: dict[str, set[str]] = defaultdict(set)
    for r in _rows(source, _SYSTEMS):
        # 山东省公共资源交易监管系统 in a county plan is 省公共资源交易监管系统 in the province's.
        name = clean_text(r["name"], place_names=place_names)
        if len(name) >= 2:
            platforms[r["task"]].add(name)

    higher_of: dict[str, list[str]] = defaultdict(list)
    for low, high in result.document_pairs:
        higher_of[low].append(high)
    for low_doc, highs in sorted(higher_of.items()):
        for t in sorted(by_doc[low_doc], key=lambda r: r["task"]):
            candidates = [_score(t, h, index, refs, ref_labels, platforms, aligned_domains)
                          for high in highs for h in by_doc[high]]
            if not candidates:
                continue
            best = max(candidates, key=lambda a: (a.score, a.object))
            result.best[t["task"]] = best
            if best.score >= threshold:
                result.tasks.append(best)

    result.resolved_waits = resolve_waits(waits, tasks, result.tasks)
    return result


def align_domains(domains: list[dict[str, Any]], pairs: list[tuple[str, str]],
                  threshold: float) -> list[Alignment]:
    """Return, for each domain of each lower plan, the higher plan's domain of most similar label (if close enough)."""
    doc_domains: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in domains:
        doc_domains[r["doc"]].append(r)
    out = []
    for low, high in pairs:
        for d in doc_domains[low]:
            scored = [(label_similarity(d["label"], h["label"]), h["domain"]) for h in doc_domains[high]]
            score, best = max(scored, key=lambda s: (s[0], s[1]), default=(0.0, None))
            if best is not None and score >= threshold:
                out.append(Alignment(d["domain"], best, PK.alignedWith, round(score, 4), ("label_similarity",)))
    return out


def resolve_waits(waits: list[dict[str, Any]], tasks: list[dict[str, Any]],
                  implements: list[Alignment]) -> list[tuple[str, str]]:
    """Return (wait, higher task) pairs: a waiting task's implemented task, when its plan is of the waited-on level."""
    level_of_doc = {r["doc"]: r.get("level") for r in tasks}
    doc_of = {r["task"]: r["doc"] for r in tasks}
    implemented = {a.subject: a.object for a in implements}
    resolved = set()
    for r in waits:
        target = implemented.get(r["task"])
        if target and (r.get("level") is None or r["level"] == level_of_doc.get(doc_of.get(target))):
            resolved.add((r["wait"], target))
    return sorted(resolved)


def _score(low: dict[str, Any], high: dict[str, Any], index: TfidfIndex, refs: dict[str, set[str]],
           ref_labels: dict[str, str], platforms: dict[str, set[str]],
           aligned_domains: set[tuple[str, str]]) -> Alignment:
    """The alignment of one candidate pair: text cosine plus the bonuses that apply."""
    score = index.cosine(low["task"], high["task"])
    methods, evidence = ["char_ngram_tfidf"], [f"text cosine {score:.3f}"]
    shared_refs = refs[low["task"]] & refs[high["task"]]
    if shared_refs:
        score += BONUS["shared_reference"]
        methods.append("shared_reference")
        evidence += [f"both cite {ref_labels[r]}" for r in sorted(shared_refs)]
    shared_platforms = platforms[low["task"]] & platforms[high["task"]]
    if shared_platforms:
        score += BONUS["shared_platform"]
        methods.append("shared_platform")
        evidence += [f"both name {p}" for p in sorted(shared_platforms)]
    if (low.get("domain"), high.get("domain")) in aligned_domains:
        score += BONUS["aligned_domain"]
        methods.append("aligned_domain")
    return Alignment(low["task"], high["task"], PK.implements, round(min(score, 1.0), 4),
                     tuple(methods), tuple(evidence))


def alignment_triples(result: AlignmentResult) -> Iterator[Triple]:
    """Yield the triples of ``result``: the plain links, their pk:Alignment nodes, resolved waits."""
    for a in [*result.domains, *result.tasks]:
        yield from link_triples(a)
    for wait, task in result.resolved_waits:
        yield (URIRef(wait), PK.deploymentTask, URIRef(task))


def link_triples(a: Alignment) -> Iterator[Triple]:
    """Yield one alignment as its plain link(s) and its pk:Alignment node (score, methods, evidence)."""
    s, o, node = URIRef(a.subject), URIRef(a.object), a.iri
    yield (s, a.predicate, o)
    if a.predicate == PK.implements:
        yield (s, PK.alignedWith, o)
    if a.predicate in (PK.implements, PK.alignedWith):
        yield (o, PK.alignedWith, s)
    yield (node, RDF.type, PK.Alignment)
    yield (node, PK.alignmentSubject, s)
    yield (node, PK.alignmentObject, o)
    yield (node, PK.alignmentPredicate, a.predicate)
    yield (node, PK.alignmentScore, Literal(f"{a.score:.4f}", datatype=XSD.decimal))
    for m in a.methods:
        yield (node, PK.alignmentMethod, notation_iri(PK.AlignmentMethod, m))
    for e in a.evidence:
        yield (node, PK.alignmentEvidence, Literal(e))


def remove_alignments(g: Any) -> int:
    """Remove every alignment a previous run wrote into ``g`` (so a rerun leaves no stale link).

    Returns:
        How many pk:Alignment nodes were removed.
    """
    nodes = set(g.subjects(RDF.type, PK.Alignment))
    for n in nodes:
        g.remove((n, None, None))
    for p in (PK.implements, PK.alignedWith, PK.deploymentTask):
        g.remove((None, p, None))
    return len(nodes)
