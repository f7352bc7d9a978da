"""Outside ontologies and knowledge graphs, mapped onto policykg's vocabulary and linked to its nodes.

A province's or city's graph arrives as an RDF file or a SPARQL endpoint, in its own vocabulary.
SSSOM mapping files say which of its classes, properties and individuals mean which of ours; this
module rewrites its triples into our vocabulary (so the aligner and the saved queries see its
plans and bodies like our own) and links what the mapping file did not: places by division code,
organisations by government function, level and place, else by name
(:mod:`queries.linking.organizations`, since matching reads both graphs).

Which mappings are safe to rewrite with: exactMatch / equivalentClass / equivalentProperty /
sameAs, and outside-narrower-than-ours (skos:broadMatch, rdfs:subClassOf, rdfs:subPropertyOf read
outside → ours). A broader or merely close outside term is never rewritten into ours — that would
claim more than the mapping says — but close and related matches are kept as skos links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.iri import BASE, iri_for
from kg.namespace import PK
from loaders.sssom import MappingSet

OURS = (str(PK._NS), BASE)
_REWRITE = frozenset({"skos:exactMatch", "owl:equivalentClass", "owl:equivalentProperty", "owl:sameAs",
                      "skos:broadMatch", "rdfs:subClassOf", "rdfs:subPropertyOf"})
_INVERSE = {"skos:broadMatch": "skos:narrowMatch", "skos:narrowMatch": "skos:broadMatch",
            "rdfs:subClassOf": "superClassOf", "rdfs:subPropertyOf": "superPropertyOf"}
_LINK_PREDICATES = {"skos:closeMatch": SKOS.closeMatch, "skos:relatedMatch": SKOS.relatedMatch,
                    "skos:narrowMatch": SKOS.narrowMatch, "skos:broadMatch": SKOS.broadMatch,
                    "skos:exactMatch": SKOS.exactMatch}
# Kept as they are: the vocabularies policykg itself uses for names and identity.
PASS_THROUGH = frozenset({RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title,
                          DCTERMS.identifier, OWL.sameAs, SKOS.exactMatch})


class Endpoint(Protocol):
    """A SPARQL endpoint to import from (queries.linking.endpoint.CachedEndpoint is one)."""

    def construct(self, query: str) -> Graph: ...

    def select(self, query: str) -> list[dict[str, Any]]: ...


def is_ours(iri: str) -> bool:
    return iri.startswith(OURS)


@dataclass
class ImportReport:
    """What an import read, kept and left out, for the analyst to check the mapping file against."""

    source: str
    triples_read: int = 0
    triples_kept: int = 0
    rewritten_terms: int = 0
    dropped_predicates: Counter[str] = field(default_factory=Counter)
    unmapped_classes: Counter[str] = field(default_factory=Counter)
    places_matched: int = 0
    # Links from our organisations to the imported ones (queries.linking.organizations), set by the caller.
    organizations_matched: list[Any] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.source}: read {self.triples_read} triples, kept {self.triples_kept} "
               f"({self.rewritten_terms} terms mapped), {self.places_matched} place(s) and "
               f"{len(self.organizations_matched)} organisation(s) matched"]
        for iri, n in self.unmapped_classes.most_common(10):
            out.append(f"  unmapped class {iri} ({n} instances): add it to the mapping file to import them")
        for iri, n in self.dropped_predicates.most_common(10):
            out.append(f"  unmapped property {iri} ({n} triples left out)")
        return out


class Translator:
    """Rewrites outside terms into ours, as the mapping sets allow.

    Example:
        >>> from loaders.sssom import parse_sssom
        >>> ms = parse_sssom("# curie_map:\\n#   ex: http://example.org/\\n"
        ...     "subject_id\\tpredicate_id\\tobject_id\\tmapping_justification\\n"
        ...     "ex:Task\\tskos:exactMatch\\tpk:Task\\tsemapv:ManualMappingCuration\\n")
        >>> Translator([ms]).table["http://example.org/Task"]
        'https://w3id.org/policykg/ontology#Task'
    """

    def __init__(self, mapping_sets: Iterable[MappingSet]) -> None:
        self.table: dict[str, str] = {}
        self.kinds: dict[str, str] = {}  # outside term → its SSSOM type (owl class, owl object property …)
        self.links: list[tuple[URIRef, URIRef, URIRef]] = []
        for ms in mapping_sets:
            for m in ms.mappings:
                s_ours, o_ours = is_ours(m.subject), is_ours(m.object)
                if s_ours and o_ours:
                    continue
                if s_ours:  # our published direction (pk:X … outside:Y): read it the other way
                    outside, ours, predicate = m.object, m.subject, _INVERSE.get(m.predicate, m.predicate)
                else:  # import direction (outside:X … ours:Y), the convention for files we are given
                    outside, ours, predicate = m.subject, m.object, m.predicate
                if predicate in _REWRITE:
                    self.table.setdefault(outside, ours)
                    kind = m.object_type if s_ours else m.subject_type
                    if kind:
                        self.kinds.setdefault(outside, kind)
                if predicate in _LINK_PREDICATES and not m.subject_type.startswith(("owl", "rdf")):
                    self.links.append((URIRef(m.subject), _LINK_PREDICATES[m.predicate], URIRef(m.object)))

    def outside_classes(self) -> list[str]:
        """The outside terms that map to a class of ours (what to fetch instances of).

        The mapping's subject_type/object_type says so (``owl class``); where the file leaves it
        out, a class is told by its name, as every vocabulary policykg maps to writes them
        (pk:Task, org:Organization vs pk:text, skos:prefLabel).
        """
        def is_class(outside: str) -> bool:
            if outside in self.kinds:
                return "class" in self.kinds[outside]
            return self.table[outside].rsplit("#", 1)[-1].rsplit("/", 1)[-1][:1].isupper()

        return sorted(k for k in self.table if is_class(k))

    def translate(self, g: Graph, *, source: str) -> tuple[Graph, ImportReport]:
        """Return ``g`` rewritten into our vocabulary, and what was kept and left out."""
        out, report = Graph(), ImportReport(source=source, triples_read=len(g))
        used: set[str] = set()

        def term(t: Any) -> Any:
            if isinstance(t, URIRef) and str(t) in self.table:
                used.add(str(t))
                return URIRef(self.table[str(t)])
            return t

        for s, p, o in g:
            if p == RDF.type:
                if str(o) not in self.table and not is_ours(str(o)):
                    report.unmapped_classes[str(o)] += 1
                    continue
                out.add((term(s), RDF.type, term(o)))
            elif str(p) in self.table or p in PASS_THROUGH or is_ours(str(p)):  # ours need no mapping
                out.add((term(s), term(p), term(o)))
            else:
                report.dropped_predicates[str(p)] += 1
        for s, p, o in self.links:
            out.add((s, p, o))
        for outside in sorted(used):
            if not is_ours(outside) and is_ours(self.table[outside]) and "#" not in self.table[outside]:
                out.add((URIRef(self.table[outside]), SKOS.exactMatch, URIRef(outside)))
        report.rewritten_terms = len(used)
        match_places(out, report)
        report.triples_kept = len(out)
        return out, report


def match_places(g: Graph, report: ImportReport) -> None:
    """Give every imported division with a pk:divisionCode our IRI for that code (in place), keeping
    its own IRI as a skos:exactMatch: a GB/T 2260 code names one division whoever publishes it."""
    for place, code in list(g.subject_objects(PK.divisionCode)):
        ours = iri_for("place", str(code))
        if place == ours:
            continue
        for s, p, o in list(g.triples((place, None, None))):
            g.remove((s, p, o))
            g.add((ours, p, o))
        for s, p, o in list(g.triples((None, None, place))):
            g.remove((s, p, o))
            g.add((s, p, ours))
        g.add((ours, SKOS.exactMatch, place))
        report.places_matched += 1


def fetch_outside_graph(endpoint: Endpoint, translator: Translator, *, limit: int = 200_000) -> Graph:
    """Return the triples of every instance of an outside class the mapping covers, from ``endpoint``."""
    classes = translator.outside_classes()
    if not classes:
        return Graph()
    values = " ".join(f"<{c}>" for c in classes)
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?c {{ {values} }} ?s a ?c ; ?p ?o }} LIMIT {int(limit)}"
    g = endpoint.construct(query)
    # Divisions are often described apart from the plans that point at them: fetch those too.
    places = sorted({str(o) for o in g.objects() if isinstance(o, URIRef)} - {str(s) for s in g.subjects()})
    if places and any(v == str(PK.divisionCode) for v in translator.table.values()):
        code_props = " ".join(f"<{k}>" for k, v in translator.table.items() if v == str(PK.divisionCode))
        refs = " ".join(f"<{p}>" for p in places[:500])
        g += endpoint.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {refs} }} "
                                f"VALUES ?code {{ {code_props} }} ?s ?code ?c ; ?p ?o }}")
    return g


def unmapped_class_census(endpoint: Endpoint, translator: Translator) -> Counter[str]:
    """Return {class: instance count} for the endpoint's classes the mapping leaves out.

    An endpoint import fetches only mapped classes, so this census is how the analyst learns what
    a fuller mapping file would bring in.
    """
    rows = endpoint.select("SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")
    schema = (str(RDF), str(RDFS), str(OWL))  # the vocabulary's own declarations are not data
    return Counter({str(r["c"]): int(r["n"]) for r in rows
                    if "c" in r and str(r["c"]) not in translator.table and not is_ours(str(r["c"]))
                    and not str(r["c"]).startswith(schema)})
