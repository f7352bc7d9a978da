"""The ontology's terms for a query editor, and what kind of thing fits each IRI parameter of a question.

Both are read from the ontology file, the one source of truth for terms: :func:`ontology_terms`
lists its classes and properties with their Chinese and English labels (what completion offers),
and :func:`parameter_classes` reads a saved question's triple patterns to tell, from the ontology's
``rdfs:range`` / ``rdfs:domain`` and the question's own ``a`` patterns, which class an IRI
parameter expects (``?task pk:leadUnit ?org`` → ``org:Organization``), so a form can offer things of
that class by name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.paths import AlternativePath, InvPath, SequencePath

from kg.graph import PREFIXES, load_ontology
from queries.query_files import NamedQuery

_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
_ANY = "*"
_NOT_CLASSES = (str(RDF.langString), "http://www.w3.org/2001/XMLSchema#")


@lru_cache(maxsize=1)
def ontology() -> Graph:
    """The ontology as shipped, read once."""
    return load_ontology()


def curie(iri: str) -> str:
    """Return ``iri`` as a prefixed name with policykg's prefixes, or unchanged.

    Example:
        >>> curie("https://w3id.org/policykg/ontology#Task")
        'pk:Task'
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _label(g: Graph, term: URIRef, lang: str) -> str:
    for label in g.objects(term, RDFS.label):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return ""


def _first_iri(g: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    iris = sorted(str(o) for o in g.objects(subject, predicate) if isinstance(o, URIRef))
    return iris[0] if iris else None


@lru_cache(maxsize=1)
def ontology_terms() -> tuple[dict[str, Any], ...]:
    """Return the ontology's classes and properties, each ``{iri, curie, kind, zh, en, range}``.

    Terms of other vocabularies that the ontology's domains and ranges name (``org:Organization``)
    are included as classes without labels. Sorted by kind, then prefixed name.

    Example:
        >>> lead = next(t for t in ontology_terms() if t["curie"] == "pk:leadUnit")
        >>> lead["kind"], lead["zh"], lead["range"]
        ('property', '牵头单位', 'http://www.w3.org/ns/org#Organization')
    """
    g = ontology()
    terms: dict[str, dict[str, Any]] = {}
    for kind, types in (("class", (OWL.Class, RDFS.Class)), ("property", _PROPERTY_TYPES)):
        for t in types:
            for s in g.subjects(RDF.type, t):
                if isinstance(s, URIRef) and str(s) not in terms:
                    terms[str(s)] = {"iri": str(s), "curie": curie(str(s)), "kind": kind, "zh": _label(g, s, "zh"),
                                     "en": _label(g, s, "en"), "range": _first_iri(g, s, RDFS.range)}
    for p in (RDFS.domain, RDFS.range, RDFS.subClassOf):
        for o in g.objects(None, p):
            if isinstance(o, URIRef) and str(o) not in terms and not str(o).startswith(_NOT_CLASSES):
                terms[str(o)] = {"iri": str(o), "curie": curie(str(o)), "kind": "class", "zh": "", "en": "", "range": None}
    return tuple(sorted(terms.values(), key=lambda t: (t["kind"], t["curie"])))


def class_labels(iri: str) -> tuple[str, str]:
    """Return the Chinese and English labels of a class, or its prefixed name for both."""
    term = URIRef(iri)
    g = ontology()
    zh, en = _label(g, term, "zh"), _label(g, term, "en")
    return (zh or en or curie(iri), en or zh or curie(iri))


# -- parameter classes -------------------------------------------------------------------------------

def _ends(path: Any, side: str, inverse: bool = False) -> list[tuple[URIRef, bool]]:
    """The plain properties a path meets ``side`` (its subject or object) with, each with whether
    it is read backwards (``^pk:leadUnit``)."""
    if isinstance(path, URIRef):
        return [(path, inverse)]
    if isinstance(path, AlternativePath):
        return [e for a in path.args for e in _ends(a, side, inverse)]
    if isinstance(path, SequencePath):
        first = (side == "subject") != inverse
        return _ends(path.args[0] if first else path.args[-1], side, inverse)
    if isinstance(path, InvPath):
        return _ends(path.arg, side, not inverse)
    return []  # * + ? paths: the end may be the start, nothing can be told


def _pattern_classes(g: Graph, triple: tuple[Any, Any, Any], var: Variable) -> set[str]:
    """The classes one triple pattern says ``var`` belongs to (none when it says nothing)."""
    s, p, o = triple
    found: set[str] = set()
    for term, side in ((s, "subject"), (o, "object")):
        if term != var:
            continue
        if p == RDF.type and side == "subject" and isinstance(o, URIRef):
            found.add(str(o))
            continue
        for prop, inverse in _ends(p, side):
            cls = _first_iri(g, prop, RDFS.range if (side == "object") != inverse else RDFS.domain)
            if cls and not cls.startswith(_NOT_CLASSES):
                found.add(cls)
    return found


def _votes(g: Graph, node: Any, wanted: set[str]) -> dict[str, set[str]]:
    """For each wanted variable a pattern mentions: the classes the patterns give it.

    The two sides of a UNION must agree: a variable one side leaves untyped or types otherwise
    (a task here, an organisation there) may be anything, and gets ``_ANY``.
    """
    out: dict[str, set[str]] = {}
    if isinstance(node, dict):  # rdflib's CompValue is a dict
        name = getattr(node, "name", None)
        if name == "BGP":
            for triple in node.get("triples", ()):
                for var in (triple[0], triple[2]):
                    if isinstance(var, Variable) and str(var) in wanted:
                        out.setdefault(str(var), set()).update(_pattern_classes(g, triple, var))
            return out
        if name == "Union":
            left, right = _votes(g, node.get("p1"), wanted), _votes(g, node.get("p2"), wanted)
            for var in left.keys() | right.keys():
                same = var in left and var in right and left[var] == right[var]
                out[var] = left[var] if same else {_ANY}
            return out
        children: Any = node.values()
    elif isinstance(node, list | tuple):
        children = node
    else:
        return out
    for child in children:
        for var, classes in _votes(g, child, wanted).items():
            out.setdefault(var, set()).update(classes)
    return out


def parameter_classes(query: NamedQuery) -> dict[str, str]:
    """Return, for each IRI parameter of ``query`` whose class can be told, that class's IRI.

    A pattern ``?p a C`` says C; ``?s P ?p`` says P's range; ``?p P ?o`` says P's domain. A parameter
    is typed only when its patterns agree on one class; one that stands for several kinds of thing
    (an organisation in one UNION branch, anything in the other) or is used only in a FILTER is
    left out, so a picker offers anything.

    Example:
        >>> from queries.query_files import get_query
        >>> parameter_classes(get_query("organization_partners"))
        {'org': 'http://www.w3.org/ns/org#Organization'}
    """
    wanted = frozenset(p.name for p in query.params if p.type == "iri")
    return dict(_parameter_classes(query.sparql, wanted)) if wanted else {}


@lru_cache(maxsize=256)
def _parameter_classes(sparql: str, wanted: frozenset[str]) -> tuple[tuple[str, str], ...]:
    from rdflib.plugins.sparql import prepareQuery

    votes = _votes(ontology(), prepareQuery(sparql, initNs=PREFIXES).algebra, set(wanted))
    # A class stated outside a UNION (``?task a pk:Task`` joined with it) holds whatever the UNION says.
    known = {name: classes - {_ANY} for name, classes in votes.items()}
    return tuple((name, next(iter(classes))) for name, classes in sorted(known.items()) if len(classes) == 1)
