"""What a SPARQL server needs beyond the standard, found by its ``Server`` header.

One server so far: Virtuoso 7 (checked with 7.2.5, Debian's virtuoso-opensource). It keeps a
string literal written in the query text as UTF-8 bytes and some functions read them as Latin-1:
``GROUP_CONCAT(?x; separator="、")`` joins with ``?`` (upstream issues 609 and 1414 of
openlink/virtuoso-opensource). A language-tagged literal is kept as Unicode text, so a separator
with characters outside ASCII is sent with the tag ``@und`` ("undetermined"). Virtuoso reads that
as the same separator; the joined value stays a simple literal.

It also stops (segmentation fault) on sibling sub-selects that project and group by a variable
nothing binds, as paged questions do for a parameter left out (``?place`` without a place). Such a
variable is unbound in every answer, so it is left out of the sub-selects' SELECT lists and GROUP BY
clauses; no answer changes. A ``VALUES`` column that is ``UNDEF`` in every row binds nothing either
(a page's rows for a parameter left out): it is left out, and Virtuoso then joins the rows with
sub-selects that leave the same variable unbound (it joined none of them).

Where it answers otherwise, found by reducing saved questions until the fault went away:

* sibling sub-selects that each sort or group (the lists of a task's lead units, responsible
  units, deadlines, references) are joined to the wrong rows: every task gets one task's lead
  units, or none. Told to join in the written order (``DEFINE sql:select-option "order"``, its
  hint to the SQL optimiser) it joins them right; a query with two or more such grouping
  sub-selects (not counting those nested in another) gets it, unless it tests a path (next but one).
* an ordered list (``GROUP_CONCAT`` over a sorting sub-select) loses its order under ``DISTINCT``:
  such lists are sent packed with their sort keys and ordered here (:mod:`kg.packed_lists`).
* a path of any length between two variables (``?within pk:withinDivision* ?place``), both bound by
  the rest of its group (the plan's division, a place given as a parameter), keeps one solution
  where there are many (the tasks of one plan in a province, not all of them). Such a path only
  tests that the two are linked, so it is sent as that test: ``FILTER EXISTS { ?within
  pk:withinDivision* ?place }``, which Virtuoso answers right — unless told to join in the written
  order (first point: then one row again), so a query with such a test goes without that hint.
* answers of a grouped query sorted by an aggregate (``ORDER BY ?label`` of ``SAMPLE(?l) AS
  ?label``) come in another order: such an answer is sorted here, by the standard's order of terms
  (:func:`kg.remote_terms.order_key`), when every sort key is a column and no LIMIT cuts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib.query import Result

from kg.packed_lists import PackedList, pack_ordered_lists, unpack_list
from kg.sparql_lexer import Token, tokens

JOIN_AS_WRITTEN = 'DEFINE sql:select-option "order" '
_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}


@dataclass(frozen=True)
class DialectQuery:
    """A query as one server reads it, and what its answer needs to read as the standard's.

    Attributes:
        text: what is sent.
        lists: lists sent packed (:mod:`kg.packed_lists`), unpacked by :meth:`finish`.
        sort_by: (column, descending) the answer is sorted by in :meth:`finish`, when the server's
            own order cannot be relied on.
    """

    text: str
    lists: tuple[PackedList, ...] = ()
    sort_by: tuple[tuple[str, bool], ...] = ()

    def finish(self, result: Result) -> Result:
        """Return ``result`` (a SELECT answer, changed in place) with its lists unpacked and its rows sorted."""
        from rdflib import Literal, Variable

        from kg.remote_terms import order_key

        if result.type != "SELECT" or not (self.lists or self.sort_by):
            return result
        rows = [dict(row) for row in result.bindings]
        for spec in self.lists:
            name = Variable(spec.variable)
            for row in rows:
                if isinstance(row.get(name), Literal):
                    row[name] = Literal(unpack_list(str(row[name]), spec))
        for column, descending in reversed(self.sort_by):  # stable sorts, last key first
            rows.sort(key=lambda row: order_key(row.get(Variable(column))), reverse=descending)
        result.bindings = rows
        return result


def dialect_of(server_header: str | None) -> str:
    """Return ``virtuoso`` or ``standard`` for a response's ``Server`` header.

    Example:
        >>> dialect_of("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu")
        'virtuoso'
        >>> dialect_of("Oxigraph/0.5.13")
        'standard'
    """
    return "virtuoso" if (server_header or "").lower().startswith("virtuoso") else "standard"


def unbindable_variables(sparql: str) -> set[str]:
    """Return the variables of ``sparql`` that nothing can bind: named only in plain ``SELECT`` lists
    and ``GROUP BY`` clauses, never in a pattern, a ``BIND``, ``VALUES`` or an expression.

    Example:
        >>> sorted(unbindable_variables(
        ...     "SELECT ?t ?place { { SELECT ?t ?place (COUNT(*) AS ?n) { ?t ?p ?o } GROUP BY ?t ?place } }"))
        ['?place']
    """
    listed, used = set(), set()
    for kind, t, _ in _variable_places(sparql):
        (listed if kind == "list" else used).add(t.text)
    return listed - used


def _variable_places(sparql: str) -> list[tuple[str, Any, int]]:
    """Each variable token of ``sparql`` with where it stands: ``list`` (a plain SELECT or GROUP BY
    entry) or ``use`` (anywhere else, expressions in those clauses included), and which clause."""
    out: list[tuple[str, Any, int]] = []
    clause, parens, number = None, 0, 0
    previous = ""
    for t in tokens(sparql):
        word = t.text.upper() if t.kind == "keyword" else ""
        if word == "SELECT" or (word == "BY" and previous == "GROUP"):
            clause, parens, number = word, 0, number + 1
        elif t.kind == "punct" and t.text == "(":
            parens += 1
        elif t.kind == "punct" and t.text == ")":
            parens -= 1
        elif (word and parens == 0 and word not in {"DISTINCT", "REDUCED", "GROUP"}) or (t.kind == "punct" and t.text in "{}"):
            clause = None
        if t.kind == "var":
            out.append(("list" if clause and parens == 0 else "use", t, number if clause else 0))
        previous = word
    return out


def _drop_unbindable(sparql: str) -> str:
    """``sparql`` without its unbindable variables in sub-selects' SELECT lists and GROUP BY clauses
    (the outermost SELECT keeps them: they are its columns, unbound in every row)."""
    drop = unbindable_variables(sparql)
    if not drop:
        return sparql
    places = [(t, clause) for kind, t, clause in _variable_places(sparql) if kind == "list"]
    kept = {clause for t, clause in places if t.text not in drop}  # a clause keeps at least one entry
    cuts = [t for t, clause in places if t.text in drop and t.depth > 0 and clause in kept]
    for t in sorted(cuts, key=lambda t: t.start, reverse=True):
        sparql = sparql[:t.start] + sparql[t.start + len(t.text):]
    return sparql


def in_dialect(sparql: str, dialect: str) -> DialectQuery:
    """Return ``sparql`` as the server of ``dialect`` reads it the way the standard says, with what
    its answer needs afterwards (:meth:`DialectQuery.finish`)."""
    if dialect != "virtuoso":
        return DialectQuery(sparql)
    sparql, tests = _paths_as_tests(_drop_unbindable(_drop_undefined_columns(sparql)))
    text, lists = pack_ordered_lists(sparql)
    toks = list(tokens(text))
    if _grouping_siblings(toks) >= 2 and not tests:
        text = JOIN_AS_WRITTEN + text
    return DialectQuery(_tag_separators(text), lists, _answer_order(toks))


def _grouping_siblings(toks: list[Token]) -> int:
    """How many sub-selects not inside another sub-select have a GROUP BY of their own."""
    spans = []
    for i, t in enumerate(toks):
        if t.kind == "keyword" and t.text.upper() == "SELECT" and i and toks[i - 1].text == "{":
            end = next((k for k in range(i, len(toks)) if toks[k].text == "}" and toks[k].depth == toks[i - 1].depth),
                       len(toks))
            spans.append((i, end))
    outer = [(i, end) for i, end in spans if not any(a < i < b for a, b in spans)]
    return sum(1 for i, end in outer
               if any(toks[k].text.upper() == "GROUP" and toks[k].depth == toks[i].depth for k in range(i, end)))


def for_dialect(sparql: str, dialect: str) -> str:
    """Return the text of ``sparql`` as the server of ``dialect`` reads it the way the standard says.

    Example:
        >>> for_dialect('SELECT (GROUP_CONCAT(?n; separator="、") AS ?ns) {}', "virtuoso")
        'SELECT (GROUP_CONCAT(?n; separator="、"@und) AS ?ns) {}'
        >>> for_dialect('SELECT (GROUP_CONCAT(?n; separator=" ") AS ?ns) {}', "virtuoso")
        'SELECT (GROUP_CONCAT(?n; separator=" ") AS ?ns) {}'
    """
    return in_dialect(sparql, dialect).text


def _tag_separators(sparql: str) -> str:
    """``sparql`` with each GROUP_CONCAT separator outside ASCII tagged ``@und``."""
    if sparql.isascii():
        return sparql
    ends = [t.start + len(t.text) for t in tokens(sparql)
            if t.kind == "string" and not t.text.isascii() and _previous_is_separator(sparql, t.start)]
    for end in reversed(ends):
        if not sparql.startswith("@", end) and not sparql.startswith("^^", end):
            sparql = sparql[:end] + "@und" + sparql[end:]
    return sparql


def _previous_is_separator(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return before.endswith("=") and before[:-1].rstrip().lower().endswith("separator")


def _drop_undefined_columns(sparql: str) -> str:
    """``sparql`` without the ``VALUES`` columns that are ``UNDEF`` in every row (a block keeps one column)."""
    toks = list(tokens(sparql))
    for i in reversed(range(len(toks) - 1)):
        if toks[i].text.upper() != "VALUES" or toks[i + 1].text != "(":
            continue
        names_end = next(k for k in range(i + 2, len(toks)) if toks[k].text == ")")
        names = [t.text for t in toks[i + 2:names_end]]
        depth = toks[i].depth
        block_end = next((k for k in range(names_end + 2, len(toks)) if toks[k].text == "}" and toks[k].depth == depth),
                         None)
        if block_end is None or toks[names_end + 1].text != "{":
            continue
        rows = _values_rows(sparql, toks[names_end + 2:block_end], depth + 1)
        if any(len(row) != len(names) for row in rows):
            continue
        keep = [c for c in range(len(names)) if any(row[c].upper() != "UNDEF" for row in rows)]
        if not keep or len(keep) == len(names):
            continue
        block = ("VALUES (" + " ".join(names[c] for c in keep) + ") { "
                 + " ".join("(" + " ".join(row[c] for c in keep) + ")" for row in rows) + " }")
        sparql = sparql[:toks[i].start] + block + sparql[toks[block_end].start + 1:]
    return sparql


def _values_rows(text: str, toks: list[Token], depth: int) -> list[list[str]]:
    """The cells of a ``VALUES`` block's rows, ``(`` … ``)`` at ``depth``, as text."""
    rows: list[list[str]] = []
    k = 0
    while k < len(toks):
        if toks[k].text != "(" or toks[k].depth != depth:
            return [[]]  # not rows of terms: leave the block alone
        end = next(m for m in range(k + 1, len(toks)) if toks[m].text == ")" and toks[m].depth == depth)
        cells, m = [], k + 1
        while m < end:
            last = m
            if m + 1 < end and toks[m + 1].text.startswith("@"):
                last = m + 1
            elif m + 3 < end + 1 and toks[m + 1].text == "^" and toks[m + 2].text == "^":
                last = m + 3
            cells.append(text[toks[m].start:toks[last].start + len(toks[last].text)])
            m = last + 1
        rows.append(cells)
        k = end + 1
    return rows


def _answer_order(toks: list[Token]) -> tuple[tuple[str, bool], ...]:
    """The outermost ``ORDER BY`` as (column, descending), when it names an aggregate of a grouped
    query, every key is a plain column, and no LIMIT or OFFSET follows; else nothing."""
    top = [t for t in toks if t.depth == 0]
    words = [t.text.upper() for t in top if t.kind == "keyword"]
    if "GROUP" not in words or "ORDER" not in words or "LIMIT" in words or "OFFSET" in words:
        return ()
    aggregated = set()
    for k, t in enumerate(toks):
        if t.text.upper() == "AS" and t.depth == 1 and k + 1 < len(toks) and toks[k + 1].kind == "var":
            start = max(m for m in range(k) if toks[m].text == "(" and toks[m].depth == 0)
            if any(u.text.upper() in _AGGREGATES for u in toks[start:k]):
                aggregated.add(toks[k + 1].text)
    at = max(k for k, t in enumerate(toks) if t.depth == 0 and t.text.upper() == "ORDER")
    keys: list[tuple[str, bool]] = []
    k = at + 2
    while k < len(toks):
        t = toks[k]
        if t.kind == "var":
            keys.append((t.text[1:], False))
            k += 1
        elif t.text.upper() in {"ASC", "DESC"} and k + 3 < len(toks) and toks[k + 2].kind == "var" and toks[k + 3].text == ")":
            keys.append((toks[k + 2].text[1:], t.text.upper() == "DESC"))
            k += 4
        else:
            return ()
    if not any("?" + name in aggregated for name, _ in keys):
        return ()
    return tuple(keys)


def _paths_as_tests(sparql: str) -> tuple[str, int]:
    """``sparql`` with each ``?a p* ?b`` / ``?a p+ ?b`` triple whose two variables the rest of its
    group binds (in a triple at the group's level or its VALUES) written as ``FILTER EXISTS``, and
    how many were."""
    toks = list(tokens(sparql))
    edits = []
    for k in range(1, len(toks) - 4):
        s_, p_, q_, o_, end = toks[k:k + 5]
        if not (s_.kind == "var" and p_.kind in {"word", "iri"} and q_.text in {"*", "+"} and o_.kind == "var"
                and end.text in {".", "}"} and toks[k - 1].text in {".", "{", "}"}):
            continue
        group = _group_tokens(toks, k)
        bound = {t.text for t in group if t.kind == "var" and t.start not in {s_.start, o_.start}}
        if s_.text in bound and o_.text in bound:
            stop = end.start + 1 if end.text == "." else end.start
            edits.append((s_.start, stop, f"FILTER EXISTS {{ {sparql[s_.start:o_.start + len(o_.text)]} }} "))
    for start, stop, text in reversed(edits):
        sparql = sparql[:start] + text + sparql[stop:]
    return sparql, len(edits)


def _group_tokens(toks: list[Token], k: int) -> list[Token]:
    """The variables the group around ``toks[k]`` binds at its own level: those of its triples and
    those its VALUES blocks name without an ``UNDEF`` (never those of a nested group or an expression)."""
    depth = toks[k].depth
    first = next((i for i in range(k, -1, -1) if toks[i].text == "{" and toks[i].depth == depth - 1), 0)
    last = next((i for i in range(k, len(toks)) if toks[i].text == "}" and toks[i].depth == depth - 1), len(toks))
    out, i = [], first + 1
    while i < last:
        t = toks[i]
        if t.text.upper() == "VALUES" and t.depth == depth:
            end = next((m for m in range(i + 1, last) if toks[m].text == "}" and toks[m].depth == depth), last)
            if not any(u.text.upper() == "UNDEF" for u in toks[i:end]):
                out += [u for u in toks[i:end] if u.kind == "var"]
            i = end + 1
            continue
        if t.depth == depth and t.kind == "var":
            out.append(t)
        i += 1
    return out
