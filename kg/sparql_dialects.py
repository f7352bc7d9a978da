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
clauses; no answer changes. Nothing else in the text changes.
"""

from __future__ import annotations

from typing import Any

from kg.sparql_lexer import tokens


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


def for_dialect(sparql: str, dialect: str) -> str:
    """Return ``sparql`` as the server of ``dialect`` reads it the way the standard says.

    Example:
        >>> for_dialect('SELECT (GROUP_CONCAT(?n; separator="、") AS ?ns) {}', "virtuoso")
        'SELECT (GROUP_CONCAT(?n; separator="、"@und) AS ?ns) {}'
        >>> for_dialect('SELECT (GROUP_CONCAT(?n; separator=" ") AS ?ns) {}', "virtuoso")
        'SELECT (GROUP_CONCAT(?n; separator=" ") AS ?ns) {}'
    """
    if dialect != "virtuoso":
        return sparql
    sparql = _drop_unbindable(sparql)
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
