"""Organisation names: resolving each name a plan writes against the registry, and splitting unit lists.

Why a registry: plans write one body several ways (县市场监管局 / 县市场监督管理局), and merging two
spellings is a judgement a curator makes once, in ``loaders/data/registry/``. This module holds only
general rules — whitespace and full-width clean-up, what a level prefix means in a plan of a given
place (市 is the city above a county, but the plan's own government in a county-level city), place
names written out, placeholder filling, suffix-based guesses for names nobody has registered — so
the next government's plan needs new data at most, never new code. A name the registry does not
know is kept (``known=False``) in the division it names or the plan's own, never dropped and never
moved to another government. A plan of unknown place resolves names without any place: no body
is ever put in the bundled plan's county, or any other, by default.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import LoadError
from loaders.data import REGISTRY_DIR
from loaders.places import (
    LEVEL_PREFIX,
    RELATIVE_PREFIXES,
    Place,
    Places,
    load_places,
    prefix_level,
)
from loaders.registry_files import (
    KINDS,
    LEVELS,
    PLACEHOLDER,
    Entry,
    PlaceQuirks,
    name_key,
    read_registry,
)

__all__ = ["KINDS", "LEVELS", "Organization", "Place", "Registry", "default_registry", "load_places",
           "unknown_organization"]
_key = name_key
_WS = re.compile(r"\s+")
_Hit = tuple[Entry, dict[str, str]]
_LEVEL_PLACEHOLDER = re.compile(r"\{(" + "|".join(LEVEL_PREFIX) + r")_name\}")

# Suffix rules for names the registry does not know, tried in order: the first match wins, so the
# more specific endings (…法院, …支行) come before the generic ones (…局). Order is the whole rule.
_KIND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), k) for p, k in (
    (r"(?:各|有关|相关)", "placeholder"),
    (r"法院$", "court"),
    (r"检察院$", "procuratorate"),
    (r"^(?:中共|县委|市委|省委|区委|党委)", "party_organ"),
    (r"人民政府$|^[县市省区]?政府$", "people_government"),
    (r"(?:支行|分行|银行)$", "bank_branch"),
    (r"公司$", "soe_branch"),
    (r"(?:监管组|监管分局|分局)$", "regulator_branch"),
    (r"(?:联合会|工商联|总工会|妇联|科协|团县委)$", "mass_organization"),
    (r"(?:中心|站|所|院)$", "public_institution"),
))


@dataclass(frozen=True)
class Organization:
    """A resolved unit: canonical ``name``, placeholders filled, and ``home``, the code of its division.

    ``known`` is False for names the registry lacks; their ``kind`` is then a suffix-rule guess and
    their ``name`` is the name as written.
    """

    name: str
    kind: str
    level: str
    aliases: tuple[str, ...] = ()
    collective: bool = False
    known: bool = True
    function: str | None = None
    parent: str | None = None
    home: str | None = None


class Registry:
    """The curated organisations, with lookups per place.

    Lookups are built per place on first use, because the same entry (中国人民银行{county}支行)
    spells a different name in every county.
    """

    def __init__(self, entries: Iterable[Entry], places: dict[str, Place], source: str = "",
                 quirks: dict[str, PlaceQuirks] | None = None) -> None:
        self.entries = tuple(entries)
        self.places = Places.of(places)
        self.source = source
        self.quirks = quirks or {}
        self._indexes: dict[str, Mapping[str, _Hit]] = {}
        self._index(None)  # the shared spellings, first
        self._cores: dict[str, dict[str, Entry]] = {}
        for e in self.entries:
            if e.core is not None:
                for text in e.spellings():
                    self._cores.setdefault(e.level, {})[_key(text)[1:]] = e
        self._literals: frozenset[str] | None = None
        self._check()

    @classmethod
    def load(cls, path: Path = REGISTRY_DIR, *, places: dict[str, Place] | None = None) -> Registry:
        """Return the registry in ``path`` (a directory, or one file); raise LoadError naming file and entry.

        Example:
            >>> Registry.load().resolve("县市场监管局").name
            '县市场监督管理局'
        """
        data = read_registry(path)
        return cls(data.entries, load_places() if places is None else places, str(path), data.quirks)

    def _check(self) -> None:
        """Refuse one spelling naming two bodies, parents that are no entry, merges into nothing."""
        owner: dict[str, str] = {}
        for e in self.entries:
            for text in {_key(t) for t in e.spellings()}:
                if owner.setdefault(text, e.name) != e.name:
                    raise LoadError(self.source, f"entry {e.name}", f"alias {text!r} already names {owner[text]!r}")
        for e in self.entries:
            if e.parent and _key(_relative(e.parent)) not in owner and _key(e.parent) not in owner:
                raise LoadError(self.source, f"entry {e.name}", f"parent {e.parent!r} is not an entry")
        for code in self.quirks:
            if code not in self.places:
                raise LoadError(self.source, f"places/{code}.yaml", "no division has this code")
            self._index(self.places[code])

    # -- Lookups per place ---------------------------------------------------------------------------

    def _slots(self, place: Place | None) -> dict[str, str]:
        """Placeholder values for ``place``: its own names and those of the divisions above it."""
        slots: dict[str, str] = {}
        for p in self.places.chain(place) if place is not None and not place.unplaced else []:
            levels = ("city", "province") if p.kind == "直辖市" else (p.level,)
            for level in levels:
                slots.setdefault(level, p.short)
                slots.setdefault(level + "_name", p.name)
        return slots

    @staticmethod
    def _fill(text: str, slots: dict[str, str]) -> str | None:
        """``text`` with placeholders filled, or None when the place lacks one of them."""
        try:
            return PLACEHOLDER.sub(lambda m: slots[m.group(1)], text)
        except KeyError:
            return None

    def _index(self, place: Place | None) -> Mapping[str, _Hit]:
        """Spelling → (entry, slots) for a plan of ``place``: the spellings without placeholders are
        shared by every place; each place adds only its filled ones and its quirks (a corpus of a
        thousand counties keeps a thousand small tables, not a thousand copies of the registry)."""
        code = place.code if place is not None and not place.unplaced else ""
        if code not in self._indexes:
            slots, index = self._slots(place), {}
            shared = self._indexes.get("") if code else None
            for e in self.entries:
                for text in e.spellings():
                    if shared is not None and not PLACEHOLDER.search(text):
                        continue
                    filled = self._fill(text, slots)
                    if filled is not None:
                        # Filled spellings of two entries may meet in odd places (a 直辖市 fills the
                        # city and the province slots alike): the first entry keeps the spelling.
                        index.setdefault(_key(filled), (e, slots))
            for p in self.places.chain(place) if code else []:
                quirks = self.quirks.get(p.code)
                for written, into in (quirks.merge.items() if quirks else ()):
                    if _key(into) not in index and _key(into) not in (shared or {}):
                        raise LoadError(self.source, f"places/{p.code}.yaml", f"merge into {into!r}: no such body there")
                    index[written] = (shared or {}).get(_key(into)) or index[_key(into)]
            self._indexes[code] = ChainMap(index, shared) if shared is not None else index
        return self._indexes[code]

    def resolve(self, name: str, *, place: Place | None = None) -> Organization:
        """Return the organisation ``name`` refers to in a plan of ``place`` (None: a plan of unknown place).

        Tried in order: a registered spelling (after whitespace and full-width clean-up), read with
        the plan's own meaning of a level prefix (县/区/市/省 …: see :meth:`Places.designated`); a
        name that starts with a division's name (菏泽市财政局, 中共菏泽市委组织部), read in that
        division; a standard body's name without prefix (财政厅, as lists write after the first
        item), read at the plan's own level; a collective pattern; else an unknown organisation,
        kept as written, in the division its prefix or place name names, or the plan's own.

        Example:
            >>> r, places = Registry.load(), load_places()
            >>> r.resolve("人行巨野支行", place=places["371724"]).name
            '中国人民银行巨野支行'
            >>> r.resolve("市发展改革委", place=places["370481"]).name   # 滕州市, a county-level city
            '市发展和改革委员会'
            >>> r.resolve("市发展改革委").name   # unknown place: as written, no place filled in
            '市发展和改革委员会'
        """
        key = _key(name)
        plan = place if place is not None and not place.unplaced else None
        hit, where = self._lookup(key, plan, place)
        if hit is not None:
            return hit
        plain = _WS.sub("", name)
        for e in self.entries:
            if e.pattern and (e.pattern.fullmatch(plain) or e.pattern.fullmatch(key)):
                return self._organization(e, {}, plain, place)
        return unknown_organization(plain, place=where or place)

    def _lookup(self, key: str, plan: Place | None, place: Place | None) -> tuple[Organization | None, Place | None]:
        """The registered body ``key`` names in a plan of ``plan``, and the division it points to."""
        bare = key.removeprefix("中共")
        prefix = next((r for r in RELATIVE_PREFIXES if bare.startswith(r) and len(bare) > len(r)), None)
        index = self._index(plan)
        if prefix is not None:
            meant = self.places.designated(plan, prefix) if plan else None
            if plan is None or meant is not None:
                level = meant.naming_level if meant else prefix_level(prefix) or ""
                for candidate in (LEVEL_PREFIX.get(level, prefix) + bare[len(prefix):], key):
                    if candidate in index:
                        return self._organization(*index[candidate], None, place, meant=meant, written=prefix), meant
            return self._bare(bare, plan, place), meant  # 市场监管局 written bare: 市 was part of the name
        if key in index:
            return self._organization(*index[key], None, place), None
        named = self._named_place(bare, plan)
        if named is not None:
            there, rest = named
            candidate = LEVEL_PREFIX.get(there.naming_level, "") + rest
            hit = self._index(there).get(candidate)
            if hit is not None:
                return self._organization(*hit, None, there, meant=there), there
            return self._bare(rest, there, there), there
        return self._bare(bare, plan, place), None

    def _bare(self, core: str, plan: Place | None, place: Place | None) -> Organization | None:
        """A standard body written without its prefix (财政厅): the plan's own level, or the one level that has it."""
        if plan is not None:  # the plan's own body first (财政局), else the level above that has it (财政厅)
            for p in self.places.chain(plan):
                e = self._cores.get(p.naming_level, {}).get(core)
                if e is not None:
                    return self._organization(e, self._slots(p), None, p, meant=p)
            return None
        levels = [lv for lv in LEVELS if core in self._cores.get(lv, {})]
        if len(levels) != 1:
            return None
        return self._organization(self._cores[levels[0]][core], {}, None, place)

    def _named_place(self, text: str, plan: Place | None) -> tuple[Place, str] | None:
        """The division ``text`` starts with (the deepest one, 菏泽市巨野县 → 巨野县) and the rest of the name.

        A name several divisions share is read as the one in the plan's chain or below the plan's
        place, else as the only one; otherwise it names no division here.
        """
        found, rest = None, text
        while (name := self.places.name_at(rest, 0)) and len(rest) > len(name):
            options = self.places.named(name)
            scope = found or plan
            near = [p for p in options if scope is not None and (
                self.places.within(scope, p) or self.places.within(p, scope))]
            chosen = near if near else options if found is None else []
            if len(chosen) != 1:
                break
            found, rest = chosen[0], rest[len(name):]
        return (found, rest) if found is not None else None

    def _organization(self, e: Entry, slots: dict[str, str], name: str | None, place: Place | None, *,
                      meant: Place | None = None, written: str | None = None) -> Organization:
        """The organisation entry ``e`` stands for in a plan of ``place``; ``meant`` is the division a prefix named."""
        home = self._home(e, place, meant)
        placed = home is not None and not home.unplaced
        if e.core is not None:
            own = (home.self_prefixes or ("县",))[-1] if placed and e.level == "county" else None
            prefix = own or (written if not placed and written else LEVEL_PREFIX.get(e.level, ""))
            canonical = (("中共" if e.party else "") + home.name + e.core) if placed and not own else prefix + e.core
            aliases = tuple(prefix + a[1:] for a in e.spellings() if prefix + a[1:] != canonical)
            level = home.level if placed and home.level in LEVELS else e.level
        else:
            slots = self._slots(home if placed else place) if not slots else slots
            canonical = name or self._fill(e.name, slots) or e.name
            aliases = tuple(a for a in (self._fill(a, slots) for a in e.aliases) if a and a != canonical)
            level = e.level
        parent = self._fill(e.parent, self._slots(home if placed else place)) if e.parent else None
        return Organization(canonical, e.kind, level, aliases, e.collective, True, e.function, parent,
                            home.code if home is not None else None)

    def _home(self, e: Entry, place: Place | None, meant: Place | None) -> Place | None:
        if e.collective:
            return place
        if e.level == "national":
            return self.places.at_level(place, "national") if place and not place.unplaced else place
        if meant is not None and e.level == meant.naming_level:
            return meant
        if place is None or place.unplaced:
            return place
        return self.places.at_level(place, e.level) or place

    def literal_names(self) -> frozenset[str]:
        """Every registered spelling, and those filled for places with quirks: the splitter keeps them whole."""
        if self._literals is None:
            places = [None, *(self.places[c] for c in self.quirks if c in self.places)]
            self._literals = frozenset(k for p in places for k in self._index(p))
        return self._literals

    def collective_patterns(self) -> list[re.Pattern[str]]:
        return [e.pattern for e in self.entries if e.pattern]

    # -- Across levels: where a body sits, who manages it, who does the same job higher up ----------

    def home_place(self, org: Organization, place: Place | None) -> Place | None:
        """Return the division ``org`` belongs to when named in a plan of ``place``.

        A county plan names city bodies too (市生态环境局): they belong to the city above, so every
        plan that names them gives them the same IRI. A plan of unknown place keeps its bodies in
        its own unplaced division.

        Example:
            >>> r, juye = Registry.load(), load_places()["371724"]
            >>> r.home_place(r.resolve("市生态环境局", place=juye), juye).name
            '菏泽市'
        """
        if org.home is not None:
            if place is not None and place.code == org.home:
                return place
            return self.places.get(org.home, place)
        return place if place is None or place.unplaced else self.places.at_level(place, org.level) or place

    def parent_of(self, org: Organization, place: Place | None) -> Organization | None:
        """Return the registered body that manages ``org`` vertically, or None."""
        if not org.parent:
            return None
        parent = self.resolve(org.parent, place=self.home_place(org, place) or place)
        return parent if parent.known else None

    def higher_counterparts(self, org: Organization, place: Place | None) -> list[tuple[Organization, Place]]:
        """Return the bodies of ``org``'s function in each division above it, with that division.

        The rule: for each division above ``org``'s own (its chain in the places data), the usual
        body of the same ``function`` at that division's naming level, named for it, is the
        counterpart. When no entry or more than one has the function there (several telecom
        companies), no counterpart is claimed for that level: a guess would link the wrong body.
        Collectives, unknown names and bodies of a plan of unknown place have none.

        Example:
            >>> r, juye = Registry.load(), load_places()["371724"]
            >>> [c.name for c, _ in r.higher_counterparts(r.resolve("县市场监管局", place=juye), juye)]
            ['菏泽市市场监督管理局', '山东省市场监督管理局', '国家市场监督管理总局']
        """
        if not org.known or org.collective or not org.function:
            return []
        home = self.home_place(org, place)
        if home is None or home.unplaced:
            return []
        out = []
        for higher in self.places.chain(home)[1:]:
            level = higher.naming_level
            entries = [e for e in self.entries if e.level == level and e.function == org.function
                       and e.standard and not e.collective]
            if len(entries) != 1:
                continue
            slots = self._slots(higher)
            if entries[0].core is None and self._fill(entries[0].name, slots) is None:
                continue
            out.append((self._organization(entries[0], slots, None, higher, meant=higher), higher))
        return out


def _relative(text: str) -> str:
    """A spelling with its leading place placeholder read as the level prefix ({city_name}X → 市X)."""
    m = _LEVEL_PLACEHOLDER.match(text)
    return LEVEL_PREFIX[m.group(1)] + text[m.end():] if m else text


def unknown_organization(name: str, *, place: Place | None = None) -> Organization:
    """Return an unregistered organisation, its kind guessed from the name's suffix, in ``place``.

    Example:
        >>> unknown_organization("县退役军人事务局").kind
        'government_agency'
    """
    kind = next((k for rx, k in _KIND_RULES if rx.search(name)), "government_agency")
    bare = name.removeprefix("中共")
    prefix = next((r for r in RELATIVE_PREFIXES if bare.startswith(r)), None)
    placed = place is not None and not place.unplaced and place.level in LEVELS
    if name.startswith(("国家", "中央")):
        level = "national"
    elif placed and (prefix is None or prefix in place.self_prefixes):
        level = place.level  # its own government's prefix (滕州市's 市), or no prefix at all
    else:
        level = (prefix_level(prefix) if prefix else None) or "county"
    return Organization(name, kind, level, collective=kind == "placeholder", known=False,
                        home=place.code if place is not None else None)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The bundled registry, read once: loaders.unit_lists.split_unit_list's one-argument callers use it."""
    return Registry.load()
