"""Running saved questions: :func:`run_query` (every row), :func:`run_page` (one page and the total),
:func:`query_result` (rdflib's result, terms kept); answers as rows of plain Python values.

The questions themselves are the ``.rq`` files of queries/sparql/, read by :mod:`queries.query_files`.
A question paged ``# page: 50`` chooses its rows in one sub-select (see :mod:`queries.paging`):
:func:`run_page` answers one page and the total, :func:`run_query` every row. Other questions are
paged after they run. A question paged ``by plan``, asked for a document, a place or everything,
is paged plan by plan from the plans' sizes (:mod:`queries.document_pages`), which spares the store
sorting every task of the corpus for one page. A question whose rows come in plan order but are
not one per task (``by plan (rows counted)``) has each plan's rows counted by one unsorted query
(which also gives the total), then is paged the same way; ``by plan (rows: pk:…)`` reads them from
the plans' tallies, kept by the build, and counts them only under a filter the tallies cannot know
(a level, a cited text) or on a store built before they were kept. A question paged ``by month``
sorts, for a page, only the months the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from kg.errors import QueryParameterError
from kg.graph import PREFIXES
from kg.store import keeps, kept
from queries.paging import (
    PageClause,
    all_rows_query,
    bound_text,
    count_query,
    find_page_clause,
    page_is_answer,
    page_keys_query,
    page_rows_query,
    unsorted_rows_query,
)
from queries.query_files import SPARQL_DIR, NamedQuery, QueryParam, get_query, load_queries

if TYPE_CHECKING:
    from kg.remote_store import RemoteStore

# A paged question asked for every row with a filter answers in two steps (rows, then what they
# show) when it has at most this many rows; past it, in one query.
ALL_ROWS_BY_KEYS = 2000
# A paged question with at most this many rows, asked of a store generation, has its rows' order
# read once and kept (kg.store.kept): every page is then a slice of it. /organizations at 1,000
# plans sorted 3,273 bodies with their names and counts on every page (about 220 ms).
KEPT_ORDER_ROWS = 5000
# The saved questions' public face: NamedQuery and load_queries are defined with the .rq files.
__all__ = ["SPARQL_DIR", "NamedQuery", "Page", "QueryParam", "get_query", "load_queries", "query_result",
           "rows_from_result", "run_page", "run_query", "run_unsorted", "select", "term_to_python"]

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
    if _is_ox(term):
        return _ox_to_python(term)
    return str(term)


def rows_from_result(result: Any) -> list[dict[str, Any]]:
    """Return SELECT results as a list of dicts of plain values (unbound → None)."""
    names = [str(v) for v in result.vars]
    return [{n: term_to_python(row[i]) for i, n in enumerate(names)} for row in result]


# -- Oxigraph's own terms ------------------------------------------------------------------------
# On a graph held in Oxigraph (oxrdflib), answers are read from the store's own terms: building an
# rdflib object for every cell can cost more than the query itself on corpus-sized answers. The
# values are the ones term_to_python gives; a test holds the two paths to the same rows.

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                 "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                                 "unsignedShort", "unsignedByte")}


_STRING, _LANG_STRING = _XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
try:  # pyoxigraph comes with oxrdflib, the default store; without it the rdflib path is taken
    import pyoxigraph as _ox

    _OX_LITERAL, _OX_NAMED = _ox.Literal, _ox.NamedNode
except ImportError:  # pragma: no cover
    _OX_LITERAL = _OX_NAMED = type(None)


def _is_ox(term: Any) -> bool:
    return type(term).__module__ == "pyoxigraph"


def _ox_to_python(term: Any) -> Any:
    if term is None:
        return None
    if type(term) is not _OX_LITERAL:
        return term.value if type(term) is _OX_NAMED else str(term)
    dt, text = term.datatype.value, term.value
    if dt == _STRING or dt == _LANG_STRING:
        return text
    try:
        if dt in _INTEGERS:
            return int(text)
        if dt == _XSD + "decimal":
            d = Decimal(text)
            return int(d) if d == d.to_integral_value() else float(d)
        if dt in (_XSD + "double", _XSD + "float"):
            return float(text)
        if dt == _XSD + "boolean":
            if text in ("true", "1", "false", "0"):
                return text in ("true", "1")
            return text
        if dt in (_XSD + "date", _XSD + "dateTime"):
            return term_to_python(Literal(text, datatype=URIRef(dt)))
    except (ValueError, InvalidOperation):
        return text
    return text


def _oxigraph(g: Any) -> Any:
    """The pyoxigraph store behind an oxrdflib graph (one graph, or a dataset read as one), else None."""
    store = getattr(g, "store", None)
    return store._inner if type(store).__name__ == "OxigraphStore" else None


def select(g: Graph | RemoteStore, sparql: str, bindings: Mapping[str, URIRef | Literal] | None = None,
           ) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a SELECT on ``g``; return (column names, rows of RDF terms, unbound → None).

    Terms are rdflib's, or Oxigraph's own on an Oxigraph-backed graph: both turn into plain
    values with :func:`term_to_python` and into SPARQL with :func:`queries.paging.page_rows_query`.
    """
    store = _oxigraph(g)
    if store is not None:
        # kg.graph gives every graph a store of its own: the union of its graphs is that graph.
        # Parameters go in as VALUES blocks opening the query and each sub-select that projects
        # them: Oxigraph (0.5) plans joins from a VALUES block, not from ``substitutions``
        # (document_marks for one plan of 100: 0.5 s with substitutions, 0.12 s with VALUES).
        result = store.query(bound_text(sparql, bindings) if bindings else sparql, prefixes=PREFIXES,
                             use_default_graph_as_union=True)
        return [v.value for v in result.variables], [tuple(row) for row in result]
    result = _query(g, sparql, dict(bindings or {}))
    return [str(v) for v in result.vars], [tuple(row) for row in result]


def _plain(names: list[str], rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    first = next((v for row in rows for v in row if v is not None), None)
    convert = _ox_to_python if first is not None and _is_ox(first) else term_to_python
    return [{n: convert(v) for n, v in zip(names, row, strict=True)} for row in rows]


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
    text = q.text_for(bindings)
    if q.page is not None:  # every row: the page sub-select without its LIMIT, parameters bound in it
        return _query(g, all_rows_query(text, _clause(text), bindings=bindings), {})
    return _query(g, text, bindings)


def run_query(g: Graph | RemoteStore, name: str, *, directory: Path = SPARQL_DIR,
              **params: Any) -> list[dict[str, Any]]:
    """Run the saved query ``name`` on ``g`` and return every row as a plain dict.

    ``g`` is an rdflib Graph (in-process) or a :class:`kg.remote_store.RemoteStore` (any SPARQL 1.1
    server); both take the same ``query(text, initNs=…, initBindings=…)`` call, so a saved
    question gives the same rows either way. Parameters must be projected by the query: Oxigraph
    binds them only if they are (SEP-0007), and a remote server gets them as a VALUES block.
    A paged question gets them as a VALUES block inside its page on every store, and its page is
    lifted: use :func:`run_page` for one page of a corpus-sized answer.

    Raises:
        QueryNotFound: no such saved query.
        QueryParameterError: a parameter is unknown, missing or of the wrong type.

    Example:
        >>> from kg.graph import new_graph
        >>> run_query(new_graph(), "tasks_per_lead_unit")
        []
    """
    q = get_query(name, directory)
    bindings = q.bind(params)
    text = q.text_for(bindings)
    if q.page is None:
        return _plain(*select(g, text, bindings))
    clause = _clause(text)
    if bindings and _oxigraph(g) is not None:
        # A filtered answer is usually small: its rows are chosen first, then looked up for those
        # rows only, as for a page (the lists of an organisation's 3 domains, not of 1,260). On the
        # embedded store only: Virtuoso 7.2 crashed on such a query (domains for a plan and an
        # organisation), and a remote server plans the one query itself.
        names, found = select(g, page_keys_query(text, clause, limit=ALL_ROWS_BY_KEYS + 1, offset=0,
                                                 bindings=bindings))
        if len(found) <= ALL_ROWS_BY_KEYS:
            return _plain(*select(g, page_rows_query(text, clause, names, found, bindings=bindings))) if found else []
    return _plain(*select(g, all_rows_query(text, clause, bindings=bindings)))


def run_unsorted(g: Graph | RemoteStore, name: str, *, directory: Path = SPARQL_DIR,
                 **params: Any) -> list[dict[str, Any]]:
    """Return every row of the paged question ``name``'s page sub-select, in no order, as plain dicts.

    For a reader that orders the rows itself (the analysis builds graphs from them): sorting a
    corpus's rows by IRI is most of a store's time for a flat list. Only the page sub-select's
    columns come back, so a question read this way chooses every column inside its page.

    Raises:
        QueryNotFound: no such saved query.
        QueryParameterError: a bad parameter, or the question is not paged.
    """
    q = get_query(name, directory)
    bindings = q.bind(params)
    if q.page is None:
        raise QueryParameterError(name, "page", "only a paged question can be read unsorted")
    text = q.text_for(bindings)
    return _plain(*select(g, unsorted_rows_query(text, _clause(text), bindings=bindings)))


def _query(g: Graph | RemoteStore, sparql: str, bindings: Mapping[str, URIRef | Literal]) -> Any:
    if bindings and isinstance(g, Graph) and not type(g.store).__module__.startswith("oxrdflib"):
        # rdflib's own engine (the "memory" store) does not carry initBindings into sub-selects,
        # so there the parameters go in as a VALUES block, as they do for a remote store.
        from kg.remote_store import bind_values

        return g.query(bind_values(sparql, bindings), initNs=PREFIXES)
    return g.query(sparql, initNs=PREFIXES, initBindings=bindings)


@dataclass(frozen=True)
class Page:
    """One page of a saved question's answer: its rows, and how many rows there are in all."""

    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, or None on the last one."""
        return self.offset + self.limit if self.offset + self.limit < self.total else None


def run_page(g: Graph | RemoteStore, name: str, *, limit: int, offset: int = 0, directory: Path = SPARQL_DIR,
             **params: Any) -> Page:
    """Run the saved query ``name`` and return ``limit`` rows from ``offset``, with the total.

    A paged question (``# page:``) chooses the page inside the query, answers for the page's rows
    only (see :mod:`queries.paging`) and counts every row with an unsorted query (skipped when the
    page is short: then the rows seen are all there are); another question is run whole and sliced.

    Raises:
        QueryNotFound: no such saved query.
        QueryParameterError: a bad parameter, or ``limit`` < 1, ``offset`` < 0.

    Example:
        >>> from kg.graph import new_graph
        >>> run_page(new_graph(), "tasks", limit=10)
        Page(rows=[], total=0, limit=10, offset=0)
    """
    for key, value, least in (("limit", limit, 1), ("offset", offset, 0)):
        if type(value) is not int or value < least:
            raise QueryParameterError(name, key, f"must be a whole number ≥ {least}")
    q = get_query(name, directory)
    bindings = q.bind(params)
    text = q.text_for(bindings)
    if q.page is None:
        rows = _plain(*select(g, text, bindings))
        return Page(rows[offset:offset + limit], len(rows), limit, offset)
    clause = _clause(text)
    # A list of tasks is paged by plan when only the plan or place filters it (the plans' sizes are its
    # sizes); a list with rows of its own, under any filter (its rows per plan counted when a filter
    # beyond them leaves the tallies' counts behind).
    from queries.page_cuts import page_by_count, page_by_month, page_by_plan

    if q.by_plan and (set(bindings) <= {q.plan_param, "place"} or q.by_plan != "tasks"):
        page = page_by_plan(g, q, text, bindings, params, limit=limit, offset=offset)
        if page is not None:
            return page
    if q.by_month and "month" not in bindings:
        return page_by_month(g, text, bindings, limit=limit, offset=offset, rows=q.month_rows)
    if q.by_count and not bindings:
        return page_by_count(g, text, *q.by_count, limit=limit, offset=offset)
    if keeps(g):  # a store generation: its total counted once, a short list's order read once
        total = _total(g, text, clause, bindings)
        if total <= KEPT_ORDER_ROWS:
            names, every = kept(g, ("order", text, tuple(sorted(bindings.items()))), lambda: select(
                g, page_keys_query(text, clause, limit=KEPT_ORDER_ROWS, offset=0, bindings=bindings)), large=True)
            return Page(_page_rows(g, text, clause, names, every[offset:offset + limit], bindings), total, limit, offset)
    names, found = select(g, page_keys_query(text, clause, limit=limit, offset=offset, bindings=bindings))
    rows = _page_rows(g, text, clause, names, found, bindings)
    if found and len(found) < limit or not found and offset == 0:
        return Page(rows, offset + len(found), limit, offset)
    return Page(rows, _total(g, text, clause, bindings), limit, offset)


def _total(g: Graph | RemoteStore, text: str, clause: PageClause, bindings: Mapping[str, URIRef | Literal]) -> int:
    """Return how many rows a paged question has (counted once per store generation: see kg.store.kept)."""
    total = count_query(text, clause, bindings=bindings)
    counted = kept(g, ("total", total), lambda: _plain(*select(g, total)))
    return int(counted[0]["total"]) if counted else 0


def _page_rows(g: Graph | RemoteStore, text: str, clause: PageClause, names: list[str], found: list[tuple[Any, ...]],
               bindings: Mapping[str, URIRef | Literal]) -> list[dict[str, Any]]:
    """Return the answer rows of the page whose sub-select found ``found`` (step two of a page).

    A question whose answer is its page's rows as they come (:func:`queries.paging.page_is_answer`)
    is answered from them: sending 1,000 rows back to the store as a VALUES block only to have them
    handed back costs 20-50 ms at 1,000 rows (Oxigraph 0.5).
    """
    if not found:
        return []
    columns = _direct_columns(text)
    if columns is not None:
        return [{c: row[c] for c in columns} for row in _plain(names, found)]
    return _plain(*select(g, page_rows_query(text, clause, names, found, bindings=bindings)))


@lru_cache(maxsize=512)
def _clause(text: str) -> PageClause:
    return find_page_clause(text)


@lru_cache(maxsize=512)
def _direct_columns(text: str) -> tuple[str, ...] | None:
    return page_is_answer(text, _clause(text))
