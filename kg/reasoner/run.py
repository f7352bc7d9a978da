"""Reason over a built graph: check it is consistent, classify it into the ontology's defined
classes, and return what was derived as a separate graph, so derived facts stay marked as such.

Inferred triples are kept apart from asserted ones: write_inferred puts them in the named graph
<https://w3id.org/policykg/graph/inferred> of a TriG file (asserted triples in the default graph).
Only two kinds of derived triple are written back: ``rdf:type`` to a defined class (membership of
a defined class is never asserted, so it is always the reasoner's) and values of derived properties
(SWRL rule heads or property chains, e.g. pk:leadsTaskIn). Entailed super-types such as
prov:Entity are left out: they add bulk and no answers.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from kg.describe import describe_node
from kg.graph import bind_prefixes, load_ontology, save_graph
from kg.reasoner import hermit
from kg.reasoner.errors import InconsistentGraph
from kg.reasoner.input import ReasoningInput, defined_classes, derived_properties, reasoning_input
from kg.vocab import INFERRED_GRAPH, rdf_format_for

_RENAMED = "https://w3id.org/policykg/reasoning/"
_IND = re.compile(r"\bind\d+\b")
_NARY = re.compile(r"^(\w+)\((.*)\)$")
_BUILTIN = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")


@dataclass
class ReasoningResult:
    """What reasoning derived, how long it took, and with what.

    Attributes:
        inferred: the derived triples only (plus a short description of where they came from).
        counts: number of members of each defined class, by class IRI.
        seconds: wall time of the whole call; ``hermit_seconds`` of the two HermiT runs.
    """

    inferred: Graph
    counts: dict[URIRef, int]
    seconds: float
    hermit_seconds: float
    input_triples: int = 0
    module_triples: int = 0
    property_counts: dict[URIRef, int] = field(default_factory=dict)


def reason_graph(data: Graph, *, ontology: Graph | None = None, java: str | None = None,
                 memory_mb: int = hermit.DEFAULT_JAVA_MEMORY_MB) -> ReasoningResult:
    """Check ``data`` against the ontology and classify it with HermiT.

    Args:
        data: a built graph (``policykg build``); it is not modified.
        ontology: the ontology to reason with; default the policykg ontology file.
        java: the Java executable; default ``java`` on PATH.
        memory_mb: the JVM's heap cap (-Xmx).

    Returns:
        A ReasoningResult whose ``inferred`` graph holds only derived triples.

    Raises:
        ReasonerUnavailable: no Java, or the JVM failed.
        InconsistentGraph: the data contradicts the ontology; the message lists the axioms and
            facts involved, with tasks named by number and sentence.
    """
    t0 = time.perf_counter()
    java_path = hermit.find_java(java)
    ontology = ontology if ontology is not None else load_ontology()
    inp = reasoning_input(data, ontology)
    full, module = inp.full(), inp.classification_module()
    classes, props = defined_classes(ontology), derived_properties(ontology)

    th = time.perf_counter()
    check = hermit.ConsistencyCheck(full, java=java_path, memory_mb=memory_mb)  # runs alongside
    try:
        found = hermit.classify(module, classes, props, java=java_path, memory_mb=memory_mb)
    except BaseException:
        check.cancel()
        raise
    consistent = check.result()
    hermit_seconds = time.perf_counter() - th
    if not consistent or found is None:
        raise _inconsistent(data, inp, java_path, memory_mb)

    inferred = bind_prefixes(Graph())
    individuals = set(inp.abox.subjects())
    counts, property_counts = {}, {}
    for c in classes:
        members = found.members[c] & individuals
        counts[c] = len(members)
        for m in members:
            if (m, RDF.type, c) not in data:
                inferred.add((m, RDF.type, c))
    for p in props:
        pairs = found.relations.get(p, set())
        property_counts[p] = len(pairs)
        for a, b in pairs:
            if (a, p, b) not in data:
                inferred.add((a, p, b))
    version = ontology.value(next(ontology.subjects(RDF.type, OWL.Ontology), None), OWL.versionIRI)
    inferred.add((INFERRED_GRAPH, RDF.type, PROV.Entity))
    inferred.add((INFERRED_GRAPH, RDFS.label, Literal("Triples inferred by HermiT (owlready2) with the policykg ontology", lang="en")))
    if version is not None:
        inferred.add((INFERRED_GRAPH, PROV.wasDerivedFrom, version))
    return ReasoningResult(inferred, counts, time.perf_counter() - t0, hermit_seconds,
                           len(full), len(module), property_counts)


def write_inferred(data: Graph, result: ReasoningResult, path: str | Path) -> Path:
    """Write the asserted and the inferred triples to ``path``.

    In TriG or N-Quads the inferred triples go to the named graph INFERRED_GRAPH and the asserted
    ones to the default graph. Any other syntax (Turtle, N-Triples …) has no named graphs, so both
    are merged; defined-class memberships stay recognisable as inferred (they are never asserted).
    """
    fmt = rdf_format_for(path)
    if fmt.quads:
        ds = bind_prefixes(Dataset())
        for t in data:
            ds.add(t)
        named = ds.graph(INFERRED_GRAPH)
        for t in result.inferred:
            named.add(t)
        return save_graph(ds, path)
    merged = bind_prefixes(Graph())
    for t in data:
        merged.add(t)
    for t in result.inferred:
        merged.add(t)
    return save_graph(merged, path)


def _inconsistent(data: Graph, inp: ReasoningInput, java: str, memory_mb: int) -> InconsistentGraph:
    """Build the error: ask Pellet for an explanation on a copy whose individuals have short names."""
    tbox_terms = set(inp.tbox.subjects())
    nodes = {n for t in inp.abox for n in (t[0], t[2])
             if isinstance(n, URIRef) and n not in tbox_terms and not str(n).startswith(_BUILTIN)}
    names = {n: URIRef(f"{_RENAMED}ind{i}") for i, n in enumerate(sorted(nodes), start=1)}
    renamed = ReasoningInput(inp.tbox, _rename(inp.abox, names), {names.get(d, d) for d in inp.distinct})
    lines = hermit.explain_inconsistency(renamed.full(), java=java, memory_mb=memory_mb)
    back = {str(v).rsplit("/", 1)[-1]: k for k, v in names.items()}
    lines = _abridge_nary(lines)
    involved: list[str] = []

    def replace(m: re.Match) -> str:
        iri = back.get(m.group(0))
        if iri is None:
            return m.group(0)
        if str(iri) not in involved:
            involved.append(str(iri))
        return f"<{describe_node(data, iri).label}>"

    explained = [_IND.sub(replace, line) for line in lines]
    note = "" if lines else "Pellet could not produce an explanation; run `policykg validate` for data errors."
    if involved:
        note = "individuals involved:\n" + "\n".join(f"  {describe_node(data, URIRef(i))} <{i}>" for i in involved)
    return InconsistentGraph(explained, involved, note)


def _abridge_nary(lines: list[str], keep: int = 8) -> list[str]:
    """Shorten n-ary axioms over individuals, e.g. the DifferentIndividuals(…150 organisations…)
    the input declares, to the individuals the other lines of the explanation mention."""
    mentioned = {t for line in lines if not _NARY.match(line) for t in _IND.findall(line)}
    out = []
    for line in lines:
        m = _NARY.match(line)
        members = _IND.findall(line) if m else []
        if m and len(members) > keep:
            kept = [t for t in members if t in mentioned]
            line = f"{m.group(1)}({' '.join(kept)} … and {len(members) - len(kept)} others)"
        out.append(line)
    return out


def _rename(g: Graph, names: dict[URIRef, URIRef]) -> Graph:
    out = Graph()
    for s, p, o in g:
        out.add((names.get(s, s), p, names.get(o, o) if isinstance(o, URIRef) else o))
    return out
