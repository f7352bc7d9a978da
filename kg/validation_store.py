"""Check a store against ontology/shapes.ttl by SPARQL, in the store: validation that scales.

pySHACL (kg.validation) copies the data into rdflib and walks every focus node in Python, which
does not scale to a corpus. Here each constraint of the shapes file becomes one SPARQL query that
Oxigraph runs over the whole store (or over one plan's graph with the shared nodes, after
``policykg add``); benchmarks/ times it at 1,000 plans. The shapes file stays the one source of truth: the
queries are made from it, and a constraint this translator does not know is an error, never
skipped in silence. Results come back as the same ValidationIssue / ValidationReport that
``policykg validate`` prints, and agree with pySHACL's on the same graph (tests/kg/test_validation.py).

Supported: node shapes with sh:targetClass (subclasses included), sh:targetNode, sh:targetSubjectsOf,
sh:targetObjectsOf; property shapes on a predicate path (or sh:inversePath) with sh:minCount,
sh:maxCount, sh:datatype, sh:class, sh:minInclusive, sh:maxInclusive, sh:minExclusive,
sh:maxExclusive, sh:pattern (sh:flags), sh:in, sh:hasValue; sh:sparql SELECT constraints ($this
pre-bound, messages with {?var} filled in); sh:severity and sh:deactivated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from kg.errors import OntologyError
from kg.graph import PREFIXES, new_graph
from kg.validation import _ORDER, GRAPH_FOCUS, SEVERITIES, ValidationIssue, ValidationReport, load_shapes

_PROPERTY_CHECKS = {SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.minInclusive, SH.maxInclusive,
                    SH.minExclusive, SH.maxExclusive, SH.pattern, SH["in"], SH.hasValue}
_IGNORED = {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.flags,
            SH.deactivated, RDF.type, RDFS.label, RDFS.comment}
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class _Result:
    focus: Any  # pyoxigraph terms
    value: Any
    path: URIRef | None
    severity: URIRef
    messages: tuple[Literal, ...]
    shape: Any
    bindings: dict[str, str]


def validate_store(store: Any, *, shapes: Graph | None = None, shared: tuple[str, str] | None = None,
                   focus: set[str] | None = None, data: Graph | None = None) -> ValidationReport:
    """Validate a pyoxigraph ``store`` against the SHACL shapes; return every issue in plain words.

    Args:
        store: the store, with the ontology in it (class hierarchy for sh:class and targets).
        shapes: the shapes graph; default ontology/shapes.ttl.
        shared: (shared graph, ontology graph) to check only what spans plans, once each plan has
            passed its own checks: the counts a property may not exceed (sh:maxCount) on the nodes
            typed in the shared graph, their values read from every graph, and the SPARQL checks on
            the shared and ontology graphs. Default: everything, on every graph.
        focus: check the class shapes on these nodes only (the shared nodes a plan just added names).
        data: an rdflib view of the same data, to describe failing nodes; default a view of ``store``.

    Raises:
        OntologyError: the shapes use a construct this translator does not support.
    """
    from kg.store import store_graph

    shapes = shapes if shapes is not None else load_shapes()
    data = data if data is not None else store_graph(store)
    run = _Runner(store, shared, focus)
    results = [r for shape in _node_shapes(shapes) for r in _check_shape(run, shapes, shape)]
    issues = [_issue(data, r) for r in results]
    return report_of(issues)


def report_of(issues: list[ValidationIssue]) -> ValidationReport:
    """A ValidationReport of ``issues`` (several checks merged: each issue once, violations first)."""
    unique = {(i.severity, i.subject.iri, i.message, i.value): i for i in issues}
    ordered = sorted(unique.values(), key=lambda i: (
        _ORDER.get(i.severity, 3), i.task_number if i.task_number is not None else 10**9,
        i.subject.label, i.message, i.value or ""))
    return ValidationReport(not any(i.severity == "violation" for i in ordered), ordered, new_graph())


def validate_document(store: Any, *, shapes: Graph | None = None) -> list[ValidationIssue]:
    """Validate one plan's triples — its own and those of the shared nodes it names — given in
    an in-memory store with the ontology (:func:`plan_store`).

    Every shape sees the plan whole, so the per-plan checks run here, in the worker that read the
    plan; what only the whole store can show (one organisation described by several plans) is left
    to :func:`validate_store` over the shared graph.
    """
    return validate_store(store, shapes=shapes if shapes is not None else _shapes()).issues


def plan_store(triples: bytes, *, with_ontology: bool) -> Any:
    """An in-memory store of one plan's N-Triples (and the ontology's, for the class hierarchy)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(triples + (_ontology_nt() if with_ontology else b""), format=ox.RdfFormat.N_TRIPLES)
    return store


@lru_cache(maxsize=1)
def _ontology_nt() -> bytes:
    import pyoxigraph as ox

    from ontology import ONTOLOGY_PATH

    # Oxigraph's parser: rdflib's takes a good part of a second, paid by every `policykg add`.
    return ox.serialize(ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return load_shapes()


class _Runner:
    """Runs SELECT queries on the store over the chosen dataset, with policykg's prefixes."""

    def __init__(self, store: Any, shared: tuple[str, str] | None, focus: set[str] | None = None) -> None:
        import pyoxigraph as ox

        self.ox, self.store = ox, store
        self.union: dict[str, Any] = {"use_default_graph_as_union": True}
        # SPARQL checks of what spans plans: on the shared and ontology graphs only.
        self.constraint_dataset = {"default_graph": [ox.NamedNode(g) for g in shared]} if shared else self.union
        self.focus_graph = shared[0] if shared else None
        self.cross_plan = shared is not None
        self._subclasses: dict[URIRef, list[str]] = {}
        self.focus = "VALUES ?this { " + " ".join(f"<{n}>" for n in sorted(focus)) + " } " if focus is not None else ""

    def typed(self, cls: URIRef) -> str:
        """The pattern binding ?this to instances of ``cls`` (in the shared graph, if so told)."""
        pattern = self.is_a("?this", cls)
        if self.focus_graph:  # the focus list outside the GRAPH block: Oxigraph then starts from it
            pattern = f"GRAPH <{self.focus_graph}> {{ {pattern} }}"
        return f"{self.focus}{{ {pattern} }}"

    def select(self, text: str, *, prefixes: dict[str, str] | None = None, this: Any = None,
               dataset: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Yield each solution as {variable name: pyoxigraph term or None}."""
        subs = {self.ox.Variable("this"): this} if this is not None else None
        try:
            solutions = self.store.query(text, prefixes=prefixes or PREFIXES, substitutions=subs,
                                         **(dataset or self.union))
        except SyntaxError as e:
            raise OntologyError(f"shapes: a SPARQL check does not parse: {e}") from None
        names = [v.value for v in solutions.variables]
        for row in solutions:
            yield dict(zip(names, row, strict=True))

    def is_a(self, var: str, cls: URIRef) -> str:
        """A pattern: ``var`` is an instance of ``cls`` or of one of its subclasses in the ontology.

        A UNION of one triple pattern per class: Oxigraph joins it from ``var``'s bindings, where a
        ``VALUES ?cls`` list made it scan every instance of every class.
        """
        if cls not in self._subclasses:
            rows = self.select(f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* {cls.n3()} }}")
            self._subclasses[cls] = sorted({str(cls)} | {r["c"].value for r in rows})
        return " UNION ".join(f"{{ {var} a <{c}> }}" for c in self._subclasses[cls])


def _node_shapes(shapes: Graph) -> list[Any]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    found |= {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
              for s in shapes.subjects(p, None)}
    return sorted(s for s in found if (s, SH.deactivated, Literal(True)) not in shapes)


def _targets(run: _Runner, shapes: Graph, shape: Any) -> list[str]:
    """SPARQL patterns binding ?this to the shape's focus nodes (one per kind of target)."""
    out = [run.typed(c) for c in shapes.objects(shape, SH.targetClass)]
    out += [f"VALUES ?this {{ {n.n3()} }}" for n in shapes.objects(shape, SH.targetNode)]
    out += [f"?this {p.n3()} ?any" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    out += [f"?any {p.n3()} ?this" for p in shapes.objects(shape, SH.targetObjectsOf)]
    return out


_NODE_SHAPE_TERMS = {RDF.type, RDFS.label, RDFS.comment, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                     SH.targetObjectsOf, SH.property, SH.sparql, SH.severity, SH.message, SH.deactivated, SH.name,
                     SH.description}


def _check_shape(run: _Runner, shapes: Graph, shape: Any) -> Iterator[_Result]:
    unknown = set(shapes.predicates(shape, None)) - _NODE_SHAPE_TERMS
    if unknown:
        names = ", ".join(sorted(shapes.namespace_manager.normalizeUri(p) for p in unknown))
        raise OntologyError(f"shapes: {shape}: {names}: not supported by the store validator (use `policykg validate`)")
    targets = _targets(run, shapes, shape)
    if not targets:
        return
    # One target: its pattern as is, in the query's own group (Oxigraph then joins from it); several:
    # their union, each focus node once.
    target = targets[0] if len(targets) == 1 else \
        "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(f"{{ {t} }}" for t in targets) + " } }"
    severity = shapes.value(shape, SH.severity) or SH.Violation
    for prop in shapes.objects(shape, SH.property):
        if (prop, SH.deactivated, Literal(True)) not in shapes:
            yield from _check_property(run, shapes, shape, prop, target, shapes.value(prop, SH.severity) or severity)
    for constraint in shapes.objects(shape, SH.sparql):
        if (constraint, SH.deactivated, Literal(True)) not in shapes:
            yield from _check_sparql(run, shapes, shape, constraint, target, severity)


def _check_property(run: _Runner, shapes: Graph, shape: Any, prop: Any, target: str,
                    severity: URIRef) -> Iterator[_Result]:
    path = shapes.value(prop, SH.path)
    if isinstance(path, URIRef):
        step = path.n3()
    elif isinstance(path, BNode) and isinstance(inverse := shapes.value(path, SH.inversePath), URIRef):
        step, path = f"^{inverse.n3()}", None
    else:
        raise OntologyError(f"shapes: {prop}: only predicate and inverse paths are supported by the store validator")
    unknown = {p for p in shapes.predicates(prop, None)} - _PROPERTY_CHECKS - _IGNORED
    if unknown:
        names = ", ".join(sorted(shapes.namespace_manager.normalizeUri(p) for p in unknown))
        raise OntologyError(f"shapes: {names}: not supported by the store validator (use `policykg validate`)")
    messages = tuple(m for m in shapes.objects(prop, SH.message) if isinstance(m, Literal))

    def results(query: str, *, value: bool) -> Iterator[_Result]:
        for row in run.select(query):
            yield _Result(row["this"], row["v"] if value else None, path, severity, messages, prop, {})

    # minCount 1 and maxCount 1, the usual cases, without grouping every focus node (seconds at scale).
    grouped = f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {step} ?v }} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {{}})"
    if run.cross_plan:
        # Every plan passed its own checks; what more plans can break is a count that grows too high.
        # (The other constraints hold of a union when they hold of each part: a value another plan
        # brought was checked with that plan.)
        if (n := shapes.value(prop, SH.maxCount)) is not None:
            yield from results(f"SELECT DISTINCT ?this WHERE {{ {target} ?this {step} ?v, ?w FILTER (!sameTerm(?v, ?w)) }}"
                               if int(n) == 1 else grouped.replace("{}", f"> {int(n)}"), value=False)
        return
    if (n := shapes.value(prop, SH.minCount)) is not None:
        yield from results(f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {step} ?v }} }}" if int(n) == 1
                           else grouped.replace("{}", f"< {int(n)}"), value=False)
    if (n := shapes.value(prop, SH.maxCount)) is not None:
        yield from results(f"SELECT DISTINCT ?this WHERE {{ {target} ?this {step} ?v, ?w FILTER (!sameTerm(?v, ?w)) }}"
                           if int(n) == 1 else grouped.replace("{}", f"> {int(n)}"), value=False)
    each = f"SELECT ?this ?v WHERE {{ {target} ?this {step} ?v FILTER ({{}}) }}"
    if (dt := shapes.value(prop, SH.datatype)) is not None:
        yield from results(each.replace("{}", f"!isLiteral(?v) || datatype(?v) != {dt.n3()}"), value=True)
    if (cls := shapes.value(prop, SH["class"])) is not None:
        yield from results(each.replace("{}", f"NOT EXISTS {{ {run.is_a('?v', cls)} }}"), value=True)
    for term, op in ((SH.minInclusive, ">="), (SH.maxInclusive, "<="), (SH.minExclusive, ">"), (SH.maxExclusive, "<")):
        if (bound := shapes.value(prop, term)) is not None:
            yield from results(each.replace("{}", f"!COALESCE(?v {op} {bound.n3()}, false)"), value=True)
    if (pattern := shapes.value(prop, SH.pattern)) is not None:
        flags = Literal(str(shapes.value(prop, SH.flags) or "")).n3()
        yield from results(each.replace("{}", f"isBlank(?v) || !COALESCE(REGEX(STR(?v), {Literal(str(pattern)).n3()}, "
                                               f"{flags}), false)"), value=True)
    if (members := shapes.value(prop, SH["in"])) is not None:
        listed = ", ".join(m.n3() for m in Collection(shapes, members))
        yield from results(each.replace("{}", f"?v NOT IN ({listed})"), value=True)
    if (wanted := shapes.value(prop, SH.hasValue)) is not None:
        query = f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {step} {wanted.n3()} }} }}"
        yield from results(query, value=False)


def _check_sparql(run: _Runner, shapes: Graph, shape: Any, constraint: Any, target: str,
                  severity: URIRef) -> Iterator[_Result]:
    query = shapes.value(constraint, SH.select)
    if query is None:
        raise OntologyError(f"shapes: {constraint}: only sh:select SPARQL constraints are supported")
    prefixes = dict(PREFIXES)
    for source in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(source, SH.declare):
            prefixes[str(shapes.value(decl, SH.prefix))] = str(shapes.value(decl, SH.namespace))
    messages = tuple(m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal))
    for focus in [row["this"] for row in run.select(f"SELECT DISTINCT ?this WHERE {{ {target} }}")]:
        # One run per focus node, $this pre-bound (SHACL's pre-binding): a whole-graph check has one.
        for row in run.select(str(query), prefixes=prefixes, this=focus, dataset=run.constraint_dataset):
            path = row.get("path")
            yield _Result(focus, row.get("value"), URIRef(path.value) if path is not None else None, severity,
                          messages, constraint, {k: _text(v) for k, v in row.items() if v is not None})


def _text(term: Any) -> str:
    return str(term.value)


def _issue(data: Graph, r: _Result) -> ValidationIssue:
    from kg.describe import describe_node
    from kg.validation import _message_text, _value

    focus, value = _rdflib(r.focus), _rdflib(r.value)
    if focus == GRAPH_FOCUS and value is not None:  # a whole-graph check: ?value is what fails
        focus, value = value, None
    messages = [_fill(m, r.bindings) for m in r.messages]
    return ValidationIssue(
        severity=SEVERITIES.get(r.severity, "violation"),
        subject=describe_node(data, focus),
        message=_message_text(messages) or "constraint not met",
        path=data.namespace_manager.normalizeUri(r.path) if r.path is not None else None,
        value=_value(data, value),
        shape=str(r.shape) if isinstance(r.shape, URIRef) else None,
    )


def _fill(message: Literal, bindings: dict[str, str]) -> str:
    return _TEMPLATE.sub(lambda m: bindings.get(m.group(1), m.group(0)), str(message))


def _rdflib(term: Any) -> Any:
    """A pyoxigraph term as rdflib's (None stays None)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
