"""Analysis results as RDF, so SPARQL can rank and filter by them.

One ``pk:NetworkAnalysis`` node per scope (the analysed plans) and as-of date; one
``pk:OrganizationMeasurement`` per real organisation and one ``pk:TaskStatus`` per task hang off it.
IRIs come from kg.iri with stable keys (the plans' 文号, the date, the organisation's and task's
own IRI), so writing the same analysis twice gives the same triples. The returned graph is new:
the analysed graph is never changed.

Example query over a written-back file::

    SELECT ?name ?score WHERE {
      ?m pk:measuredOrganization ?org ; pk:bottleneckScore ?score .
      ?org skos:prefLabel ?name } ORDER BY DESC(?score)
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg.graph import Store, new_graph
from kg.iri import BASE, child_iri, iri_for
from kg.namespace import PK

LIGHTS = {"red": PK.RedLight, "yellow": PK.YellowLight, "green": PK.GreenLight, "open": PK.OpenLight}


def analysis_iri(B: nx.Graph, as_of: date) -> URIRef:
    """Return the IRI of the analysis of the plans in ``B`` as of ``as_of``.

    One plan is named by its 文号; several by a digest of their document IRIs.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": "t", "number": 1, "doc": "d", "document": "巨政发〔2023〕5号"}], [])
        >>> str(analysis_iri(B, date(2023, 10, 1)))
        'https://w3id.org/policykg/id/analysis/巨政发〔2023〕5号/2023-10-01'
    """
    docs = sorted({(str(a.get("doc")), a.get("document")) for _, a in B.nodes(data=True) if a.get("kind") == "task"})
    if len(docs) == 1 and docs[0][1]:
        scope = docs[0][1]
    else:
        digest = hashlib.sha1("\n".join(d for d, _ in docs).encode("utf-8")).hexdigest()[:12]
        scope = f"{len(docs)}-plans-{digest}"
    return iri_for("analysis", scope, as_of.isoformat())


def _key(iri: str) -> str:
    return iri[len(BASE):] if iri.startswith(BASE) else iri


def results_graph(B: nx.Graph, *, as_of: date, workload: list[dict[str, Any]], measures: dict[str, Any],
                  bottlenecks: list[dict[str, Any]], statuses: list[dict[str, Any]]) -> Graph:
    """Return a new graph holding the analysis results of the plans in ``B``.

    Args:
        B: the task–organisation graph analysed (only read for the scope and task IRIs).
        as_of: the date the statuses are for.
        workload: :func:`queries.analysis.workload.organization_workload` rows.
        measures: :func:`queries.analysis.network.organization_measures` output.
        bottlenecks: :func:`queries.analysis.bottlenecks.bottleneck_report` entries.
        statuses: :func:`queries.analysis.deadlines.task_status` rows.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": "https://w3id.org/policykg/id/document/D/task/1", "number": 1}],
        ...     [{"task": "https://w3id.org/policykg/id/document/D/task/1", "org": "https://w3id.org/policykg/id/org/1/A",
        ...       "role": "lead"}])
        >>> g = results_graph(B, as_of=date(2023, 10, 1), measures={"organizations": [], "betweenness_method": "exact"},
        ...     workload=[{"iri": "https://w3id.org/policykg/id/org/1/A", "collective": False, "lead": 1, "responsible": 0}],
        ...     bottlenecks=[], statuses=[{"id": "https://w3id.org/policykg/id/document/D/task/1", "status": "open"}])
        >>> sorted(str(o).rsplit("#")[-1] for o in g.objects(None, PK.statusLight)), len(list(g.subjects(PK.leadTaskCount, None)))
        (['OpenLight'], 1)
    """
    g = new_graph(Store.MEMORY)
    run = analysis_iri(B, as_of)
    g.add((run, RDF.type, PK.NetworkAnalysis))
    g.add((run, PK.asOfDate, Literal(as_of, datatype=XSD.date)))
    g.add((run, RDFS.label, Literal(f"网络分析 {as_of.isoformat()}", lang="zh")))
    g.add((run, DCTERMS.description, Literal(f"betweenness: {measures.get('betweenness_method', '')}")))
    for doc in sorted({a.get("doc") for _, a in B.nodes(data=True) if a.get("kind") == "task" and a.get("doc")}):
        g.add((run, PROV.used, URIRef(doc)))

    nodes: dict[str, URIRef] = {}

    def measurement(org: str) -> URIRef:
        if org not in nodes:
            m = nodes[org] = child_iri(run, "organization", _key(org))
            g.add((m, RDF.type, PK.OrganizationMeasurement))
            g.add((m, PK.fromAnalysis, run))
            g.add((m, PK.measuredOrganization, URIRef(org)))
        return nodes[org]

    for r in workload:
        if r.get("collective"):
            continue
        m = measurement(r["iri"])
        g.add((m, PK.leadTaskCount, Literal(int(r["lead"]))))
        g.add((m, PK.responsibleTaskCount, Literal(int(r["responsible"]))))
    for r in measures.get("organizations", []):
        m = measurement(r["iri"])
        g.add((m, PK.degree, Literal(int(r["degree"]))))
        g.add((m, PK.weightedDegree, Literal(int(r["weighted_degree"]))))
        g.add((m, PK.betweenness, _decimal(r["betweenness"])))
        g.add((m, PK.eigenvectorCentrality, _decimal(r["eigenvector"])))
        g.add((m, PK.coreNumber, Literal(int(r["core"]))))
        if r.get("community") is not None:
            g.add((m, PK.communityNumber, Literal(int(r["community"]))))
        g.add((m, PK.articulationPoint, Literal(bool(r["articulation"]))))
        if r.get("domains", 0) is not None:  # None: a corpus analysed from its sums does not know it
            g.add((m, PK.domainSpread, Literal(int(r.get("domains", 0)))))
    for e in bottlenecks:
        m = measurement(e["iri"])
        g.add((m, PK.bottleneckScore, _decimal(e["score"])))
        g.add((m, PK.bottleneckRank, Literal(int(e["rank"]))))
        for reason in e.get("reasons", []):
            g.add((m, PK.bottleneckReason, Literal(reason)))
    for s in statuses:
        node = child_iri(run, "task", _key(s["id"]))
        g.add((node, RDF.type, PK.TaskStatus))
        g.add((node, PK.fromAnalysis, run))
        g.add((node, PK.statusOf, URIRef(s["id"])))
        g.add((node, PK.statusLight, LIGHTS[s["status"]]))
    return g


def _decimal(x: float) -> Literal:
    return Literal(f"{float(x):.6f}", datatype=XSD.decimal)
