"""Build many plans into one store: each document in its own named graph, with its jurisdiction.

Every build — ``policykg build`` into the on-disk store, ``policykg add``, and the in-memory
:func:`build_corpus` that :func:`loaders.build.build_graph` wraps — reads each plan with the same
step, :func:`read_document` (read → corrections → place → triples), in parallel worker processes
when there are several, and loads the result the same way (:func:`fill_store`):

* every plan's own triples go into a named graph (the document's IRI); nodes plans share
  (organisations, places, functions) go once into the shared graph; the ontology sits in a graph of
  its own (:mod:`kg.store_update`); co-assignment counts are derived at the end (:mod:`kg.bulk`);
* each plan's division is found from its own clues or given (:mod:`loaders.jurisdiction`); a plan
  of unknown place gets a division of its own, so organisations of different places never merge;
* names the registry does not know are registered per jurisdiction — same IRI in every plan of that
  place — and collected in ``new_organizations`` for a curator;
* corrections (:mod:`loaders.corrections`) are applied before the triples are made.

Each document is read on its own (nothing learnt from one plan changes another's triples), so the
result does not depend on the order or the number of worker processes.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import Dataset, Graph, Literal

from kg.aggregates import drop_plan_tallies, plan_tally_quads
from kg.bulk import pair_quads, store_pairs
from kg.errors import LoadError
from kg.graph import Store, bind_prefixes, load_ontology, new_graph
from kg.namespace import PK
from kg.org_pairs import org_pair_quads
from kg.rollups import rollup_quads
from kg.store import store_graph
from kg.store_update import PlanQuads, in_graph, plan_quads
from kg.validation import ValidationIssue, ValidationReport
from kg.validation_store import plan_store, validate_document
from kg.vocab import ONTOLOGY_GRAPH, SHARED_GRAPH
from loaders.corrections import Corrections, apply_corrections, corrections_for
from loaders.formats import expand_inputs
from loaders.jurisdiction import find_place
from loaders.organizations import Place, Registry
from loaders.policy_doc import load_policy_document
from loaders.records import PolicyDocument, Problem, Severity
from loaders.report import LoadReport
from loaders.to_rdf import document_iri, document_triples

__all__ = ["NEW_ORGANIZATIONS", "BuildResult", "DocumentBuild", "NewOrganization", "build_corpus", "fill_store",
           "read_document", "read_documents"]

Progress = Callable[[int, int, Path, float], None]
NEW_ORGANIZATIONS = "new-organizations.yaml"  # a store generation's listing of names no registry knows


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
class DocumentBuild:
    """One plan, read: its triples written for the store, what was learnt, and how long it took."""

    path: Path
    iri: str
    quads: PlanQuads | None
    number: str | None = None  # 文号
    title: str | None = None
    tasks: int = 0
    problems: list[Problem] = field(default_factory=list)
    new_organizations: list[NewOrganization] = field(default_factory=list)
    seconds: float = 0.0
    document: PolicyDocument | None = None  # kept only when the caller asks (in-memory builds)
    issues: list[ValidationIssue] | None = None  # SHACL issues of this plan, when it was validated
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)  # its co-assignment pairs


def read_document(path: Path, *, registry: Registry, place: Place | None = None,
                  corrections: Iterable[Corrections] = (), keep_document: bool = False,
                  validate: bool = False) -> DocumentBuild:
    """Read one plan and return its triples, split for the store: the step every build runs per plan.

    ``place`` (``--place``) is the plan's division; otherwise it is found from the plan's own clues.
    With ``validate``, the plan's triples are also checked against the SHACL shapes here, where
    the plan was read (in a worker process when there are several).

    Raises:
        LoadError: the file cannot be read or holds no recognisable plan.
    """
    started = time.perf_counter()
    doc = load_policy_document(path)
    apply_corrections(doc, corrections_for(path, list(corrections)))
    found = find_place(doc, registry.places, given=place, path=path)
    place = registry.places.add(found.place)  # an unplaced plan's own division
    doc.problems.append(Problem(Severity.INFO if found.known else Severity.WARN, doc.source, "place", found.note()))
    triples, problems = document_triples(doc, registry, registry.places, place, place_note=found.note())
    name = document_iri(doc, place)
    triples.append((name, PK.sourceFile, Literal(path.name)))
    quads = plan_quads(str(name), triples)
    # The plan alone in a small store: its co-assignment pairs (summed into the store's) and checks.
    alone = plan_store(quads.own.replace(f" <{name}> .\n".encode(), b" .\n") + quads.shared, with_ontology=validate)
    issues = validate_document(alone) if validate else None
    # Its tallies (kg.aggregates), counted while the plan is alone, kept in its own graph.
    quads.own += plan_tally_quads(alone, str(name))
    return DocumentBuild(path, str(name), quads, doc.doc_number, doc.title, len(doc.tasks),
                         [*doc.problems, *problems], _new_organizations(doc, registry, place),
                         time.perf_counter() - started, doc if keep_document else None, issues,
                         store_pairs(alone))


def read_documents(files: list[Path], *, registry: Registry, place: Place | None = None,
                   corrections: Iterable[Corrections] = (), jobs: int | None = None,
                   keep_documents: bool = False, validate: bool = False) -> Iterator[DocumentBuild]:
    """Read ``files`` with ``jobs`` worker processes (default: one per core), yielding in file order.

    The workers are forked here, at the call, so they inherit no lock the caller takes afterwards
    (a flock is shared with every process that inherits its file).

    Raises:
        LoadError: a file cannot be read (the first such file, in file order), while iterating.
    """
    jobs = min(jobs or os.cpu_count() or 1, len(files))
    options = {"registry": registry, "place": place, "corrections": list(corrections),
               "keep_document": keep_documents, "validate": validate}
    if jobs <= 1 or not hasattr(os, "fork"):
        return (read_document(f, **options) for f in files)
    import multiprocessing as mp
    import threading

    # fork: the workers inherit the loaded registry instead of each reading and indexing it again.
    # Not from a process running other threads (a server, a test harness): a lock one of them holds
    # at the fork would stay locked in the child forever; spawn starts clean and receives the options.
    method = "fork" if threading.active_count() == 1 else "spawn"
    pool = mp.get_context(method).Pool(jobs, initializer=_init_worker, initargs=(options,))
    return _PoolResults(pool, files)


class _PoolResults(Iterator[DocumentBuild]):
    """The workers' results in file order; ``close()`` (or the end, or an error) stops the workers."""

    def __init__(self, pool: Any, files: list[Path]) -> None:
        self.pool = pool
        self.results = pool.imap(_read_in_worker, files, chunksize=1)  # the workers start now

    def __next__(self) -> DocumentBuild:
        try:
            item = next(self.results)
        except BaseException:
            self.close()
            raise
        if isinstance(item, tuple):  # a LoadError, sent as its fields (its __init__ does not unpickle)
            self.close()
            raise LoadError(*item)
        return item

    def close(self) -> None:
        self.pool.terminate()


_WORKER: dict[str, Any] = {}


def _init_worker(options: dict[str, Any]) -> None:
    _WORKER.update(options)
    try:  # Linux: die with the parent, so a killed build leaves no worker behind
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _read_in_worker(path: Path) -> DocumentBuild | tuple[str, str, str]:
    try:
        return read_document(path, **_WORKER)
    except LoadError as e:
        return (e.source, e.locator, e.message)


@dataclass
class BuildResult:
    """What a build, ``add`` or ``remove`` did: the plans read, problems, new organisations, where the triples went.

    In-memory builds (:func:`build_corpus`, :func:`loaders.build.build_graph`) hold the triples in
    ``graph``; the store commands (:mod:`loaders.store_build`) name the ``generation`` they wrote,
    with its counts, its validation and the seconds each step took.
    """

    report: LoadReport = field(default_factory=LoadReport)
    new_organizations: list[NewOrganization] = field(default_factory=list)
    builds: list[DocumentBuild] = field(default_factory=list)  # one per file read, in file order (quads dropped)
    # In memory: a Dataset of every named graph (its default graph their union), or one merged graph.
    graph: Graph | None = None
    generation: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)
    validation: ValidationReport | None = None
    iris: list[str] = field(default_factory=list)  # the plans built, added or removed
    seconds: dict[str, float] = field(default_factory=dict)  # step → seconds

    @property
    def documents(self) -> list[PolicyDocument]:
        """The plans as read, when the build kept them (in-memory builds do)."""
        return [b.document for b in self.builds if b.document is not None]

    @property
    def listing(self) -> Path | None:
        """The store generation's listing of names no registry entry knows."""
        return self.generation / NEW_ORGANIZATIONS if self.generation else None

    def merged(self, store: Store | str = Store.OXIGRAPH) -> Graph:
        """One graph holding every triple once (for .ttl/.nt output and remote stores)."""
        g = new_graph(store)
        if self.graph is not None:
            g.addN((s, p, o, g) for s, p, o, *_ in self.graph.quads((None, None, None, None)))
        return g


def fill_store(store: Any, builds: Iterable[DocumentBuild], *, total: int, refs: Any = None,
               progress: Progress | None = None, include_ontology: bool = True,
               batch_bytes: int = 64 << 20, copy_to: BinaryIO | None = None) -> BuildResult:
    """Bulk-load read plans into an empty pyoxigraph ``store``, then derive the co-assignment pairs.

    Args:
        refs: the store of each plan's shared triples (:mod:`kg.store_update`), for stores that
            will be changed by ``policykg add`` / ``remove``; None for a build nothing changes.
        copy_to: also write every quad loaded into ``store`` here, as N-Quads (the export: the
            text is at hand now; reading it back out of the store on disk would be a second pass over it all).

    Returns a BuildResult without a graph (the caller decides whether to keep a view of
    ``store``: a view keeps the database open); the plans' N-Quads are dropped from ``builds`` once
    loaded, so memory holds one batch at a time.
    """
    import pyoxigraph as ox

    def load(data: bytes) -> None:
        if data:
            store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
            if copy_to is not None:
                copy_to.write(data)

    result = BuildResult()
    # Organisations recur in every plan of a place: each shared line is loaded once (and never
    # when the ontology states it already, as for the function scheme).
    seen: set[bytes] = set()
    if include_ontology:
        ontology = load_ontology().serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        seen.update(ontology)
        load(in_graph(str(ONTOLOGY_GRAPH), ontology))
    pending: list[bytes] = []
    pending_refs: list[bytes] = []
    size = 0
    seen_iris: dict[str, str] = {}
    new: dict[tuple[str, str], NewOrganization] = {}
    pairs: Counter[tuple[str, str]] = Counter()
    for k, b in enumerate(builds, 1):
        if b.iri in seen_iris:
            b.problems.append(Problem(Severity.WARN, str(b.path), "header",
                                      f"same document identifier as {seen_iris[b.iri]}: their graphs are merged"))
        seen_iris.setdefault(b.iri, str(b.path))
        assert b.quads is not None
        pairs.update(b.pairs)
        lines = b.quads.shared_lines()
        fresh = [line for line in lines if line not in seen]
        seen.update(fresh)
        pending += [b.quads.own, in_graph(str(SHARED_GRAPH), fresh)]
        if refs is not None:
            pending_refs.append(in_graph(b.iri, lines))
        size += len(b.quads.own)
        b.quads = None
        for o in b.new_organizations:
            key = (o.place, o.name)
            if key in new:
                new[key].mentions += o.mentions
            else:
                new[key] = NewOrganization(**vars(o))
        result.report.extend(b.problems)
        result.builds.append(b)
        result.iris.append(b.iri)
        if size >= batch_bytes:
            load(b"".join(pending))
            if refs is not None:
                refs.bulk_load(b"".join(pending_refs), format=ox.RdfFormat.N_QUADS)
            pending, pending_refs, size = [], [], 0
        if progress is not None:
            progress(k, total, b.path, b.seconds)
    load(b"".join(pending))
    if refs is not None and pending_refs:
        refs.bulk_load(b"".join(pending_refs), format=ox.RdfFormat.N_QUADS)
    # Plans sharing an IRI share their tasks: then only counting the store itself is right.
    merged = len(seen_iris) < len(result.builds)
    load(pair_quads(store_pairs(store) if merged else pairs))
    if merged:
        _recount_merged_plans(store, result.builds, load)
    load(rollup_quads(store))  # the tallies summed for the corpus, from the store as loaded
    load(org_pair_quads(store))  # organisation pairs and due months for the corpus analysis
    result.new_organizations = sorted(new.values(), key=lambda o: (o.place, o.name))
    return result


def _recount_merged_plans(store: Any, builds: list[DocumentBuild], load: Callable[[bytes], None]) -> None:
    """Count again the tallies of each plan that several files made (each file counted its own part)."""
    for iri in {b.iri for b in builds}:
        if sum(1 for b in builds if b.iri == iri) > 1:
            drop_plan_tallies(store, iri)
            load(plan_tally_quads(store, iri))


def build_corpus(paths: Iterable[str | Path], *, registry: Registry | None = None,
                 places: dict[str, Place] | None = None, corrections: Iterable[Corrections] = (),
                 progress: Progress | None = None, store: Store | str = Store.OXIGRAPH,
                 include_ontology: bool = True, jobs: int = 1, place: Place | None = None) -> BuildResult:
    """Read every plan in ``paths`` (files or directories) into one in-memory dataset.

    The rules are the module docstring's; ``store`` is Oxigraph (default) or rdflib's memory store;
    ``place`` (``--place``) is every plan's division, otherwise each plan's is found from its own clues.

    Raises:
        LoadError: a file cannot be read or holds no recognisable plan.
    """
    import pyoxigraph as ox

    registry = registry or Registry.load(places=places)
    files = expand_inputs(paths)
    builds = read_documents(files, registry=registry, place=place, corrections=corrections, jobs=jobs,
                            keep_documents=True)
    ox_store = ox.Store()
    result = fill_store(ox_store, builds, total=len(files), progress=progress, include_ontology=include_ontology)
    result.graph = store_graph(ox_store)
    if Store(store) is Store.MEMORY:
        ds = bind_prefixes(Dataset(default_union=True))
        ds.parse(data=ox_store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
        result.graph = ds
    return result


def _new_organizations(doc: PolicyDocument, registry: Registry, place: Place | None) -> list[NewOrganization]:
    mentions = [u for d in doc.domains for u in d.leads] + [u for t in doc.tasks for u in t.lead + t.responsible]
    where = place.name if place else "（未知）"
    new: dict[str, NewOrganization] = {}
    for u in mentions:
        org = registry.resolve(u.name, place=place)
        if org.known:
            continue
        if org.name in new:
            new[org.name].mentions += 1
        else:
            new[org.name] = NewOrganization(org.name, org.kind, org.level, where, Path(doc.source).name)
    return list(new.values())
