"""Paging inside a saved question: the one sub-select that ends in ``LIMIT`` is the page.

A question whose answer grows with the corpus (a row per task, per organisation…) chooses the rows
of one page in a sub-select that filters and sorts only what it must; everything else a row shows
(names, joined lists, counts) is looked up around it::

    # page: 50
    SELECT ?task ?title ?lead_units WHERE {
      { SELECT ?task ?doc ?number WHERE { … filters … } ORDER BY ?doc ?number LIMIT 50 }
      ?task dcterms:title ?title .
      OPTIONAL { SELECT ?task (GROUP_CONCAT(?name …) AS ?lead_units) WHERE { … } GROUP BY ?task }
    }
    ORDER BY ?doc ?number

One page is answered in two steps (:func:`page_keys_query`, then :func:`page_rows_query`): the
sub-select alone, with ``LIMIT`` and ``OFFSET`` set, gives the page's rows; then the question runs
with that sub-select replaced by those rows as a ``VALUES`` block, and the same rows' first
variable (the page's key, ``?task`` above) restricts every other sub-select that projects it. Why
two steps: a store evaluates a sub-select on its own, for the whole corpus, before joining it (an
Oxigraph plan builds the lead-unit lists of 116,000 tasks to show 50); given the keys, it builds
50. Every row (:func:`all_rows_query`, for exports) drops the ``LIMIT``; the count
(:func:`count_query`) is ``COUNT(*)`` over the sub-select without its ``ORDER BY``.

Contract of a paged question: one answer row per row of the page sub-select, and the page's first
projected variable identifies a row. Parameters go in as a ``VALUES`` block opening the
sub-select's ``WHERE`` group, on every store, so a filter applies before the page is cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef

from kg.errors import QuerySyntaxError
from kg.sparql_lexer import Token, tokens

Term = URIRef | Literal


@dataclass(frozen=True)
class PageClause:
    """Where the page of a question's text is: offsets into the text.

    Attributes:
        size: the default page size (the number after ``LIMIT`` in the file).
        open: offset of the ``{`` that opens the paged sub-select.
        close: offset of the ``}`` that closes it.
        order: offset of its ``ORDER`` keyword (``limit`` when it has none).
        limit: offset of its ``LIMIT`` keyword.
        limit_end: offset just after the number that follows ``LIMIT``.
        key: the sub-select's first projected variable, without ``?``.
    """

    size: int
    open: int
    close: int
    order: int
    limit: int
    limit_end: int
    key: str


def find_page_clause(text: str, *, name: str = "query") -> PageClause:
    """Return where the page of ``text`` is: its only ``LIMIT``, which must close a sub-select.

    Raises:
        QuerySyntaxError: no ``LIMIT``, more than one, an ``OFFSET`` already written, or a ``LIMIT``
            that does not end a sub-select.

    Example:
        >>> q = "SELECT ?t ?n WHERE { { SELECT ?t WHERE { ?t a ?c } ORDER BY ?t LIMIT 20 } ?t ?p ?n }"
        >>> c = find_page_clause(q)
        >>> c.size, c.key, q[c.open + 1:c.order].strip(), q[c.limit:c.limit_end]
        (20, 't', 'SELECT ?t WHERE { ?t a ?c }', 'LIMIT 20')
    """
    toks = list(tokens(text))
    limits = [i for i, t in enumerate(toks) if t.kind == "keyword" and t.text.upper() == "LIMIT"]
    if any(t.kind == "keyword" and t.text.upper() == "OFFSET" for t in toks):
        raise QuerySyntaxError(f"{name}: a paged question writes no OFFSET (the library sets it)")
    if len(limits) != 1:
        raise QuerySyntaxError(f"{name}: a paged question has exactly one LIMIT (its page), found {len(limits)}")
    i = limits[0]
    limit, number = toks[i], toks[i + 1] if i + 1 < len(toks) else None
    if number is None or not number.text.isdigit() or int(number.text) < 1:
        raise QuerySyntaxError(f"{name}: LIMIT must be followed by a positive whole number")
    if limit.depth == 0:
        raise QuerySyntaxError(f"{name}: the paged LIMIT must end a sub-select, not the whole query")
    opener = _opening_brace(toks, i, limit.depth)
    closer = next((t for t in toks[i + 2:] if t.depth == limit.depth - 1 and t.text == "}"), None)
    if closer is None or toks[toks.index(closer) - 1] is not number:
        raise QuerySyntaxError(f"{name}: the paged LIMIT must be the last clause of its sub-select")
    head = [t for t in toks if opener.start < t.start < limit.start and t.depth == limit.depth]
    if not head or head[0].text.upper() != "SELECT":
        raise QuerySyntaxError(f"{name}: the paged LIMIT must end a sub-select ({{ SELECT … LIMIT n }})")
    key = next((t.text[1:] for t in head[1:] if t.kind == "var"), None)
    if key is None:
        raise QuerySyntaxError(f"{name}: the paged sub-select must project its key variable first")
    order = next((t.start for t in head if t.kind == "keyword" and t.text.upper() == "ORDER"), limit.start)
    return PageClause(size=int(number.text), open=opener.start, close=closer.start, order=order,
                      limit=limit.start, limit_end=number.start + len(number.text), key=key)


def _opening_brace(toks: list[Token], i: int, depth: int) -> Token:
    for t in reversed(toks[:i]):
        if t.text == "{" and t.depth == depth - 1:
            return t
    raise QuerySyntaxError("unbalanced braces around the paged LIMIT")


def _check(limit: int, offset: int) -> None:
    # Written into the query text: only whole numbers ever get there.
    if type(limit) is not int or type(offset) is not int or limit < 1 or offset < 0:
        raise ValueError("limit and offset must be whole numbers (limit ≥ 1, offset ≥ 0)")


def _subselect(text: str, clause: PageClause, cut: str, bindings: Mapping[str, Term] | None) -> str:
    return _bound(text[clause.open + 1:clause.limit] + cut + text[clause.limit_end:clause.close], bindings)


def all_rows_query(text: str, clause: PageClause, *, bindings: Mapping[str, Term] | None = None) -> str:
    """Return the question answering every row: its page's ``ORDER BY`` and ``LIMIT`` removed (the
    question's own ``ORDER BY`` orders the answer), and every sub-select that projects a bound
    parameter given its value.

    Example:
        >>> q = "SELECT ?t WHERE { { SELECT ?t WHERE { ?t a ?c } ORDER BY ?t LIMIT 20 } }"
        >>> all_rows_query(q, find_page_clause(q))
        'SELECT ?t WHERE { { SELECT ?t WHERE { ?t a ?c }  } }'
    """
    blocks = _param_blocks(bindings)
    inner = _bound(text[clause.open + 1:clause.order] + text[clause.limit_end:clause.close], bindings)
    return (_restrict_subselects(text[:clause.open + 1], blocks) + inner
            + _restrict_subselects(text[clause.close:], blocks))


def page_keys_query(text: str, clause: PageClause, *, limit: int, offset: int,
                    bindings: Mapping[str, Term] | None = None) -> str:
    """Return the page sub-select alone, ``limit`` rows from ``offset``: step one of a page.

    Example:
        >>> q = "SELECT ?t WHERE { { SELECT ?t WHERE { ?t a ?c } ORDER BY ?t LIMIT 20 } }"
        >>> page_keys_query(q, find_page_clause(q), limit=5, offset=10)
        ' SELECT ?t WHERE { ?t a ?c } ORDER BY ?t LIMIT 5 OFFSET 10 '
    """
    _check(limit, offset)
    return _subselect(text, clause, f"LIMIT {limit} OFFSET {offset}", bindings)


def page_rows_query(text: str, clause: PageClause, names: Sequence[str], rows: Sequence[Sequence[Any]],
                    *, bindings: Mapping[str, Term] | None = None) -> str:
    """Return the question for one page whose sub-select answered ``rows``: step two of a page.

    The sub-select becomes a VALUES block of ``rows`` (columns ``names``, unbound cells UNDEF);
    every other sub-select that projects the page's key gets the page's keys first, and every one
    that projects a bound parameter gets its value.

    Example:
        >>> q = ("SELECT ?t ?n WHERE { { SELECT ?t WHERE { ?t a ?c } LIMIT 20 } "
        ...      "OPTIONAL { SELECT ?t (COUNT(?x) AS ?n) WHERE { ?t ?p ?x } GROUP BY ?t } }")
        >>> print(page_rows_query(q, find_page_clause(q), ["t"], [[URIRef("urn:a")]]))
        SELECT ?t ?n WHERE { { VALUES (?t) { (<urn:a>) } } OPTIONAL { SELECT ?t (COUNT(?x) AS ?n) WHERE { VALUES ?t { <urn:a> } ?t ?p ?x } GROUP BY ?t } }
    """
    from kg.remote_store import sparql_term

    def cell(v: Any) -> str:
        # rdflib terms are written by sparql_term; Oxigraph's own print as N-Triples, valid SPARQL.
        return "UNDEF" if v is None else sparql_term(v) if isinstance(v, URIRef | Literal) else str(v)

    block = ("VALUES (" + " ".join(f"?{n}" for n in names) + ") { "
             + " ".join("(" + " ".join(cell(v) for v in row) + ")" for row in rows) + " }")
    keys = sorted({cell(row[list(names).index(clause.key)]) for row in rows} - {"UNDEF"})
    blocks = _param_blocks(bindings)
    blocks[clause.key] = f"VALUES ?{clause.key} {{ {' '.join(keys)} }}"
    return (_restrict_subselects(text[:clause.open + 1], blocks) + " " + block + " "
            + _restrict_subselects(text[clause.close:], blocks))


def page_is_answer(text: str, clause: PageClause) -> tuple[str, ...] | None:
    """Return the question's columns when its answer is its page's rows as they come, else None.

    So it is when the text around the page sub-select only projects some of the page's columns and
    orders by what the page orders by: then step two (:func:`page_rows_query`) would look nothing up,
    and only hand the same rows back in the same order.

    Example:
        >>> q = "SELECT ?t WHERE { { SELECT ?t ?n WHERE { ?t ?p ?n } ORDER BY ?n LIMIT 20 } } ORDER BY ?n"
        >>> page_is_answer(q, find_page_clause(q))
        ('t',)
        >>> q = "SELECT ?t ?x WHERE { { SELECT ?t WHERE { ?t ?p ?n } ORDER BY ?n LIMIT 20 } ?t ?q ?x } ORDER BY ?n"
        >>> page_is_answer(q, find_page_clause(q)) is None
        True
    """
    before = [t.text for t in tokens(text[:clause.open])]
    after = [t.text for t in tokens(text[clause.close + 1:])]
    order = [t.text for t in tokens(text[clause.order:clause.limit])]
    head = [t for t in tokens(text[clause.open + 1:clause.order]) if t.depth == 0]
    page_columns = {t.text for t in head[:next((i for i, t in enumerate(head) if t.text == "{"
                                                  or t.text.upper() == "WHERE"), len(head))] if t.kind == "var"}
    if not before or before[0].upper() != "SELECT" or before[-1] != "{":
        return None
    columns = before[1:-2] if before[-2].upper() == "WHERE" else before[1:-1]
    if (not columns or not all(c.startswith("?") and c in page_columns for c in columns)
            or after != ["}", *order] or not order):
        return None
    return tuple(c[1:] for c in columns)


def _param_blocks(bindings: Mapping[str, Term] | None) -> dict[str, str]:
    from kg.remote_store import sparql_term

    return {name: f"VALUES ?{name} {{ {sparql_term(value)} }}" for name, value in (bindings or {}).items()}


def _restrict_subselects(text: str, blocks: Mapping[str, str]) -> str:
    """Open the WHERE group of each sub-select in ``text`` with the block of every variable it projects."""
    toks = list(tokens(text))
    inserts: list[tuple[int, str]] = []
    for i, t in enumerate(toks):
        if not (t.kind == "keyword" and t.text.upper() == "SELECT" and i and toks[i - 1].text == "{"):
            continue
        head = []
        for u in toks[i + 1:]:
            if u.depth == t.depth and (u.text == "{" or u.text.upper() == "WHERE"):
                break
            head.append(u)
        projected = {u.text[1:] for k, u in enumerate(head) if u.kind == "var" and (
            u.depth == t.depth or (k and head[k - 1].text.upper() == "AS"))}
        wanted = [blocks[v] for v in sorted(projected) if v in blocks]
        k = next((k for k, u in enumerate(toks[i + 1:], i + 1) if u.text == "{" and u.depth == t.depth), None)
        # A group that is itself a sub-select ({ SELECT … }) takes no VALUES before it: that
        # sub-select is restricted in its turn when it projects the variable.
        if wanted and k is not None and not (k + 1 < len(toks) and toks[k + 1].text.upper() == "SELECT"):
            inserts.append((toks[k].start + 1, " ".join(wanted)))
    for at, block in sorted(inserts, reverse=True):
        text = text[:at] + " " + block + text[at:]
    return text


def count_query(text: str, clause: PageClause, *, bindings: Mapping[str, Term] | None = None) -> str:
    """Return a query counting every row of the question (``?total``): its sub-select, unsorted.

    Example:
        >>> q = "SELECT ?t WHERE { { SELECT ?t WHERE { ?t a ?c } ORDER BY ?t LIMIT 20 } }"
        >>> count_query(q, find_page_clause(q))
        'SELECT (COUNT(*) AS ?total) WHERE { { SELECT ?t WHERE { ?t a ?c }  } }'
    """
    return "SELECT (COUNT(*) AS ?total) WHERE { {" + _bound(_unpaged(text, clause), bindings) + "} }"


def bound_text(sparql: str, bindings: Mapping[str, Term] | None) -> str:
    """Return ``sparql`` with each parameter as a VALUES block opening its WHERE group and every
    sub-select that projects it: what a store's own parameter binding does, written in the text.

    Example:
        >>> q = "SELECT ?o WHERE { { SELECT ?o (COUNT(?t) AS ?n) WHERE { ?t ?p ?o } GROUP BY ?o } }"
        >>> bound_text(q, {"o": URIRef("urn:o")})
        'SELECT ?o WHERE { VALUES (?o) { (<urn:o>) } { SELECT ?o (COUNT(?t) AS ?n) WHERE { VALUES ?o { <urn:o> } ?t ?p ?o } GROUP BY ?o } }'
    """
    return _bound(sparql, bindings)


def plans_only(keys: str, plans: Sequence[URIRef], *, plan: str = "doc", filtered: bool = False) -> str:
    """Return the page sub-select ``keys`` (from :func:`page_keys_query`) restricted to ``plans`` (``?doc``,
    or the variable ``plan``): a VALUES block the store starts from, or, ``filtered``, a FILTER it
    applies to the rows it finds.

    Starting from the plans reads every node of theirs (about 800 per 116 tasks); a list with few
    rows (preconditions: 382 in 100 plans) is found faster from its own property and filtered: its
    page over 32 plans took 330 ms from a VALUES block, 26 ms with a FILTER (Oxigraph 0.5, 100 plans).

    Example:
        >>> plans_only(" SELECT ?t ?doc WHERE { ?t <urn:in> ?doc } LIMIT 5 OFFSET 0 ", [URIRef("urn:p")])
        ' SELECT ?t ?doc WHERE { VALUES ?doc { <urn:p> } ?t <urn:in> ?doc } LIMIT 5 OFFSET 0 '
        >>> plans_only(" SELECT ?t ?doc WHERE { ?t <urn:in> ?doc } LIMIT 5 OFFSET 0 ", [URIRef("urn:p")], filtered=True)
        ' SELECT ?t ?doc WHERE { FILTER(?doc IN (<urn:p>)) ?t <urn:in> ?doc } LIMIT 5 OFFSET 0 '
    """
    from kg.remote_store import sparql_term
    from kg.sparql_lexer import where_group_start

    at = where_group_start(keys)
    if at is None:
        raise QuerySyntaxError("the page sub-select has no WHERE group")
    terms = [sparql_term(p) for p in plans]
    where = f"FILTER(?{plan} IN ({', '.join(terms)}))" if filtered else f"VALUES ?{plan} {{ {' '.join(terms)} }}"
    return f"{keys[:at]} {where}{keys[at:]}"


def count_by_plan_query(text: str, clause: PageClause, *, plan: str = "doc",
                        bindings: Mapping[str, Term] | None = None) -> str:
    """Return a query counting the question's rows per plan (``?doc``, ``?rows``): its sub-select,
    unsorted, grouped by the plan it projects as ``?doc`` (or as the variable ``plan``).

    Example:
        >>> q = "SELECT ?t WHERE { { SELECT ?t ?doc WHERE { ?t <urn:in> ?doc } ORDER BY ?t LIMIT 20 } }"
        >>> count_by_plan_query(q, find_page_clause(q))
        'SELECT ?doc (COUNT(*) AS ?rows) WHERE { { SELECT ?t ?doc WHERE { ?t <urn:in> ?doc }  } } GROUP BY ?doc'
    """
    named = "?doc" if plan == "doc" else f"(?{plan} AS ?doc)"
    return (f"SELECT {named} (COUNT(*) AS ?rows) WHERE {{ {{" + _bound(_unpaged(text, clause), bindings)
            + f"}} }} GROUP BY ?{plan}")


def unsorted_rows_query(text: str, clause: PageClause, *, bindings: Mapping[str, Term] | None = None) -> str:
    """Return the page sub-select alone, without ``ORDER BY`` and ``LIMIT``: every row, in no order.

    For a reader that indexes the rows itself (the analysis): a store sorts a corpus's IRIs slowly.

    Example:
        >>> q = "SELECT ?t WHERE { { SELECT ?t WHERE { ?t a ?c } ORDER BY ?t LIMIT 20 } } ORDER BY ?t"
        >>> unsorted_rows_query(q, find_page_clause(q))
        ' SELECT ?t WHERE { ?t a ?c }  '
    """
    return _bound(_unpaged(text, clause), bindings)


def _unpaged(text: str, clause: PageClause) -> str:
    """The page sub-select without its ORDER BY, LIMIT and OFFSET: every row, in no order (to count)."""
    return text[clause.open + 1:clause.order] + text[clause.limit_end:clause.close]


def _bound(subselect: str, bindings: Mapping[str, Term] | None) -> str:
    """The page sub-select with the parameters opening its WHERE group, and opening every sub-select
    nested in it that projects one (where a filter line on that parameter may sit)."""
    if not bindings:
        return subselect
    from kg.remote_store import bind_values

    return bind_values(_restrict_subselects(subselect, _param_blocks(bindings)), dict(bindings))
