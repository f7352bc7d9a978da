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

from api.render import MEDIA_TYPES, TableFormat, rows_response
from api.web.deps import SourceDep
from api.web.errors import ERROR_RESPONSES
from api.web.models import QueriesPublic, QueryParamPublic, QueryPublic, QueryResultPublic
from kg.errors import QueryParameterError
from kg.graph import PREFIXES
from queries.library import NamedQuery, get_query, load_queries, query_result, rows_from_result
from queries.vocabulary import parameter_classes

router = APIRouter(tags=["Saved questions"])

# Query-string keys that steer the answer rather than fill a parameter.
RESERVED = {"format", "_format"}
XLSX = MEDIA_TYPES[TableFormat.XLSX]
FORMATS = {"json": "application/json", "csv": "text/csv", "xlsx": XLSX, "srj": "application/sparql-results+json"}


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

    Add ``format=csv`` or ``format=xlsx`` for a download, ``format=srj`` for SPARQL results JSON.
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
    result = query_result(source, name, **params)
    if fmt == "srj":
        return Response(content=result.serialize(format="json"), media_type=FORMATS[fmt])
    rows = rows_from_result(result)
    columns = list(rows[0]) if rows else list(projected_columns(q.sparql))
    if fmt in ("csv", "xlsx"):
        return rows_response(rows, columns, fmt, filename=name, sheet=name[:31])
    return QueryResultPublic(name=q.name, title=q.title, params=params, columns=columns, count=len(rows), rows=rows)
