"""Every error the API returns, in one JSON shape: ``{"ok": false, "error": "...", "status": N}``.

Library code raises :class:`kg.errors.KGError` subclasses; this module maps each to a status code
once. FastAPI's own errors (unknown route, wrong method, invalid parameter) are rewritten into the
same shape, and anything unexpected is a logged 500 — never a 400 that hides a bug.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web.models import ErrorPublic
from api.web.sparql.formats import NotAcceptable
from api.web.sparql.guard import QueryTooDeep, QueryTooLarge, UnknownGraph
from kg.errors import (
    GraphNotFound,
    KGError,
    LoadError,
    OntologyError,
    QueryNotFound,
    QueryParameterError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
)

log = logging.getLogger("policykg.api")


class NotFound(KGError):
    """A task, organisation or document the graph does not hold."""


class UnsupportedMediaType(KGError):
    """A request body in a media type or charset the route does not read."""


# Most specific first is not needed: the lookup walks each error's class hierarchy.
STATUS_CODES: dict[type[KGError], int] = {
    NotFound: 404,
    QueryNotFound: 404,
    GraphNotFound: 404,
    QueryParameterError: 400,
    QuerySyntaxError: 400,
    LoadError: 400,
    QueryTooDeep: 400,
    UnknownGraph: 400,
    QueryRefused: 403,
    NotAcceptable: 406,
    QueryTooLarge: 413,
    UnsupportedMediaType: 415,
    OntologyError: 500,
    StoreError: 502,
    QueryTimeout: 503,
}


def status_for(exc: KGError) -> int:
    """Return the HTTP status for ``exc`` (500 for a KGError nobody mapped).

    Example:
        >>> status_for(QueryTooLarge("too big"))
        413
    """
    for cls in type(exc).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return 500


def error_body(message: str, status: int) -> dict[str, object]:
    return {"ok": False, "error": message, "status": status}


def error_response(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(message, status), status_code=status, headers=headers)


async def _kg_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KGError)
    status = status_for(exc)
    if status == 503:  # a query stopped at its time limit: expected, not a fault
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    elif status >= 500:
        log.error("%s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    return error_response(str(exc), status)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(str(exc.detail), exc.status_code, dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in {"query", "path", "body"})
        parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
    return error_response("; ".join(parts) or "invalid request", 400)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response("internal server error (logged)", 500)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` answer in the one JSON shape."""
    app.add_exception_handler(KGError, _kg_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)


# Documented once for OpenAPI (create_app gives them to every route): the statuses an answer may
# have besides 200, all in the one error shape.
# The explicit JSON content matters on routes whose own answers are HTML or RDF: FastAPI would
# otherwise document their errors under the route's media type, though errors are always JSON.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorPublic, "description": description,
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorPublic"}}}}
    for status, description in [
        (400, "Bad request: a parameter or a SPARQL text that is not valid"),
        (403, "Refused: SPARQL Update, LOAD or SERVICE on the read-only endpoint"),
        (404, "Not found"),
        (406, "Not acceptable: no offered media type fits the Accept header or format"),
        (413, "Query too large"),
        (415, "Unsupported media type or charset"),
        (500, "Internal server error (logged)"),
        (502, "The SPARQL store or a query worker failed"),
        (503, "Stopped at the query time limit, or every query worker is busy"),
    ]
}
