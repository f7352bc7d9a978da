"""Ordered lists for a server that joins them out of order: each item sent with its sort keys.

A saved question builds an ordered list the way SPARQL allows, a ``GROUP_CONCAT`` over a
sub-select that sorts its rows::

    SELECT ?task (GROUP_CONCAT(DISTINCT ?dl; separator="、") AS ?deadlines) WHERE {
      SELECT ?task ?dl ?dd WHERE { … } ORDER BY ?task ?dd } GROUP BY ?task

Virtuoso 7 does not keep that order into ``GROUP_CONCAT(DISTINCT …)``, and two such sorting
sub-selects side by side are joined to the wrong rows unless it is told to keep the written join
order (:mod:`kg.sparql_dialects`). For Virtuoso the list is therefore *packed*: the sub-select's
``ORDER BY`` is dropped, every item is sent as its sort keys and its text joined by ASCII unit
separators (U+001F), items by record separators (U+001E); :func:`unpack_list` then sorts the
items by those keys as SPARQL's ``ORDER BY`` does (unbound first, then blank nodes, IRIs,
literals; numbers by value), keeps the first of equal items where the list is ``DISTINCT``, and
joins them with the question's own separator. Item text must not hold U+001E or U+001F (control
characters no plan's text keeps).

Only a list whose name the rest of the query merely projects is packed; one used in an expression,
a filter or an ``ORDER BY`` is left as written, as is a sub-select cut by ``LIMIT`` or ``OFFSET``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.sparql_lexer import Token, tokens

RECORD, UNIT = "\x1e", "\x1f"
_RECORD_SPARQL, _UNIT_SPARQL = '"\\u001E"', '"\\u001F"'
_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class PackedList:
    """A list sent packed: the answer's ``variable`` holds items with their keys.

    Attributes:
        variable: the list's name in the answer, without ``?``.
        separator: what the question joins the items with.
        distinct: whether the question keeps each item once (``GROUP_CONCAT(DISTINCT …)``).
        descending: for each sort key, whether it sorts descending.
    """

    variable: str
    separator: str
    distinct: bool
    descending: tuple[bool, ...]


def pack_ordered_lists(sparql: str) -> tuple[str, tuple[PackedList, ...]]:
    """Return ``sparql`` with its ordered lists packed, and what was packed.

    Example:
        >>> text, [packed] = pack_ordered_lists(
        ...     'SELECT ?t (GROUP_CONCAT(?n; separator="、") AS ?ns) WHERE { '
        ...     'SELECT ?t ?n WHERE { ?t ?p ?n ; ?q ?s } ORDER BY ?t DESC(?s) } GROUP BY ?t')
        >>> packed
        PackedList(variable='ns', separator='、', distinct=False, descending=(True,))
        >>> "ORDER BY" in text, "SELECT ?s ?t ?n" in text
        (False, True)
    """
    toks = list(tokens(sparql))
    plain = _plain_projections(toks)
    edits: list[tuple[int, int, str]] = []
    packed: list[PackedList] = []
    for i, t in enumerate(toks):
        if t.kind == "keyword" and t.text.upper() == "SELECT":
            found = _pack_one(sparql, toks, i, plain)
            if found and not any(a < e2 and a2 < e for a, e, _ in found[0] for a2, e2, _ in edits):
                edits += found[0]
                packed += found[1]
    for start, end, text in sorted(edits, reverse=True):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql, tuple(packed)


def unpack_list(value: str, spec: PackedList) -> str:
    """Return the packed ``value`` as the question's list: items in key order, joined by its separator.

    Example:
        >>> spec = PackedList("ns", "、", True, (False,))
        >>> unpack_list("n10\\x1fb\\x1en9\\x1fa\\x1e\\x1fc\\x1en11\\x1fa", spec)
        'c、a、b'
    """
    if not value:
        return value
    keys = len(spec.descending)
    items = [item.split(UNIT, keys) for item in value.split(RECORD)]
    for k in reversed(range(keys)):  # stable sorts, last key first: SPARQL's ORDER BY k1 k2 …
        items.sort(key=lambda item: _sort_key(item[k] if len(item) > keys else ""), reverse=spec.descending[k])
    texts = [item[-1] for item in items]
    if spec.distinct:
        texts = list(dict.fromkeys(texts))
    return spec.separator.join(texts)


def _sort_key(encoded: str) -> tuple:
    """An item's key as :func:`_encode` wrote it, in SPARQL's order of terms."""
    if not encoded:
        return (0,)
    kind, text = encoded[0], encoded[1:]
    if kind == "n":
        try:
            return (3, 0, float(text), text)
        except ValueError:
            return (3, 1, text)
    return {"b": (1,), "i": (2, text)}.get(kind, (3, 1, text))


def _encode(expression: str) -> str:
    """SPARQL for one sort key as text: a letter for its kind (number, IRI, blank node, other
    literal) and its lexical form; the empty string where it is unbound."""
    e = expression
    return (f'COALESCE(CONCAT(IF(isNumeric({e}), "n", IF(isIRI({e}), "i", IF(isBlank({e}), "b", "l"))), '
            f'STR({e})), "")')


def _pack_one(text: str, toks: list[Token], i: int, plain: set[int]) -> tuple[list, list[PackedList]] | None:
    """The edits packing the lists of the SELECT at ``toks[i]``, if its group is one sorting sub-select."""
    depth = toks[i].depth
    j = _next(toks, i, "{", depth)
    if j is None or j + 1 >= len(toks) or toks[j + 1].text.upper() != "SELECT":
        return None
    inner_open = _next(toks, j + 1, "{", depth + 1)
    close = _next(toks, j, "}", depth)
    inner_close = _next(toks, inner_open, "}", depth + 1) if inner_open is not None else None
    if close is None or inner_close is None:
        return None
    tail = [t for t in toks[inner_close + 1:close] if t.depth == depth + 1]
    words = [t.text.upper() for t in tail if t.kind == "keyword"]
    if "ORDER" not in words or "LIMIT" in words or "OFFSET" in words:
        return None
    order_at = next(k for k in range(inner_close + 1, close) if toks[k].text.upper() == "ORDER" and toks[k].depth == depth + 1)
    conditions = _conditions(text, toks, order_at + 2, close, depth + 1)
    inner_head = toks[j + 2:inner_open]
    grouped_by = _group_by(toks, close + 1, depth)
    conditions = [(e, desc) for e, desc in conditions if e not in grouped_by]  # one value per list
    if not conditions:
        return None
    projected = _projected(inner_head, depth + 1)
    needed = {t.text for e, _ in conditions for t in tokens(e) if t.kind == "var"}
    missing = sorted(needed - projected) if "*" not in projected else []
    aggregated = "GROUP" in words or any(t.text.upper() in {"DISTINCT", "REDUCED"} for t in inner_head[:1])
    if missing and aggregated:
        return None  # the keys cannot be projected without changing the sub-select's rows
    lists = _group_concats(text, toks, i + 1, j, depth, plain)
    if not lists:
        return None
    keys = ", ".join(f"{_encode(e)}, {_UNIT_SPARQL}" for e, _ in conditions)
    edits = [(start, end, f"GROUP_CONCAT({'DISTINCT ' if distinct else ''}CONCAT({keys}, STR({expr})); "
                          f"separator={_RECORD_SPARQL})") for start, end, expr, distinct, _, _ in lists]
    order_end = toks[close].start
    edits.append((toks[order_at].start, order_end, " "))
    if missing:
        at = toks[j + 1].start + len(toks[j + 1].text)
        edits.append((at, at, " " + " ".join(missing)))
    descending = tuple(desc for _, desc in conditions)
    return edits, [PackedList(name, separator, distinct, descending) for _, _, _, distinct, separator, name in lists]


def _next(toks: list[Token], after: int, text: str, depth: int) -> int | None:
    return next((k for k in range(after + 1, len(toks)) if toks[k].text == text and toks[k].depth == depth), None)


def _conditions(text: str, toks: list[Token], start: int, stop: int, depth: int) -> list[tuple[str, bool]]:
    """The ``ORDER BY`` conditions in ``toks[start:stop]``: (expression text, descending)."""
    out: list[tuple[str, bool]] = []
    k = start
    while k < stop:
        t = toks[k]
        desc = t.text.upper() == "DESC"
        if t.kind == "var":
            out.append((t.text, False))
            k += 1
            continue
        opener = k if t.text == "(" else k + 1  # (expr), ASC(expr), DESC(expr) or a call f(…)
        end = _next(toks, opener, ")", depth)
        if end is None or toks[opener].text != "(":
            return out
        if t.text.upper() in {"ASC", "DESC"} or t.text == "(":
            out.append((text[toks[opener].start + 1:toks[end].start].strip(), desc))
        else:
            out.append((text[t.start:toks[end].start + 1], False))
        k = end + 1
    return out


def _group_by(toks: list[Token], start: int, depth: int) -> set[str]:
    """The plain variables of the ``GROUP BY`` that follows ``toks[start]`` at ``depth``."""
    out: set[str] = set()
    in_group = False
    for t in toks[start:]:
        if t.depth < depth or (t.depth == depth and t.text in "{}"):
            break
        if t.depth == depth and t.kind == "keyword":
            in_group = t.text.upper() in {"GROUP", "BY"} and (in_group or t.text.upper() == "GROUP")
        elif in_group and t.depth == depth and t.kind == "var":
            out.add(t.text)
    return out


def _projected(head: list[Token], depth: int) -> set[str]:
    """Variables a SELECT head projects: plain ones, ``AS`` names, or ``*``."""
    out = {t.text for t in head if (t.kind == "var" and t.depth == depth) or t.text == "*"}
    return out | {head[k + 1].text for k in range(len(head) - 1) if head[k].text.upper() == "AS"}


def _plain_projections(toks: list[Token]) -> set[int]:
    """Offsets of variables that only name a column in some SELECT list (no expression around them)."""
    out: set[int] = set()
    for i, t in enumerate(toks):
        if t.kind == "keyword" and t.text.upper() == "SELECT":
            for u in toks[i + 1:]:
                if u.depth == t.depth and (u.text == "{" or (u.kind == "keyword" and u.text.upper() not in
                                                              {"DISTINCT", "REDUCED", "AS"})):
                    break
                if u.kind == "var" and u.depth == t.depth:
                    out.add(u.start)
    return out


def _group_concats(text: str, toks: list[Token], start: int, stop: int, depth: int, plain: set[int]) -> list:
    """Each ``(GROUP_CONCAT(…) AS ?name)`` of a SELECT head: (start, end, expression, distinct,
    separator, name); none if one of them cannot be packed (its ``?name`` is used, not only projected)."""
    out = []
    for k in range(start, stop):
        t = toks[k]
        if not (t.kind == "keyword" and t.text.upper() == "GROUP_CONCAT" and t.depth == depth + 1):
            continue
        end = _next(toks, k + 1, ")", depth + 1)
        if end is None or end + 2 >= len(toks) or toks[end + 1].text.upper() != "AS":
            return []
        name = toks[end + 2]
        uses = [u for u in toks if u.kind == "var" and u.text == name.text and u.start != name.start]
        if any(u.start not in plain for u in uses):
            return []
        inside = [u for u in toks[k + 2:end]]
        distinct = bool(inside) and inside[0].text.upper() == "DISTINCT"
        semi = next((m for m, u in enumerate(inside) if u.text == ";" and u.depth == depth + 2), len(inside))
        first = inside[1 if distinct else 0]
        expr_end = inside[semi].start if semi < len(inside) else toks[end].start
        expr = text[first.start:expr_end].strip()
        separator = next((_unquote(u.text) for u in inside[semi:] if u.kind == "string"), " ")
        out.append((t.start, toks[end].start + 1, expr, distinct, separator, name.text[1:]))
    return out


def _unquote(literal: str) -> str:
    """The text of a SPARQL string literal token (quotes removed, escapes read)."""
    body = literal[3:-3] if literal[:3] in {'"""', "'''"} else literal[1:-1]

    def one(m: re.Match) -> str:
        e = m.group(1)
        return chr(int(e[1:], 16)) if e[0] in "uU" and len(e) > 1 else _ECHAR.get(e, e)

    return _UNESCAPE.sub(one, body)
