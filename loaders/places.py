"""China's administrative divisions: every province, prefecture and county, with the facts curated about some.

Two files make the dataset (loaders/data/places/): ``divisions.tsv``, generated once from the
official 县以上行政区划代码 table (tools/make_divisions.py says from which package and version), and
``places.yaml``, written by hand: the country itself, Wikidata ids (only the ones checked), the
names governments sign with, and the abbreviations their 文号 start with (鲁政 → 山东省). Curated
facts never invent a division; a code not in the table is refused.

A plan whose place cannot be found gets an *unplaced* division of its own (code ``unplaced-…``):
its bodies keep the names the plan wrote and never merge with any other government's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from kg.errors import LoadError
from kg.vocab import levels
from loaders.data import DIVISIONS_PATH, PLACES_PATH

LEVELS = tuple(lv.notation for lv in reversed(levels()))  # lowest first: county … national
UNPLACED_PREFIX = "unplaced-"
COUNTRY_CODE = "100000"

# How a division's own plans name its bodies: 县财政局 in a county, 区财政局 in a district, 市财政局 in a
# county-level city as in a prefecture, 自治区/区 in an autonomous region. Longest prefix first.
SELF_PREFIXES: dict[str, tuple[str, ...]] = {
    "省": ("省",), "自治区": ("自治区", "区"), "直辖市": ("市",), "特别行政区": ("特别行政区",),
    "地级市": ("市",), "自治州": ("自治州", "州"), "地区": ("地区",), "盟": ("盟",),
    "市辖区": ("区",), "县": ("县",), "自治县": ("自治县", "县"), "县级市": ("市",), "旗": ("旗",),
    "自治旗": ("自治旗", "旗"), "林区": ("林区", "区"), "特区": ("特区", "区"),
}
# The level whose names a division's bodies take: a 直辖市 is province-level but its bodies are
# named like a prefecture's (北京市财政局, not 财政厅).
NAMING_LEVEL = {"直辖市": "city"}
# Registry spellings are written with one prefix per level; a plan's own prefix maps onto it.
LEVEL_PREFIX = {"county": "县", "city": "市", "province": "省"}
_PREFIX_LEVEL = {"省": "province", "自治区": "province", "市": "city", "自治州": "city", "州": "city",
                 "地区": "city", "盟": "city", "县": "county", "自治县": "county", "区": "county",
                 "旗": "county", "自治旗": "county", "林区": "county", "特区": "county"}
RELATIVE_PREFIXES = tuple(sorted(_PREFIX_LEVEL, key=len, reverse=True))
_CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Place:
    """An administrative division (GB/T 2260 ``code``); ``short`` fills the registry's placeholders."""

    code: str
    name: str
    short: str
    level: str
    parent: str | None = None
    wikidata: str | None = None
    issuers: tuple[str, ...] = ()
    kind: str = ""
    doc_prefixes: tuple[str, ...] = ()

    @property
    def unplaced(self) -> bool:
        """True for the division of its own a plan of unknown place gets."""
        return self.code.startswith(UNPLACED_PREFIX)

    @property
    def self_prefixes(self) -> tuple[str, ...]:
        """How this division's own plans begin the names of its bodies (县, 区, 市 …)."""
        return SELF_PREFIXES.get(self.kind, (LEVEL_PREFIX[self.level],) if self.level in LEVEL_PREFIX else ())

    @property
    def naming_level(self) -> str:
        return NAMING_LEVEL.get(self.kind, self.level)


def unplaced_place(key: str) -> Place:
    """Return the division of its own for a plan of unknown place, keyed by ``key`` (the plan's content hash).

    Example:
        >>> unplaced_place("3f2a9c").code
        'unplaced-3f2a9c'
    """
    return Place(UNPLACED_PREFIX + key, f"未知地区（{key}）", "", "unknown", kind="unplaced")


def prefix_level(prefix: str) -> str | None:
    """Return the level a relative prefix (县, 市, 自治区 …) names in a plan of unknown place."""
    return _PREFIX_LEVEL.get(prefix)


class Places(dict[str, Place]):
    """Divisions keyed by code, with the lookups plans need: by full name, by 文号 prefix, by chain."""

    def __init__(self, places: Iterable[Place] = ()) -> None:
        super().__init__()
        self._by_name: dict[str, list[Place]] = {}
        self._by_short: dict[str, list[Place]] = {}
        self._heads: set[str] = set()  # the first two characters of every full name
        self._prefixes: dict[str, list[Place]] = {}
        self._longest = 0
        for p in places:
            self.add(p)

    @classmethod
    def of(cls, places: dict[str, Place]) -> Places:
        """Return ``places`` as a Places (a plain mapping of code → Place is wrapped)."""
        return places if isinstance(places, Places) else cls(places.values())

    def add(self, place: Place) -> Place:
        """Add ``place`` (an unplaced division, say) and return it; an existing code is kept."""
        if place.code in self:
            return self[place.code]
        self[place.code] = place
        if not place.unplaced and place.level != "national":
            self._by_name.setdefault(place.name, []).append(place)
            self._heads.add(place.name[:2])
            self._by_short.setdefault(place.short, []).append(place)
            self._longest = max(self._longest, len(place.name))
        for prefix in place.doc_prefixes:
            self._prefixes.setdefault(prefix, []).append(place)
        return place

    def named(self, name: str) -> list[Place]:
        """Return the divisions whose full name is ``name`` (several counties share a name: 鼓楼区)."""
        return list(self._by_name.get(name, ()))

    def shortly_named(self, short: str) -> list[Place]:
        return list(self._by_short.get(short, ()))

    def name_at(self, text: str, start: int = 0, *, min_len: int = 2) -> str | None:
        """Return the longest full division name that ``text`` has at ``start``, or None."""
        if text[start : start + 2] not in self._heads:  # most characters begin no name: one set lookup
            return None
        for n in range(min(self._longest, len(text) - start), min_len - 1, -1):
            if text[start : start + n] in self._by_name:
                return text[start : start + n]
        return None

    def names_in(self, text: str, *, min_len: int = 3) -> Iterator[tuple[int, str]]:
        """Yield (offset, name) for every full division name in ``text``, left to right, longest first.

        Two-character names (易县, 城区) read as ordinary words too often to count as mentions by default.
        """
        i = 0
        while i < len(text):
            name = self.name_at(text, i, min_len=min_len)
            if name:
                yield i, name
                i += len(name)
            else:
                i += 1

    def by_doc_prefix(self, doc_number: str) -> tuple[str, list[Place]]:
        """Return the longest curated 文号 abbreviation ``doc_number`` starts with and its divisions."""
        for n in range(min(len(doc_number), 6), 0, -1):
            if doc_number[:n] in self._prefixes:
                return doc_number[:n], list(self._prefixes[doc_number[:n]])
        return "", []

    def parent_of(self, place: Place) -> Place | None:
        return self.get(place.parent) if place.parent else None

    def chain(self, place: Place | None) -> list[Place]:
        """Return ``place`` and every division above it, nearest first (the country last)."""
        out: list[Place] = []
        while place is not None and place not in out:
            out.append(place)
            place = self.parent_of(place)
        return out

    def within(self, place: Place, ancestor: Place) -> bool:
        """True when ``place`` is ``ancestor`` or lies inside it."""
        return any(p.code == ancestor.code for p in self.chain(place))

    def at_level(self, place: Place | None, level: str) -> Place | None:
        """Return the division at ``level`` that ``place`` lies in (``place`` itself at its own level)."""
        return next((p for p in self.chain(place) if p.level == level), None)

    def designated(self, place: Place | None, prefix: str) -> Place | None:
        """Return the division a plan of ``place`` means by a name starting with ``prefix`` (市 → its city).

        The nearest division in the chain whose own plans use that prefix: in 滕州市 (a county-level
        city) 市 is 滕州市 itself; in 巨野县 it is 菏泽市; in a district of Beijing it is Beijing.
        """
        return next((p for p in self.chain(place) if prefix in p.self_prefixes), None)

    def given(self, text: str) -> Place:
        """Return the division named by a user (``--place``): a GB/T 2260 code, a full or a short name.

        Raises:
            LoadError: ``text`` names no division, or several (give the code then).
        """
        text = text.strip()
        if _CODE.fullmatch(text):
            if text in self:
                return self[text]
            raise LoadError("--place", text, "no division has this GB/T 2260 code")
        found = self.named(text) or self.shortly_named(text)
        if len(found) == 1:
            return found[0]
        if not found:
            raise LoadError("--place", text, "names no division (give a full name such as 巨野县, or a code)")
        options = ", ".join(f"{p.code} {self.describe(p)}" for p in found[:6])
        raise LoadError("--place", text, f"names {len(found)} divisions ({options}): give the code")

    def describe(self, place: Place) -> str:
        """Return the division's name with the names above it: 山东省菏泽市巨野县."""
        chain = [p for p in reversed(self.chain(place)) if p.level not in ("national",)]
        return "".join(p.name for p in chain)


# libyaml's loader when PyYAML was built with it: the pure-Python one takes most of a build's start-up.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Return the data in a YAML file; raise LoadError naming the file when it cannot be read."""
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
    except (OSError, yaml.YAMLError) as exc:
        raise LoadError(str(path), "", f"cannot read: {exc}") from exc


def _divisions(path: Path) -> Iterator[Place]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LoadError(str(path), "", f"cannot read: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 6 or cols[3] not in LEVELS:
            raise LoadError(str(path), f"line {n}", "expected code, name, short, level, kind, parent")
        code, name, short, level, kind, parent = cols
        yield Place(code, name, short, level, parent or None, kind=kind)


_CURATED = frozenset({"code", "name", "short", "wikidata", "issuers", "doc_prefixes", "note"})


def load_places(path: Path = PLACES_PATH, divisions: Path = DIVISIONS_PATH) -> Places:
    """Return every division of the national table, with the curated facts of ``path`` added.

    Example:
        >>> places = load_places()
        >>> places["371724"].short, places["371724"].parent, places["370000"].doc_prefixes
        ('巨野', '371700', ('鲁政', '鲁办'))
    """
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("country"), dict):
        raise LoadError(str(path), "", "expected a mapping with 'country' and 'places'")
    c = data["country"]
    rows = {COUNTRY_CODE: Place(COUNTRY_CODE, c["name"], c["short"], "national", None, c.get("wikidata"),
                                tuple(c.get("issuers") or ()), "国家")}
    rows.update((p.code, p) for p in _divisions(divisions))
    for i, e in enumerate(data.get("places") or [], 1):
        where = f"place {i}"
        if not isinstance(e, dict) or str(e.get("code")) not in rows:
            raise LoadError(str(path), where, f"code {e.get('code') if isinstance(e, dict) else e!r} is not in {divisions.name}")
        if unknown := set(e) - _CURATED:
            raise LoadError(str(path), f"{where} ({e['code']})", f"unknown field(s) {sorted(unknown)}")
        p = rows[str(e["code"])]
        if e.get("name", p.name) != p.name:
            raise LoadError(str(path), f"{where} ({e['code']})", f"name {e['name']} differs from the table's {p.name}")
        rows[p.code] = replace(p, wikidata=e.get("wikidata", p.wikidata), issuers=tuple(e.get("issuers") or ()),
                               doc_prefixes=tuple(e.get("doc_prefixes") or ()))
    return Places(rows.values())
