"""Saved questions' files: one SPARQL query per ``.rq`` file, with a small header parsed here.

Header lines at the top of each file (the file name is the query's name and its URL name)::

    # title: 各牵头单位的任务数 / Tasks per lead unit
    # description: Counts tasks by the organisation that leads them.
    # param: org: iri, optional: the organisation (an IRI from /organizations)
    # view: table

Parameter types: ``iri``, ``string``, ``integer``, ``decimal``, ``date``, ``boolean``. Values reach
SPARQL only as RDF terms bound to the variable of the same name (``initBindings``), never pasted
into the query text. An optional parameter left out leaves its variable free, so the query must be
written to range over all values then.

A filter that only a given parameter needs is written on its own line as ``#[org] …pattern…``: a
comment to every SPARQL parser, made part of the query only when ``org`` is given (``#[!org]``:
only when it is not). A store then
never evaluates a filter for a parameter left out (Oxigraph evaluates both sides of
``COALESCE(?org, "") = "" || EXISTS {…}``, for every row), and a given one can lead the join.

A question whose answer grows with the corpus says ``# page: 50`` and chooses its rows in one
sub-select ending in ``LIMIT 50`` (see :mod:`queries.paging`); ``# page: 50 by plan`` pages a
question with one row per task in plan order plan by plan, and ``# page: 50 by plan (rows
counted)`` one whose rows come in plan order but are not one per task. ``# page: 50 by plan (rows:
pk:targetCount)`` reads each plan's rows from that count of its pk:DocumentTally (kept by the build,
:mod:`kg.plan_rows`) instead of counting them. The plan is the ``doc`` parameter (``document`` in the
questions that name the lower plan so). ``# page: 50 by month`` pages a question whose rows come in
month order (``?month``, also a parameter) one month at a time; ``by month (rows: pk:rollupRows)``
reads the months' rows from that count of the pk:MonthRollup nodes the build keeps when no
parameter is given. ``# page: 100 by ?organizations (rows:
pk:organizationCount)`` pages a question whose rows come in descending order of a count the build keeps
(one row per node holding it, the sub-select's ``?organizations``): with no parameter given, the
rows per count are read from that property alone and each page asks only the counts it spans.
Running them is :mod:`queries.library`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import QueryNotFound, QueryParameterError, QuerySyntaxError
from kg.graph import PREFIXES
from kg.namespace import PK
from queries.paging import PageClause, find_page_clause

SPARQL_DIR = Path(__file__).resolve().parent / "sparql"
PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PAGE_HOW = {"": "", "by plan": "tasks", "by plan (rows counted)": "counted"}
_ROWS_FROM_TALLY = re.compile(r"^by plan \(rows: pk:([A-Za-z]+)\)$")
_BY_MONTH_ROWS = re.compile(r"^by month \(rows: pk:([A-Za-z]+)\)$")
_BY_COUNT = re.compile(r"^by \?([A-Za-z_][A-Za-z0-9_]*) \(rows: pk:([A-Za-z]+)\)$")
_WHEN_GIVEN = re.compile(r"^(\s*)#\[(!?)([a-z_][a-z0-9_]*)\] ?(.*)$", re.M)
_CONDITIONS = re.compile(r"#\[(!?)([a-z_][a-z0-9_]*)\]")


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
    page: PageClause | None = None
    # "# page: N by plan": one row per task, in plan (文号) and task order ("tasks"); "# page: N by
    # plan (rows counted)": rows in plan (文号) order first, each plan's counted ("counted"); "# page:
    # N by plan (rows: pk:…)": the same, each plan's rows read from that count of its tally ("tally").
    by_plan: str = ""
    plan_rows: str = ""  # the tally's count (IRI) of a question paged "by plan (rows: pk:…)"
    plan_param: str = "doc"  # the parameter (and variable) naming the plan
    # "# page: N by month": rows in month order first (?month, its parameter), paged month by month.
    by_month: bool = False
    month_rows: str = ""  # "by month (rows: pk:…)": the months' rows read from that count of pk:MonthRollup
    # "# page: N by ?var (rows: pk:…)": rows in descending order of a kept count (?var), paged count by count.
    by_count: tuple[str, ...] = ()  # (variable, the count's IRI)

    def text_for(self, given: Iterable[str]) -> str:
        """Return the SPARQL text with the ``#[name]`` lines of the ``given`` parameters made active."""
        return activate_lines(self.sparql, given)

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


def activate_lines(sparql: str, given: Iterable[str]) -> str:
    """Return ``sparql`` with each ``#[name] …`` line uncommented when ``name`` is in ``given``, and
    each ``#[!name] …`` line when it is not. A line may carry several conditions, all of which must
    hold (``#[!doc] #[!place] …``: neither given).

    Example:
        >>> q = "SELECT ?t ?org WHERE { ?t a ?c .\\n#[org] ?t <urn:unit> ?org .\\n}"
        >>> activate_lines(q, {"org"})
        'SELECT ?t ?org WHERE { ?t a ?c .\\n?t <urn:unit> ?org .\\n}'
        >>> activate_lines(q, set()) == q
        True
        >>> activate_lines("#[!org] ?t <urn:unit> ?any .", set())
        '?t <urn:unit> ?any .'
        >>> activate_lines("#[!doc] #[!place] ?r a <urn:Rollup> .", {"place"})
        '#[!doc] #[!place] ?r a <urn:Rollup> .'
        >>> activate_lines("#[!doc] #[!place] ?r a <urn:Rollup> .", set())
        '?r a <urn:Rollup> .'

    """
    names = set(given)

    def line(m: re.Match[str]) -> str:
        if (m.group(3) in names) == bool(m.group(2)):
            return m.group(0)
        rest = _WHEN_GIVEN.sub(line, m.group(4))
        return m.group(0) if _WHEN_GIVEN.match(rest) else m.group(1) + rest  # a further condition failed

    return _WHEN_GIVEN.sub(line, sparql)


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
    declared = {p.name for p in params}
    for m in _WHEN_GIVEN.finditer(text):
        for bang, param in _CONDITIONS.findall(m.group(0)):
            if param not in declared:
                raise QuerySyntaxError(f"{path.name}: '#[{bang}{param}]' names no declared parameter")
    _check_syntax(path, activate_lines(text, ()))
    _check_syntax(path, activate_lines(text, declared))  # every filter line in place
    page, by_plan, plan_rows, plan_param = None, "", "", "doc" if "doc" in declared else "document"
    by_month, by_count, month_rows = False, (), ""
    if "page" in header:
        page = find_page_clause(activate_lines(text, declared), name=path.name)
        size, _, how = header.pop("page").strip().partition(" ")
        by_month, month_rows = _page_by_month(how.strip(), path.name)
        by_count = _page_by_count(how.strip(), path.name)
        by_plan, plan_rows = ("", "") if by_month or by_count else _page_how(how.strip())
        if size != str(page.size) or by_plan == "?":
            raise QuerySyntaxError(f"{path.name}: '# page: N[ by plan[ (rows counted)|(rows: pk:targetCount)]"
                                   f"| by month[ (rows: pk:…)]| by ?var (rows: pk:…)]' must repeat the paged sub-select's "
                                   f"LIMIT ({page.size}) and name a count of the ontology")
        if by_month and "month" not in declared:
            raise QuerySyntaxError(f"{path.name}: a question paged by month takes a month parameter")
        if by_plan and not {plan_param, "place"} <= declared:
            raise QuerySyntaxError(f"{path.name}: a question paged by plan takes doc (or document) and place "
                                   "parameters")
    return NamedQuery(
        name=name,
        title=header.pop("title"),
        description=header.pop("description", ""),
        sparql=text,
        params=tuple(params),
        view=header.pop("view", "table"),
        path=path,
        extra=header,
        page=page,
        by_plan=by_plan,
        plan_rows=plan_rows,
        plan_param=plan_param,
        by_month=by_month,
        month_rows=month_rows,
        by_count=by_count,
    )


def _page_by_month(how: str, file: str) -> tuple[bool, str]:
    """Return whether a question is paged "by month", and the IRI of the count of pk:MonthRollup
    its months' rows are read from ("by month (rows: pk:rollupRows)"; "": counted)."""
    if how == "by month":
        return True, ""
    m = _BY_MONTH_ROWS.match(how)
    if m is None:
        return False, ""
    try:
        return True, str(getattr(PK, m.group(1)))
    except AttributeError:
        raise QuerySyntaxError(f"{file}: '# page: … by month (rows: pk:{m.group(1)})' names no count "
                               "of the ontology") from None


def _page_by_count(how: str, file: str) -> tuple[str, ...]:
    """Return (variable, count IRI) of a question paged "by ?var (rows: pk:…)", or () for another."""
    m = _BY_COUNT.match(how)
    if m is None:
        return ()
    try:
        return m.group(1), str(getattr(PK, m.group(2)))
    except AttributeError:
        raise QuerySyntaxError(f"{file}: '# page: … by ?{m.group(1)} (rows: pk:{m.group(2)})' names no count "
                               "of the ontology") from None


def _page_how(how: str) -> tuple[str, str]:
    """Return how a question is paged by plan ("", "tasks", "counted", "tally" or "?": not understood)
    and, for "tally", the IRI of the count its plans' tallies keep."""
    m = _ROWS_FROM_TALLY.match(how)
    if m is None:
        return _PAGE_HOW.get(how, "?"), ""
    try:
        return "tally", str(getattr(PK, m.group(1)))
    except AttributeError:  # the closed namespace: no such term in the ontology
        return "?", ""


def _check_syntax(path: Path, text: str) -> None:
    """Parse the query with Oxigraph, the engine that runs it (on an empty store: nothing is evaluated
    but the plan); rdflib's pure-Python parser would slow every server start with all the saved questions."""
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
