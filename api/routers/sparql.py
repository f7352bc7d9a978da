"""The SPARQL 1.1 Protocol endpoint, query side only: ``GET /sparql`` and ``POST /sparql``.

Read-only and safe to expose: requests are decoded strictly (UTF-8, size caps) here, then checked
(updates, LOAD and SERVICE refused; FROM / FROM NAMED / default-graph-uri / named-graph-uri must
name graphs already in the store), run and serialised in a worker process under a time limit
(:mod:`api.sparql_pool`). ``GET /sparql`` without a query returns the service description.
"""

from __future__ import annotations

import urllib.parse
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep
from api.errors import UnsupportedMediaType
from api.sparql_formats import GRAPH_FORMATS, RESULT_FORMATS, choose_format, parse_accept
from kg.errors import QueryRefused, QuerySyntaxError
from kg.settings import Settings
from kg.vocab import rdf_format_named
from queries.guard import UPDATE_MESSAGE, QueryTooLarge, decode_query

router = APIRouter(tags=["SPARQL"])

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
_DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
_FORMATS_NS = "http://www.w3.org/ns/formats/"
_DOC = ("SPARQL 1.1 Protocol query operation. Results in SPARQL JSON, XML, CSV or TSV (SELECT, ASK) and "
        "Turtle, N-Triples, JSON-LD or RDF/XML (CONSTRUCT, DESCRIBE), by Accept header or `format`. "
        "The pk:, skos:, dcterms:, org:, time:, rdfs: … prefixes are pre-declared. Read-only: updates, "
        "LOAD and SERVICE are refused; a query is stopped at the time limit and rows are capped "
        "(header `X-Policykg-Truncated: true` when some were left off).")


def parse_params(raw: bytes) -> dict[str, list[str]]:
    """Decode ``a=b&c=d`` strictly: percent-escapes must decode to UTF-8 (the protocol's encoding).

    Raises:
        QuerySyntaxError: the parameters are not valid UTF-8.
    """
    try:
        text = raw.decode("ascii")
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise QuerySyntaxError("request parameters are not valid UTF-8") from None
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise QueryTooLarge(f"request body is {int(declared):,} bytes; the limit is {limit:,}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise QueryTooLarge(f"request body is over the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    media, *rest = [p.strip() for p in header.split(";")]
    params = {}
    for p in rest:
        if "=" in p:
            k, v = p.split("=", 1)
            params[k.strip().lower()] = v.strip().strip('"').lower()
    return media.lower(), params


def _one_query(params: dict[str, list[str]], settings: Settings) -> str:
    if "update" in params:
        raise QueryRefused(UPDATE_MESSAGE)
    queries = params.get("query", [])
    if len(queries) != 1:
        raise QuerySyntaxError("give exactly one 'query' parameter" if queries else "missing 'query' parameter")
    q = queries[0]
    if len(q.encode("utf-8")) > settings.max_query_bytes:
        raise QueryTooLarge(f"query is over the limit of {settings.max_query_bytes:,} bytes")
    return q


async def _answer(request: Request, query: str, params: dict[str, list[str]]) -> Response:
    one = [f for f in params.get("format", []) if f] or [None]
    job: dict[str, Any] = {
        "query": query,
        "accept": request.headers.get("accept"),
        "format": one[0],
        "default_graphs": params.get("default-graph-uri", []),
        "named_graphs": params.get("named-graph-uri", []),
    }
    reply = await run_in_threadpool(request.app.state.pool.run, job)
    media = reply["media_type"]
    if media.startswith("text/"):
        media += "; charset=utf-8"
    headers = {"Vary": "Accept", "X-Policykg-Rows": str(reply["rows"])}
    if reply["truncated"]:
        headers["X-Policykg-Truncated"] = "true"
    return Response(content=reply["body"], media_type=media, headers=headers)


_GET_PARAMS = {
    "summary": "Run a SPARQL query (GET), or get the service description",
    "description": _DOC,
    "responses": {200: {"content": {f.media_type: {} for f in (*RESULT_FORMATS, *GRAPH_FORMATS)}},
                  303: {"description": "A browser asking for the service description is sent to /query."}},
}


@router.get("/sparql", **_GET_PARAMS)
async def sparql_get(
    request: Request,
    settings: SettingsDep,
    query: Annotated[str | None, Query(description="The SPARQL query (UTF-8).")] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri",
                                                         description="Default graph(s) of the dataset.")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri",
                                                       description="Named graph(s) of the dataset.")] = None,
    format: Annotated[str | None, Query(description="json, xml, csv, tsv, turtle, ntriples, jsonld, "
                                                    "rdfxml (overrides Accept).")] = None,
) -> Response:
    # The declared parameters document the route; the raw query string is re-read strictly so
    # that invalid UTF-8 is refused instead of silently replaced.
    params = parse_params(request.scope.get("query_string", b""))
    if "query" not in params and "update" not in params:
        return _service_description(request, params)
    return await _answer(request, _one_query(params, settings), params)


@router.post(
    "/sparql",
    summary="Run a SPARQL query (POST form-encoded, or POST application/sparql-query)",
    description=_DOC,
    responses={200: {"content": {f.media_type: {} for f in (*RESULT_FORMATS, *GRAPH_FORMATS)}}},
    openapi_extra={"requestBody": {"content": {
        FORM: {"schema": {"type": "object", "properties": {
            "query": {"type": "string"}, "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}}, "format": {"type": "string"}},
            "required": ["query"]}},
        DIRECT: {"schema": {"type": "string"}},
    }}},
)
async def sparql_post(request: Request, settings: SettingsDep) -> Response:
    media, ct_params = _media_type(request.headers.get("content-type"))
    url_params = parse_params(request.scope.get("query_string", b""))
    if media == UPDATE:
        raise QueryRefused(UPDATE_MESSAGE)
    if media == FORM:
        # Form-encoding can triple a text's size, hence the larger cap on the body.
        body = await _read_body(request, settings.max_query_bytes * 3 + 4096)
        params = parse_params(body)
        for k, v in url_params.items():
            if k in (*_DATASET_PARAMS, "format"):
                params.setdefault(k, v)
        return await _answer(request, _one_query(params, settings), params)
    if media == DIRECT:
        charset = ct_params.get("charset", "utf-8")
        if charset not in {"utf-8", "utf8"}:
            raise UnsupportedMediaType(f"charset {charset!r} is not accepted: send the query as UTF-8")
        body = await _read_body(request, settings.max_query_bytes)
        query = decode_query(body, max_bytes=settings.max_query_bytes)
        if "query" in url_params or "update" in url_params:
            raise QuerySyntaxError("a POSTed query must not also have a 'query' URL parameter")
        return await _answer(request, query, url_params)
    shown = media or "no Content-Type"
    raise UnsupportedMediaType(f"{shown}: POST a query as {FORM} (query=…) or as {DIRECT}")


# -- service description ---------------------------------------------------------------------------

def _service_description(request: Request, params: dict[str, list[str]]) -> Response:
    accept = request.headers.get("accept")
    best = parse_accept(accept)
    if not params.get("format") and best and best[0][0] in {"text/html", "application/xhtml+xml"}:
        return RedirectResponse("/query", status_code=303)
    fmt = choose_format("DESCRIBE", accept, (params.get("format") or [None])[0])
    body = service_description(str(request.url.replace(query="")), request.app.state.dataset_info,
                               fmt.name)
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(content=body, media_type=media, headers={"Vary": "Accept"})


def service_description(endpoint: str, info: dict[str, Any], fmt: str = "turtle") -> bytes:
    """Return the SPARQL 1.1 Service Description of this endpoint in ``fmt``."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, VOID, XSD

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    g = Graph()
    g.bind("sd", sd)
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    service, dataset, default = BNode(), BNode(), BNode()
    g.add((service, RDF.type, sd.Service))
    g.add((service, sd.endpoint, URIRef(endpoint)))
    g.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    g.add((service, DCTERMS.title, Literal("policykg SPARQL endpoint (read-only)", lang="en")))
    for f in (*RESULT_FORMATS, *GRAPH_FORMATS):
        g.add((service, sd.resultFormat, URIRef(_FORMATS_NS + f.w3c)))
    if info.get("mode") == "embedded":
        g.add((service, sd.feature, sd.UnionDefaultGraph))
    g.add((service, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    g.add((dataset, sd.defaultGraph, default))
    g.add((default, RDF.type, sd.Graph))
    if info.get("triples") is not None:
        g.add((default, VOID.triples, Literal(int(info["triples"]), datatype=XSD.integer)))
    for name in info.get("named_graphs", []):
        ng = BNode()
        g.add((dataset, sd.namedGraph, ng))
        g.add((ng, RDF.type, sd.NamedGraph))
        g.add((ng, sd.name, URIRef(name)))
    rdf_format = rdf_format_named(fmt)
    return g.serialize(format=rdf_format.rdflib if rdf_format else "turtle", encoding="utf-8")
