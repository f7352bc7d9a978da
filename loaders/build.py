"""From plan files to one graph: read → parse → resolve organisations → triples → graph.

This is what ``policykg build`` runs. It never writes anything: the caller saves the graph, and
kg.graph.save_graph does so atomically, so a failed build never replaces a good graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import ORG, RDF

from kg.errors import LoadError
from kg.graph import Store
from kg.namespace import PK
from loaders.organizations import Registry
from loaders.records import PolicyDocument
from loaders.report import LoadReport

PLAN_SUFFIXES = {".txt", ".docx", ".pdf", ".html", ".htm"}  # readers: loaders/formats


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Return the plan files named by ``paths``; a directory stands for the plan files in it.

    Raises:
        LoadError: a path does not exist, or a directory holds no plan file.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in PLAN_SUFFIXES)
            if not found:
                raise LoadError(str(p), "", f"no plan files ({', '.join(sorted(PLAN_SUFFIXES))}) in this directory")
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise LoadError(str(p), "", "no such file or directory")
    return out


@dataclass
class BuildResult:
    graph: Graph
    documents: list[PolicyDocument]
    report: LoadReport = field(default_factory=LoadReport)

    def summary(self) -> dict[str, int]:
        """Counts an analyst checks first: tasks, domains, organisations, deadlines, triples."""
        g = self.graph

        def count(cls) -> int:
            return len(set(g.subjects(RDF.type, cls)))

        return {
            "documents": len(self.documents),
            "tasks": count(PK.Task),
            "domains": count(PK.Domain),
            # Organisations the plans name in a role; the graph also holds their higher-level
            # counterparts and parents (linking), which no plan names.
            "organizations": len(set(g.objects(None, PK.agent))),
            "organizations_in_graph": count(ORG.Organization),
            "deadlines": count(PK.Deadline),
            "references": count(PK.PolicyReference),
            "targets": count(PK.Target),
            "deployment_waits": len(set(g.subjects(PK.hasDeploymentWait, None))),
            "preconditions": count(PK.Precondition),
            "triples": len(g),
            **{f"problems_{k}": v for k, v in self.report.counts().items()},
        }

    def deadlines_per_month(self) -> dict[str, int]:
        c: Counter[str] = Counter()
        for doc in self.documents:
            for t in doc.tasks:
                for d in t.deadlines:
                    if d.date:
                        c[d.date.strftime("%Y-%m")] += 1
        return dict(sorted(c.items()))


def build_graph(paths: Iterable[str | Path], *, store: Store | str = Store.OXIGRAPH,
                registry: Registry | None = None, places: dict | None = None,
                include_ontology: bool = True) -> BuildResult:
    """Read every plan in ``paths`` and return one merged graph of them, with the ontology included.

    The same build as ``policykg build`` (:func:`loaders.corpus.build_corpus`: jurisdictions,
    corrections beside the plans, registered new names, co-assignment counts), in memory, with the
    named graphs merged into one.

    Raises:
        LoadError: a file cannot be read or holds no recognisable plan.
    """
    from loaders.corpus import build_corpus  # imported here: corpus builds on this module's helpers

    result = build_corpus(paths, registry=registry, places=places, store=store, include_ontology=include_ontology)
    return BuildResult(graph=result.merged(store), documents=result.documents, report=result.report)
