"""From plan files to one graph in memory: the build ``policykg build`` runs, merged into one graph.

It never writes anything: the caller saves the graph, and kg.graph.save_graph does so atomically,
so a failed build never replaces a good graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.graph import Store
from loaders.corpus import BuildResult, build_corpus
from loaders.organizations import Place, Registry


def build_graph(paths: Iterable[str | Path], *, store: Store | str = Store.OXIGRAPH,
                registry: Registry | None = None, places: dict[str, Place] | None = None,
                include_ontology: bool = True) -> BuildResult:
    """Read every plan in ``paths`` and return the build, its ``graph`` one merged graph of them all.

    The same build as ``policykg build`` (:func:`loaders.corpus.build_corpus`: jurisdictions,
    corrections beside the plans, registered new names, co-assignment counts), in memory, with the
    named graphs merged into one (the ontology included unless ``include_ontology`` is false).

    Raises:
        LoadError: a file cannot be read or holds no recognisable plan.
    """
    result = build_corpus(paths, registry=registry, places=places, store=store, include_ontology=include_ontology)
    result.graph = result.merged(store)
    return result
