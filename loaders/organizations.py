"""Organisation names: splitting a plan's unit lists and resolving each name against the registry.

Why a registry: plans write one body several ways (县市场监管局 / 县市场监督管理局), and merging two
spellings is a judgement a curator makes once, in ``loaders/data/organizations.yaml``. This module
holds only general rules — whitespace and full-width clean-up, the county-name prefix, placeholder
filling, suffix-based guesses for names nobody has registered — so the next county's plan needs new
data at most, never new code. A name the registry does not know is kept (``known=False``), never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kg.errors import LoadError
from loaders.data import ORGANIZATIONS_PATH, PLACES_PATH

KINDS = frozenset({
    "government_agency", "people_government", "court", "procuratorate", "party_organ",
    "public_institution", "soe_branch", "bank_branch", "regulator_branch", "mass_organization",
    "utility_group", "placeholder",
})
LEVELS = ("county", "city", "province", "national")
_FIELDS = frozenset({"name", "aliases", "kind", "level", "function", "parent", "collective", "pattern", "note"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SLOTS = {"county": "county", "city": "city", "province": "province"}  # placeholder → place level
_LEVEL_PREFIX = {"county": "县", "city": "市", "province": "省"}  # how a plan names its own level's bodies
_WS = re.compile(r"\s+")

# Suffix rules for names the registry does not know, tried in order: the first match wins, so the
# more specific endings (…法院, …支行) come before the generic ones (…局). Order is the whole rule.
_KIND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), k) for p, k in (
    (r"(?:各|有关|相关)", "placeholder"),
    (r"法院$", "court"),
    (r"检察院$", "procuratorate"),
    (r"^(?:中共|县委|市委|省委|党委)", "party_organ"),
    (r"人民政府$|^[县市省]?政府$", "people_government"),
    (r"(?:支行|分行|银行)$", "bank_branch"),
    (r"公司$", "soe_branch"),
    (r"(?:监管组|监管分局|分局)$", "regulator_branch"),
    (r"(?:联合会|工商联|总工会|妇联|科协|团县委)$", "mass_organization"),
    (r"(?:中心|站|所|院)$", "public_institution"),
))


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


@dataclass(frozen=True)
class Organization:
    """A resolved unit: canonical ``name`` as written in the plan's jurisdiction, placeholders filled.

    ``known`` is False for names the registry lacks; their ``kind`` is then a suffix-rule guess.
    """

    name: str
    kind: str
    level: str
    aliases: tuple[str, ...] = ()
    collective: bool = False
    known: bool = True
    function: str | None = None
    parent: str | None = None


def _key(name: str) -> str:
    """The form names are compared in: no whitespace (PDF line breaks), NFKC (full → half width)."""
    return unicodedata.normalize("NFKC", _WS.sub("", name))


def _read_yaml(path: Path, top: str) -> list[Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LoadError(str(path), "", f"cannot read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get(top), list):
        raise LoadError(str(path), "", f"expected a mapping with a list under {top!r}")
    return data[top]


def load_places(path: Path = PLACES_PATH) -> dict[str, Place]:
    """Return the administrative divisions in ``path`` keyed by code.

    Example:
        >>> load_places()["371724"].short
        '巨野'
    """
    places: dict[str, Place] = {}
    for i, e in enumerate(_read_yaml(path, "places")):
        where = f"place {i + 1}"
        if not isinstance(e, dict) or not all(isinstance(e.get(f), str) for f in ("code", "name", "short")):
            raise LoadError(str(path), where, "needs string code, name and short")
        if e.get("level") not in LEVELS or str(e["code"]) in places:
            raise LoadError(str(path), f"{where} ({e['name']})", "bad level or duplicate code")
        places[e["code"]] = Place(e["code"], e["name"], e["short"], e["level"], e.get("parent"),
                                  e.get("wikidata"), tuple(e.get("issuers") or ()))
    return places


def place_for_issuer(issuer: str, places: dict[str, Place]) -> Place | None:
    """Return the division whose government issued a document, or None.

    A listed issuer name wins; otherwise the longest place name the issuer starts with, so that
    巨野县人民政府办公室 still lands in 巨野县 and not in a shorter name that happens to prefix it.

    Example:
        >>> place_for_issuer("巨野县人民政府", load_places()).name
        '巨野县'
    """
    key = _key(issuer).removeprefix("中共")
    for p in places.values():
        if key in map(_key, p.issuers):
            return p
    starts = [p for p in places.values() if key.startswith(p.name)]
    return max(starts, key=lambda p: len(p.name), default=None)


def place_at_level(place: Place | None, level: str, places: dict[str, Place]) -> Place | None:
    """Return the division at ``level`` that ``place`` lies in (``place`` itself at its own level).

    None when ``level`` is below ``place`` or the chain of parents does not reach it.

    Example:
        >>> place_at_level(load_places()["371724"], "province", load_places()).name
        '山东省'
    """
    seen: set[str] = set()
    while place is not None and place.code not in seen:
        if place.level == level:
            return place
        seen.add(place.code)
        place = places.get(place.parent) if place.parent else None
    return None


@dataclass(frozen=True)
class _Entry:
    name: str
    kind: str
    level: str
    aliases: tuple[str, ...]
    function: str | None
    parent: str | None
    collective: bool
    pattern: re.Pattern[str] | None


def _parse_entry(e: Any, path: Path, where: str) -> _Entry:
    if not isinstance(e, dict) or not isinstance(e.get("name"), str) or not e["name"].strip():
        raise LoadError(str(path), where, "entry has no name")
    where = f"{where} ({e['name']})"
    if unknown := set(e) - _FIELDS:
        raise LoadError(str(path), where, f"unknown field(s) {sorted(unknown)}")
    if e.get("kind") not in KINDS:
        raise LoadError(str(path), where, f"bad kind {e.get('kind')!r}; expected one of {sorted(KINDS)}")
    if e.get("level") not in LEVELS:
        raise LoadError(str(path), where, f"bad level {e.get('level')!r}")
    aliases = e.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise LoadError(str(path), where, "aliases must be a list of strings")
    for text in (e["name"], *aliases, e.get("parent") or ""):
        if bad := set(_PLACEHOLDER.findall(text)) - set(_SLOTS):
            raise LoadError(str(path), where, f"unknown placeholder(s) {sorted(bad)} in {text!r}")
    try:
        pattern = re.compile(e["pattern"]) if e.get("pattern") else None
    except re.error as exc:
        raise LoadError(str(path), where, f"bad pattern: {exc}") from exc
    return _Entry(e["name"], e["kind"], e["level"], tuple(aliases), e.get("function"), e.get("parent"),
                  bool(e.get("collective")), pattern)


class Registry:
    """The curated organisations, with lookups per jurisdiction.

    Lookups are built per place on first use, because the same entry (中国人民银行{county}支行)
    spells a different name in every county.
    """

    def __init__(self, entries: Iterable[_Entry], places: dict[str, Place], source: str = "") -> None:
        self.entries = tuple(entries)
        self.places = places
        self.source = source
        self._indexes: dict[str | None, dict[str, tuple[_Entry, dict[str, str]]]] = {}
        self._literals: frozenset[str] | None = None
        self._check()

    @classmethod
    def load(cls, path: Path = ORGANIZATIONS_PATH, *, places: dict[str, Place] | None = None) -> Registry:
        """Return the registry in ``path``; raise LoadError naming the file and entry if malformed.

        Example:
            >>> Registry.load().resolve("县市场监管局").name
            '县市场监督管理局'
        """
        entries = [_parse_entry(e, path, f"entry {i + 1}") for i, e in enumerate(_read_yaml(path, "organizations"))]
        return cls(entries, load_places() if places is None else places, str(path))

    def _check(self) -> None:
        """Refuse one spelling mapping to two bodies, and parents that are not entries themselves."""
        owner: dict[str, str] = {}
        for e in self.entries:
            for text in {_key(t) for t in (e.name, *e.aliases)}:
                if owner.setdefault(text, e.name) != e.name:
                    raise LoadError(self.source, f"entry {e.name}",
                                    f"alias {text!r} already names {owner[text]!r}")
        names = {_key(e.name) for e in self.entries}
        for e in self.entries:
            if e.parent and _key(e.parent) not in names:
                raise LoadError(self.source, f"entry {e.name}", f"parent {e.parent!r} is not an entry")
        for place in self._counties():
            self._index(place)  # filled names can collide too (县政府 vs {county}县政府 in odd places)

    def _counties(self) -> list[Place]:
        return [p for p in self.places.values() if p.level == "county"]

    def _slots(self, place: Place | None) -> dict[str, str]:
        """Placeholder values for ``place``: its own short name and those of the divisions above it."""
        slots: dict[str, str] = {}
        seen: set[str] = set()
        while place is not None and place.code not in seen:
            seen.add(place.code)
            slots.setdefault(place.level, place.short)
            place = self.places.get(place.parent) if place.parent else None
        return slots

    @staticmethod
    def _fill(text: str, slots: dict[str, str]) -> str | None:
        """``text`` with placeholders filled, or None when the place lacks one of them."""
        try:
            return _PLACEHOLDER.sub(lambda m: slots[_SLOTS[m.group(1)]], text)
        except KeyError:
            return None

    def _index(self, place: Place | None) -> dict[str, tuple[_Entry, dict[str, str]]]:
        code = place.code if place else None
        if code not in self._indexes:
            slots, index = self._slots(place), {}
            for e in self.entries:
                for text in (e.name, *e.aliases):
                    filled = self._fill(text, slots)
                    if filled is None:
                        continue
                    prior = index.setdefault(_key(filled), (e, slots))[0]
                    if prior is not e:
                        raise LoadError(self.source, f"entry {e.name}",
                                        f"{filled!r} also names {prior.name!r} in {place.name if place else '-'}")
            self._indexes[code] = index
        return self._indexes[code]

    def _organization(self, e: _Entry, slots: dict[str, str], name: str | None = None) -> Organization:
        aliases = tuple(a for a in (self._fill(a, slots) for a in e.aliases) if a)
        parent = self._fill(e.parent, slots) if e.parent else None
        return Organization(name or self._fill(e.name, slots) or e.name, e.kind, e.level, aliases,
                            e.collective, True, e.function, parent)

    def resolve(self, name: str, *, place: Place | None = None) -> Organization:
        """Return the organisation ``name`` refers to in ``place`` (or in any registered county).

        Tried in order: canonical name or alias (after whitespace and full-width clean-up), the same
        with the county's own name written out (巨野县财政局 → 县财政局), a collective pattern; else
        an unknown organisation whose kind is guessed from its suffix. 县X局 is never matched to
        县X委员会 by rule: such merges are aliases in the data.

        Example:
            >>> Registry.load().resolve("人行巨野支行").name
            '中国人民银行巨野支行'
        """
        key = _key(name)
        for p in [place] if place else (self._counties() or [None]):
            index = self._index(p)
            bare = key.removeprefix("中共")
            own = _LEVEL_PREFIX.get(p.level, "") if p else ""
            written_out = own + bare.removeprefix(p.name) if p and own and bare.startswith(p.name) else key
            for candidate in (key, written_out):
                if candidate in index:
                    return self._organization(*index[candidate])
        plain = _WS.sub("", name)
        for e in self.entries:
            if e.pattern and (e.pattern.fullmatch(plain) or e.pattern.fullmatch(key)):
                return self._organization(e, {}, name=plain)
        return unknown_organization(plain, place=place)

    def literal_names(self) -> frozenset[str]:
        """Every registered spelling, filled for each registered county: the splitter keeps them whole."""
        if self._literals is None:
            self._literals = frozenset(k for p in self._counties() or [None] for k in self._index(p))
        return self._literals

    def collective_patterns(self) -> list[re.Pattern[str]]:
        return [e.pattern for e in self.entries if e.pattern]

    # -- Across levels: where a body sits, who manages it, who does the same job higher up ----------

    def home_place(self, org: Organization, place: Place | None) -> Place | None:
        """Return the division ``org`` belongs to when named in a plan of ``place``.

        A county plan names city bodies too (市生态环境局): they belong to the city above, so every
        plan that names them gives them the same IRI. A body at or below the plan's own level (or
        whose level the places do not reach) belongs to the plan's place.

        Example:
            >>> r, juye = Registry.load(), load_places()["371724"]
            >>> r.home_place(r.resolve("市生态环境局", place=juye), juye).name
            '菏泽市'
        """
        return place_at_level(place, org.level, self.places) or place

    def parent_of(self, org: Organization, place: Place | None) -> Organization | None:
        """Return the registered body that manages ``org`` vertically, or None."""
        if not org.parent:
            return None
        parent = self.resolve(org.parent, place=place)
        return parent if parent.known else None

    def higher_counterparts(self, org: Organization,
                            place: Place | None) -> list[tuple[Organization, Place]]:
        """Return the bodies of ``org``'s function at each level above it, with the division of each.

        The rule: at each higher level (city, province, national) the division above ``org``'s own
        place is found in the place hierarchy; the registry entry of that level with the same
        ``function`` key, filled for that division, is the counterpart. When no entry or more than
        one entry has the function at that level (several telecom companies), no counterpart is
        claimed for that level: a guess would link the wrong body. Collectives have none.

        Example:
            >>> r, juye = Registry.load(), load_places()["371724"]
            >>> [c.name for c, _ in r.higher_counterparts(r.resolve("县市场监管局", place=juye), juye)]
            ['菏泽市市场监督管理局', '山东省市场监督管理局']
        """
        if not org.known or org.collective or not org.function or org.level not in LEVELS:
            return []
        home = self.home_place(org, place)
        out = []
        for level in LEVELS[LEVELS.index(org.level) + 1:]:
            higher = place_at_level(home, level, self.places)
            entries = [e for e in self.entries
                       if e.level == level and e.function == org.function and not e.collective]
            if higher is None or len(entries) != 1:
                continue
            slots = self._slots(higher)
            if self._fill(entries[0].name, slots) is not None:
                out.append((self._organization(entries[0], slots), higher))
        return out


def unknown_organization(name: str, *, place: Place | None = None) -> Organization:
    """Return an unregistered organisation, its kind guessed from the name's suffix.

    Example:
        >>> unknown_organization("县退役军人事务局").kind
        'government_agency'
    """
    kind = next((k for rx, k in _KIND_RULES if rx.search(name)), "government_agency")
    level = {"市": "city", "省": "province"}.get(name[:1], place.level if place else "county")
    if name.startswith(("国家", "中央")):
        level = "national"
    return Organization(name, kind, level, collective=kind == "placeholder", known=False)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The bundled registry, read once: split_unit_list's one-argument callers use it."""
    return Registry.load()


# Unit-list splitting lives in loaders/unit_lists.py; re-exported here for existing callers.
from loaders.unit_lists import split_unit_list as split_unit_list  # noqa: E402
