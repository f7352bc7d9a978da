"""Build, add to and remove from the persistent store (``policykg build`` / ``add`` / ``remove``).

Each command writes a new generation of the store (:mod:`kg.store`) and switches to it only when
everything worked, so a failed or killed command leaves the store as it was:

* build: plans read in parallel (:func:`loaders.corpus.read_documents`), each checked by the SHACL
  shapes where it was read, bulk-loaded into an empty generation, co-assignment counts derived, the
  shared nodes checked where plans meet (:mod:`kg.validation_store`);
* add: the new plans read first (a bad file fails before anything is copied), then a checkpoint of
  the current generation (hard links: no data copied) gets each plan's graph, its shared
  nodes and its pair counts; only the added plans are checked;
* remove: a checkpoint loses the plan's graph, its pairs, and the shared nodes nothing else uses.

The generation's meta.json lists its documents (IRI, 文号, file, title, tasks, new organisations),
so ``remove`` finds a plan by any of them and the new-organisations listing is rewritten from it.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from kg.errors import GraphNotFound, KGError
from kg.store import Generation, export_nquads, is_store, writing
from kg.store_counts import plan_counts, store_counts
from kg.store_update import add_document, remove_document
from kg.validation import ValidationReport
from kg.vocab import ONTOLOGY_GRAPH, SHARED_GRAPH
from loaders.corpus import (
    NEW_ORGANIZATIONS,
    BuildResult,
    DocumentBuild,
    NewOrganization,
    Progress,
    fill_store,
    read_documents,
)
from loaders.corrections import Corrections
from loaders.formats import expand_inputs
from loaders.organizations import Place, Registry
from loaders.report import LoadReport


class DocumentNotInStore(KGError):
    """``policykg remove`` was given a document the store does not hold."""


def build_store(paths: Iterable[str | Path], root: Path, *, jobs: int | None = None,
                corrections: Iterable[Corrections] = (), progress: Progress | None = None,
                strict: bool = False, validate: bool = True, out: Path | None = None,
                registry: Registry | None = None, places: dict[str, Place] | None = None,
                place: Place | None = None) -> BuildResult:
    """Build the plans of ``paths`` into a new generation of the store at ``root`` and switch to it.

    Args:
        out: also export the store to this file (.trig/.nq keep the named graphs; .ttl/.nt merge).
        place: every plan's division (``--place``); otherwise each plan's is found from its own clues.

    Raises:
        LoadError: a plan cannot be read, or (``strict``) a warning was raised. The store is unchanged.
        StoreBusy: another command is writing the store.
    """
    files = expand_inputs(paths)
    registry = registry or Registry.load(places=places)
    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    # The readers start (fork) before the store's locks are taken, so no worker holds them.
    builds = read_documents(files, registry=registry, place=place, corrections=corrections, jobs=jobs,
                            validate=validate)
    with closing(builds), writing(root) as w, _export_copy(out) as copy:
        gen = w.new_generation(from_current=False)
        try:
            result = fill_store(gen.store, builds, total=len(files), refs=gen.refs, progress=progress,
                                copy_to=copy.file if copy else None)
            steps["read and load"] = time.perf_counter() - t0
            result.report.raise_for_problems(strict=strict)
            gen.meta = {"policykg_store": 2, "documents": {}}
            for b in result.builds:
                _record(gen.meta, b)
            gen.meta["triples"] = len(gen.store)  # quads: each triple is in one graph
            done = _finish(gen, validate=validate, builds=result.builds, out=copy, steps=steps, counted=None)
            w.publish(gen)
        except BaseException:
            w.discard(gen)
            raise
    return BuildResult(result.report, _listing(gen.meta), result.builds, generation=done.path,
                       counts=gen.meta["counts"], validation=done.validation, iris=result.iris, seconds=steps)


def add_to_store(paths: Iterable[str | Path], root: Path, *, corrections: Iterable[Corrections] = (),
                 validate: bool = True, strict: bool = False, jobs: int | None = None,
                 registry: Registry | None = None, places: dict[str, Place] | None = None,
                 place: Place | None = None) -> BuildResult:
    """Add (or replace) the plans of ``paths`` in the store at ``root``, as a new generation.

    Raises:
        GraphNotFound: there is no store at ``root`` yet.
        LoadError: a plan cannot be read, or (``strict``) a warning was raised. The store is unchanged.
    """
    files = expand_inputs(paths)
    _require_store(root)
    registry = registry or Registry.load(places=places)
    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    builds = list(read_documents(files, registry=registry, place=place, corrections=corrections, jobs=jobs,
                                 validate=validate))
    report = LoadReport()
    for b in builds:
        report.extend(b.problems)
    report.raise_for_problems(strict=strict)
    steps["read"] = time.perf_counter() - t0
    with writing(root) as w:
        gen = w.new_generation(from_current=True)
        try:
            t0 = time.perf_counter()
            named: set[str] = set()
            for b in builds:
                change = add_document(gen.store, gen.refs, b.iri, b.quads)
                named |= change.shared_nodes
                gen.meta["triples"] = gen.meta.get("triples", 0) + change.added - change.removed
                _record(gen.meta, b)
            steps["add"] = time.perf_counter() - t0
            done = _finish(gen, validate=validate, builds=builds, out=None, steps=steps,
                           counted=[b.iri for b in builds], focus=named)
            w.publish(gen)
        except BaseException:
            w.discard(gen)
            raise
    return BuildResult(report, _listing(gen.meta), builds, generation=done.path, counts=gen.meta["counts"],
                       validation=done.validation, iris=[b.iri for b in builds], seconds=steps)


def remove_from_store(document: str, root: Path) -> BuildResult:
    """Remove one plan — named by its IRI, its 文号 or its source file name — from the store at ``root``.

    Raises:
        DocumentNotInStore: no plan of the store is named so.
        GraphNotFound: there is no store at ``root``.
    """
    _require_store(root)
    steps: dict[str, float] = {}
    with writing(root) as w:
        gen = w.new_generation(from_current=True)
        try:
            iri = find_document(gen.meta, document)
            if iri is None:
                raise DocumentNotInStore(f"no document {document!r} in the store {root} "
                                         f"(give its IRI, 文号 or source file name)")
            t0 = time.perf_counter()
            change = remove_document(gen.store, gen.refs, iri)
            steps["remove"] = time.perf_counter() - t0
            gen.meta["triples"] = gen.meta.get("triples", 0) - change.removed
            del gen.meta["documents"][iri]
            done = _finish(gen, validate=False, builds=[], out=None, steps=steps, counted=[])
            w.publish(gen)
        except BaseException:
            w.discard(gen)
            raise
    return BuildResult(LoadReport(), _listing(gen.meta), generation=done.path, counts=gen.meta["counts"],
                       iris=[iri], seconds=steps)


def _require_store(root: Path) -> None:
    if not is_store(root):
        raise GraphNotFound(f"{root}: no store to change (run `policykg build --store {root}` first)")


def find_document(meta: dict[str, Any], key: str) -> str | None:
    """Return the IRI of the store's document named ``key``: its IRI, 文号 or source file name."""
    docs = meta.get("documents", {})
    if key in docs:
        return key
    for field_name in ("number", "file", "path"):
        found = [iri for iri, d in docs.items() if d.get(field_name) == key]
        if found:
            return found[0]
    return None


@dataclass
class _Copy:
    """The N-Quads a build loads, copied to a file beside the export it becomes."""

    target: Path
    quads: Path
    file: BinaryIO


@contextmanager
def _export_copy(out: Path | None) -> Iterator[_Copy | None]:
    if out is None:
        yield None
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    # Named like kg.graph.atomic_write's temporary files: a killed build leaves only such a file.
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".nq.tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield _Copy(out, Path(name), fh)
    finally:
        Path(name).unlink(missing_ok=True)


@dataclass
class _Done:
    path: Path
    validation: ValidationReport | None


def _finish(gen: Generation, *, validate: bool, builds: list[DocumentBuild], out: _Copy | None,
            steps: dict[str, float], counted: list[str] | None, focus: set[str] | None = None) -> _Done:
    """Counts, validation, the new-organisations listing and the export: what every write ends with.

    Counts are kept per plan (``counted``: the plans to count again, None for all) and summed.
    Validation merges each plan's own checks (run where it was read) with the shapes checked on the
    shared graph, where several plans' descriptions of one organisation meet (``focus``: only the
    shared nodes the added plans name).
    """
    t0 = time.perf_counter()
    docs = gen.meta["documents"]
    if counted is None or counted:
        for iri, c in plan_counts(gen.store, counted).items():
            docs[iri]["counts"] = c
    gen.meta["counts"] = store_counts(gen.store, {i: d.get("counts", {}) for i, d in docs.items()},
                                      triples=gen.meta["triples"])
    steps["count"] = time.perf_counter() - t0
    validation = None
    if validate:
        from kg.validation_store import report_of, validate_store

        t0 = time.perf_counter()
        shared = validate_store(gen.store, shared=(str(SHARED_GRAPH), str(ONTOLOGY_GRAPH)), focus=focus)
        validation = report_of([i for b in builds for i in b.issues or []] + shared.issues)
        steps["validate shared nodes"] = time.perf_counter() - t0
    _write_listing(_listing(gen.meta), gen.path / NEW_ORGANIZATIONS)
    if out is not None:
        t0 = time.perf_counter()
        out.file.close()
        export_nquads(out.quads, out.target)
        steps["export"] = time.perf_counter() - t0
    return _Done(gen.path, validation)


def _record(meta: dict[str, Any], b: DocumentBuild) -> None:
    docs = meta.setdefault("documents", {})
    entry = docs.get(b.iri)
    new = [vars(o) for o in b.new_organizations]
    if entry is not None and entry.get("path") != str(b.path):  # two files, one 文号: one merged graph
        new = entry.get("new_organizations", []) + new
    docs[b.iri] = {"number": b.number, "title": b.title, "file": b.path.name, "path": str(b.path),
                   "tasks": b.tasks, "new_organizations": new}


def _listing(meta: dict[str, Any]) -> list[NewOrganization]:
    merged: dict[tuple[str, str], NewOrganization] = {}
    for iri in meta.get("documents", {}):
        for o in meta["documents"][iri].get("new_organizations", []):
            key = (o["place"], o["name"])
            if key in merged:
                merged[key].mentions += o["mentions"]
            else:
                merged[key] = NewOrganization(**o)
    return sorted(merged.values(), key=lambda o: (o.place, o.name))


def write_new_organizations(orgs: list[NewOrganization], path: Path) -> Path:
    """Write the listing of names no registry entry knows, for a curator."""
    return _write_listing(orgs, path)


def _write_listing(orgs: list[NewOrganization], path: Path) -> Path:
    entries = [{"name": o.name, "kind": o.kind, "level": o.level, "jurisdiction": o.place,
                "note": f"first seen in {o.first_seen}; {o.mentions} mention(s)"} for o in orgs]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Unit names no registry entry knows, per jurisdiction (kind guessed from the name).\n"
                    "# To register one, add it to loaders/data/organizations.yaml (or as an alias).\n"
                    + yaml.safe_dump({"organizations": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
