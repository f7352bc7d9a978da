"""Decide whether a SPARQL text from the outside may run, before anything runs.

The public endpoint is read-only and must never make a request on a user's behalf. This module
checks a query text lexically (:mod:`kg.sparql_lexer`, outside literals, IRIs and comments,
after SPARQL's ``\\u`` escapes are expanded): its size, its nesting (so a hostile text cannot
exhaust a parser), update keywords (INSERT, DELETE, LOAD, CLEAR, DROP…) and ``SERVICE`` are
refused, and the dataset it names (``FROM`` / ``FROM NAMED``) is returned so the caller can check
those graphs are already in the store. None of those words can appear in a valid SPARQL query
other than as what they are, so the lexical look refuses exactly what a parse would.

Parsing is left to the engine that runs the query (Oxigraph, or the remote server), whose syntax
errors come back as 400s: rdflib's pure-Python parser would cost more per new text than most
queries take to run. rdflib's parser is kept for the one case the lexer cannot settle, a ``FROM`` with a
relative IRI or an escaped name; it only looks, never evaluates (rdflib would fetch a
``FROM <url>`` from the web, which is exactly what the endpoint must not do).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kg.errors import QueryRefused, QuerySyntaxError
from kg.graph import PREFIXES
from kg.sparql_lexer import UnterminatedToken, nesting_depth, tokens

DEFAULT_MAX_BYTES = 100_000
DEFAULT_MAX_DEPTH = 64
UPDATE_MESSAGE = ("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, ADD, MOVE, COPY) is not "
                  "accepted: this endpoint is read-only")
# Words of SPARQL 1.1 Update that the query grammar does not have (WITH opens a modify operation).
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"})


class QueryTooLarge(QueryRefused):
    """A query text above the size limit."""


class QueryTooDeep(QueryRefused):
    """A query that nests ``{ ( [`` more deeply than any real question needs."""


class UnknownGraph(QueryRefused):
    """A dataset (FROM, FROM NAMED, default-graph-uri, named-graph-uri) naming a graph the store
    does not hold: the endpoint never fetches graphs from elsewhere."""


@dataclass(frozen=True)
class CheckedQuery:
    """A query text that may run, with what the guard learnt about it."""

    text: str
    form: str  # SELECT, CONSTRUCT, ASK or DESCRIBE
    default_graphs: tuple[str, ...] = ()  # FROM
    named_graphs: tuple[str, ...] = ()  # FROM NAMED

    @property
    def returns_graph(self) -> bool:
        return self.form in {"CONSTRUCT", "DESCRIBE"}


def decode_query(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Return ``raw`` as text, refusing oversized input and anything that is not UTF-8.

    Raises:
        QueryTooLarge: more than ``max_bytes`` bytes.
        QuerySyntaxError: not valid UTF-8 (SPARQL texts are UTF-8, as the protocol says).
    """
    if len(raw) > max_bytes:
        raise QueryTooLarge(f"query is {len(raw):,} bytes; the limit is {max_bytes:,}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise QuerySyntaxError(f"query is not valid UTF-8 (byte {e.start}: {raw[e.start:e.start + 1]!r})") from None


def check_query(text: str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH,
                prefixes: Mapping[str, Any] = PREFIXES) -> CheckedQuery:
    """Return ``text`` as a :class:`CheckedQuery` if the read-only endpoint may run it.

    ``prefixes`` are the ones the endpoint pre-declares (``pk:``, ``skos:``…), so a query may use
    them without PREFIX lines.

    Raises:
        QueryTooLarge: the text is above ``max_bytes`` (UTF-8).
        QueryTooDeep: it nests more than ``max_depth`` levels.
        QuerySyntaxError: it has no query form, or a string never ends (the engine that runs the
            query reports every other syntax error, with its message).
        QueryRefused: it is an update, or it uses SERVICE.

    Example:
        >>> check_query("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }").default_graphs
        ('urn:g',)
        >>> check_query("DROP ALL")
        Traceback (most recent call last):
        ...
        kg.errors.QueryRefused: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, ADD, MOVE, COPY) is not accepted: this endpoint is read-only
    """
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise QueryTooLarge(f"query is {size:,} bytes; the limit is {max_bytes:,}")
    if "\x00" in text:
        raise QuerySyntaxError("query contains a NUL character")
    try:
        # Parsers expand \u escapes before anything else (SPARQL 1.1 §19.2), so the lexical
        # checks look at the expanded text: "\u0053ERVICE" is SERVICE.
        expanded = unescape_codepoints(text)
        if nesting_depth(expanded, stop_above=max_depth) > max_depth:  # stops scanning at the limit
            raise QueryTooDeep(f"query nests more than {max_depth} levels of {{ ( [")
        toks = list(tokens(expanded))
    except (UnterminatedToken, ValueError) as e:
        raise QuerySyntaxError(str(e)) from None
    words = {t.text.upper() for t in toks if t.kind == "keyword"}
    if "SERVICE" in words:
        raise QueryRefused("SERVICE is not allowed: this endpoint never queries other servers")
    if words & UPDATE_WORDS:
        raise QueryRefused(UPDATE_MESSAGE)
    form = next((t.text.upper() for t in toks if t.depth == 0 and t.kind == "keyword"
                 and t.text.upper() in {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}), None)
    if form is None:
        raise QuerySyntaxError("the query is empty" if not words else
                               "not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE")
    dataset = _dataset([t for t in toks if t.depth == 0], prefixes)
    if dataset is None:  # a FROM the lexer cannot resolve: let rdflib's parser say what it names
        return _check_with_rdflib(text, prefixes)
    default, named = dataset
    return CheckedQuery(text=text, form=form, default_graphs=tuple(default), named_graphs=tuple(named))


_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _dataset(toks: list[Any], prefixes: Mapping[str, Any]) -> tuple[list[str], list[str]] | None:
    """The graphs of the FROM and FROM NAMED clauses among the top-level tokens ``toks``, or None
    if one needs a parser to resolve (a relative IRI, an escaped local name)."""
    declared = {k: str(v) for k, v in prefixes.items()}
    default: list[str] = []
    named: list[str] = []
    for i, t in enumerate(toks):
        word = t.text.upper() if t.kind == "keyword" else ""
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            declared[toks[i + 1].text.removesuffix(":")] = toks[i + 2].text[1:-1]
        elif word == "FROM":
            is_named = i + 1 < len(toks) and toks[i + 1].text.upper() == "NAMED"
            at = i + 2 if is_named else i + 1
            iri = _resolve(toks[at], declared) if at < len(toks) else None
            if iri is None or not _ABSOLUTE_IRI.match(iri):
                return None
            (named if is_named else default).append(iri)
    return default, named


def _resolve(token: Any, declared: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "word" and ":" in token.text and not token.text.startswith(("?", "$", "_:")):
        prefix, local = token.text.split(":", 1)
        if prefix in declared and "\\" not in local and "%" not in local:
            return declared[prefix] + local
    return None


def _check_with_rdflib(text: str, prefixes: Mapping[str, Any]) -> CheckedQuery:
    """The full check by rdflib's parser and algebra (slow, so only when the lexer cannot settle it)."""
    parsed = _parse(text)
    form = parsed[1].name.removesuffix("Query").upper()
    if _contains(parsed, "ServiceGraphPattern"):
        raise QueryRefused("SERVICE is not allowed: this endpoint never queries other servers")
    try:
        from rdflib.plugins.sparql.algebra import translateQuery

        algebra = translateQuery(parsed, initNs=dict(prefixes)).algebra
    except Exception as e:  # unknown prefix, bad aggregate use…: rdflib raises several types
        raise QuerySyntaxError(_first_line(e)) from None
    if _contains(algebra, "ServiceGraphPattern"):
        raise QueryRefused("SERVICE is not allowed: this endpoint never queries other servers")

    default, named = [], []
    # CompValue.get returns the key itself when it is missing, hence the ``in`` tests.
    for clause in parsed[1]["datasetClause"] if "datasetClause" in parsed[1] else []:
        if "default" in clause:
            default.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    return CheckedQuery(text=text, form=form, default_graphs=tuple(default), named_graphs=tuple(named))


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    """Return ``text`` with SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes expanded.

    Raises:
        ValueError: an escape beyond Unicode's range.

    Example:
        >>> unescape_codepoints("\\u0053ERVICE")
        'SERVICE'
    """
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _parse(text: str) -> Any:
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)
    except Exception as query_error:  # pyparsing's ParseException, or a bad escape in a literal
        try:
            update = parseUpdate(text)
        except Exception:
            raise QuerySyntaxError(_first_line(query_error)) from None
        if not ("request" in update and update["request"]):  # "" is a valid, empty, update
            raise QuerySyntaxError("the query is empty") from None
        raise QueryRefused(UPDATE_MESSAGE) from None


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _walk(node: Any, seen: set[int]) -> Iterator[Any]:
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    if isinstance(node, Mapping):
        for value in node.values():
            yield from _walk(value, seen)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for value in node:
            yield from _walk(value, seen)


def _contains(tree: Any, name: str) -> bool:
    """True if any node of a parse tree or algebra (CompValues, lists) is named ``name``."""
    return any(getattr(n, "name", None) == name for n in _walk(tree, set()))
