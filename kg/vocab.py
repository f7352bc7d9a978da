"""The project's small vocabularies, each written once: levels and roles, organisation ids, graph IRIs, RDF formats.

Administrative levels and roles are read from the ontology (their ``skos:notation``, and for levels
the order of ``pk:AdministrativeLevels``), so a new level or role is an ontology edit, not a code
edit. The rest are conventions the ontology does not hold: the short id of an organisation
(``371724/县商务局``, the tail of its IRI), the named graphs of the store, and the RDF syntaxes
policykg reads and writes, each with its file suffixes, media types and its names in rdflib and
pyoxigraph [pyoxigraph's ``RdfFormat``].
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import LoadError
from kg.iri import id_of, iri_for, iri_of
from kg.namespace import PK

__all__ = [
    "DERIVED_GRAPH", "INFERRED_GRAPH", "NOT_PLAN_GRAPHS", "ONTOLOGY_GRAPH", "ORGANIZATION_KINDS", "RDF_FORMATS",
    "SHARED_GRAPH", "Concept", "RdfFormat", "concept", "concepts", "level", "level_iri", "level_notation",
    "level_rank", "levels", "notation_iri", "org_id", "org_iri", "organization_iri", "rdf_format_for",
    "rdf_format_named", "role_iri", "role_notation",
]


# -- Levels and roles, from the ontology ------------------------------------------------------------

@dataclass(frozen=True)
class Concept:
    """One individual of a controlled vocabulary: its IRI, ``skos:notation`` and labels."""

    iri: URIRef
    notation: str
    zh: str
    en: str


@lru_cache(maxsize=1)
def _ontology() -> tuple[dict[tuple[str, str], list[Any]], dict[str, list[str]]]:
    """(subject, predicate) → objects and subject → types of the ontology file, read once."""
    import pyoxigraph as ox

    from ontology import ONTOLOGY_PATH

    values: dict[tuple[str, str], list[Any]] = {}
    for q in ox.parse(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE):
        values.setdefault((q.subject.value, q.predicate.value), []).append(q.object)
    types = {s: [o.value for o in objs] for (s, p), objs in values.items() if p == str(RDF.type)}
    return values, types


def _concept(iri: str) -> Concept:
    values, _ = _ontology()
    notation = values.get((iri, str(SKOS.notation)))
    if not notation:
        raise LookupError(f"{iri} has no skos:notation in the ontology")
    labels = {lit.language: lit.value for lit in values.get((iri, str(RDFS.label)), [])}
    return Concept(URIRef(iri), notation[0].value, labels.get("zh", ""), labels.get("en", ""))


def _rdf_list(head: Any) -> list[str]:
    values, _ = _ontology()
    out = []
    while head.value != str(RDF.nil):
        out.append(values[(head.value, str(RDF.first))][0].value)
        head = values[(head.value, str(RDF.rest))][0]
    return out


@lru_cache(maxsize=1)
def levels() -> tuple[Concept, ...]:
    """Return the administrative levels, highest first (national, province, city, county).

    Example:
        >>> [lv.notation for lv in levels()]
        ['national', 'province', 'city', 'county']
    """
    values, _ = _ontology()
    head = values[(str(PK.AdministrativeLevels), str(SKOS.memberList))][0]
    return tuple(_concept(iri) for iri in _rdf_list(head))


@cache
def concepts(cls: str) -> tuple[Concept, ...]:
    """Return the individuals of ontology class ``cls`` that carry a ``skos:notation``, in the file's order.

    Example:
        >>> [c.notation for c in concepts(PK.Role)]
        ['lead', 'responsible', 'domain_lead']
    """
    values, types = _ontology()
    return tuple(_concept(s) for s, ts in types.items()
                 if str(cls) in ts and (s, str(SKOS.notation)) in values)


def concept(cls: str, notation_or_iri: str | None) -> Concept | None:
    """Return the individual of ``cls`` a notation (``"lead"``) or IRI (pk:LeadRole) names, or None."""
    return next((c for c in concepts(cls) if notation_or_iri in (c.notation, str(c.iri))), None)


def notation_iri(cls: str, notation: str) -> URIRef:
    """Return the IRI of the individual of ``cls`` with this notation (``PK.Role, "lead"`` → pk:LeadRole).

    Raises:
        LookupError: the ontology defines no such individual (a code and ontology mismatch).
    """
    c = concept(cls, notation)
    if c is None:
        raise LookupError(f"the ontology defines no {cls} with notation {notation!r}")
    return c.iri


def level(notation_or_iri: str | None) -> Concept | None:
    """Return the level a notation (``"city"``) or IRI (``pk:CityLevel``) names, or None."""
    return next((lv for lv in levels() if notation_or_iri in (lv.notation, str(lv.iri))), None)


def level_iri(notation: str) -> URIRef | None:
    """Return the IRI of the level with this notation (``"province"`` → pk:ProvinceLevel), or None."""
    lv = level(notation)
    return lv.iri if lv else None


def level_notation(iri: str | None) -> str | None:
    """Return the notation of a level IRI (pk:CountyLevel → ``"county"``), or None."""
    lv = level(iri)
    return lv.notation if lv else None


def level_rank(notation_or_iri: str | None) -> int | None:
    """Return how high a level is: 0 for the lowest (county), larger above; None if not a level.

    Example:
        >>> level_rank("county") < level_rank("city") < level_rank(str(PK.NationalLevel))
        True
    """
    lv = level(notation_or_iri)
    return len(levels()) - 1 - levels().index(lv) if lv else None


def role_iri(notation: str) -> URIRef:
    """Return the IRI of the role with this notation (``"lead"`` → pk:LeadRole)."""
    return notation_iri(PK.Role, notation)


def role_notation(iri: str | None) -> str | None:
    """Return the notation of a role IRI (pk:ResponsibleRole → ``"responsible"``), or None."""
    c = concept(PK.Role, iri)
    return c.notation if c else None


# -- Organisations: kinds, id ↔ IRI ----------------------------------------------------------------

#: The registry's kinds of body (loaders/data/registry/) → the ontology class each kind means. The
#: registry accepts exactly these kinds; a body of no known kind is a pk:GovernmentAgency.
ORGANIZATION_KINDS: dict[str, URIRef] = {
    "government_agency": PK.GovernmentAgency,
    "people_government": PK.PeopleGovernment,
    "court": PK.Court,
    "procuratorate": PK.Procuratorate,
    "party_organ": PK.PartyOrgan,
    "public_institution": PK.PublicInstitution,
    "soe_branch": PK.StateOwnedEnterpriseBranch,
    "bank_branch": PK.BankBranch,
    "regulator_branch": PK.RegulatorBranch,
    "mass_organization": PK.MassOrganization,
    "utility_group": PK.UtilityGroup,
    "placeholder": PK.CollectiveUnit,
}

ORG_KIND = "org"  # organisation IRIs are …/id/org/<division code>/<name>


def organization_iri(place_code: str | None, name: str) -> URIRef:
    """Return the IRI of the body ``name`` of a division (``None``: a body of no known place).

    Example:
        >>> str(organization_iri("371724", "县商务局"))
        'https://w3id.org/policykg/id/org/371724/县商务局'
    """
    return iri_for(ORG_KIND, place_code or "unplaced", name)


def org_id(iri: str) -> str:
    """Return the short id of an organisation IRI, as in ``/organizations/{id}``; other IRIs unchanged.

    Example:
        >>> org_id("https://w3id.org/policykg/id/org/371724/县商务局")
        '371724/县商务局'
    """
    return id_of(ORG_KIND, iri)


def org_iri(id_or_iri: str) -> str:
    """Return the IRI of an organisation given by short id (``371724/县商务局``) or by full IRI."""
    return iri_of(ORG_KIND, id_or_iri)


# -- The store's named graphs -----------------------------------------------------------------------

#: The ontology, loaded into the store beside the plans.
ONTOLOGY_GRAPH = URIRef("https://w3id.org/policykg/ontology")
#: Nodes many plans share (organisations, places, concepts): one copy, whichever plan named them first.
SHARED_GRAPH = URIRef("https://w3id.org/policykg/graph/shared")
#: Facts computed over the whole corpus at build time (co-assignments).
DERIVED_GRAPH = URIRef("https://w3id.org/policykg/graph/derived")
#: Triples the OWL reasoner infers, in a TriG file written by ``policykg reason``.
INFERRED_GRAPH = URIRef("https://w3id.org/policykg/graph/inferred")
#: Named graphs that are not a plan's own.
NOT_PLAN_GRAPHS = frozenset({str(ONTOLOGY_GRAPH), str(SHARED_GRAPH), str(DERIVED_GRAPH), str(INFERRED_GRAPH)})


# -- RDF syntaxes -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax with every name it goes by.

    ``name`` is the short name (a ``format`` parameter's value); ``names`` further short names that
    ask for it; ``suffixes`` the file suffixes, canonical first; ``media_types`` canonical first;
    ``rdflib`` the rdflib plugin; ``oxigraph`` the pyoxigraph ``RdfFormat`` member; ``native`` the
    oxrdflib plugin that parses and writes it in Rust on an Oxigraph-backed graph (triple syntaxes
    only: quad syntaxes go through rdflib's Dataset so named graphs survive); ``w3c`` its name in
    the W3C's registry of formats (http://www.w3.org/ns/formats/), as a Service Description says it.
    """

    name: str
    suffixes: tuple[str, ...]
    media_types: tuple[str, ...]
    rdflib: str
    oxigraph: str
    w3c: str
    native: str | None = None
    quads: bool = False
    names: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def aliases(self) -> tuple[str, ...]:
        """Media types besides the canonical one that ask for this syntax."""
        return self.media_types[1:]

    @property
    def ox(self) -> Any:
        """The pyoxigraph ``RdfFormat`` member."""
        import pyoxigraph as ox

        return getattr(ox.RdfFormat, self.oxigraph)


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", (".ttl", ".turtle"), ("text/turtle", "application/x-turtle"), "turtle", "TURTLE", "Turtle",
              "ox-turtle", names=("ttl",)),
    RdfFormat("ntriples", (".nt", ".ntriples"), ("application/n-triples", "text/plain"), "nt", "N_TRIPLES", "N-Triples",
              "ox-ntriples", names=("nt", "n-triples")),
    RdfFormat("jsonld", (".jsonld", ".json"), ("application/ld+json", "application/json"), "json-ld", "JSON_LD", "JSON-LD",
              names=("json-ld",)),
    RdfFormat("rdfxml", (".rdf", ".owl", ".xml"), ("application/rdf+xml", "application/xml", "text/xml"), "xml",
              "RDF_XML", "RDF_XML", "ox-xml", names=("rdf", "rdf+xml")),
    RdfFormat("nquads", (".nq",), ("application/n-quads",), "nquads", "N_QUADS", "N-Quads", quads=True, names=("nq",)),
    RdfFormat("trig", (".trig",), ("application/trig",), "trig", "TRIG", "TriG", quads=True),
)


def rdf_format_for(path: str | Path) -> RdfFormat:
    """Return the RDF syntax of a file, from its suffix.

    Raises:
        LoadError: the suffix is not an RDF syntax policykg reads or writes.

    Example:
        >>> rdf_format_for("build/kg.ttl").rdflib
        'turtle'
    """
    suffix = Path(path).suffix.lower()
    for f in RDF_FORMATS:
        if suffix in f.suffixes:
            return f
    known = ", ".join(sorted(s for f in RDF_FORMATS for s in f.suffixes))
    raise LoadError(str(path), "", f"unknown RDF file extension (use one of {known})")


def rdf_format_named(name: str) -> RdfFormat | None:
    """Return the syntax a short name, rdflib name or media type asks for (``ttl``, ``nt``, ``text/turtle``).

    Example:
        >>> rdf_format_named("n-triples").name
        'ntriples'
    """
    wanted = name.strip().lower()
    return next((f for f in RDF_FORMATS if wanted in {f.name, f.rdflib, *f.names, *f.media_types}), None)
