"""Saved questions over HTTP: ``GET /queries`` lists them, ``GET /queries/{name}?k=v`` runs one.

The same library the CLI's ``policykg query --name`` uses: parameters arrive as query-string
values, are checked against the ``# param:`` header and bound as RDF terms, never pasted into
the SPARQL text. Answers are JSON, CSV with ``format=csv`` (Excel-ready, with a BOM), Excel with
``format=xlsx``, or SPARQL results JSON with ``format=srj`` (terms keep their kind: the query page
shows them in its result views). The listing gives each IRI parameter the class that fits it
(``kind``), read from the question's patterns and the ontology, for pickers.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import URL

from api.render import MEDIA_TYPES, TableFormat, rows_response
from api.web.deps import SourceDep
from api.web.errors import ERROR_RESPONSES
from api.web.models import QueriesPublic, QueryParamPublic, QueryPublic, QueryResultPublic
from kg.errors import QueryParameterError
from kg.graph import PREFIXES
from queries.library import query_result, rows_from_result, run_page
from queries.query_files import NamedQuery, get_query, load_queries
from queries.vocabulary import parameter_classes

router = APIRouter(tags=["Saved questions"])

# Query-string keys that steer the answer rather than fill a parameter.
RESERVED = {"format", "_format", "limit", "offset"}
XLSX = MEDIA_TYPES[TableFormat.XLSX]
FORMATS = {"json": "application/json", "csv": "text/csv", "xlsx": XLSX, "srj": "application/sparql-results+json"}
# Rows per page: a paged question's own page size (its LIMIT), else this; never more than MAX_LIMIT,
# so no JSON answer is the whole corpus (downloads are: a file is read at leisure).
DEFAULT_LIMIT = 100
MAX_LIMIT = 5000


@lru_cache(maxsize=256)
def projected_columns(sparql: str) -> tuple[str, ...]:
    """The query's SELECT variables, so an empty answer still has its columns.

    Asked of Oxigraph on an empty store (its parser is safe to call from several request threads at
    once; rdflib's pyparsing grammar is not).
    """
    import pyoxigraph

    result = pyoxigraph.Store().query(sparql, prefixes=PREFIXES)
    return tuple(v.value for v in getattr(result, "variables", ()))


def _public(q: NamedQuery) -> QueryPublic:
    kinds = parameter_classes(q)
    return QueryPublic(
        name=q.name, title=q.title, title_zh=q.title_zh, title_en=q.title_en, description=q.description,
        params=[QueryParamPublic(name=p.name, type=p.type, required=p.required, description=p.description,
                                 kind=kinds.get(p.name)) for p in q.params],
        view=q.view, url=f"/queries/{q.name}", sparql=q.sparql,
    )


@router.get("/queries", response_model=QueriesPublic, summary="List the saved questions")
def list_queries() -> QueriesPublic:
    """Every saved question with its title (zh / en), description, parameters and SPARQL text."""
    data = [_public(q) for q in load_queries().values()]
    return QueriesPublic(count=len(data), data=data)


@router.get(
    "/queries/{name}",
    response_model=QueryResultPublic,
    responses={**ERROR_RESPONSES, 200: {"content": {"text/csv": {}, XLSX: {}, "application/sparql-results+json": {}}}},
    summary="Run a saved question",
)
def run_saved_query(name: str, request: Request, source: SourceDep) -> QueryResultPublic | Response:
    """Run the saved question ``name``; its parameters are query-string values (``?org=…``).

    One page at a time: ``limit`` (default the question's page size, at most 5,000) rows from
    ``offset``; ``total`` counts every row and ``next`` links the next page. Add ``format=csv`` or
    ``format=xlsx`` for a download of the whole answer, ``format=srj`` for it as SPARQL results JSON.
    """
    q = get_query(name)
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in RESERVED:
            continue
        if key in params:
            raise QueryParameterError(name, key, "given more than once")
        params[key] = value
    fmt = request.query_params.get("format") or request.query_params.get("_format") or "json"
    if fmt not in FORMATS:
        raise QueryParameterError(name, "format", f"{fmt!r}: use {', '.join(FORMATS)}")
    if fmt != "json":
        return _download(q, fmt, query_result(source, name, **params))
    limit = _whole(name, "limit", request.query_params.get("limit"), q.page.size if q.page else DEFAULT_LIMIT, 1)
    offset = _whole(name, "offset", request.query_params.get("offset"), 0, 0)
    if limit > MAX_LIMIT:
        raise QueryParameterError(name, "limit", f"at most {MAX_LIMIT:,} rows a page (use offset for the next)")
    page = run_page(source, name, limit=limit, offset=offset, **params)
    rows = page.rows
    columns = list(rows[0]) if rows else list(projected_columns(q.text_for(params)))
    following = None
    if page.next_offset is not None:
        url = URL(str(request.url)).include_query_params(offset=page.next_offset, limit=limit)
        following = f"{url.path}?{url.query}"
    return QueryResultPublic(name=q.name, title=q.title, params=params, columns=columns, count=len(rows),
                             total=page.total, offset=offset, limit=limit, next=following, rows=rows)


def _download(q: NamedQuery, fmt: str, result) -> Response:
    """The whole answer as a file: CSV, a spreadsheet, or SPARQL results JSON (terms kept)."""
    if fmt == "srj":
        return Response(content=result.serialize(format="json"), media_type=FORMATS[fmt])
    rows = rows_from_result(result)
    columns = [str(v) for v in result.vars]
    return rows_response(rows, columns, fmt, filename=q.name, sheet=q.name[:31])


def _whole(name: str, key: str, raw: str | None, default: int, least: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < least:
        raise QueryParameterError(name, key, f"{raw!r}: give a whole number ≥ {least}")
    return int(raw)
