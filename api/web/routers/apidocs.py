"""The API documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served with their scripts from
this server (npm packages ``swagger-ui-dist`` and ``redoc``, built by ``make frontend``), never from a
CDN: analysts on an intranet get the same pages. FastAPI's own page builders are used with local URLs.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from api.web.frontend import VENDOR_URL, missing_assets

router = APIRouter(include_in_schema=False)

SWAGGER = ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "swagger-ui/policykg-docs.css")
REDOC = ("redoc/redoc.standalone.js",)
FAVICON = f"{VENDOR_URL}/swagger-ui/favicon-32x32.png"


def not_built(message: str, title: str) -> HTMLResponse:
    """A page that says in one line why the real one cannot be shown (503: the server lacks a build step)."""
    from viz.pages import esc

    return HTMLResponse(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title></head>'
        f'<body><p role="alert">{esc(title)}: {esc(message)}.</p>'
        '<p><a href="/openapi.json">/openapi.json</a> is served all the same.</p></body></html>\n',
        status_code=503)


def _amend(page: HTMLResponse, head: str = "") -> HTMLResponse:
    # FastAPI writes <html> without a language; screen readers (and axe-core) need one.
    body = bytes(page.body).replace(b"<html>", b'<html lang="en">', 1)
    body = body.replace(b"</head>", head.encode() + b"</head>", 1)
    return HTMLResponse(body, status_code=page.status_code)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over /openapi.json: every operation, tried from the page."""
    title = f"{request.app.title} — API (Swagger UI)"
    if message := missing_assets(*SWAGGER):
        return not_built(message, title)
    return _amend(get_swagger_ui_html(
        openapi_url=request.app.openapi_url, title=title,
        swagger_js_url=f"{VENDOR_URL}/{SWAGGER[0]}", swagger_css_url=f"{VENDOR_URL}/{SWAGGER[1]}",
        swagger_favicon_url=FAVICON,
        # validatorUrl: Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
        # deepLinking off: with it each operation's path is a link inside the operation's button.
        swagger_ui_parameters={"validatorUrl": None, "deepLinking": False},
    ), head=f'<link rel="stylesheet" href="{VENDOR_URL}/{SWAGGER[2]}">')


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc over /openapi.json: the API as one readable page."""
    title = f"{request.app.title} — API (ReDoc)"
    if message := missing_assets(*REDOC):
        return not_built(message, title)
    return _amend(get_redoc_html(openapi_url=request.app.openapi_url, title=title,
                                     redoc_js_url=f"{VENDOR_URL}/{REDOC[0]}", redoc_favicon_url=FAVICON,
                                     with_google_fonts=False))
