"""Build many plans into one dataset: each document in its own named graph, with its jurisdiction.

What a corpus build adds to :func:`loaders.build.build_graph`:

* every plan's triples go into a named graph (the document's IRI), so a .trig output keeps one graph
  per plan with its metadata (title, 文号, issuer, jurisdiction, source file and format); a .ttl
  output merges them; the ontology sits in a graph of its own;
* each plan's division is found from its own clues or given (:mod:`loaders.jurisdiction`); a plan
  of unknown place gets a division of its own, so organisations of different places never merge;
* names the registry does not know are registered per jurisdiction — same IRI in every plan of that
  place — and collected in ``new_organizations`` for a curator (``policykg build`` writes them out);
* corrections (:mod:`loaders.corrections`) are applied before the triples are made;
* a progress callback is called after each document, with its build time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef

from kg.graph import Store, load_ontology, new_dataset, new_graph
from kg.namespace import PK
from loaders.build import BuildResult, expand_inputs
from loaders.corrections import Corrections, apply_corrections, corrections_for
from loaders.jurisdiction import find_place
from loaders.organizations import Place, Registry
from loaders.policy_doc import load_policy_document
from loaders.records import PolicyDocument, Problem, Severity
from loaders.report import LoadReport
from loaders.to_rdf import document_iri, document_triples

ONTOLOGY_GRAPH = URIRef("https://w3id.org/policykg/ontology")
Progress = Callable[[int, int, Path, float], None]


@dataclass
class NewOrganization:
    """A unit name no registry entry knows, as first met in a jurisdiction."""

    name: str
    kind: str
    level: str
    place: str  # the jurisdiction's name
    first_seen: str  # file name
    mentions: int = 1


@dataclass
class CorpusResult:
    """The dataset (union view for queries), the parsed documents, problems and per-document times."""

    dataset: Dataset
    documents: list[PolicyDocument]
    report: LoadReport = field(default_factory=LoadReport)
    new_organizations: list[NewOrganization] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def graph(self) -> Dataset:
        """The union of every named graph (what queries and counts see)."""
        return self.dataset

    def summary(self) -> dict[str, int]:
        return BuildResult(self.dataset, self.documents, self.report).summary()

    def merged(self, store: Store | str = Store.OXIGRAPH) -> Graph:
        """One graph holding every triple once (for .ttl/.nt output and remote stores)."""
        g = new_graph(store)
        g.addN((s, p, o, g) for s, p, o, _ in self.dataset.quads((None, None, None, None)))
        return g


def build_corpus(paths: Iterable[str | Path], *, registry: Registry | None = None,
                 places: dict[str, Place] | None = None, corrections: Iterable[Corrections] = (),
                 progress: Progress | None = None, store: Store | str = Store.OXIGRAPH,
                 include_ontology: bool = True, place: Place | None = None) -> CorpusResult:
    """Read every plan in ``paths`` (files or directories) into one dataset (rules in the module docstring).

    ``place`` (``--place``) is every plan's division; otherwise each plan's is found from its own clues.

    Raises:
        LoadError: a file cannot be read or holds no recognisable plan.
    """
    registry = registry or Registry.load(places=places)
    ds = new_dataset(store)
    ds.default_union = True
    if include_ontology:
        onto = ds.graph(ONTOLOGY_GRAPH)
        ds.addN((s, p, o, onto) for s, p, o in load_ontology())
    result = CorpusResult(ds, [])
    files = expand_inputs(paths)
    extra = list(corrections)
    new: dict[tuple[str, str], NewOrganization] = {}
    seen_iris: dict[URIRef, str] = {}
    for k, path in enumerate(files, 1):
        started = time.perf_counter()
        doc = load_policy_document(path)
        apply_corrections(doc, corrections_for(path, extra))
        found = find_place(doc, registry.places, given=place, path=path)
        registry.places.add(found.place)  # an unplaced plan's own division
        doc.problems.append(Problem(Severity.INFO if found.known else Severity.WARN, doc.source, "place", found.note()))
        triples, problems = document_triples(doc, registry, registry.places, found.place, place_note=found.note())
        name = document_iri(doc, found.place)
        if name in seen_iris:
            doc.problems.append(Problem(Severity.WARN, doc.source, "header",
                                        f"same document identifier as {seen_iris[name]}: their graphs are merged"))
        seen_iris.setdefault(name, doc.source)
        graph = ds.graph(name)
        ds.addN((s, p, o, graph) for s, p, o in triples)
        ds.add((name, PK.sourceFile, Literal(path.name), graph))
        _collect_new(doc, registry, found.place, new)
        result.report.extend(doc.problems)
        result.report.extend(problems)
        result.documents.append(doc)
        result.seconds[str(path)] = time.perf_counter() - started
        if progress is not None:
            progress(k, len(files), path, result.seconds[str(path)])
    result.new_organizations = sorted(new.values(), key=lambda o: (o.place, o.name))
    return result


def _collect_new(doc: PolicyDocument, registry: Registry, place: Place | None,
                 new: dict[tuple[str, str], NewOrganization]) -> None:
    mentions = [u for d in doc.domains for u in d.leads] + [u for t in doc.tasks for u in t.lead + t.responsible]
    where = place.name if place else "（未知）"
    for u in mentions:
        org = registry.resolve(u.name, place=place)
        if org.known:
            continue
        key = (where, org.name)
        if key in new:
            new[key].mentions += 1
        else:
            new[key] = NewOrganization(org.name, org.kind, org.level, where, Path(doc.source).name)
