"""Linked Data: every IRI the graph mints under https://w3id.org/policykg/id/ resolves at the same
path here (``/id/…``), and every ontology term at ``/ontology/{Term}``.

A browser (Accept: text/html) gets the thing's page; any other client gets the thing's description
as Turtle, or as JSON-LD or N-Triples when it asks (``Accept`` or ``?format=``): its own triples (what SPARQL DESCRIBE
of the IRI answers) plus the labels of what it links to. An IRI the graph does not hold is a 404,
in the one JSON error shape, or as a page for a browser. Routes are plain ``def`` (thread pool).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.web.deps import SourceDep
from api.web.errors import ERROR_RESPONSES, NotFound
from api.web.routers.ontology_docs import negotiate
from api.web.sparql.formats import NotAcceptable
from kg.iri import BASE

router = APIRouter(tags=["Linked Data"], responses=ERROR_RESPONSES)

HTML, TURTLE, JSONLD, NTRIPLES = "text/html", "text/turtle", "application/ld+json", "application/n-triples"
# Turtle first: a client that accepts anything (*/*) is a program; a browser names text/html.
OFFERS = (TURTLE, HTML, JSONLD, NTRIPLES)
# ?format= values → media type; and media type → rdflib's serializer name.
FORMATS = {"html": HTML, "ttl": TURTLE, "turtle": TURTLE, "jsonld": JSONLD, "json-ld": JSONLD,
           "nt": NTRIPLES, "ntriples": NTRIPLES, "n-triples": NTRIPLES}
SERIALIZERS = {TURTLE: "turtle", JSONLD: "json-ld", NTRIPLES: "nt"}
RDF_CONTENT = {"content": {HTML: {}, TURTLE: {}, JSONLD: {}, NTRIPLES: {}},
               "description": "The thing's page, or its description in the RDF syntax asked for."}
FormatParam = Annotated[str | None, Query(description="html, ttl, jsonld or nt (instead of an Accept header).")]
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def iri_from_path(raw_path: bytes, prefix: str = "/id/") -> str:
    """Return the IRI a request path names: URI to IRI (RFC 3987 §3.2).

    Escaped UTF-8 sequences of characters outside ASCII are decoded (a browser sends 巨 as
    %E5%B7%A8); escapes of ASCII characters stay escapes, because the graph's IRIs keep them
    (a ``/`` inside a name is ``%2F``, not a path separator).

    Example:
        >>> iri_from_path(b"/id/document/%E5%B7%A8%E6%94%BF/task/5")
        'https://w3id.org/policykg/id/document/巨政/task/5'
        >>> iri_from_path(b"/id/org/x/a%2fb%20c")
        'https://w3id.org/policykg/id/org/x/a%2Fb%20c'
    """
    path = raw_path.decode("utf-8", "replace")[len(prefix):]

    def decode(m: re.Match[str]) -> str:
        raw = bytes(int(h, 16) for h in m.group(0)[1:].split("%"))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return m.group(0).upper()
        return "".join(ch if ord(ch) > 0x7F else f"%{ord(ch):02X}" for ch in text)

    return BASE + _ESCAPES.sub(decode, path)


def wanted_media(request: Request, fmt: str | None) -> str:
    """The media type to answer with: ``?format=`` if given, else the Accept header's best offer.

    Raises:
        NotAcceptable: ``format`` names no syntax offered here.
    """
    if fmt:
        media = FORMATS.get(fmt.lower())
        if media is None:
            raise NotAcceptable(f"format {fmt!r}: use one of html, ttl, jsonld, nt")
        return media
    accept = request.headers.get("accept", "")
    accept = accept.replace("application/json", JSONLD) if JSONLD not in accept else accept
    return negotiate(accept, OFFERS)


@router.get("/id/{path:path}", response_class=HTMLResponse, responses={200: RDF_CONTENT},
            summary="A thing of the graph: its page, or its description as RDF")
def thing(path: str, request: Request, source: SourceDep, format: FormatParam = None) -> Response:
    """``/id/document/巨政发〔2023〕5号/task/5`` is https://w3id.org/policykg/id/document/巨政发〔2023〕5号/task/5."""
    iri = iri_from_path(request.scope.get("raw_path") or request.url.path.encode())
    media = wanted_media(request, format)
    if media == HTML:
        from viz.thing import thing_page

        try:
            return HTMLResponse(thing_page(source, iri), headers={"Vary": "Accept"})
        except LookupError:
            return not_found_page(f"the graph holds nothing about {iri}")
    from queries.things import describe_thing

    g = describe_thing(source, iri)
    if not len(g):
        raise NotFound(f"the graph holds nothing about {iri}")
    body = g.serialize(format=SERIALIZERS[media], encoding="utf-8")
    return Response(body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


@router.get("/ontology/{term}", response_class=HTMLResponse, responses={200: RDF_CONTENT, 303: {}},
            summary="An ontology term: its place on the ontology page, or its triples as RDF")
def ontology_term(term: str, request: Request, format: FormatParam = None) -> Response:
    """``/ontology/Task`` is pk:Task: a browser goes to /ontology#Task, an RDF client gets its triples."""
    from rdflib import Graph, URIRef

    from kg.graph import bind_prefixes, load_ontology
    from kg.namespace import PK

    onto = load_ontology()
    iri = URIRef(str(PK._NS) + term)
    if (iri, None, None) not in onto:
        if wanted_media(request, format) == HTML:
            return not_found_page(f"the ontology defines no term {term!r}")
        raise NotFound(f"the ontology defines no term {term!r} (see /ontology)")
    media = wanted_media(request, format)
    if media == HTML:
        return RedirectResponse(f"/ontology#{term}", status_code=303)
    g = bind_prefixes(Graph())
    for t in onto.triples((iri, None, None)):
        g.add(t)
    return Response(g.serialize(format=SERIALIZERS[media], encoding="utf-8"), media_type=f"{media}; charset=utf-8",
                    headers={"Vary": "Accept"})


def not_found_page(message: str) -> HTMLResponse:
    """The 404 a browser sees: the shared shell and the message, with the way back."""
    from viz.pages import SERVER_LINKS, esc, page_html

    body = (f'<div class="pk-title"><h1><span class="zh">未找到</span><span class="en">Not found</span></h1>'
            f'<p>{esc(message)}</p><p><a href="/"><span class="zh">返回首页</span><span class="en">Back to the start page'
            "</span></a></p></div>")
    return HTMLResponse(page_html(title=("未找到", "Not found"), current="", links=SERVER_LINKS, body=body),
                        status_code=404)
