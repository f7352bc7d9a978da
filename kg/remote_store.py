"""A remote SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki, GraphDB, QLever) as a query source.

:class:`RemoteStore` answers ``query(sparql, initNs=…, initBindings=…)`` like an rdflib Graph
does, so :func:`queries.library.run_query`, :func:`queries.runner.run_text` and everything built
on them (the REST API, the ledger, the CLI) run unchanged against a server given by URL.

Two differences from rdflib are handled here, once:

* prefixes: ``PREFIX`` lines for :data:`kg.graph.PREFIXES` are prepended, so saved ``.rq`` files
  need none, exactly as with ``initNs`` locally;
* parameters: a ``VALUES`` block is put at the start of the query's outermost WHERE group. Its
  terms are serialised here from RDF terms with SPARQL escaping, never taken from user text.

Answers are read as RDF terms in their canonical form (:mod:`kg.remote_terms`); loading a store
into a server in batches is :mod:`kg.remote_load`.
"""

from __future__ import annotations

import io
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from kg.errors import QuerySyntaxError, QueryTimeout, StoreError
from kg.graph import PREFIXES
from kg.sparql_dialects import dialect_of, in_dialect
from kg.sparql_lexer import query_form, where_group_start
from kg.vocab import RDF_FORMATS

_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BAD_IRI_CHARS = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
GRAPH_FORMAT = next(f for f in RDF_FORMATS if f.name == "ntriples")  # graphs come back as N-Triples
GRAPH_MEDIA_TYPE = GRAPH_FORMAT.media_type
RESULTS_MEDIA_TYPE = "application/sparql-results+json"


def sparql_term(term: URIRef | Literal) -> str:
    """Return ``term`` written as SPARQL syntax that cannot break out of its place in a query.

    IRIs use rdflib's ``.n3()`` after a strict check (no spaces, quotes, braces or ``>``);
    literals are escaped here with SPARQL's ECHAR escapes, always on one line, because rdflib's
    triple-quoted form for multi-line strings mis-escapes some endings.

    Raises:
        ValueError: a term that has no safe SPARQL form (a blank node, an IRI with spaces…).

    Example:
        >>> sparql_term(Literal('a "b"\\n', lang="zh"))
        '"a \\\\"b\\\\"\\\\n"@zh'
        >>> sparql_term(URIRef("https://w3id.org/policykg/id/org/371724/县商务局"))
        '<https://w3id.org/policykg/id/org/371724/县商务局>'
    """
    if isinstance(term, URIRef):
        if _BAD_IRI_CHARS.search(str(term)):
            raise ValueError(f"not a valid IRI: {str(term)!r}")
        return term.n3()
    if isinstance(term, Literal):
        body = '"' + "".join(_ECHAR.get(ch, ch) for ch in str(term)) + '"'
        if term.language:
            if not _LANG.match(term.language):
                raise ValueError(f"not a valid language tag: {term.language!r}")
            return f"{body}@{term.language}"
        if term.datatype is not None:
            return f"{body}^^{sparql_term(URIRef(term.datatype))}"
        return body
    raise ValueError(f"cannot send a {type(term).__name__} to a remote store as a parameter")


def bind_values(sparql: str, bindings: Mapping[str, URIRef | Literal]) -> str:
    """Return ``sparql`` with ``bindings`` as a VALUES block opening its outermost WHERE group.

    Joining at the start of the group gives the same answers as rdflib's ``initBindings`` for
    queries that project their parameters, which every saved question does.

    Raises:
        QuerySyntaxError: the query has no WHERE group to bind into.
        ValueError: a variable name or a term cannot be written safely.

    Example:
        >>> bind_values("SELECT ?t WHERE { ?t a ?c }", {"c": URIRef("urn:x")})
        'SELECT ?t WHERE { VALUES (?c) { (<urn:x>) } ?t a ?c }'
    """
    if not bindings:
        return sparql
    at = where_group_start(sparql)
    if at is None:
        raise QuerySyntaxError("cannot bind parameters: the query has no WHERE group")
    names = sorted(bindings)
    for n in names:
        if not _VARNAME.match(n):
            raise ValueError(f"not a SPARQL variable name: {n!r}")
    block = ("VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
             + " ".join(sparql_term(bindings[n]) for n in names) + ") }")
    return f"{sparql[:at]} {block}{sparql[at:]}"


def prefix_lines(prefixes: Mapping[str, Any] = PREFIXES) -> str:
    """Return PREFIX declarations on one line, so the server's line numbers match the query's."""
    return "".join(f"PREFIX {p}: <{ns}> " for p, ns in prefixes.items())


class RemoteStore:
    """A SPARQL 1.1 server reached over HTTP.

    Every request is a form-encoded POST in UTF-8 (``query=…`` or ``update=…``), the one request
    form every server accepts: Virtuoso 7 never answers a POST of ``application/sparql-query``.

    Args:
        url: the query endpoint (Oxigraph server ``http://host:7878/query``, Virtuoso
            ``http://host:8890/sparql``, Fuseki ``http://host:3030/ds/query``…).
        update_url: the SPARQL Update endpoint; by default ``…/update`` beside a ``…/query`` URL
            (Oxigraph, Fuseki), else ``url`` itself (Virtuoso, GraphDB's ``…/statements`` must be given).
        timeout: seconds to wait for an answer.
    """

    def __init__(self, url: str, *, update_url: str | None = None, timeout: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise StoreError(f"not an http(s) SPARQL endpoint URL: {url!r}")
        self.url = url
        self.timeout = timeout
        base, _, last = url.rstrip("/").rpartition("/")
        self.update_url = update_url or (f"{base}/update" if last == "query" else url)
        self.dialect: str | None = None  # known after the first answer (kg.sparql_dialects)

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    # -- queries --------------------------------------------------------------------------------

    def query(self, sparql: str, initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's names)
              initBindings: Mapping[str, URIRef | Literal] | None = None, **_: Any) -> Result:
        """Run ``sparql`` on the server and return an rdflib :class:`~rdflib.query.Result`.

        The text goes in the server's dialect (:mod:`kg.sparql_dialects`); answers are read as
        RDF 1.1 says they mean (:func:`kg.remote_terms.canonical_term`), so one server's spelling
        of a term (Virtuoso's ``"1"^^xsd:boolean``) compares equal to another's.

        Raises:
            QuerySyntaxError: the server says the query is malformed (its message is kept).
            QueryTimeout: no answer within ``timeout`` seconds.
            StoreError: the server cannot be reached or answers with another error.
        """
        from kg.remote_terms import canonical_result

        form = query_form(sparql) or "SELECT"
        if self.dialect is None:
            self.raw_query("ASK {}", accept=RESULTS_MEDIA_TYPE)  # its Server header names the dialect
        sent = in_dialect(self.prepare(sparql, initNs=initNs, initBindings=initBindings), self.dialect or "")
        text = sent.text
        if form in {"CONSTRUCT", "DESCRIBE"}:
            raw, _ = self.raw_query(text, accept=GRAPH_MEDIA_TYPE)
            g = Graph()
            g.parse(data=raw.decode("utf-8"), format=GRAPH_FORMAT.rdflib)
            result = Result(form)
            result.graph = g
            return canonical_result(result)
        raw, _ = self.raw_query(text, accept=RESULTS_MEDIA_TYPE)
        result = Result.parse(io.BytesIO(raw), format="json")
        if form == "ASK" and result.type == "SELECT":
            # Virtuoso answers an ASK of constant triples as one row of ?__ASK_RETVAL, 1 or 0.
            answer = Result("ASK")
            answer.askAnswer = any(str(v) not in {"0", "false"} for row in result.bindings for v in row.values())
            return answer
        return sent.finish(canonical_result(result))

    def prepare(self, sparql: str, *, initNs: Mapping[str, Any] | None = None,  # noqa: N803
                initBindings: Mapping[str, URIRef | Literal] | None = None) -> str:
        """Return the text sent to the server: PREFIX declarations, then the query with VALUES bound."""
        prefixes = dict(PREFIXES, **(initNs or {}))
        try:
            body = bind_values(sparql, dict(initBindings or {}))
        except ValueError as e:
            raise QuerySyntaxError(f"cannot bind parameters: {e}") from None
        return prefix_lines(prefixes) + body

    def raw_query(self, sparql: str, *, accept: str, default_graphs: Sequence[str] = (),
                  named_graphs: Sequence[str] = ()) -> tuple[bytes, str]:
        """POST ``sparql`` as is and return the response body and its media type."""
        fields = [("query", sparql), *(("default-graph-uri", g) for g in default_graphs),
                  *(("named-graph-uri", g) for g in named_graphs)]
        body, media_type = self._post(self.url, fields, accept=accept, timeout=self.timeout)
        return body, media_type or accept

    def update(self, text: str) -> None:
        """Run the SPARQL Update ``text`` at :attr:`update_url`.

        Raises:
            QuerySyntaxError: the server rejects the update as malformed.
            StoreError: the server refuses it (e.g. its endpoint is read-only) or cannot be reached.
        """
        self._post(self.update_url, [("update", text)], accept="*/*", timeout=max(self.timeout, 300))

    def _post(self, url: str, fields: list[tuple[str, str]], *, accept: str, timeout: float) -> tuple[bytes, str]:
        # charset=utf-8: the form body's percent-escapes are UTF-8 bytes (the default some servers
        # assume for a form is Latin-1).
        body = urllib.parse.urlencode(fields, encoding="utf-8").encode("ascii")
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept,
            "User-Agent": "policykg"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                self.dialect = dialect_of(response.headers.get("Server"))
                return response.read(), (response.headers.get("Content-Type") or "").split(";")[0].strip()
        except urllib.error.HTTPError as e:
            message = _read(e)
            if e.code == 400:
                raise QuerySyntaxError(f"the SPARQL server rejected the request: {message}") from None
            raise StoreError(f"{url}: HTTP {e.code}: {message}") from None
        except Exception as e:  # URLError, socket timeouts, connection errors
            raise _transport_error(url, e, timeout) from None

    def named_graphs(self) -> list[str]:
        """Return the names of the server's named graphs.

        ``GRAPH ?g { }`` lists them without reading their triples, but Virtuoso 7 answers it with
        none: there the graphs are grouped off the triples instead (its GROUP BY takes 0.07 s where
        DISTINCT took 7 s, on 22,000 quads).
        """
        if self.dialect is None:
            self.raw_query("ASK {}", accept=RESULTS_MEDIA_TYPE)
        result = self.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g" if self.dialect == "virtuoso"
                            else "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(str(row[0]) for row in result if isinstance(row[0], URIRef))

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(result))[0])


def _read(e: urllib.error.HTTPError) -> str:
    try:
        return e.read().decode("utf-8", "replace").strip()[:500]
    except Exception:
        return e.reason or ""


def _transport_error(url: str, e: Exception, timeout: float) -> Exception:
    reason = getattr(e, "reason", e)
    if isinstance(reason, socket.timeout | TimeoutError) or isinstance(e, socket.timeout | TimeoutError):
        return QueryTimeout(f"{url}: no answer within {timeout:g} s")
    if isinstance(e, urllib.error.HTTPError):
        return StoreError(f"{url}: HTTP {e.code}: {_read(e)}")
    return StoreError(f"cannot reach SPARQL server {url}: {reason}")

