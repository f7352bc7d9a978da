"""Splitting a plan's unit lists into organisation names (``A、B，C及各镇街`` → three units).

Moved out of :mod:`loaders.organizations` (which resolves names against the registry): splitting is a
reading of the text, resolving is a lookup in curated data. The registry is still consulted so that a
registered name or a collective expression (水、电、气、热各专营单位) is never cut at an inner 、.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loaders.organizations import Registry

# Separators that always end a unit; 及/和 end one only between a name-like ending and a name-like
# start (县财政局和县税务局), because 和 sits inside many names (县人力资源和社会保障局). Collectives
# end names too (市级各有关部门及各县市区政府 is two units), and prefectures, districts, leagues and
# banners prefix their bodies as counties do (州司法局及州直相关单位).
_SEPARATORS = frozenset("、，,；;")
_NAME_END = re.compile(r"(?:局|委|办|院|中心|公司|行|部|部门|组|队|会|所|站|室|厅|单位|机构|街|街道|镇|政府)$")
_NAME_START = re.compile(r"^(?:县|市|省|州|区|盟|旗|各|中国|国家|有关|中共)")
_NOISE = re.compile(r"等(?:部门|单位)?$")
# A collective split at its inner 、 leaves a piece no one would write alone. Such pieces are joined
# back (各有关镇、街道; 各县市、区政府; 省政府各部门、各直属机构):
# - a head of level words with no body noun (各县市, 各有关镇) joins the piece after it when that
#   piece completes it with more level words (区政府, 街道), never a name of its own (县财政局);
_OPEN_HEAD = re.compile(r"各(?:有关|相关)?(?:县级市|县|市|区|乡|镇|街道)+")
_HEAD_COMPLETION = re.compile(r"各?(?:县级市|县|市|区|乡|镇|街道)+(?:人民政府|政府|办事处)?")
# - a bare body noun (街道, 单位) joins the collective before it;
_BARE_TAIL = re.compile(r"(?:街道|乡镇|镇|乡|部门|单位|机构)(?:办事处)?")
# - bodies named relative to an owner (各直属机构, 所属单位) take the owner of the piece before them.
_OWNED_TAIL = re.compile(r"各?(?:直属|所属|下属)各?(?:机构|单位|部门)")
_COLLECTIVE = re.compile(r"各|有关|相关|直属")
# A name reads as an organisation when it ends in a body's noun; used where no label says so.
_UNIT_END = re.compile(
    r"(?:局|委|办|厅|院|中心|公司|银行|行|海关|政府|管委会|委员会|部门|单位|机构|街道|办事处|集团|协会|联合会|工商联|"
    r"分局|支队|总队|大队|所|站|队|处|室|组|部|社|会|馆|署|机关|专班)(?:（[^（）]{1,12}）)?$"
)
_BRACKETED = re.compile(r"（[^（）]*）")
# A remark in brackets after a unit in a list (a Fujian layout writes the lead convention there).
_CLOSING_REMARK = re.compile(r"（[^（）]*(?:，|为牵头单位|下同|不分先后)[^（）]*）$")
_MAX_JOINED = 40
_REMARK_START = ("含", "除", "包括", "以下", "其中", "即", "如", "指", "不含", "按", "由", "在", "对", "将", "详见", "见")


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
    pieces, start = [], 0  # (start, end) in ``text``
    for s, e in [*cuts, (len(text), len(text))]:
        piece_end = s
        while piece_end > start and not keep[piece_end - 1] and (m := _NOISE.search(text[start:piece_end])):
            if m.start() == 0:
                break
            piece_end = start + m.start()
        if piece_end > start:
            pieces.append((start, piece_end))
        start = e
    return [(pos[s], pos[e - 1] + 1) for s, e in _join_collectives(text, pieces)]


def _join_collectives(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join the pieces of a collective cut at its inner 、 (rules at ``_OPEN_HEAD``)."""
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        piece = text[s:e]
        if out:
            ps, pe = out[-1]
            before = text[ps:pe]
            joins = ((_OPEN_HEAD.fullmatch(before) and _HEAD_COMPLETION.fullmatch(piece)) or _OWNED_TAIL.fullmatch(piece)
                     or (_BARE_TAIL.fullmatch(piece) and _COLLECTIVE.search(before)))
            if joins and e - ps <= _MAX_JOINED:
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out


def remark_start(name: str) -> int:
    """Where a bracketed remark closing ``name`` starts (市商务局（第一责任单位为牵头单位，下同）), else len(name).

    A bracket holding a second name of the body (省市场监管局（省知识产权局）) is no remark: a remark
    holds a clause (a comma) or says who leads (…为牵头单位, 下同, 排名不分先后).

    Example:
        >>> [n[:remark_start(n)] for n in ("市商务局（第一责任单位为牵头单位，下同）", "省市场监管局（省知识产权局）")]
        ['市商务局', '省市场监管局（省知识产权局）']
    """
    m = _CLOSING_REMARK.search(name)
    return m.start() if m and m.start() > 0 else len(name)


def looks_like_unit(name: str) -> bool:
    """True when ``name`` reads as an organisation or a collective of them: a body's noun ends it.

    Used where no label says a list names units (a bare list in parentheses), so remarks such as
    （含下属单位） or （列第一位的为牵头单位） must fail.

    Example:
        >>> [looks_like_unit(n) for n in ("市税务局", "各县市、区政府", "含下属单位", "列第一位的为牵头单位", "50个")]
        [True, True, False, False, False]
    """
    name = name.strip()
    return (2 <= len(name) <= _MAX_JOINED and not name.startswith(_REMARK_START) and not name[0].isdigit()
            and "的" not in name and "为" not in name and bool(_UNIT_END.search(name)))


def _protected(text: str, registry: Registry) -> list[bool]:
    """Mark characters inside a collective expression, a registered name or a parenthesis
    (各县（市、区）政府: a 、 inside brackets never ends a unit), leftmost-longest first."""
    found = [(m.start(), m.end()) for rx in registry.collective_patterns() for m in rx.finditer(text)]
    found += [(m.start(), m.end()) for m in _BRACKETED.finditer(text)]
    # The longest registered name starting at each offset (the only one the choice below can take).
    found += [(m.start(), m.start() + len(m.group(1))) for m in _names_pattern(registry.literal_names()).finditer(text)]
    keep, taken_to = [False] * len(text), 0
    for s, e in sorted(found, key=lambda se: (se[0], -se[1])):
        if s >= taken_to:
            keep[s:e] = [True] * (e - s)
            taken_to = e
    return keep


@functools.lru_cache(maxsize=8)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """Return a pattern finding, at every offset, the longest of ``names`` that starts there."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(f"(?=({alternatives}))") if names else re.compile(r"(?!)")
