"""The query page: ``/query`` (the editor), ``/query/lookup`` (names for completion and pickers) and
``/query/download`` (a whole answer as CSV, JSON or Excel).

The page is the shared page shell (:mod:`viz.pages`) around the Yasqe/Yasr bundle that ``make
frontend`` builds from npm into ``api/web/static/vendor/``; its data — prefixes, the ontology's terms,
the saved questions with the class each IRI parameter expects — is written into the page, so the
editor asks the server only to run queries and look names up.
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import lru_cache, partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.render import rows_response
from api.settings import Settings
from api.web.deps import SettingsDep, SourceDep
from api.web.errors import ERROR_RESPONSES
from api.web.frontend import VENDOR_URL, missing_assets
from api.web.sparql.guard import QueryTooLarge
from kg.graph import PREFIXES
from queries.library import run_query
from queries.query_files import load_queries
from queries.vocabulary import class_labels, ontology_terms, parameter_classes

router = APIRouter(tags=["Query page"])

ASSETS = ("query.js", "query.css")
LOOKUP_QUESTION = "names"  # queries/sparql/names.rq
DEFAULT_QUERY = """SELECT ?number ?title ?lead WHERE {
  ?task a pk:Task ; pk:taskNumber ?number ; dcterms:title ?title .
  OPTIONAL { ?task pk:leadUnit/skos:prefLabel ?lead }
}
ORDER BY ?number
LIMIT 20"""


class NamePublic(BaseModel):
    """A thing found by name: its IRI, the name that matched, and its class (labelled)."""

    iri: str
    label: str
    kind: str
    kind_zh: str
    kind_en: str


class NamesPublic(BaseModel):
    count: int
    data: list[NamePublic]


class DownloadFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


# -- the page ----------------------------------------------------------------------------------------

def page_data() -> dict[str, Any]:
    """What the editor needs besides the endpoint: prefixes, terms and the saved questions."""
    questions = []
    for q in load_queries().values():
        kinds = parameter_classes(q)
        questions.append({
            "name": q.name, "title_zh": q.title_zh, "title_en": q.title_en, "description": q.description,
            "view": q.view, "sparql": q.sparql,
            "params": [{"name": p.name, "type": p.type, "required": p.required, "description": p.description,
                        "kind": kinds.get(p.name)} for p in q.params],
        })
    terms = [{k: t[k] for k in ("iri", "kind", "zh", "en", "range")} for t in ontology_terms()]
    return {"endpoint": "/sparql", "lookup": "/query/lookup", "download": "/query/download",
            "prefixes": dict(PREFIXES), "terms": terms, "questions": questions, "default_query": DEFAULT_QUERY}


@lru_cache(maxsize=2)
def query_page_html(max_rows: int) -> str:
    """Return the /query page (the same for every request of one server)."""
    from viz.pages import SERVER_LINKS, bilingual, esc, page_html, title_html

    title = ("SPARQL 查询", "SPARQL query")
    heading = title_html(title, ("用 SPARQL 或保存的问题查询知识图谱；查询保存在地址栏中，可直接分享。",
                                 "Ask the graph in SPARQL or pick a saved question; the address bar keeps the query, to share."))
    if message := missing_assets(*ASSETS):
        body = (f'<div id="pk-query" class="pk-query">{heading}'
                f'<p class="pk-banner" role="alert" id="pkq-missing">{esc(message)}</p></div>')
        return page_html(title=title, current="query", links=SERVER_LINKS, body=body)
    options = "".join(f'<option value="{esc(q.name)}">{esc(q.title_zh)} / {esc(q.title_en)}</option>'
                      for q in load_queries().values())
    prefixes = "".join(f"<dt>{esc(p)}:</dt><dd>{esc(ns)}</dd>" for p, ns in PREFIXES.items())
    limit = f"{max_rows:,}"
    body = f"""<div id="pk-query" class="pk-query">{heading}
<div class="pkq-layout">
<aside class="pkq-side pk-panel" aria-label="保存的问题与历史 / Saved questions and history">
<h2>{bilingual("保存的问题", "Saved questions")}</h2>
<label for="pkq-saved" class="pkq-caption">{bilingual("选一个问题，填写参数后运行", "Pick a question, fill in its parameters, run it")}</label>
<select id="pkq-saved"><option value="">— 自己写 SPARQL / Write your own SPARQL —</option>{options}</select>
<p id="pkq-question-note" class="pk-note" hidden>{bilingual(
    "表单中的值作为参数绑定，不拼接进查询文本。修改编辑器中的查询后，它按普通 SPARQL 运行。",
    "Form values are bound as parameters, never pasted into the text. Edit the query and it runs as plain SPARQL.")}</p>
<div id="pkq-form"></div>
<h2>{bilingual("历史", "History")}</h2>
<p id="pkq-history-empty" class="pk-note">{bilingual("本机运行过的查询会列在这里（只存在本浏览器中）。",
                                                      "Queries run here are listed (kept in this browser only).")}</p>
<ol id="pkq-history" class="pkq-history"></ol>
<button type="button" id="pkq-history-clear" class="pk-btn">{bilingual("清除历史", "Clear history")}</button>
<h2>{bilingual("已声明的前缀", "Prefixes declared for you")}</h2>
<dl class="pkq-prefixes">{prefixes}</dl>
</aside>
<section class="pkq-main" aria-label="编辑器与结果 / Editor and results">
<div id="pkq-editor"></div>
<div class="pkq-actions">
<button type="button" id="pkq-run" class="pk-btn primary">{bilingual("运行", "Run")} <kbd>Ctrl+Enter</kbd></button>
<span id="pkq-downloads" role="group" aria-label="下载完整结果 / Download the whole result">{bilingual("下载完整结果：", "Download all rows:")}
<button type="button" class="pk-btn" data-format="csv">CSV</button>
<button type="button" class="pk-btn" data-format="json">JSON</button>
<button type="button" class="pk-btn" data-format="xlsx">Excel</button></span>
<span class="pk-note">{bilingual(f"每次最多 {limit} 行", f"at most {limit} rows")}</span>
<span id="pkq-status" role="status" aria-live="polite"></span>
</div>
<div id="pkq-results"></div>
</section>
</div>
</div>
<script>window.pkStable = false;</script>
<script src="{VENDOR_URL}/query.js" defer></script>"""
    # An empty icon: without one the browser asks for /favicon.ico, and its 404 is a console error.
    head = f'<link rel="icon" href="data:,">\n<link rel="stylesheet" href="{VENDOR_URL}/query.css">\n'
    return page_html(title=title, current="query", links=SERVER_LINKS, body=body, data=page_data(), head=head)


@router.get("/query", response_class=HTMLResponse, include_in_schema=False)
def query_page(settings: SettingsDep) -> HTMLResponse:
    return HTMLResponse(query_page_html(settings.max_rows))


# -- names -------------------------------------------------------------------------------------------

@router.get("/query/lookup", response_model=NamesPublic, responses=ERROR_RESPONSES,
            summary="Find things by name (for completion and pickers)")
def lookup_names(
    source: SourceDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Part of the name, any case.")],
    kind: Annotated[str | None, Query(description="Only things of this class (an IRI), e.g. "
                                                  "http://www.w3.org/ns/org#Organization.")] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="At most this many things.")] = 20,
) -> NamesPublic:
    """Organisations, domains and documents (or things of ``kind``) whose name contains ``q``, shortest
    names first. Answers from the saved question ``names``; ``q`` and ``kind`` are bound as values."""
    params = {"q": q, **({"kind": kind} if kind else {})}
    seen: dict[str, NamePublic] = {}
    for row in run_query(source, LOOKUP_QUESTION, **params):
        iri = str(row["item"])
        if iri not in seen:
            zh, en = class_labels(str(row["class"]))
            seen[iri] = NamePublic(iri=iri, label=str(row["label"]), kind=str(row["class"]), kind_zh=zh, kind_en=en)
    data = list(seen.values())[:limit]
    return NamesPublic(count=len(data), data=data)


# -- downloads ---------------------------------------------------------------------------------------

_NUMERIC = {"integer": int, "int": int, "long": int, "short": int, "decimal": float, "double": float, "float": float}


def _value(term: dict[str, str] | None) -> Any:
    if term is None:
        return None
    datatype = term.get("datatype", "")
    convert = _NUMERIC.get(datatype.rsplit("#", 1)[-1]) if datatype.startswith("http://www.w3.org/2001/XMLSchema#") else None
    if convert:
        try:
            return convert(term["value"])
        except ValueError:
            pass
    return term["value"] if term.get("type") != "bnode" else "_:" + term["value"]


def rows_of_results(body: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the columns and rows of a SPARQL results JSON answer (numbers as numbers)."""
    data = json.loads(body)
    if "boolean" in data:
        return ["ask"], [{"ask": bool(data["boolean"])}]
    columns = list(data["head"]["vars"])
    return columns, [{c: _value(b.get(c)) for c in columns} for b in data["results"]["bindings"]]


def rows_of_triples(body: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    """Return an N-Triples answer (CONSTRUCT, DESCRIBE) as a subject / predicate / object table."""
    import pyoxigraph as ox

    columns = ["subject", "predicate", "object"]
    rows = []
    for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        o = quad.object
        rows.append({"subject": quad.subject.value, "predicate": quad.predicate.value,
                     "object": o.value if not isinstance(o, ox.BlankNode) else "_:" + o.value})
    return columns, rows


async def _download(request: Request, settings: Settings, query: str, fmt: DownloadFormat) -> Response:
    if len(query.encode("utf-8")) > settings.max_query_bytes:
        raise QueryTooLarge(f"query is over the limit of {settings.max_query_bytes:,} bytes")
    graph_type = "application/ld+json" if fmt is DownloadFormat.JSON else "application/n-triples"
    job = {"query": query, "accept": f"application/sparql-results+json, {graph_type};q=0.9", "format": None,
           "default_graphs": [], "named_graphs": []}
    reply = await run_in_threadpool(request.app.state.sparql.run, job)
    body, media = reply["body"], reply["media_type"]
    headers = {"X-Policykg-Rows": str(reply["rows"])}
    if reply["truncated"]:
        headers["X-Policykg-Truncated"] = "true"
    if fmt is DownloadFormat.JSON:
        ext = "jsonld" if media == "application/ld+json" else "json"
        headers["Content-Disposition"] = f'attachment; filename="query.{ext}"'
        return Response(body, media_type=media, headers=headers)
    columns, rows = (rows_of_results if media == "application/sparql-results+json" else rows_of_triples)(body)
    return await run_in_threadpool(partial(rows_response, rows, columns, fmt.value, filename="query", sheet="query",
                                           http_headers=headers))


_DOWNLOAD = {
    "responses": {**ERROR_RESPONSES, 200: {"content": {
        "text/csv": {}, "application/sparql-results+json": {}, "application/ld+json": {},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
    "description": "The whole answer of a SPARQL query (up to the endpoint's row limit) as a file: CSV "
                   "(with a BOM, for Excel) or Excel with one column per variable — a CONSTRUCT or DESCRIBE "
                   "answer as subject / predicate / object rows — or JSON (SPARQL results JSON; JSON-LD for "
                   "graphs). The query runs as on /sparql: read-only, under the same time and row limits.",
}


@router.get("/query/download", summary="Download a query's whole answer (GET)", **_DOWNLOAD)
async def download_get(
    request: Request, settings: SettingsDep,
    query: Annotated[str, Query(description="The SPARQL query.")],
    format: Annotated[DownloadFormat, Query(description="csv, json or xlsx.")] = DownloadFormat.CSV,
) -> Response:
    return await _download(request, settings, query, format)


@router.post("/query/download", summary="Download a query's whole answer (POST form)", **_DOWNLOAD)
async def download_post(
    request: Request, settings: SettingsDep,
    query: Annotated[str, Form(description="The SPARQL query.")],
    format: Annotated[DownloadFormat, Form(description="csv, json or xlsx.")] = DownloadFormat.CSV,
) -> Response:
    return await _download(request, settings, query, format)
