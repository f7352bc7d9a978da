"""The division a plan belongs to: a registered place, or a provisional one read from the issuer's name.

Organisation IRIs are scoped by jurisdiction (市财政局 of 济南 is not 市财政局 of 青岛), so a corpus of
plans from places not yet in ``loaders/data/places.yaml`` must still keep them apart. Such a plan gets
a *provisional* place named after its issuer (济南市人民政府 → 济南市, level by suffix, inside a
registered division when the issuer's name starts with one: 菏泽市牡丹区 → 牡丹区 within 菏泽市). Its
``code`` is ``"unregistered-"`` + name, never a made-up GB/T 2260 code; curators add the real entry.
"""

from __future__ import annotations

import re

from loaders.organizations import Place, place_for_issuer

PROVISIONAL_PREFIX = "unregistered-"
_DIVISION = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:特别行政区|自治区|自治州|自治县|省|市|州|盟|县|区|旗)")
_LEVELS = (("特别行政区", "province"), ("自治区", "province"), ("省", "province"), ("自治州", "city"),
           ("州", "city"), ("盟", "city"), ("市", "city"), ("自治县", "county"), ("县", "county"),
           ("区", "county"), ("旗", "county"))  # fmt: skip


def jurisdiction_for(issuer: str | None, title: str | None, places: dict[str, Place]) -> Place | None:
    """Return the plan's division: registered when the issuer (or title) names one, else provisional.

    Example:
        >>> from loaders.organizations import load_places
        >>> jurisdiction_for("巨野县人民政府", None, load_places()).code
        '371724'
        >>> p = jurisdiction_for("济南市人民政府", None, load_places())
        >>> (p.code, p.name, p.short, p.level)
        ('unregistered-济南市', '济南市', '济南', 'city')
    """
    for name in (issuer, title):
        if not name:
            continue
        registered = place_for_issuer(name, places)
        key = name.removeprefix("中共")
        if registered is not None:
            rest = key[len(registered.name):] if key.startswith(registered.name) else ""
            inner = _DIVISION.match(rest)
            if inner and not rest.startswith(("人民政府", "政府")) and registered.level != "county":
                return _provisional(inner.group(), registered)
            return registered
        m = _DIVISION.match(key)
        if m:
            parent = next((p for p in places.values() if m.group().startswith(p.name)), None)
            return _provisional(m.group(), parent)
    return None


def is_provisional(place: Place | None) -> bool:
    return place is not None and place.code.startswith(PROVISIONAL_PREFIX)


def _provisional(name: str, parent: Place | None) -> Place:
    suffix, level = next((s, lv) for s, lv in _LEVELS if name.endswith(s))
    if level == "city" and parent is not None and parent.level == "city":
        level = "county"  # a county-level city inside a prefecture
    short = name[: -len(suffix)] if len(name) - len(suffix) >= 2 else name
    return Place(PROVISIONAL_PREFIX + name, name, short, level, parent.code if parent else None)
