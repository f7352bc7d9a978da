"""Routes for the pictures: the landing page at ``/`` and the interactive views under ``/viz``.

Each page is one self-contained HTML document (scripts and styles inlined, nothing fetched from
elsewhere), the same one ``policykg viz VIEW --out FILE.html`` writes. Filters, search and focus
run in the page itself and keep their state in the address (``?org=县财政局&month=2023-11``), so
a view can be bookmarked or sent on. Routes are plain ``def`` so the graph work runs in the
thread pool.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.web.deps import SourceDep
from api.web.errors import NotFound
from queries.library import run_query

router = APIRouter(tags=["pictures"])

DocParam = Annotated[str | None, Query(description="Only this document (its IRI).")]
PlaceParam = Annotated[str | None, Query(description="Only the plans of this division or one below it "
                                                     "(IRI or six-digit code: 371724 巨野县).")]


def _place(place: str | None) -> str | None:
    """The division an IRI or a six-digit code names (the REST routes' rule); None when not given."""
    from api.web.routers.rest import _place_iri

    return _place_iri(place) if place else None


def _many_places(source: Any) -> bool:
    """True when the loaded plans belong to more than one place: the corpus pictures apply."""
    return len(run_query(source, "plan_places")) > 1


def _names_en(request: Request, source: Any) -> dict[str, str]:
    """Every organisation's English name, read once per served source and kept as long as its
    analyses are: the same list for every page (0.6–1.6 s to read at 1,000 plans)."""
    import time

    from viz.names import english_names_of

    ttl = getattr(getattr(request.app.state, "analysis_cache", None), "ttl", 300.0)
    kept = getattr(request.app.state, "names_en", None)
    if kept is not None and kept[0] is source and (ttl is None or time.monotonic() - kept[1] < ttl):
        return kept[2]
    names = english_names_of(source)
    request.app.state.names_en = (source, time.monotonic(), names)
    return names


HTML = {"content": {"text/html": {}}, "description": "A self-contained HTML page."}


@router.get("/", response_class=HTMLResponse, responses={200: HTML})
def landing(source: SourceDep) -> HTMLResponse:
    """The landing page: what the graph holds, questions to start from, links to every view."""
    from viz.pages import landing_page

    return HTMLResponse(landing_page(source))


@router.get("/viz/collaboration", response_class=HTMLResponse, responses={200: HTML})
def collaboration(
    request: Request,
    source: SourceDep,
    doc: DocParam = None,
    place: PlaceParam = None,
    compare: Annotated[str | None, Query(description="With plans of several places: set this place (IRI or code) "
                                                     "against the others.")] = None,
    focus: Annotated[str | None, Query(description="An organisation (name, alias or IRI) to start focused on.")] = None,
    hops: Annotated[int, Query(ge=1, le=2, description="How far the focus reaches.")] = 1,
) -> HTMLResponse:
    """Who works with whom. With plans of several places (and no doc, place or focus): government
    functions working together across places, one place set against the rest with ``compare``;
    otherwise organisations joined by shared tasks (one place's own network with ``place``)."""
    from api.web.routers.analysis import _analysis
    from viz.collaboration import collaboration_page
    from viz.corpus import corpus_page
    from viz.data import load_view_data
    from viz.pages import SERVER_LINKS

    if not (doc or place or focus) and (compare or _many_places(source)):
        return HTMLResponse(corpus_page(source, links=SERVER_LINKS, compare=_place(compare)))
    where = _place(place)
    # The plans are read once for the page and the analyses alike (the server keeps them); a scope
    # of several plans sends its sentences when the analyst opens a task, not with the page.
    try:
        data = load_view_data(source, doc=doc, place=where, quotes=None, names_en=_names_en(request, source),
                              read_plans=lambda d, p: _analysis(request, source, d, p).B)
        return HTMLResponse(collaboration_page(source, links=SERVER_LINKS, focus=focus, hops=hops, doc=doc,
                                               place=where, data=data))
    except LookupError as e:
        raise NotFound(str(e).strip("'\"")) from None


@router.get("/viz/tasks", response_class=HTMLResponse, responses={200: HTML})
def tasks(source: SourceDep, doc: DocParam = None) -> HTMLResponse:
    """Each task with its lead and responsible units, by domain."""
    from viz.pages import SERVER_LINKS
    from viz.taskmap import tasks_page

    return HTMLResponse(tasks_page(source, links=SERVER_LINKS, doc=doc))


@router.get("/viz/dependencies", response_class=HTMLResponse, responses={200: HTML})
def dependencies(source: SourceDep, doc: DocParam = None) -> HTMLResponse:
    """What tasks wait for (higher-level deployment, outside events), the systems they share, their order."""
    from viz.pages import SERVER_LINKS
    from viz.taskmap import dependencies_page

    return HTMLResponse(dependencies_page(source, links=SERVER_LINKS, doc=doc))


@router.get("/viz/calendar", response_class=HTMLResponse, responses={200: HTML})
def calendar(request: Request, source: SourceDep, doc: DocParam = None, place: PlaceParam = None) -> HTMLResponse:
    """The organisation × month deadline heat map, a timeline of tasks by deadline, and each cell's tasks;
    with plans of several places (and no doc or place), tasks due per place and month."""
    from api.web.routers.analysis import _analysis
    from viz.calendar import calendar_page, corpus_calendar_page
    from viz.data import load_view_data
    from viz.pages import SERVER_LINKS

    if not (doc or place) and _many_places(source):
        return HTMLResponse(corpus_calendar_page(source, links=SERVER_LINKS))
    where = _place(place)
    # As the collaboration page: plans read once (kept by the server), sentences read per plan when listed.
    data = load_view_data(source, doc=doc, place=where, quotes=None, names_en=_names_en(request, source),
                          read_plans=lambda d, p: _analysis(request, source, d, p).B)
    return HTMLResponse(calendar_page(source, links=SERVER_LINKS, doc=doc, place=where, data=data))


@router.get("/viz/calendar.{fmt}", responses={200: {"content": {"image/png": {}, "image/svg+xml": {}},
                                                     "description": "The heat map and tasks due per month, for reports."}})
def calendar_image(source: SourceDep, fmt: str, doc: DocParam = None) -> Response:
    """The deadline heat map and tasks due per month as a PNG or SVG image, for reports."""
    from viz.calendar import IMAGE_FORMATS
    from viz.calendar import calendar_image as draw
    from viz.data import load_view_data

    if fmt not in IMAGE_FORMATS:
        raise NotFound(f"no calendar image in format {fmt!r} (use .png or .svg)")
    media = "image/png" if fmt == "png" else "image/svg+xml"
    return Response(draw(load_view_data(source, doc=doc), fmt), media_type=media)
