"""Routes for analysis: GET /analysis/{workload,crunch,status,network,impact,bottlenecks,collaboration}.

Each route returns the same JSON as ``policykg analyze NAME --format json``: both call
queries.analysis.reports. Every route takes ``doc`` (one plan) or ``place`` (the plans of a
division and those below it: IRI or six-digit code), so a province's analyst can look at one
county without reading the province. Routes are plain ``def`` so the graph work runs in the thread pool.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.web.deps import SourceDep
from kg.iri import iri_for
from queries.analysis import reports
from queries.analysis.reports import AnalysisCache, PlanAnalysis

router = APIRouter(prefix="/analysis", tags=["analysis"])

DocParam = Annotated[str | None, Query(description="Analyse only this document (its IRI).")]


PlaceParam = Annotated[str | None, Query(description="Analyse only the plans of this division or one below it "
                                                     "(IRI or six-digit code: 371724 巨野县).")]


def _analysis(request: Request, source: Any, doc: str | None, place: str | None = None) -> PlanAnalysis:
    # One cache per app (see AnalysisCache): the first call reads and builds, the next ones reuse.
    cache = getattr(request.app.state, "analysis_cache", None)
    if cache is None:
        cache = request.app.state.analysis_cache = AnalysisCache()
    if place and re.fullmatch(r"\d{6}", place.strip()):
        place = str(iri_for("place", place.strip()))
    return cache.get(source, doc=doc, place=place or None)


@router.get("")
def list_analyses() -> dict[str, Any]:
    """The analyses this API answers."""
    return {"analyses": [{"name": n, "path": f"/analysis/{n}"} for n in reports.ANALYSES]}


@router.get("/workload")
def workload(request: Request, source: SourceDep, doc: DocParam = None,
             place: PlaceParam = None) -> list[dict[str, Any]]:
    """Tasks each organisation leads and supports, by domain and deadline month (collective units unranked)."""
    return reports.workload_report(_analysis(request, source, doc, place))


@router.get("/crunch")
def crunch(request: Request, source: SourceDep, doc: DocParam = None, place: PlaceParam = None,
           days: Annotated[int, Query(ge=0, description="Flag deadlines within this many days of issue.")] = reports.EARLY_DAYS,
           min_tasks: Annotated[int, Query(ge=1, description="Tasks due in one month that make an organisation busy.")] = reports.BUSY_TASKS,
           ) -> dict[str, Any]:
    """The organisation × month deadline matrix, crunch months, busy organisation-months, early deadlines."""
    return reports.crunch_report(_analysis(request, source, doc, place), days=days, min_tasks=min_tasks)


@router.get("/status")
def status(request: Request, source: SourceDep, doc: DocParam = None, place: PlaceParam = None,
           as_of: Annotated[date | None, Query(description="YYYY-MM-DD; default today.")] = None,
           days: Annotated[int, Query(ge=0, description="Yellow when the next deadline is this near.")] = reports.YELLOW_DAYS,
           ) -> dict[str, Any]:
    """Each task's traffic light (red/yellow/green/open) on a date, and the lights per organisation."""
    return reports.status_report(_analysis(request, source, doc, place), as_of=as_of, days=days)


@router.get("/network")
def network(request: Request, source: SourceDep, doc: DocParam = None, place: PlaceParam = None,
            ego: Annotated[str | None, Query(description="An organisation (name, alias or IRI): its ego network.")] = None,
            hops: Annotated[int, Query(ge=1, le=2, description="Ego network radius.")] = 1,
            ) -> dict[str, Any]:
    """Degree, betweenness, eigenvector, k-core, communities, articulation points; or an ego network."""
    return reports.network_report(_analysis(request, source, doc, place), ego=ego, hops=hops)


@router.get("/impact")
def impact(request: Request, source: SourceDep,
           org: Annotated[str, Query(description="The organisation that slips (name, alias or IRI).")],
           doc: DocParam = None, place: PlaceParam = None) -> dict[str, Any]:
    """If an organisation slips: the tasks it leads, the partners held up, the tasks tied to them."""
    return reports.impact_report(_analysis(request, source, doc, place), org)


@router.get("/bottlenecks")
def bottlenecks(request: Request, source: SourceDep, doc: DocParam = None, place: PlaceParam = None,
                top: Annotated[int | None, Query(ge=1, description="Only the first N.")] = None,
                ) -> list[dict[str, Any]]:
    """Organisations ranked by load × crunch × brokerage × dependence, each with its reasons."""
    return reports.bottlenecks_report(_analysis(request, source, doc, place), top=top)


@router.get("/collaboration")
def collaboration(request: Request, source: SourceDep, doc: DocParam = None,
                  place: PlaceParam = None) -> dict[str, Any]:
    """The collaboration graph as node-link JSON: node ``label`` = canonical name, edge ``weight`` = shared tasks."""
    return reports.collaboration_report(_analysis(request, source, doc, place))
