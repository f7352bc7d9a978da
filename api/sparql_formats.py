"""SPARQL answers as bytes: content negotiation and the result serialisations the endpoint offers.

SELECT and ASK answers are written here (SPARQL 1.1 Query Results JSON, XML, CSV and TSV) rather
than by pyoxigraph, so a row cap can stop the iteration mid-way and the same code serves answers
from the embedded store and from a remote server (both arrive as pyoxigraph terms). Graphs
(CONSTRUCT, DESCRIBE) are written by pyoxigraph.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from kg.errors import KGError
from kg.graph import PREFIXES
from kg.vocab import RDF_FORMATS, RdfFormat

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class NotAcceptable(KGError):
    """No serialisation the client accepts fits this kind of answer."""


@dataclass(frozen=True)
class Format:
    """One results serialisation: ``name`` (the ``format`` parameter's value), media type, W3C format name."""

    name: str
    media_type: str
    w3c: str
    aliases: tuple[str, ...] = ()  # further media types that ask for it


# In order of preference: the first is the default when the client does not say.
RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", "SPARQL_Results_JSON", ("application/json",)),
    Format("xml", "application/sparql-results+xml", "SPARQL_Results_XML", ("application/xml", "text/xml")),
    Format("csv", "text/csv", "SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", "SPARQL_Results_TSV"),
)
# CONSTRUCT and DESCRIBE answers: the triple syntaxes of the one RDF format table, Turtle first.
GRAPH_FORMATS: tuple[RdfFormat, ...] = tuple(f for f in RDF_FORMATS if not f.quads)
FORMAT_ALIASES = {"srj": "json", "srx": "xml", **{n: f.name for f in GRAPH_FORMATS for n in f.names}}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Return the media ranges of an Accept header with their q-values, best first.

    Example:
        >>> parse_accept("text/csv;q=0.5, application/json")
        [('application/json', 1.0), ('text/csv', 0.5)]
    """
    ranges = []
    for i, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(f[2:])))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, -i))
    ranges.sort(key=lambda r: (-r[1], -_specificity(r[0]), -r[2]))
    return [(m, q) for m, q, _ in ranges]


def _specificity(media: str) -> int:
    return 0 if media == "*/*" else 1 if media.endswith("/*") else 2


def choose_format(form: str, accept: str | None = None, format_param: str | None = None) -> Format | RdfFormat:
    """Return the serialisation for a query of ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE).

    An explicit ``format`` (a short name or a media type) wins over the Accept header, so a
    browser link can ask for CSV.

    Raises:
        NotAcceptable: nothing offered for this form matches.

    Example:
        >>> choose_format("SELECT", "text/csv").media_type
        'text/csv'
        >>> choose_format("CONSTRUCT", "*/*").name
        'turtle'
    """
    offered = GRAPH_FORMATS if form in {"CONSTRUCT", "DESCRIBE"} else RESULT_FORMATS
    if format_param:
        wanted = format_param.strip().lower()
        wanted = FORMAT_ALIASES.get(wanted, wanted)
        for f in offered:
            if wanted in {f.name, f.media_type, *f.aliases}:
                return f
        names = ", ".join(f.name for f in offered)
        raise NotAcceptable(f"format {format_param!r} is not offered for {form} queries (use one of {names})")
    for media, q in parse_accept(accept):
        if q <= 0:
            continue
        for f in offered:
            if media in {"*/*", f.media_type, *f.aliases} or (
                    media.endswith("/*") and f.media_type.startswith(media[:-1])):
                return f
    names = ", ".join(f.media_type for f in offered)
    raise NotAcceptable(f"none of the accepted media types ({accept}) is offered for {form} queries; "
                        f"this endpoint offers {names}")


# -- SELECT and ASK --------------------------------------------------------------------------------

def _json_term(term: Any) -> dict[str, str]:
    kind = type(term).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    if kind == "Literal":
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in {XSD_STRING, RDF_LANGSTRING}:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _xml_term(term: Any) -> str:
    kind = type(term).__name__
    if kind == "NamedNode":
        return f"<uri>{escape(term.value)}</uri>"
    if kind == "BlankNode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if kind == "Literal":
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(_xml_safe(term.value))}</literal>"
        if term.datatype.value not in {XSD_STRING, RDF_LANGSTRING}:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(_xml_safe(term.value))}</literal>"
        return f"<literal>{escape(_xml_safe(term.value))}</literal>"
    return f"<literal>{escape(_xml_safe(str(term)))}</literal>"


def _xml_safe(text: str) -> str:
    # XML 1.0 cannot carry most control characters, not even escaped; RDF literals can.
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else f"\\u{ord(ch):04X}" for ch in text)


def _csv_term(term: Any) -> str:
    if term is None:
        return ""
    kind = type(term).__name__
    if kind == "BlankNode":
        return f"_:{term.value}"
    return term.value if kind in {"NamedNode", "Literal"} else str(term)


def serialize_solutions(variables: Sequence[str], solutions: Iterable[Any], fmt: Format,
                        max_rows: int) -> tuple[bytes, int, bool]:
    """Write at most ``max_rows`` solutions; return (body, rows written, whether some were left off).

    ``solutions`` yield pyoxigraph QuerySolution objects (indexable by variable name).
    """
    it = iter(solutions)
    rows = [[_cell(s, v) for v in variables] for s in islice(it, max_rows)]
    truncated = next(it, None) is not None
    if fmt.name == "json":
        body = json.dumps({
            "head": {"vars": list(variables)},
            "results": {"bindings": [{v: _json_term(t) for v, t in zip(variables, r, strict=True) if t is not None}
                                     for r in rows]},
        }, ensure_ascii=False).encode("utf-8")
    elif fmt.name == "xml":
        out = ['<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>", "<results>"]
        for r in rows:
            out.append("<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                            for v, t in zip(variables, r, strict=True) if t is not None) + "</result>")
        out += ["</results>", "</sparql>\n"]
        body = "\n".join(out).encode("utf-8")
    elif fmt.name == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        w.writerows([[_csv_term(t) for t in r] for r in rows])
        body = buf.getvalue().encode("utf-8")
    else:  # tsv: terms in their Turtle / N-Triples form, which escapes tabs and newlines
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in r) for r in rows]
        body = ("\n".join(lines) + "\n").encode("utf-8")
    return body, len(rows), truncated


def _cell(solution: Any, variable: str) -> Any:
    try:
        return solution[variable]
    except (KeyError, IndexError):
        return None


def serialize_boolean(value: bool, fmt: Format) -> bytes:
    """Write an ASK answer."""
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt.name == "xml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    # CSV and TSV define no boolean form; a one-cell table is what common clients expect.
    return (("_askResult\r\n" if fmt.name == "csv" else "?_askResult\n")
            + ("true" if value else "false") + ("\r\n" if fmt.name == "csv" else "\n")).encode("utf-8")


# -- CONSTRUCT and DESCRIBE -------------------------------------------------------------------------

def serialize_triples(triples: Iterable[Any], fmt: RdfFormat, max_rows: int) -> tuple[bytes, int, bool]:
    """Write at most ``max_rows`` triples with pyoxigraph; return (body, triples, truncated)."""
    import pyoxigraph as ox

    it = iter(triples)
    kept = list(islice(it, max_rows))
    truncated = next(it, None) is not None
    rdf_format = fmt.ox
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt.name in {"turtle", "rdfxml"} else None
    body = ox.serialize(kept, format=rdf_format, prefixes=prefixes) if prefixes else ox.serialize(kept, format=rdf_format)
    return body or b"", len(kept), truncated
