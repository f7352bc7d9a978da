"""The government-function concept scheme: loaders/data/functions.yaml read, checked and written as SKOS.

Every organisation's ``function`` key (the registry, loaders/data/registry/) names a concept here, so "every
market-regulation body in the province" is one SPARQL pattern, and counterparts across levels are
found by function rather than by name. ``python -m loaders.functions`` writes the published
rendering, ontology/functions.ttl; a test fails when it and the YAML drift apart.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.errors import LoadError
from kg.iri import iri_for
from kg.namespace import PK
from loaders.data import DATA_DIR

FUNCTIONS_PATH = DATA_DIR / "functions.yaml"
RENDERED_PATH = Path(__file__).resolve().parents[1] / "ontology" / "functions.ttl"

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Function:
    """One concept: its key (the IRI's last segment), labels, and the key of its broader concept."""

    key: str
    zh: str
    en: str
    broader: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class FunctionScheme:
    key: str
    zh: str
    en: str
    note: str | None
    functions: dict[str, Function]

    @property
    def iri(self) -> URIRef:
        return iri_for("scheme", self.key)


def function_iri(key: str) -> URIRef:
    """Return the IRI of the function concept ``key``.

    Example:
        >>> str(function_iri("market_regulation"))
        'https://w3id.org/policykg/id/function/market_regulation'
    """
    return iri_for("function", key)


def load_function_scheme(path: Path = FUNCTIONS_PATH) -> FunctionScheme:
    """Return the scheme in ``path``; raise LoadError naming the file and concept if malformed.

    Example:
        >>> load_function_scheme().functions["taxation"].broader
        'public_finance'
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LoadError(str(path), "", f"cannot read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("scheme"), dict) \
            or not isinstance(data.get("functions"), list):
        raise LoadError(str(path), "", "expected a 'scheme' mapping and a 'functions' list")
    functions: dict[str, Function] = {}
    for i, e in enumerate(data["functions"]):
        where = f"function {i + 1}"
        if not isinstance(e, dict) or not all(isinstance(e.get(f), str) and e[f] for f in ("key", "zh", "en")):
            raise LoadError(str(path), where, "needs string key, zh and en")
        if unknown := set(e) - {"key", "zh", "en", "broader", "note"}:
            raise LoadError(str(path), f"{where} ({e['key']})", f"unknown field(s) {sorted(unknown)}")
        if e["key"] in functions:
            raise LoadError(str(path), f"{where} ({e['key']})", "duplicate key")
        functions[e["key"]] = Function(e["key"], e["zh"], e["en"], e.get("broader"), e.get("note"))
    for f in functions.values():
        if f.broader is not None and f.broader not in functions:
            raise LoadError(str(path), f"function {f.key}", f"broader {f.broader!r} is not a key")
    s = data["scheme"]
    return FunctionScheme(s.get("key", "function"), s.get("zh", ""), s.get("en", ""), s.get("note"), functions)


@lru_cache(maxsize=1)
def default_scheme() -> FunctionScheme:
    return load_function_scheme()


def concept_triples(scheme: FunctionScheme, keys: Iterable[str] | None = None) -> Iterator[Triple]:
    """Yield the SKOS triples of the concepts ``keys`` (all when None) and of their broader chains.

    A key the scheme lacks still gets a concept node (label = key) so no IRI dangles; the registry
    test keeps that from happening with the bundled data.
    """
    wanted: set[str] = set(scheme.functions) if keys is None else set()
    for key in keys or ():
        while key and key not in wanted:
            wanted.add(key)
            key = scheme.functions[key].broader if key in scheme.functions else None
    s = scheme.iri
    yield (s, RDF.type, SKOS.ConceptScheme)
    yield (s, SKOS.prefLabel, Literal(scheme.zh, lang="zh"))
    yield (s, SKOS.prefLabel, Literal(scheme.en, lang="en"))
    if scheme.note:
        yield (s, DCTERMS.description, Literal(scheme.note, lang="en"))
    for key in sorted(wanted):
        f = scheme.functions.get(key) or Function(key, key, key)
        c = function_iri(key)
        yield (c, RDF.type, SKOS.Concept)
        yield (c, RDF.type, PK.GovernmentFunction)
        yield (c, SKOS.inScheme, s)
        yield (c, SKOS.notation, Literal(key))
        yield (c, SKOS.prefLabel, Literal(f.zh, lang="zh"))
        yield (c, SKOS.prefLabel, Literal(f.en, lang="en"))
        yield (c, RDFS.label, Literal(f.zh, lang="zh"))
        yield (c, RDFS.label, Literal(f.en, lang="en"))
        if f.note:
            yield (c, SKOS.scopeNote, Literal(f.note, lang="en"))
        if f.broader:
            yield (c, SKOS.broader, function_iri(f.broader))
            yield (function_iri(f.broader), SKOS.narrower, c)
        else:
            yield (c, SKOS.topConceptOf, s)
            yield (s, SKOS.hasTopConcept, c)


def render_scheme(scheme: FunctionScheme | None = None) -> str:
    """Return the whole scheme as Turtle (what ontology/functions.ttl holds)."""
    from kg.graph import Store, new_graph

    g = new_graph(Store.MEMORY)
    g.bind("fn", str(iri_for("function", "x"))[:-1])
    for t in concept_triples(scheme or default_scheme()):
        g.add(t)
    header = ("# GENERATED by `python -m loaders.functions` from loaders/data/functions.yaml: edit the YAML,\n"
              "# then regenerate. The SKOS scheme of government functions organisations are classified by.\n")
    return header + g.serialize(format="turtle")


def main() -> int:
    RENDERED_PATH.write_text(render_scheme(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
