"""The REST API for people who do not write SPARQL: tasks, organisations, domains, documents, ledger.

Every answer comes from saved questions in queries/sparql/ run through :mod:`queries.library`,
so the REST API, the query page and ``policykg query --name`` can never disagree, and everything
runs unchanged against a remote SPARQL server. Lists come a page at a time, paged inside the
query (``limit`` is capped; ``next`` gives the next page), filtered by document and place in
SPARQL; the ledger is the one export of every row, streamed plan by plan. Routes are plain
``def``: FastAPI runs them in its thread pool, so a query never blocks the event loop.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from api.web.deps import SourceDep
from api.web.errors import ERROR_RESPONSES, NotFound
from api.web.models import (
    DeadlinePublic,
    DeploymentWaitPublic,
    DocumentPublic,
    DocumentsPublic,
    DomainPublic,
    DomainRef,
    DomainsPublic,
    LedgerFormat,
    OrganizationDetailPublic,
    OrganizationPublic,
    OrganizationRef,
    OrganizationsPublic,
    OrganizationTaskPublic,
    PartnerPublic,
    PreconditionPublic,
    ReferencePublic,
    Role,
    TargetPublic,
    TaskPublic,
    TasksPublic,
    TaskSummaryPublic,
    UnitAssignmentPublic,
)
from kg.errors import QueryParameterError
from kg.iri import iri_for
from kg.vocab import level_notation, level_rank, org_id, org_iri
from queries.library import Page, run_page, run_query

router = APIRouter(tags=["REST"], responses=ERROR_RESPONSES)

def _local(iri: str | None) -> str | None:
    return re.split(r"[#/]", iri)[-1] if iri else None


def _split(text: str | None, sep: str) -> list[str]:
    return [part for part in (text or "").split(sep) if part]


def _organization(r: dict[str, Any]) -> OrganizationPublic:
    return OrganizationPublic(
        id=org_id(r["org"]), iri=r["org"], name=r["name"], collective=bool(r["collective"]),
        alt_names=_split(r["alt_names"], "、"), kind=_local(r["kind"]), kind_name=r["kind_name"],
        level=level_notation(r["level"]) or _local(r["level"]), level_name=r["level_name"],
        registered=r["registered"], lead_tasks=r["lead_tasks"], responsible_tasks=r["responsible_tasks"],
        domains_led=r["domains_led"])


def _refs(names: str | None, iris: str | None, collective: str | None) -> list[OrganizationRef]:
    flagged = set(_split(collective, " "))
    return [OrganizationRef(id=org_id(iri), iri=iri, name=name, collective=iri in flagged)
            for name, iri in zip(_split(names, "、"), _split(iris, " "), strict=False)]


def _document_iri(source: Any, document: str) -> str:
    """Accept a plan's 文号 or its IRI."""
    if re.match(r"^(https?|urn):", document):
        found = run_query(source, "analysis_documents", doc=document)
    else:
        found = run_query(source, "documents", identifier=document)
    if not found:
        raise NotFound(f"no document {document!r} (see /documents)")
    return found[0]["doc"]


def _place_iri(place: str) -> str:
    """Accept a division's IRI or its GB/T 2260 code (371724 for 巨野县)."""
    if re.match(r"^(https?|urn):", place):
        return place
    if re.fullmatch(r"\d{6}", place.strip()):
        return str(iri_for("place", place.strip()))
    raise QueryParameterError("place", "place", f"{place!r}: give a division IRI or its six-digit code (371724)")


def _next(request: Request, page: Page) -> str | None:
    if page.next_offset is None:
        return None
    url = request.url.include_query_params(offset=page.next_offset, limit=page.limit)
    return f"{url.path}?{url.query}"


DocumentParam = Annotated[str | None, Query(description="Only this plan (文号 or IRI).")]
PlaceParam = Annotated[str | None, Query(description="Only plans of this division or one below it "
                                                     "(IRI or six-digit code: 371724 巨野县, 371700 菏泽市, 370000 山东省).")]
Offset = Annotated[int, Query(ge=0, description="Skip this many items.")]


def _limit(default: int, most: int) -> Any:
    return Annotated[int, Query(ge=1, le=most, description=f"Items per page (default {default}, at most {most}).")]


# -- tasks ---------------------------------------------------------------------------------------

@router.get("/tasks", response_model=TasksPublic, summary="Find tasks")
def list_tasks(
    request: Request,
    source: SourceDep,
    domain: Annotated[int | None, Query(description="Domain number (开办企业 is 1).", ge=1)] = None,
    organization: Annotated[str | None, Query(description="An organisation id or IRI (see /organizations).")] = None,
    role: Annotated[Role | None, Query(description="With organization: only where it leads / is responsible.")] = None,
    month: Annotated[str | None, Query(description="A deadline month (2023-09) or year (2023).",
                                       pattern=r"^\d{4}(-\d{2})?$")] = None,
    cites: Annotated[str | None, Query(description="Text in the title or 文号 of a cited document.")] = None,
    q: Annotated[str | None, Query(description="Text in the task's title or body.")] = None,
    document: DocumentParam = None,
    place: PlaceParam = None,
    offset: Offset = 0,
    limit: _limit(50, 500) = 50,
) -> TasksPublic:
    """Tasks matching every filter given, in document order, a page at a time (``next`` links the next)."""
    params: dict[str, Any] = {"domain": domain, "role": role.value if role else None, "month": month,
                              "cites": cites or None, "q": q or None}
    if organization:
        params["org"] = org_iri(organization)
    doc = _document_iri(source, document) if document else None
    where = _place_iri(place) if place else None
    page = run_page(source, "tasks", limit=limit, offset=offset, doc=doc, place=where, **params)
    return TasksPublic(count=page.total, offset=offset, limit=limit, next=_next(request, page),
                       data=[_task_summary(r) for r in page.rows])


def _task_summary(r: dict[str, Any]) -> TaskSummaryPublic:
    return TaskSummaryPublic(
        iri=r["task"], document=r["document"], number=r["number"], title=r["title"],
        domain_number=r["domain_number"], domain=r["domain_name"],
        lead_units=_refs(r["lead_units"], r["lead_iris"], r["collective_iris"]),
        responsible_units=_refs(r["responsible_units"], r["responsible_iris"], r["collective_iris"]),
        deadlines=_split(r["deadlines"], "、"),
        deadline_dates=[date.fromisoformat(d) for d in _split(r["deadline_dates"], " ")],
    )


@router.get("/tasks/{number}", response_model=TaskPublic, summary="One task, with the sentence behind each fact")
def get_task(
    number: int,
    source: SourceDep,
    document: Annotated[str | None, Query(description="The plan (文号 or IRI), when several are loaded.")] = None,
) -> TaskPublic:
    """Everything the graph says about task ``number``: units, deadlines, references, targets…"""
    params: dict[str, Any] = {"number": number}
    if document:
        params["doc"] = _document_iri(source, document)
    found = run_page(source, "tasks", limit=20, **params).rows
    if not found:
        raise NotFound(f"no task number {number}" + (f" in {document}" if document else ""))
    if len(found) > 1:
        docs = ", ".join(r["document"] for r in found)
        raise QueryParameterError("tasks", "document", f"task {number} exists in {docs}; add ?document=")
    return _task_detail(source, found[0]["task"])


def _task_detail(source: Any, task: str) -> TaskPublic:
    rows = run_query(source, "task_detail", task=task)
    one: dict[str, Any] = {}
    units: dict[str, list[UnitAssignmentPublic]] = {"lead_unit": [], "responsible_unit": []}
    deadlines: dict[str, DeadlinePublic] = {}
    refs: dict[str, ReferencePublic] = {}
    targets: dict[str, TargetPublic] = {}
    waits: dict[str, DeploymentWaitPublic] = {}
    preconditions: dict[str, PreconditionPublic] = {}
    for r in rows:
        f, v, label, sentence = r["field"], r["value"], r["label"], r["sentence"]
        if f in {"title", "number", "text", "follows_higher_deployment"}:
            one[f] = v
            if f == "text":
                one["sentence"] = sentence
        elif f == "document":
            one["document"] = label
        elif f == "domain":
            one["domain"] = DomainRef(iri=v, number=r["amount"], name=label)
        elif f in units:
            if not any(u.iri == v and u.mention == r["mention"] for u in units[f]):
                units[f].append(UnitAssignmentPublic(id=org_id(v), iri=v, name=label, collective=bool(r["collective"]),
                                                     mention=r["mention"], sentence=sentence))
        elif f == "deadline":
            deadlines.setdefault(v, DeadlinePublic(iri=v, label=label, date=r["date"], sentence=sentence))
        elif f == "reference":
            refs.setdefault(v, ReferencePublic(iri=v, label=label, sentence=sentence))
        elif f == "target":
            targets.setdefault(v, TargetPublic(iri=v, label=label, value=r["amount"], unit=r["unit"],
                                               comparator=r["comparator"], sentence=sentence))
        elif f == "deployment_wait":
            w = waits.setdefault(v, DeploymentWaitPublic(iri=v, label=label, levels=[], sentence=sentence))
            level = level_notation(r["level"])
            if level and level not in w.levels:
                w.levels.append(level)
        elif f == "precondition":
            preconditions.setdefault(v, PreconditionPublic(iri=v, label=label, sentence=sentence))
    for w in waits.values():  # highest level first, whatever order the store returned the rows in
        w.levels.sort(key=lambda lv: -(level_rank(lv) or 0))
    return TaskPublic(
        iri=task, document=one.get("document", ""), number=one.get("number", 0), title=one.get("title", ""),
        text=one.get("text"), sentence=one.get("sentence"), domain=one.get("domain"),
        follows_higher_deployment=one.get("follows_higher_deployment"),
        lead_units=units["lead_unit"], responsible_units=units["responsible_unit"],
        deadlines=sorted(deadlines.values(), key=lambda d: (d.date or date.max, d.label)),
        references=list(refs.values()), targets=list(targets.values()),
        deployment_waits=list(waits.values()), preconditions=list(preconditions.values()),
    )


# -- organisations -------------------------------------------------------------------------------

@router.get("/organizations", response_model=OrganizationsPublic, summary="Organisations")
def list_organizations(
    request: Request,
    source: SourceDep,
    collective: Annotated[bool | None, Query(description="false: leave collective units out; "
                                                         "true: only them.")] = None,
    document: DocumentParam = None,
    place: PlaceParam = None,
    offset: Offset = 0,
    limit: _limit(100, 1000) = 100,
) -> OrganizationsPublic:
    """Organisations with their kind, level and how many tasks they lead and support, busiest first."""
    page = run_page(source, "organizations", limit=limit, offset=offset, collective=collective,
                    doc=_document_iri(source, document) if document else None,
                    place=_place_iri(place) if place else None)
    return OrganizationsPublic(count=page.total, offset=offset, limit=limit, next=_next(request, page),
                               data=[_organization(r) for r in page.rows])


@router.get("/organizations/{org:path}", response_model=OrganizationDetailPublic,
            summary="One organisation: its tasks by role and its partners")
def get_organization(org: str, source: SourceDep) -> OrganizationDetailPublic:
    """``org`` is the id from /organizations (``371724/县商务局``) or the full IRI."""
    iri = org_iri(org)
    found = {r["org"]: _organization(r) for r in run_query(source, "organizations", org=iri)}
    if iri not in found:
        raise NotFound(f"no organisation {org!r} (see /organizations)")
    led, supported = [], []
    for r in run_query(source, "tasks_by_organization", org=iri):
        t = OrganizationTaskPublic(iri=r["task"], document=r["document"], number=r["number"], title=r["title"],
                                   domain=r["domain"], deadlines=_split(r["deadlines"], "、"),
                                   other_lead_units=_split(r["other_lead_units"], "、"))
        (led if r["role"] == "lead" else supported).append(t)
    partners = [
        PartnerPublic(organization=OrganizationRef(id=org_id(r["partner"]), iri=r["partner"], name=r["name"],
                                                   collective=bool(r["collective"])),
                      shared_tasks=r["shared_tasks"], led_by_org=r["led_by_org"],
                      task_numbers=[int(n) for n in _split(r["task_numbers"], "、")])
        for r in run_query(source, "organization_partners", org=iri)
    ]
    coordinated = [DomainRef(iri=r["domain"], number=r["number"], name=r["name"])
                   for r in run_query(source, "domains", org=iri)]
    return OrganizationDetailPublic(**found[iri].model_dump(), tasks_led=led, tasks_supported=supported,
                                    domains_coordinated=coordinated, partners=partners)


# -- domains, documents, ledger ------------------------------------------------------------------

@router.get("/domains", response_model=DomainsPublic, summary="Domains of each plan")
def list_domains(request: Request, source: SourceDep, document: DocumentParam = None, place: PlaceParam = None,
                 offset: Offset = 0, limit: _limit(100, 1000) = 100) -> DomainsPublic:
    """Each plan's domains with their coordinating departments and task counts, in document order."""
    page = run_page(source, "domains", limit=limit, offset=offset,
                    doc=_document_iri(source, document) if document else None,
                    place=_place_iri(place) if place else None)
    data = [DomainPublic(iri=r["domain"], document=r["document"], number=r["number"], name=r["name"],
                         leads=_refs(r["lead_names"], r["lead_iris"], r["collective_iris"]), tasks=r["tasks"] or 0)
            for r in page.rows]
    return DomainsPublic(count=page.total, offset=offset, limit=limit, next=_next(request, page), data=data)


@router.get("/documents", response_model=DocumentsPublic, summary="The plans in the graph")
def list_documents(request: Request, source: SourceDep, place: PlaceParam = None, offset: Offset = 0,
                   limit: _limit(100, 1000) = 100) -> DocumentsPublic:
    """The plans in issue order, with their issuer, jurisdiction and how many domains and tasks they hold."""
    page = run_page(source, "documents", limit=limit, offset=offset, place=_place_iri(place) if place else None)
    data = []
    for r in page.rows:
        issuer = (OrganizationRef(id=org_id(r["issuer"]), iri=r["issuer"], name=r["issuer_name"] or r["issuer"])
                  if r["issuer"] else None)
        data.append(DocumentPublic(
            iri=r["doc"], identifier=r["identifier"], title=r["title"], issuer=issuer, issued=r["issued"],
            plan_year=int(str(r["plan_year"])[:4]) if r["plan_year"] else None, place=r["jurisdiction"],
            place_name=r["jurisdiction_name"], domains=r["domains"] or 0, tasks=r["tasks"] or 0))
    return DocumentsPublic(count=page.total, offset=offset, limit=limit, next=_next(request, page), data=data)


@router.get("/ledger", summary="The task ledger (台账): a page for a browser; JSON, CSV or XLSX",
            responses={200: {"content": {"application/json": {}, "text/csv": {}, "text/html": {},
                                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def get_ledger(
    source: SourceDep, request: Request, format: LedgerFormat | None = None, document: DocumentParam = None,
    place: PlaceParam = None,
    as_of: Annotated[date | None, Query(description="The page's traffic lights as of this date (default today).")] = None,
) -> Response:
    """One row per task of every plan (or of one plan or place), as analysts keep it in Excel.

    Without ``format``, a browser (Accept: text/html) gets the ledger page: filters, sort and
    traffic lights for ``as_of``; any other client gets JSON. JSON and CSV are streamed plan by
    plan; CSV has a BOM so Excel reads the Chinese.
    """
    from api.render import json_chunks, rows_response
    from queries.ledger import LEDGER_COLUMNS, LEDGER_HEADERS, iter_ledger_rows

    if format is None:
        from api.web.routers.ontology_docs import negotiate

        if negotiate(request.headers.get("accept", ""), ("application/json", "text/html")) == "text/html":
            from viz.ledger import ledger_page

            page = ledger_page(source, as_of=as_of or date.today(),
                               doc=_document_iri(source, document) if document else None,
                               place=_place_iri(place) if place else None)
            return HTMLResponse(page, headers={"Vary": "Accept"})
        format = LedgerFormat.JSON
    rows = iter_ledger_rows(source, doc=_document_iri(source, document) if document else None,
                            place=_place_iri(place) if place else None)
    if format in (LedgerFormat.CSV, LedgerFormat.XLSX):
        return rows_response(rows, LEDGER_COLUMNS, format.value, filename="ledger", headers=LEDGER_HEADERS)
    return StreamingResponse(json_chunks(rows, LEDGER_COLUMNS), media_type="application/json",
                             headers={"Vary": "Accept"})
