"""A small lexical scanner for SPARQL text: just enough to see structure without a parser.

Two callers need to look at a query before (or instead of) parsing it:

* the endpoint's guard measures how deeply a query nests, because the SPARQL parser recurses once
  per level and 10,000 nested braces would exhaust it long before any useful answer;
* :mod:`kg.remote_store` injects a ``VALUES`` block at the start of the outermost ``WHERE`` group,
  so a remote server sees parameters as data, never as pasted text.

Both must skip string literals, IRIs and comments, where a ``{`` or a ``WHERE`` means nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# SPARQL 1.1 grammar [139] IRIREF: no spaces, quotes, braces, pipes, carets, backquotes or backslashes.
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_LONG_STRING = {"'''": re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S),
                '"""': re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S)}
_SHORT_STRING = {"'": re.compile(r"'(?:[^'\\\n\r]|\\.)*'"), '"': re.compile(r'"(?:[^"\\\n\r]|\\.)*"')}
# A name-like run: keywords, prefixed names (pk:Task), variables (?x, $x), numbers, language tags.
_WORD = re.compile(r"[?$]?[\w\-.:\u00b7\u0300-\u036f\u203f\u2040%\\]+", re.U)
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
OPEN, CLOSE = "{([", "})]"


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is word, keyword, var, iri, string, punct; ``depth`` is the nesting
    level before the token (a ``{`` at the top level has depth 0)."""

    kind: str
    text: str
    start: int
    depth: int


class UnterminatedToken(ValueError):
    """A string literal opened and never closed (the parser will report it properly)."""


def tokens(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text`` that carry structure, skipping whitespace and comments.

    Example:
        >>> [t.text for t in tokens('SELECT * WHERE { ?s <http://x/#a> "}" } # }')]
        ['SELECT', '*', 'WHERE', '{', '?s', '<http://x/#a>', '"}"', '}']
    """
    i, n, depth = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif ch == "<" and (m := _IRIREF.match(text, i)):
            yield Token("iri", m.group(), i, depth)
            i = m.end()
        elif ch in "'\"":
            quote = text[i:i + 3]
            pattern = _LONG_STRING.get(quote) or _SHORT_STRING[ch]
            m = pattern.match(text, i)
            if not m:
                raise UnterminatedToken(f"unterminated string literal at character {i}")
            yield Token("string", m.group(), i, depth)
            i = m.end()
        elif ch == "@" and (m := _LANGTAG.match(text, i)):
            yield Token("word", m.group(), i, depth)  # a language tag ("x"@service) is no keyword
            i = m.end()
        elif ch in OPEN:
            yield Token("punct", ch, i, depth)
            depth += 1
            i += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
            yield Token("punct", ch, i, depth)
            i += 1
        elif m := _WORD.match(text, i):
            word = m.group()
            if word[0] in "?$":
                kind = "var"
            elif ":" in word or not word[0].isalpha():
                kind = "word"  # a prefixed name, a number, or a language tag
            else:
                kind = "keyword"
            yield Token(kind, word, i, depth)
            i = m.end()
        else:
            yield Token("punct", ch, i, depth)
            i += 1


def nesting_depth(text: str, *, stop_above: int | None = None) -> int:
    """Return the deepest nesting of ``{ ( [`` in ``text`` outside literals, IRIs and comments.

    Scanning stops as soon as the depth exceeds ``stop_above``, so a hostile text costs no more
    than the limit it breaks.

    Example:
        >>> nesting_depth("SELECT * { { ?s ?p ?o } FILTER(?o > 1) }")
        2
    """
    deepest = 0
    for t in tokens(text):
        if t.kind == "punct" and t.text in OPEN:
            deepest = max(deepest, t.depth + 1)
            if stop_above is not None and deepest > stop_above:
                break
    return deepest


def keywords(text: str) -> set[str]:
    """Return the upper-cased bare words of ``text`` (keywords, function names) outside literals.

    Example:
        >>> sorted(keywords('SELECT ?service { ?s pk:service "SERVICE"@service }'))
        ['SELECT']
    """
    return {t.text.upper() for t in tokens(text) if t.kind == "keyword"}


def where_group_start(text: str) -> int | None:
    """Return the offset just inside the ``{`` that opens the query's outermost WHERE group.

    That is the ``{`` after a top-level ``WHERE`` keyword, or, where WHERE is left out (allowed
    for SELECT, ASK and DESCRIBE), the first top-level ``{`` after the query form. A CONSTRUCT
    template is never taken for it. Returns None when the query has no group (``DESCRIBE <x>``).

    Example:
        >>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        >>> q[where_group_start(q):].strip()
        '?s ?p ?o }'
    """
    form: str | None = None
    after_where = False
    for t in tokens(text):
        if t.depth != 0:
            continue
        if t.kind == "keyword":
            word = t.text.upper()
            if word in {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"} and form is None:
                form = word
            elif word == "WHERE":
                after_where = True
        elif t.kind == "punct" and t.text == "{" and form is not None:
            if after_where or form != "CONSTRUCT":
                return t.start + 1
    return None


def query_form(text: str) -> str | None:
    """Return SELECT, CONSTRUCT, ASK or DESCRIBE: the query's form, or None if it has none.

    Example:
        >>> query_form("PREFIX ex: <http://e/> # SELECT\\nASK { ?s ex:p ?o }")
        'ASK'
    """
    for t in tokens(text):
        if t.depth == 0 and t.kind == "keyword" and t.text.upper() in {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}:
            return t.text.upper()
    return None
