"""The division a plan belongs to, found from the clues the plan gives, in a fixed order of trust.

Organisation IRIs are scoped by division (市财政局 of 济南 is not 市财政局 of 青岛), so a wrong place
silently merges one government's bodies into another's. The clues, strongest first:

1. ``--place`` given by the user (a GB/T 2260 code or a name);
2. the header: the issuer (the 关于印发 notice's sender or the signature), else a red-header line
   (成都市人民政府文件);
3. the 文号's abbreviation (苏政发 → 江苏省, 蓉府 → 成都市; curated in places.yaml);
4. the title (巨野县2023年…);
5. what the text says about itself: self-references (全市, 我县, 全省 …) set the level, and the
   division of that level it names most — itself, its districts and counties, or units such as
   人民银行南京分行 / 南京海关 — is the place;
6. the file or folder name;
7. none: the plan gets a division of its own (``unplaced-<content hash>``) and one warning.

A clue naming several divisions (市中区, or 宁政 for 南京市 and 宁夏) counts only when a later clue
names exactly one of them, or a division inside or above one of them. Never a default place.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from loaders.places import Place, Places, unplaced_place
from loaders.records import PolicyDocument

_HEADER_CHARS = 400
_GOVERNMENT = re.compile(r"(?:人民政府|政府|委员会|办公室|办公厅)")
_SELF = re.compile(r"(?:全|我|本)(省|市|县|区|州|盟|旗)(?![长委级直属内外域场份])")
# Units named with a place's short name: 人民银行南京分行, 南京海关, 国网南京供电公司.
_UNIT_AFTER_SHORT = re.compile(r"(?:人民银行|人行|国网)?([\u4e00-\u9fff]{2,4}?)(?:海关|分行|中心支行|银保监分局|供电公司|监管分局)")


@dataclass(frozen=True)
class PlaceFinding:
    """Where a plan belongs and why: ``how`` names the clue, ``evidence`` quotes it."""

    place: Place
    how: str  # given | header | doc_number | title | text | file name | unknown
    evidence: str = ""

    @property
    def known(self) -> bool:
        return not self.place.unplaced

    def note(self) -> str:
        """One line for the build report: the place and the clue it came from."""
        if not self.known:
            return ("place unknown: no header, 文号, title, self-reference or file name names a division; its "
                    "organisations are kept as written in a place of their own (give the place with --place NAME|CODE)")
        return f"place {self.place.name} ({self.place.code}) from the {self.how}: {self.evidence}"


def document_key(doc: PolicyDocument) -> str:
    """Return the plan's stable key: its 文号, else its title, else a hash of its text (never its file name).

    Example:
        >>> document_key(PolicyDocument(source="a.txt", text="x", doc_number="巨政发〔2023〕5号"))
        '巨政发〔2023〕5号'
        >>> document_key(PolicyDocument(source="a.txt", text="x"))
        'text-11f6ad8ec52a'
    """
    return doc.doc_number or doc.title or "text-" + content_hash(doc.text)


def content_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def find_place(doc: PolicyDocument, places: Places, *, given: Place | None = None,
               path: str | Path | None = None) -> PlaceFinding:
    """Return the division ``doc`` belongs to, by the clues in the module docstring, strongest first.

    Args:
        doc: the parsed plan.
        places: the national divisions (:func:`loaders.places.load_places`).
        given: the division the user named (``--place``); it wins.
        path: the plan's file, whose name and folders are the last clue (default: ``doc.source``).

    Example:
        >>> from loaders.places import load_places
        >>> doc = PolicyDocument(source="x.txt", text="一、任务", doc_number="川府发〔2023〕3号")
        >>> f = find_place(doc, load_places())
        >>> (f.place.name, f.how)
        ('四川省', 'doc_number')
        >>> find_place(PolicyDocument(source="x.txt", text="一、任务"), load_places()).place.code
        'unplaced-9bc04e9974e9'
    """
    if given is not None:
        return PlaceFinding(given, "given", f"--place {given.name}")
    # Each clue is read only when the stronger ones did not settle the place (reading the whole
    # text for self-references is the costly one, and a plan with a header never needs it).
    readers = [
        ("header", lambda: _header_clue(doc, places)),
        ("doc_number", lambda: _doc_number_clue(doc, places)),
        ("title", lambda: _names_clue(doc.title or "", places, min_len=2)),
        ("text", lambda: _text_clue(doc.text, places)),
        ("file name", lambda: _path_clue(Path(path or doc.source), places)),
    ]
    read: dict[int, tuple[list[Place], str]] = {}

    def clue(k: int) -> tuple[list[Place], str]:
        if k not in read:
            read[k] = readers[k][1]()
        return read[k]

    for k, (how, _) in enumerate(readers):
        candidates, evidence = clue(k)
        if len(candidates) == 1:
            return PlaceFinding(candidates[0], how, evidence)
        if candidates:
            later = [c for j in range(k + 1, len(readers)) for c in clue(j)[0]]
            agreed = [c for c in candidates if any(places.within(o, c) or places.within(c, o) for o in later)]
            if len(agreed) == 1:
                return PlaceFinding(agreed[0], how, f"{evidence}, narrowed by a later clue")
    return PlaceFinding(unplaced_place(content_hash(doc.text)), "unknown")


def jurisdiction_for(issuer: str | None, title: str | None, places: dict[str, Place]) -> Place | None:
    """Return the division an issuer or title names, or None (the header and title clues alone).

    Example:
        >>> from loaders.places import load_places
        >>> jurisdiction_for("巨野县人民政府", None, load_places()).code
        '371724'
    """
    doc = PolicyDocument(source="", text="", issuer=issuer, title=title)
    found = find_place(doc, Places.of(places), path="")
    return found.place if found.how in ("header", "title") else None


def _deepest(names: list[str], places: Places) -> list[Place]:
    """The divisions a run of names points to, deepest first: 山东省菏泽市巨野县 → [巨野县].

    Each name's candidates are narrowed to those inside the division named before it.
    """
    chosen: list[Place] = []
    for name in names:
        options = places.named(name)
        inside = [p for p in options if chosen and any(places.within(p, c) for c in chosen)]
        if inside or not chosen:
            chosen = inside or options
    return chosen


def _header_clue(doc: PolicyDocument, places: Places) -> tuple[list[Place], str]:
    who = doc.issuer or ""
    key = re.sub(r"\s+", "", who).removeprefix("中共")
    listed = [p for p in places.values() if key and key in p.issuers]
    if listed:
        return listed, f"issuer {who}"
    names = [n for _, n in places.names_in(key[:40], min_len=2)]
    if names and key.startswith(names[0]):
        return _deepest(names, places), f"issuer {who}"
    head = re.sub(r"\s+", "", doc.text[:_HEADER_CHARS])
    for i, name in places.names_in(head, min_len=2):
        if _GOVERNMENT.match(head, i + len(name)) and "文件" in head[i : i + len(name) + 12]:
            return places.named(name), f"red header {head[i : i + len(name) + 8]}"
    return [], ""


def _doc_number_clue(doc: PolicyDocument, places: Places) -> tuple[list[Place], str]:
    if not doc.doc_number:
        return [], ""
    prefix, found = places.by_doc_prefix(doc.doc_number)
    return found, f"文号 {doc.doc_number} (abbreviation {prefix})"


def _names_clue(text: str, places: Places, *, min_len: int) -> tuple[list[Place], str]:
    names = [n for _, n in places.names_in(text, min_len=min_len)]
    return (_deepest(names, places), f"{text[:60]}") if names else ([], "")


def _text_clue(text: str, places: Places) -> tuple[list[Place], str]:
    """The division of the level the text calls itself (全市 …) that it names most, with its parts."""
    flat = re.sub(r"\s+", "", text)
    selves = Counter(m.group(1) for m in _SELF.finditer(flat))
    if not selves:
        return [], ""
    char, count = selves.most_common(1)[0]  # 市 fits a prefecture, a county-level city and a 直辖市 alike
    support: Counter[str] = Counter()
    for _, name in places.names_in(flat):
        options = places.named(name)
        for p in options:
            for up in places.chain(p):  # a named district supports its city and province too
                support[up.code] += 1 / len(options)
    for m in _UNIT_AFTER_SHORT.finditer(flat):
        options = [p for p in places.shortly_named(m.group(1)) if p.level != "county"]
        for p in options:
            support[p.code] += 1 / len(options)
    ranked = [(n, code) for code, n in support.items() if char in places[code].self_prefixes]
    if not ranked:
        return [], ""
    ranked.sort(reverse=True)
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return [], ""
    best = places[ranked[0][1]]
    return [best], f"全{char}/我{char}/本{char} ×{count}, {best.name} and its parts named {ranked[0][0]:.0f}×"


def _path_clue(path: Path, places: Places) -> tuple[list[Place], str]:
    parts = [p for p in (*path.parent.parts[-3:], path.stem) if p and p not in (".", "/")]
    for part in parts[::-1]:
        codes = [places[c] for c in re.findall(r"(?<!\d)\d{6}(?!\d)", part) if c in places and c != "100000"]
        if len(codes) == 1:
            return codes, f"code in {part}"
    names = [n for part in parts for _, n in places.names_in(part, min_len=2)]
    return (_deepest(names, places), "/".join(parts)) if names else ([], "")
