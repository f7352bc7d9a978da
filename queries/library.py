"""Saved questions: one SPARQL query per ``.rq`` file, with a small header the library parses.

Header lines at the top of each file (the file name is the query's name and its URL name)::

    # title: 各牵头单位的任务数 / Tasks per lead unit
    # description: Counts tasks by the organisation that leads them.
    # param: org: iri, optional: the organisation (an IRI from /organizations)
    # view: table

Parameter types: ``iri``, ``string``, ``integer``, ``decimal``, ``date``, ``boolean``. Values reach
SPARQL only as RDF terms bound to the variable of the same name (``initBindings``), never pasted
into the query text. An optional parameter left out leaves its variable free, so the query must be
written to range over all values then.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from kg.errors import QueryNotFound, QueryParameterError, QuerySyntaxError
from kg.graph import PREFIXES

if TYPE_CHECKING:
    from kg.remote_store import RemoteStore

SPARQL_DIR = Path(__file__).resolve().parent / "sparql"
PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A saved question: its name, header fields and SPARQL text."""

    name: str
    title: str
    description: str
    sparql: str
    params: tuple[QueryParam, ...] = ()
    view: str = "table"
    path: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def title_zh(self) -> str:
        return self.title.split(" / ")[0]

    @property
    def title_en(self) -> str:
        parts = self.title.split(" / ")
        return parts[1] if len(parts) > 1 else parts[0]

    def bind(self, values: Mapping[str, Any]) -> dict[str, URIRef | Literal]:
        """Return the RDF terms for ``values``, checked against the declared parameters.

        Raises:
            QueryParameterError: an unknown parameter, a missing required one, or a bad value.
        """
        declared = {p.name: p for p in self.params}
        for key in values:
            if key not in declared:
                raise QueryParameterError(self.name, key, "not a parameter of this query")
        bindings: dict[str, URIRef | Literal] = {}
        for p in self.params:
            raw = values.get(p.name)
            if raw is None or raw == "":
                if p.required:
                    raise QueryParameterError(self.name, p.name, "is required")
                continue
            bindings[p.name] = to_term(self.name, p, raw)
        return bindings


def to_term(query: str, p: QueryParam, raw: Any) -> URIRef | Literal:
    """Convert one parameter value to an RDF term of the parameter's type."""
    if isinstance(raw, URIRef | Literal):
        return raw
    text = str(raw).strip()
    try:
        if p.type == "iri":
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", text):
                raise ValueError("not an absolute IRI")
            _check_iri(text)
            return URIRef(text)
        if p.type == "integer":
            return Literal(int(text))
        if p.type == "decimal":
            return Literal(Decimal(text), datatype=XSD.decimal)
        if p.type == "date":
            return Literal(date.fromisoformat(text), datatype=XSD.date)
        if p.type == "boolean":
            if text.lower() not in {"true", "false", "1", "0"}:
                raise ValueError("expected true or false")
            return Literal(text.lower() in {"true", "1"})
        return Literal(text)
    except (ValueError, InvalidOperation) as e:
        raise QueryParameterError(query, p.name, f"{text!r} is not a valid {p.type}: {e}") from e


def _check_iri(text: str) -> None:
    """Refuse what Oxigraph would refuse (RFC 3987: bad %-escapes, brackets, non-characters), so a
    bad value is the caller's 400, not the store's 500."""
    try:
        import pyoxigraph

        pyoxigraph.NamedNode(text)
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency; rdflib alone is laxer
        return


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header.

    Raises:
        QuerySyntaxError: the header is malformed or the SPARQL does not parse.
    """
    text = path.read_text(encoding="utf-8")
    name = path.stem
    if not _NAME.match(name):
        raise QuerySyntaxError(f"{path.name}: query file names are lower_snake_case")
    header: dict[str, str] = {}
    params: list[QueryParam] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = re.match(r"#\s*([a-z_]+)\s*:\s*(.*)$", line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            params.append(_parse_param(path, value))
        else:
            header[key] = value
    if "title" not in header:
        raise QuerySyntaxError(f"{path.name}: missing '# title:' header line")
    _check_syntax(path, text)
    return NamedQuery(
        name=name,
        title=header.pop("title"),
        description=header.pop("description", ""),
        sparql=text,
        params=tuple(params),
        view=header.pop("view", "table"),
        path=path,
        extra=header,
    )


def _check_syntax(path: Path, text: str) -> None:
    """Parse the query with Oxigraph, the engine that runs it (on an empty store: nothing is evaluated
    but the plan). rdflib's parser took about 2 s for the saved questions, at every server start."""
    import pyoxigraph

    try:
        pyoxigraph.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as e:
        raise QuerySyntaxError(f"{path.name}: {e}") from e


def _parse_param(path: Path, spec: str) -> QueryParam:
    # "org: iri, optional: the organisation"
    m = re.match(r"^([a-z_][a-z0-9_]*)\s*:\s*([a-z]+)\s*(?:,\s*(optional|required))?\s*(?::\s*(.*))?$", spec)
    if not m or m.group(2) not in PARAM_TYPES:
        raise QuerySyntaxError(f"{path.name}: bad param line {spec!r} (want 'name: type[, optional]: text')")
    return QueryParam(m.group(1), m.group(2), m.group(3) != "optional", (m.group(4) or "").strip())


def load_queries(directory: Path = SPARQL_DIR) -> dict[str, NamedQuery]:
    """Return every saved query in ``directory`` by name, sorted by name (parsed once per directory)."""
    # One cache entry per directory however it is passed: lru_cache keys load_queries() and
    # load_queries(SPARQL_DIR) apart, which parsed every query again on a server's first request.
    return _load_queries(Path(directory).resolve())


@lru_cache(maxsize=8)
def _load_queries(directory: Path) -> dict[str, NamedQuery]:
    return {q.name: q for q in sorted((parse_query_file(p) for p in directory.glob("*.rq")), key=lambda q: q.name)}


def get_query(name: str, directory: Path = SPARQL_DIR) -> NamedQuery:
    try:
        return load_queries(directory)[name]
    except KeyError:
        raise QueryNotFound(name) from None


def term_to_python(term: Any) -> Any:
    """A result cell as a plain value: IRIs as strings, literals as their Python value."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Literal):  # an ill-typed literal: keep its lexical form
            return str(value)
        return value
    return str(term)


def rows_from_result(result: Any) -> list[dict[str, Any]]:
    """Return SELECT results as a list of dicts of plain values (unbound → None)."""
    names = [str(v) for v in result.vars]
    return [{n: term_to_python(row[i]) for i, n in enumerate(names)} for row in result]


def query_result(g: Graph | RemoteStore, name: str, *, directory: Path = SPARQL_DIR, **params: Any) -> Result:
    """Run the saved query ``name`` on ``g`` and return rdflib's :class:`~rdflib.query.Result`.

    The result keeps each term's kind (IRI, literal, its language and datatype), for writers such
    as SPARQL JSON; :func:`run_query` turns it into plain rows.

    Raises:
        QueryNotFound: no such saved query.
        QueryParameterError: a parameter is unknown, missing or of the wrong type.
    """
    q = get_query(name, directory)
    bindings = q.bind(params)
    if bindings and isinstance(g, Graph) and not type(g.store).__module__.startswith("oxrdflib"):
        # rdflib's own engine (the "memory" store) does not carry initBindings into sub-selects,
        # so there the parameters go in as a VALUES block, as they do for a remote store.
        from kg.remote_store import bind_values

        return g.query(bind_values(q.sparql, bindings), initNs=PREFIXES)
    return g.query(q.sparql, initNs=PREFIXES, initBindings=bindings)


def run_query(g: Graph | RemoteStore, name: str, *, directory: Path = SPARQL_DIR,
              **params: Any) -> list[dict[str, Any]]:
    """Run the saved query ``name`` on ``g`` and return its rows as plain dicts.

    ``g`` is an rdflib Graph (in-process) or a :class:`kg.remote_store.RemoteStore` (any SPARQL 1.1
    server); both take the same ``query(text, initNs=…, initBindings=…)`` call, so a saved
    question gives the same rows either way. Parameters must be projected by the query: Oxigraph
    binds them only if they are (SEP-0007), and a remote server gets them as a VALUES block.

    Raises:
        QueryNotFound: no such saved query.
        QueryParameterError: a parameter is unknown, missing or of the wrong type.

    Example:
        >>> from kg.graph import new_graph
        >>> run_query(new_graph(), "tasks_per_lead_unit")
        []
    """
    return rows_from_result(query_result(g, name, directory=directory, **params))
