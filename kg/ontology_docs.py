"""The ontology described for its documentation page: every class, property and individual with its
Chinese and English labels, comment, axioms (in Manchester-like syntax) and alignments.

Plain data only — text pieces and links — so the page (viz/ontology.py and the template
viz/templates/ontology.html) decides the markup and escapes every string from the ontology.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace
from rdflib.term import Node

from kg.namespace import PK

SWRL = Namespace("http://www.w3.org/2003/11/swrl#")
_CHARACTERISTICS = {OWL.FunctionalProperty: "functional", OWL.TransitiveProperty: "transitive",
                    OWL.SymmetricProperty: "symmetric", OWL.InverseFunctionalProperty: "inverse functional"}
_FACETS = {XSD.minInclusive: ">=", XSD.maxInclusive: "<=", XSD.minExclusive: ">", XSD.maxExclusive: "<"}
_SECTIONS = [("classes", "类 Classes", OWL.Class), ("object-properties", "对象属性 Object properties", OWL.ObjectProperty),
             ("datatype-properties", "数据属性 Datatype properties", OWL.DatatypeProperty),
             ("individuals", "个体 Individuals", OWL.NamedIndividual)]


@dataclass(frozen=True)
class Piece:
    """A piece of a shown value: plain ``text``, or a term named ``text`` linked to ``href`` (``code``: a name)."""

    text: str
    href: str | None = None
    code: bool = True


Phrase = list[Piece]


@dataclass
class Term:
    """One term of the ontology and the rows shown for it (label → phrase; empty rows are left out)."""

    curie: str
    anchor: str
    iri: str
    zh: str | None
    en: str | None
    rows: list[tuple[str, Phrase]]


@dataclass
class Section:
    anchor: str
    heading: str
    terms: list[Term]


@dataclass
class Statement:
    """A rule or an axiom: the statement and its comment."""

    text: Phrase
    comment: str | None


@dataclass
class OntologyDoc:
    """The whole documentation page as data."""

    title: tuple[str, str]  # (Chinese, English)
    header: list[tuple[str, Phrase]]
    changes: list[str]
    sections: list[Section]
    rules: list[Statement] = field(default_factory=list)
    axioms: list[Statement] = field(default_factory=list)
    alignments: list[tuple[Piece, str, Piece]] = field(default_factory=list)  # term, relation, outside term


def describe_ontology(ontology: Graph) -> OntologyDoc:
    """Return the documentation of ``ontology``: header, sections of terms, rules, axioms, alignments.

    Example:
        >>> from kg.graph import load_ontology
        >>> doc = describe_ontology(load_ontology())
        >>> any(t.curie == "pk:Task" for s in doc.sections for t in s.terms)
        True
    """
    return _Describer(ontology).describe()


class _Describer:
    def __init__(self, g: Graph) -> None:
        self.g = g
        self.nm = g.namespace_manager
        self.onto = next((s for s in g.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
        self.local = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
                      for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(PK))}
        self.disjoint = self._disjoint_groups()

    def describe(self) -> OntologyDoc:
        en = self._text(self.onto, DCTERMS.title, "en") or "policykg ontology"
        zh = self._text(self.onto, DCTERMS.title, "zh") or en
        sections = [Section(anchor, heading, [self._term(t, kind) for t in terms])
                    for anchor, heading, kind in _SECTIONS if (terms := self._terms(kind))]
        changes = sorted(str(v) for v in self.g.objects(self.onto, SKOS.changeNote)) if self.onto else []
        return OntologyDoc((zh, en), self._header(), changes, sections, self._rules(), self._axioms(),
                           self._alignments())

    def _header(self) -> list[tuple[str, Phrase]]:
        if self.onto is None:
            return []
        rows = [("IRI", [self._iri_piece(self.onto)])]
        for label, p in (("version IRI", OWL.versionIRI), ("version", OWL.versionInfo), ("created", DCTERMS.created),
                         ("modified", DCTERMS.modified)):
            rows += [(label, self._value(v)) for v in self.g.objects(self.onto, p)]
        rows += [("description", [Piece(str(v))]) for v in self.g.objects(self.onto, DCTERMS.description)]
        rows.append(("formats", [Piece("Turtle", "/ontology.ttl", code=False), Piece(" · "),
                                   Piece("RDF/XML", "/ontology.rdf", code=False)]))
        return rows

    def _terms(self, kind: URIRef) -> list[URIRef]:
        terms = {s for s in self.g.subjects(RDF.type, kind) if s in self.local}
        if kind == OWL.NamedIndividual:
            return sorted(terms)
        return sorted(terms - set(self.g.subjects(RDF.type, OWL.NamedIndividual)))

    # -- one term ---------------------------------------------------------------------------------

    def _term(self, t: URIRef, kind: URIRef) -> Term:
        g = self.g
        rows: list[tuple[str, Phrase]] = []
        for p, label in ((RDFS.comment, "comment"), (SKOS.definition, "definition")):
            rows += [(label, [Piece(str(v))]) for v in g.objects(t, p)]
        if kind == OWL.Class:
            rows += [("subclass of", self._join(g.objects(t, RDFS.subClassOf)))]
            rows += [("equivalent to", self._expr(e)) for e in g.objects(t, OWL.equivalentClass)]
            rows += [("disjoint with", self._join(self.disjoint.get(t, []))),
                     ("subclasses", self._join(g.subjects(RDFS.subClassOf, t)))]
        elif kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
            chars = [name for c, name in _CHARACTERISTICS.items() if (t, RDF.type, c) in g]
            rows += [("characteristics", [Piece(", ".join(chars))] if chars else [])]
            rows += [("domain", self._join(g.objects(t, RDFS.domain))),
                     ("range", self._join(g.objects(t, RDFS.range))),
                     ("subproperty of", self._join(g.objects(t, RDFS.subPropertyOf))),
                     ("subproperties", self._join(g.subjects(RDFS.subPropertyOf, t))),
                     ("inverse of", self._join(g.objects(t, OWL.inverseOf)))]
            for chain in g.objects(t, OWL.propertyChainAxiom):
                rows.append(("property chain", _joined((self._expr(x) for x in Collection(g, chain)), " ∘ ")))
        else:
            types = [o for o in g.objects(t, RDF.type) if o != OWL.NamedIndividual]
            rows += [("type", self._join(types)), ("notation", self._join(g.objects(t, SKOS.notation)))]
        for p in (SKOS.exactMatch, SKOS.closeMatch, OWL.sameAs):
            rows.append((self._curie(p), self._join(g.objects(t, p))))
        rows.append(("defined by", self._join(g.objects(t, RDFS.isDefinedBy))))
        return Term(self._curie(t), self._anchor(t), str(t), self._text(t, RDFS.label, "zh"),
                    self._text(t, RDFS.label, "en"), [(k, v) for k, v in rows if v])

    # -- rules, axioms and alignments -------------------------------------------------------------

    def _rules(self) -> list[Statement]:
        out = []
        for rule in self.g.subjects(RDF.type, SWRL.Imp):
            body = _joined((self._atom(a) for a in self._list(self.g.value(rule, SWRL.body))), " ∧ ")
            head = _joined((self._atom(a) for a in self._list(self.g.value(rule, SWRL.head))), " ∧ ")
            out.append(Statement([*body, Piece(" → "), *head], self._comment(rule)))
        return out

    def _axioms(self) -> list[Statement]:
        return [Statement([Piece("DisjointClasses("), *self._join(self._list(self.g.value(ax, OWL.members))), Piece(")")],
                          self._comment(ax))
                for ax in self.g.subjects(RDF.type, OWL.AllDisjointClasses)]

    def _alignments(self) -> list[tuple[Piece, str, Piece]]:
        rows = []
        for t in sorted(self.local):
            for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty,
                      SKOS.exactMatch, SKOS.closeMatch):
                for o in self.g.objects(t, p):
                    if isinstance(o, URIRef) and o not in self.local:
                        rows.append((Piece(self._curie(t), "#" + self._anchor(t), code=False), self._curie(p),
                                     self._iri_piece(o)))
        return rows

    # -- expressions ------------------------------------------------------------------------------

    def _expr(self, node: Node) -> Phrase:
        """A class expression in Manchester-like syntax."""
        g = self.g
        if isinstance(node, URIRef):
            return [self._link(node)]
        if isinstance(node, Literal):
            return self._value(node)
        for p, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
            items = g.value(node, p)
            if items is not None:
                return [Piece("("), *_joined((self._expr(x) for x in self._list(items)), word), Piece(")")]
        if (c := g.value(node, OWL.complementOf)) is not None:
            return [Piece("not "), *self._expr(c)]
        if (d := g.value(node, OWL.onDatatype)) is not None:
            facets = [f"{_FACETS.get(fp, self._curie(fp))} {v}"
                      for f in self._list(g.value(node, OWL.withRestrictions)) for fp, v in g.predicate_objects(f)]
            return [self._link(d), Piece(f"[{', '.join(facets)}]")]
        if (inv := g.value(node, OWL.inverseOf)) is not None:
            return [Piece("inverse("), *self._expr(inv), Piece(")")]
        prop = g.value(node, OWL.onProperty)
        if prop is None:
            return [Piece(str(node))]
        return self._restriction(node, self._link(prop))

    def _restriction(self, node: Node, p: Piece) -> Phrase:
        g = self.g
        for key, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
            if (v := g.value(node, key)) is not None:
                return [Piece("("), p, Piece(f" {word} "), *self._expr(v), Piece(")")]
        for key, word in ((OWL.minQualifiedCardinality, "min"), (OWL.maxQualifiedCardinality, "max"),
                          (OWL.qualifiedCardinality, "exactly")):
            if (n := g.value(node, key)) is not None:
                return [Piece("("), p, Piece(f" {word} {n} "), *self._expr(g.value(node, OWL.onClass)), Piece(")")]
        for key, word in ((OWL.minCardinality, "min"), (OWL.maxCardinality, "max"), (OWL.cardinality, "exactly")):
            if (n := g.value(node, key)) is not None:
                return [Piece("("), p, Piece(f" {word} {n})")]
        return [Piece(str(node))]

    def _atom(self, atom: Node) -> Phrase:
        pred = self.g.value(atom, SWRL.propertyPredicate) or self.g.value(atom, SWRL.classPredicate)
        args = [self.g.value(atom, a) for a in (SWRL.argument1, SWRL.argument2)]
        names = ["?" + str(a).rsplit("#", 1)[-1] if isinstance(a, URIRef) else str(a) for a in args if a is not None]
        return [self._link(pred) if pred is not None else Piece("?"), Piece(f"({', '.join(names)})")]

    # -- small pieces -----------------------------------------------------------------------------

    def _disjoint_groups(self) -> dict[URIRef, list[URIRef]]:
        out: dict[URIRef, list[URIRef]] = {}
        for ax in self.g.subjects(RDF.type, OWL.AllDisjointClasses):
            members = self._list(self.g.value(ax, OWL.members))
            for m in members:
                out.setdefault(m, []).extend(x for x in members if x != m)
        for a, b in self.g.subject_objects(OWL.disjointWith):
            out.setdefault(a, []).append(b)
            out.setdefault(b, []).append(a)
        return out

    def _list(self, head: Node | None) -> list:
        return list(Collection(self.g, head)) if head is not None else []

    def _join(self, nodes: Iterable[Node]) -> Phrase:
        return _joined(((self._expr(n) if isinstance(n, BNode) else [self._link(n)] if isinstance(n, URIRef)
                         else self._value(n)) for n in sorted(set(nodes), key=str)), ", ")

    def _link(self, t: URIRef) -> Piece:
        return Piece(self._curie(t), "#" + self._anchor(t)) if t in self.local else self._iri_piece(t)

    def _iri_piece(self, t: URIRef) -> Piece:
        return Piece(self._curie(t), quote(str(t), safe=":/#?&=%~+-_.!*'();,@$"))

    def _value(self, v: Node) -> Phrase:
        return [self._iri_piece(v)] if isinstance(v, URIRef) else [Piece(str(v))]

    def _comment(self, node: Node) -> str | None:
        comment = self.g.value(node, RDFS.comment)
        return str(comment) if comment is not None else None

    def _curie(self, t: Node) -> str:
        try:
            return self.nm.normalizeUri(t) if isinstance(t, URIRef) else str(t)
        except Exception:  # rdflib refuses some IRIs as prefixed names; show them whole
            return str(t)

    def _anchor(self, t: URIRef) -> str:
        return quote(str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1], safe="")

    def _text(self, s: Node | None, p: URIRef, lang: str) -> str | None:
        if s is None:
            return None
        for v in self.g.objects(s, p):
            if isinstance(v, Literal) and v.language == lang:
                return str(v)
        return None


def _joined(phrases: Iterable[Phrase], sep: str) -> Phrase:
    out: Phrase = []
    for i, phrase in enumerate(phrases):
        if i:
            out.append(Piece(sep))
        out.extend(phrase)
    return out
