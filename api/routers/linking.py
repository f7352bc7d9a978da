"""Routes for linking across levels: alignments with higher plans, counterparts, places, functions.

Every answer is a saved question (queries/sparql/link_*.rq) run through run_query, so the routes,
``policykg query --name link_…`` and a remote store all agree. The links themselves are written by
``policykg link``; before it runs, alignment routes answer with empty lists, not errors.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from api.deps import SourceDep
from api.errors import ERROR_RESPONSES, NotFound
from kg.errors import QueryParameterError
from kg.iri import iri_for, iri_of
from queries.library import run_query

router = APIRouter(prefix="/linking", tags=["Linking across levels"], responses=ERROR_RESPONSES)


class RowsPublic(BaseModel):
    """Rows of one saved question: ``data`` holds one object per row, keyed by its columns."""

    count: int
    data: list[dict[str, Any]]


def _rows(source: Any, name: str, **params: Any) -> RowsPublic:
    data = run_query(source, name, **{k: v for k, v in params.items() if v is not None})
    return RowsPublic(count=len(data), data=data)


# RFC 3987 ucschar: the non-ASCII code points an IRI may hold (no controls, no private use).
_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF), *(
    (base, base + 0xFFFD) for base in range(0x10000, 0xE0001, 0x10000)))
_ASCII_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[!#-;=?-\[\]_a-z~]*$")


def _checked(name: str, iri: str) -> str:
    """``iri`` if every character may stand in an IRI, else a 400 naming the parameter.

    Example:
        >>> _checked("org", "https://w3id.org/policykg/id/org/371724/县商务局")[-4:]
        '县商务局'
    """
    ascii_form = "".join(c if ord(c) < 0x80 else "a" for c in iri)
    ok = _ASCII_IRI.match(ascii_form) and all(
        any(lo <= ord(c) <= hi for lo, hi in _UCSCHAR) for c in iri if ord(c) >= 0x80)
    if not ok:
        raise QueryParameterError("linking", name, "is not a valid IRI or id")
    return iri


def _iri(kind: str, value: str, name: str) -> str:
    """A full IRI as given, or the IRI of ``kind`` whose id (the part after /id/<kind>/) is ``value``."""
    return _checked(name, iri_of(kind, value))


@router.get("/alignments", response_model=RowsPublic, summary="Alignments found between plans")
def alignments(
    source: SourceDep,
    predicate: Annotated[str | None, Query(description="Keep one kind: implements, alignedWith, exactMatch "
                                                       "or closeMatch (or a full IRI).")] = None,
) -> RowsPublic:
    """Every pk:Alignment: lower and higher task or domain, predicate, score, methods and evidence."""
    if predicate and not re.match(r"^https?:", predicate):
        ns = "http://www.w3.org/2004/02/skos/core#" if predicate.endswith("Match") else "https://w3id.org/policykg/ontology#"
        predicate = ns + predicate
    return _rows(source, "link_alignments", predicate=_checked("predicate", predicate) if predicate else None)


@router.get("/implemented-tasks", response_model=RowsPublic, summary="Tasks and the higher tasks they implement")
def implemented_tasks(
    source: SourceDep,
    lead: Annotated[str | None, Query(description="Only higher tasks led by this organisation (id such as "
                                                  "370000/山东省市场监督管理局, or IRI).")] = None,
    document: Annotated[str | None, Query(description="Only tasks of this lower plan (IRI).")] = None,
) -> RowsPublic:
    """E.g. county tasks whose provincial counterpart is led by 省市场监管局: ``?lead=370000/山东省市场监督管理局``."""
    return _rows(source, "link_implemented_tasks", lead=_iri("org", lead, "lead") if lead else None,
                 document=_iri("document", document, "document") if document else None)


@router.get("/deployment-waits", response_model=RowsPublic, summary="Deployment waits and the higher tasks they resolve to")
def deployment_waits(
    source: SourceDep,
    document: Annotated[str | None, Query(description="Only tasks of this lower plan (IRI).")] = None,
) -> RowsPublic:
    """Tasks proceeding 根据省、市统一部署, with the higher task matched for each wait (if any)."""
    return _rows(source, "link_deployment_resolution",
                 document=_iri("document", document, "document") if document else None)


@router.get("/higher-departments", response_model=RowsPublic,
            summary="Higher departments whose reforms a task carries")
def higher_departments(
    source: SourceDep,
    task: Annotated[str, Query(description="The lower task's IRI, or its id (371724/巨政发〔2023〕5号/task/107).")],
) -> RowsPublic:
    """Lead units of the implemented higher task, and higher counterparts of the task's own lead units."""
    return _rows(source, "link_task_higher_departments", task=_iri("document", task, "task"))


@router.get("/counterparts/{org:path}", response_model=RowsPublic,
            summary="Counterparts and managing bodies of an organisation")
def counterparts(
    source: SourceDep,
    org: Annotated[str, Path(description="Organisation id as in /organizations (371724/县市场监督管理局) or IRI.")],
) -> RowsPublic:
    """Same-function bodies above and below it (higher/lower counterpart) and vertical parents/branches."""
    iri = _iri("org", org, "org")
    rows = _rows(source, "link_counterparts", org=iri)
    if not rows.count and not run_query(source, "organizations", org=iri):
        raise NotFound(f"no organisation {org!r} (see /organizations)")
    return rows


@router.get("/places", response_model=RowsPublic, summary="Administrative divisions and their Wikidata items")
def places(source: SourceDep) -> RowsPublic:
    """Divisions with GB/T 2260 code, level, parent division and Wikidata item where known."""
    return _rows(source, "link_places")


@router.get("/functions/{key}/bodies", response_model=RowsPublic,
            summary="Bodies of one government function, at every level")
def function_bodies(
    source: SourceDep,
    key: Annotated[str, Path(description="Function key, e.g. market_regulation (see ontology/functions.ttl).")],
    place: Annotated[str | None, Query(description="Only bodies in this division or below: a GB/T 2260 "
                                                   "code (370000) or a place IRI.")] = None,
) -> RowsPublic:
    """E.g. every market-regulation body in the province: ``/linking/functions/market_regulation/bodies?place=370000``."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        raise NotFound(f"no government function {key!r}")
    place_iri = _iri("place", place, "place") if place else None
    return _rows(source, "link_bodies_by_function", function=str(iri_for("function", key)), place=place_iri)
