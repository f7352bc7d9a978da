"""Reading the organisation registry's files into entries: standard bodies, named units, place quirks.

The registry (loaders/data/registry/) is data in three shapes, each read here into one kind of
:class:`Entry`:

* ``bodies.yaml`` — a government's standard bodies by function and level, written without their
  level prefix (财政局 / 财政厅); each name group becomes an entry spelled with the registry's
  prefix for that level (县财政局, 市财政局, 省财政厅), which a plan's own prefix is mapped onto.
* ``units.yaml`` and ``collectives.yaml`` — entries written out with placeholders for place names.
* ``places/<code>.yaml`` — one division's quirks: spellings that name one body there (巨野县's
  发展和改革局 took over the 委员会), and bodies only it has.

A single file (a test's registry) may hold ``organizations:`` and ``bodies:`` lists itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import LoadError
from kg.vocab import ORGANIZATION_KINDS
from loaders.places import LEVEL_PREFIX, LEVELS, read_yaml

KINDS = frozenset(ORGANIZATION_KINDS)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SLOTS = {"county": "county", "city": "city", "province": "province",
         "county_name": "county", "city_name": "city", "province_name": "province"}
_FIELDS = frozenset({"name", "aliases", "kind", "level", "function", "parent", "collective", "pattern", "note"})
_BODY_FIELDS = frozenset({"function", "kind", "party", "note", *LEVELS})
_WS = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The form names are compared in: no whitespace (PDF line breaks), NFKC (full → half width)."""
    return unicodedata.normalize("NFKC", _WS.sub("", name))


@dataclass(frozen=True)
class Entry:
    """One registered body (or collective): its spellings, with placeholders or a level prefix.

    ``core`` is set for standard bodies: the name without the level prefix, which the canonical
    name is built from (县 + core for a county, place name + core above); ``standard`` marks the
    level's usual body of its function, the one counterparts link to.
    """

    name: str
    kind: str
    level: str
    aliases: tuple[str, ...] = ()
    function: str | None = None
    parent: str | None = None
    collective: bool = False
    pattern: re.Pattern[str] | None = None
    core: str | None = None
    party: bool = False
    standard: bool = True

    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class PlaceQuirks:
    """What ``places/<code>.yaml`` says: merged spellings (written name → standard name) and own bodies."""

    code: str
    merge: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)


@dataclass
class RegistryData:
    entries: list[Entry] = field(default_factory=list)
    quirks: dict[str, PlaceQuirks] = field(default_factory=dict)


def read_registry(path: Path) -> RegistryData:
    """Return the entries and place quirks of a registry directory (or of one registry file).

    Raises:
        LoadError: a file cannot be read or an entry is malformed; names the file and the entry.
    """
    path = Path(path)
    data = RegistryData()
    files = [path] if path.is_file() else sorted(path.glob("*.yaml"))
    if not files:
        raise LoadError(str(path), "", "no registry files here")
    for f in files:
        content = read_yaml(f)
        if not isinstance(content, dict) or not ({"organizations", "bodies"} & set(content)):
            raise LoadError(str(f), "", "expected a mapping with a list under 'organizations' or 'bodies'")
        data.entries.extend(_entries(content, f))
    if path.is_dir():
        for f in sorted((path / "places").glob("*.yaml")):
            quirks = _quirks(read_yaml(f), f)
            data.quirks[quirks.code] = quirks
    return data


def _entries(content: dict[str, Any], path: Path) -> list[Entry]:
    out: list[Entry] = []
    for top, parse in (("organizations", parse_entry), ("bodies", _body_entries)):
        items = content.get(top) or []
        if not isinstance(items, list):
            raise LoadError(str(path), "", f"{top!r} must be a list")
        for i, e in enumerate(items, 1):
            got = parse(e, path, f"{'entry' if top == 'organizations' else 'body'} {i}")
            out.extend(got if isinstance(got, list) else [got])
    return out


def parse_entry(e: Any, path: Path, where: str) -> Entry:
    """Return the entry ``e`` of a units/collectives file; raise LoadError naming ``where`` if malformed."""
    if not isinstance(e, dict) or not isinstance(e.get("name"), str) or not e["name"].strip():
        raise LoadError(str(path), where, "entry has no name")
    where = f"{where} ({e['name']})"
    if unknown := set(e) - _FIELDS:
        raise LoadError(str(path), where, f"unknown field(s) {sorted(unknown)}")
    _check_kind_level(e, path, where)
    aliases = e.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise LoadError(str(path), where, "aliases must be a list of strings")
    for text in (e["name"], *aliases, e.get("parent") or ""):
        if bad := set(PLACEHOLDER.findall(text)) - set(SLOTS):
            raise LoadError(str(path), where, f"unknown placeholder(s) {sorted(bad)} in {text!r}")
    try:
        pattern = re.compile(e["pattern"]) if e.get("pattern") else None
    except re.error as exc:
        raise LoadError(str(path), where, f"bad pattern: {exc}") from exc
    return Entry(e["name"], e["kind"], e["level"], tuple(aliases), e.get("function"), e.get("parent"),
                 bool(e.get("collective")), pattern)


def _check_kind_level(e: dict[str, Any], path: Path, where: str) -> None:
    if e.get("kind") not in KINDS:
        raise LoadError(str(path), where, f"bad kind {e.get('kind')!r}; expected one of {sorted(KINDS)}")
    if e.get("level") not in LEVELS:
        raise LoadError(str(path), where, f"bad level {e.get('level')!r}")


def _body_entries(b: Any, path: Path, where: str) -> list[Entry]:
    """The entries of one standard body: one per name group and level."""
    if not isinstance(b, dict) or not isinstance(b.get("function"), str):
        raise LoadError(str(path), where, "body has no function")
    where = f"{where} ({b['function']})"
    if unknown := set(b) - _BODY_FIELDS:
        raise LoadError(str(path), where, f"unknown field(s) {sorted(unknown)}")
    party = bool(b.get("party"))
    kind = b.get("kind") or ("party_organ" if party else "government_agency")
    out = []
    for level in LEVELS:
        groups = b.get(level) or []
        if not isinstance(groups, list) or not all(
                isinstance(g, list) and g and all(isinstance(n, str) and n for n in g) for g in groups):
            raise LoadError(str(path), f"{where} {level}", "expected a list of name groups ([name, abbreviation …])")
        _check_kind_level({"kind": kind, "level": level}, path, where)
        prefix = LEVEL_PREFIX.get(level, "")
        for k, (core, *abbrs) in enumerate(groups):
            out.append(Entry(prefix + core, kind, level, tuple(prefix + a for a in abbrs), b["function"],
                             core=core if prefix else None, party=party, standard=k == 0))
    return out


def _quirks(content: Any, path: Path) -> PlaceQuirks:
    if not isinstance(content, dict) or not isinstance(content.get("place"), str):
        raise LoadError(str(path), "", "expected a mapping with the place's code under 'place'")
    if path.stem != content["place"]:
        raise LoadError(str(path), "", f"place {content['place']} in a file named for {path.stem}")
    quirks = PlaceQuirks(content["place"])
    for i, m in enumerate(content.get("merge") or [], 1):
        if not isinstance(m, dict) or not isinstance(m.get("into"), str) or not isinstance(m.get("names"), list):
            raise LoadError(str(path), f"merge {i}", "needs 'into' (a name) and 'names' (a list)")
        for n in m["names"]:
            quirks.merge[name_key(n)] = m["into"]
    quirks.entries = [parse_entry(e, path, f"entry {i}") for i, e in enumerate(content.get("organizations") or [], 1)]
    return quirks
