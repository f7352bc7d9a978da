"""What a SPARQL server needs beyond the standard, found by its ``Server`` header.

One server so far: Virtuoso 7 (checked with 7.2.5, Debian's virtuoso-opensource). It keeps a
string literal written in the query text as UTF-8 bytes and some functions read them as Latin-1:
``GROUP_CONCAT(?x; separator="、")`` joins with ``?`` (upstream issues 609 and 1414 of
openlink/virtuoso-opensource). A language-tagged literal is kept as Unicode text, so a separator
with characters outside ASCII is sent with the tag ``@und`` ("undetermined"). Virtuoso reads that
as the same separator; the joined value stays a simple literal. Nothing else in the text changes.
"""

from __future__ import annotations

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


def for_dialect(sparql: str, dialect: str) -> str:
    """Return ``sparql`` as the server of ``dialect`` reads it the way the standard says.

    Example:
        >>> for_dialect('SELECT (GROUP_CONCAT(?n; separator="、") AS ?ns) {}', "virtuoso")
        'SELECT (GROUP_CONCAT(?n; separator="、"@und) AS ?ns) {}'
        >>> for_dialect('SELECT (GROUP_CONCAT(?n; separator=" ") AS ?ns) {}', "virtuoso")
        'SELECT (GROUP_CONCAT(?n; separator=" ") AS ?ns) {}'
    """
    if dialect != "virtuoso" or sparql.isascii():
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
