"""A parallel, bulk-loading build: the fast path proposed for ``policykg build`` at scale.

The standard build (loaders.build.build_graph) parses plans one after another in one process and
adds every triple through rdflib's Python store API, then kg.graph.save_graph serialises Turtle
with rdflib's serialiser. Here worker processes parse plans and turn their triples into N-Triples
text; the parent bulk-loads that text into Oxigraph (kg.bulk.graph_from_ntriples), materialises
the co-assignment pairs, and writes Turtle with Oxigraph's serialiser (kg.bulk.save_graph).
Same records, same triples writer, same registry: only the plumbing differs.

The benchmark corpora name 52 Shandong counties that loaders/data/places.yaml does not list; the
loader needs a plan's county registered to give its units county-scoped IRIs, so both builds here
use the bundled places plus the counties of benchmarks/data/counties.yaml (corpus_places).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.serializers.nt import _nt_row

from benchmarks.synth import load_counties
from kg.aggregates import materialize_aggregates
from kg.bulk import graph_from_ntriples, materialize_co_assignments
from kg.graph import load_ontology
from loaders.organizations import Place, Registry, load_places, place_for_issuer
from loaders.policy_doc import load_policy_document
from loaders.to_rdf import document_triples


def corpus_places() -> dict[str, Place]:
    """The bundled places plus every county, city and province of benchmarks/data/counties.yaml."""
    places = dict(load_places())
    counties, raw = load_counties()
    prov = raw["province"]
    extra = [Place(prov["code"], prov["name"], prov["name"].removesuffix("省"), "province", None, None,
                   (f"{prov['name']}人民政府",))]
    extra += [Place(c["code"], c["name"], c["name"].removesuffix("市"), "city", prov["code"], None,
                    (f"{c['name']}人民政府",)) for c in raw["cities"]]
    # Two-character county names (曹县, 单县) keep their 县 in the short form: 中国人民银行曹县支行.
    extra += [Place(c.code, c.name, c.name if len(c.name) == 2 else c.name.removesuffix("县"), "county",
                    c.city_code, None, (f"{c.name}人民政府",)) for c in counties]
    for p in extra:
        places.setdefault(p.code, p)
    return places


@dataclass
class FastBuild:
    graph: Graph
    documents: int = 0
    tasks: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    co_assignments: int = 0
    materialize_s: float = 0.0
    tallies: int = 0
    tallies_s: float = 0.0


_STATE: dict[str, object] = {}


def _init_worker() -> None:
    places = corpus_places()
    _STATE["places"] = places
    _STATE["registry"] = Registry.load(places=places)


def _plan_ntriples(path: str) -> tuple[bytes, int, list[str]]:
    """Parse one plan in a worker; return its triples as N-Triples, its task count, its problems."""
    if not _STATE:
        _init_worker()
    places, registry = _STATE["places"], _STATE["registry"]
    doc = load_policy_document(path)
    place = place_for_issuer(doc.issuer, places) if doc.issuer else None  # type: ignore[arg-type]
    triples, problems = document_triples(doc, registry, places, place)  # type: ignore[arg-type]
    data = "".join(_nt_row(t) for t in triples).encode("utf-8")
    severities = [p.severity.value for p in [*doc.problems, *problems]]
    return data, len(doc.tasks), severities


def build_fast(paths: Iterable[str | Path], *, workers: int | None = None, batch: int = 50,
               materialize: bool = True) -> FastBuild:
    """Build one Oxigraph-backed graph of ``paths`` with ``workers`` parsing processes.

    Example:
        >>> from loaders.data import BUNDLED_PLAN
        >>> fb = build_fast([BUNDLED_PLAN], workers=1)
        >>> fb.tasks
        170
    """
    paths = [str(p) for p in paths]
    workers = workers or os.cpu_count() or 1
    ontology = "".join(_nt_row(t) for t in load_ontology()).encode("utf-8")
    g = graph_from_ntriples([ontology])
    out = FastBuild(graph=g)
    pending: list[bytes] = []

    def consume(results: Iterable[tuple[bytes, int, list[str]]]) -> None:
        for data, ntasks, severities in results:
            pending.append(data)
            out.documents += 1
            out.tasks += ntasks
            out.problems.update(severities)
            if len(pending) >= batch:
                graph_from_ntriples(pending, graph=g)
                pending.clear()

    if workers == 1 or len(paths) < 4:
        consume(map(_plan_ntriples, paths))
    else:
        ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
        with ctx.Pool(workers, initializer=_init_worker) as pool:
            consume(pool.imap(_plan_ntriples, paths, chunksize=4))
    graph_from_ntriples(pending, graph=g)
    if materialize:
        t0 = time.perf_counter()
        out.co_assignments = materialize_co_assignments(g)
        out.materialize_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        out.tallies = materialize_aggregates(g)
        out.tallies_s = time.perf_counter() - t0
    return out
