"""English names for organisations and places, for the pages' English mode.

The graph rarely records an organisation's English name. Where it does not, the name is composed
from what it does record: the English label of the organisation's government function (the
functions scheme, ontology/functions.ttl) and its place — 县财政局 of 巨野县 reads "Public finance
(Juye County)". Place names are romanised (pinyin, with the level as a word), as China's own
English usage writes them. Where two organisations would read the same, the Chinese name is added.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any

from kg.namespace import PK

# Level suffixes of division names, longest first, and how English names them.
_SUFFIXES = (("特别行政区", "SAR"), ("自治区", "Autonomous Region"), ("自治州", "Autonomous Prefecture"),
             ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"), ("省", "Province"), ("市", "City"),
             ("县", "County"), ("区", "District"), ("旗", "Banner"), ("盟", "League"), ("州", "Prefecture"))


@lru_cache(maxsize=4096)
def place_name_en(name: str, level: str | None = None) -> str:
    """Return a division's name in English: pinyin of the name, then its level as a word.

    Example:
        >>> place_name_en("巨野县"), place_name_en("六安市"), place_name_en("山东省")
        ('Juye County', "Lu'an City", 'Shandong Province')
        >>> place_name_en("中华人民共和国", str(PK.NationalLevel))
        'China'
    """
    if level == str(PK.NationalLevel):
        return "China"
    from pypinyin import lazy_pinyin

    stem, word = name, ""
    for suffix, english in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem, word = name[: -len(suffix)], english
            break
    syllables = lazy_pinyin(stem)
    # Pinyin marks a syllable starting with a vowel with an apostrophe (Xi'an, Lu'an).
    text = syllables[0] + "".join(("'" if s[:1] in "aoe" else "") + s for s in syllables[1:]) if syllables else stem
    text = text[:1].upper() + text[1:]
    return f"{text} {word}".strip()


def organization_names_en(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Return organisation IRI → English name, from rows of the saved query ``organization_names``.

    An English name the graph records wins; otherwise function and place; an organisation with
    neither keeps its Chinese name.

    Example:
        >>> organization_names_en([
        ...     {"org": "a", "name": "县财政局", "function_en": "Public finance", "place": "巨野县"},
        ...     {"org": "b", "name": "中国移动巨野分公司", "function_en": "Telecommunications", "place": "巨野县"},
        ...     {"org": "c", "name": "中国联通巨野分公司", "function_en": "Telecommunications", "place": "巨野县"},
        ...     {"org": "d", "name": "县有关部门"}])["a"]
        'Public finance (Juye County)'
    """
    composed = {}
    for r in rows:
        if r.get("name_en"):
            continue
        if r.get("function_en"):
            place = place_name_en(r["place"], r.get("place_level")) if r.get("place") else ""
            composed[r["org"]] = f"{r['function_en']} ({place})" if place else r["function_en"]
    twice = {n for n, k in Counter(composed.values()).items() if k > 1}
    out = {}
    for r in rows:
        zh = r.get("name") or r["org"]
        if r.get("name_en"):
            out[r["org"]] = r["name_en"]
        elif r["org"] in composed:
            name = composed[r["org"]]
            out[r["org"]] = f"{name} — {zh}" if name in twice else name
        else:
            out[r["org"]] = zh
    return out


def english_names_of(source: Any) -> dict[str, str]:
    """Return every organisation's English name in ``source`` (see :func:`organization_names_en`)."""
    from queries.library import run_query

    return organization_names_en(run_query(source, "organization_names"))
