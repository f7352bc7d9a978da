"""The ontology, for people and for machines: GET /ontology answers HTML to a browser and Turtle or
RDF/XML to a client that asks for them (Accept header); /ontology.ttl and /ontology.rdf always
answer that syntax. The ontology is a file in the package, so the answers are computed once."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter(tags=["ontology"])

TURTLE, RDF_XML, HTML = "text/turtle", "application/rdf+xml", "text/html"
_OFFERS = (HTML, TURTLE, RDF_XML)
_ALIASES = {"application/x-turtle": TURTLE, "application/xhtml+xml": HTML, "application/xml": RDF_XML}


@router.get("/ontology", response_class=HTMLResponse,
            responses={200: {"content": {TURTLE: {}, RDF_XML: {}}}})
def ontology(request: Request) -> Response:
    """The ontology documentation page, or the ontology itself as Turtle / RDF/XML by Accept."""
    media = negotiate(request.headers.get("accept", ""))
    if media == TURTLE:
        return _turtle()
    if media == RDF_XML:
        return _rdf_xml()
    return HTMLResponse(_html(), headers={"Vary": "Accept"})


@router.get("/ontology.ttl", response_class=Response, responses={200: {"content": {TURTLE: {}}}})
def ontology_turtle() -> Response:
    """The ontology as Turtle (ontology/policykg.ttl as shipped)."""
    return _turtle()


@router.get("/ontology.rdf", response_class=Response, responses={200: {"content": {RDF_XML: {}}}})
def ontology_rdf_xml() -> Response:
    """The ontology as RDF/XML, for tools such as Protégé that prefer it."""
    return _rdf_xml()


def negotiate(accept: str, offers: tuple[str, ...] = _OFFERS) -> str:
    """Return the media type to answer with: the offer the Accept header ranks highest
    (the first offer, HTML, when nothing matches or on a tie, as for browsers).

    Example:
        >>> negotiate("text/turtle;q=0.9, text/html;q=0.5")
        'text/turtle'
        >>> negotiate("*/*")
        'text/html'
    """
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranges.append((_ALIASES.get(fields[0].lower(), fields[0].lower()), q))
    if not ranges:
        return offers[0]

    def quality(offer: str) -> float:
        # The most specific matching range decides (RFC 9110 §12.5.1): text/turtle over text/*.
        best_spec, q = -1, 0.0
        for media, mq in ranges:
            if media == offer:
                spec = 2
            elif media.endswith("/*") and media != "*/*" and offer.startswith(media[:-1]):
                spec = 1
            elif media == "*/*":
                spec = 0
            else:
                continue
            if spec > best_spec:
                best_spec, q = spec, mq
            elif spec == best_spec:
                q = max(q, mq)
        return q

    q, _, offer = max((quality(o), -i, o) for i, o in enumerate(offers))
    return offer if q > 0 else offers[0]


def _turtle() -> Response:
    from ontology import ONTOLOGY_PATH

    return Response(ONTOLOGY_PATH.read_bytes(), media_type=f"{TURTLE}; charset=utf-8", headers={"Vary": "Accept"})


def _rdf_xml() -> Response:
    return Response(_rdf_xml_bytes(), media_type=f"{RDF_XML}; charset=utf-8", headers={"Vary": "Accept"})


@lru_cache(maxsize=1)
def _html() -> str:
    from kg.graph import load_ontology
    from viz.ontology import ontology_page

    return ontology_page(load_ontology())


@lru_cache(maxsize=1)
def _rdf_xml_bytes() -> bytes:
    from kg.graph import load_ontology

    return load_ontology().serialize(format="xml", encoding="utf-8")
