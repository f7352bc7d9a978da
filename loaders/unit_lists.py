"""Splitting a plan's unit lists into organisation names (``A、B，C及各镇街`` → three units).

Moved out of :mod:`loaders.organizations` (which resolves names against the registry): splitting is a
reading of the text, resolving is a lookup in curated data. The registry is still consulted so that a
registered name or a collective expression (水、电、气、热各专营单位) is never cut at an inner 、.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loaders.organizations import Registry

# Separators that always end a unit; 及/和 end one only between a name-like ending and a name-like
# start (县财政局和县税务局), because 和 sits inside many names (县人力资源和社会保障局).
_SEPARATORS = frozenset("、，,；;")
_NAME_END = re.compile(r"(?:局|委|办|院|中心|公司|行|部|组|队|会|所|站|室|厅|单位|街)$")
_NAME_START = re.compile(r"^(?:县|市|省|各|中国|国家|有关|中共)")
_NOISE = re.compile(r"等(?:部门|单位)?$")


def split_unit_list(raw: str, registry: Registry | None = None) -> list[tuple[int, int]]:
    """Return (start, end) offsets in ``raw`` of each organisation name in a unit list.

    Splits on 、，,；; (and 及/和 between two names); collective expressions (水、电、气、热各专营单位,
    县有关部门、单位) and every registered name come back whole; a trailing 等/等部门 is left out.
    Whitespace inside ``raw`` (PDF line breaks) is skipped, so spans may contain it.

    Example:
        >>> raw = "县发展和改革局、县自然资源和规划局，水、电、气、热各专营单位"
        >>> [raw[s:e] for s, e in split_unit_list(raw)]
        ['县发展和改革局', '县自然资源和规划局', '水、电、气、热各专营单位']
    """
    if registry is None:
        from loaders.organizations import default_registry  # here: organizations re-exports this module

        registry = default_registry()
    pos = [i for i, c in enumerate(raw) if not c.isspace()]
    text = "".join(raw[i] for i in pos)
    keep = _protected(text, registry)
    cuts: list[tuple[int, int]] = []  # (start, end) of each separator in ``text``
    for i, c in enumerate(text):
        if keep[i]:
            continue
        if c in _SEPARATORS:
            cuts.append((i, i + 1))
        elif c in "及和" and _NAME_END.search(text[:i].removesuffix("以")) and _NAME_START.match(text[i + 1:]):
            cuts.append((i - 1 if text[:i].endswith("以") and not keep[i - 1] else i, i + 1))
    spans, start = [], 0
    for s, e in [*cuts, (len(text), len(text))]:
        piece_end = s
        while piece_end > start and not keep[piece_end - 1] and (m := _NOISE.search(text[start:piece_end])):
            if m.start() == 0:
                break
            piece_end = start + m.start()
        if piece_end > start:
            spans.append((pos[start], pos[piece_end - 1] + 1))
        start = e
    return spans


def _protected(text: str, registry: Registry) -> list[bool]:
    """Mark characters inside a collective expression or a registered name, leftmost-longest first."""
    found = [(m.start(), m.end()) for rx in registry.collective_patterns() for m in rx.finditer(text)]
    for name in registry.literal_names():
        i = text.find(name)
        while i >= 0:
            found.append((i, i + len(name)))
            i = text.find(name, i + 1)
    keep, taken_to = [False] * len(text), 0
    for s, e in sorted(found, key=lambda se: (se[0], -se[1])):
        if s >= taken_to:
            keep[s:e] = [True] * (e - s)
            taken_to = e
    return keep
