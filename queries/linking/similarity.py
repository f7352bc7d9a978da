"""What the aligner compares: a task's text with what differs only by level taken out.

The similarity measures themselves (character n-gram TF-IDF cosine, label overlap) live in
kg.textsim, shared with ``policykg diff``. Before counting n-grams, what differs between a county's
copy and a province's original only by level is removed: unit trailers, deadlines, place and level
words, punctuation, and the phrases the caller names (the 根据省、市统一部署 formulas the loader
found, pk:hasDeploymentWait).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TRAILER = re.compile(r"[（(][^（）()]*?(?:牵头|责任|配合)(?:单位|部门)[：:][^（）()]*[）)]")
_DEADLINE = re.compile(
    r"(?:\d{4}年)?(?:\d{1,2}月(?:\d{1,2}日)?|年)(?:底|末)?(?:前|内)|\d{4}年|年内|上半年|下半年|第[一二三四]季度"
)
# Level words, but not 市场/市政/县域: a bare 省/市/县 is removed only where it starts a name (省不动产…).
_LEVEL_WORDS = re.compile(r"全[省市县区]|[各我本][省市县区]|[省市县]级|省、?市、?县|省、?市|^[省市县](?!场|政|域)")
_NON_WORD = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")


def clean_text(text: str, *, place_names: Iterable[str] = (), phrases: Iterable[str] = ()) -> str:
    """Return ``text`` with what only differs by level removed, as one run of word characters.

    Args:
        text: a task's text, or a name.
        place_names: names of places to remove (山东省, 菏泽市).
        phrases: more phrases to remove where they occur (a task's deployment-wait formulas).

    Example:
        >>> clean_text("根据省、市统一部署，9月底前，跟进全省试点。（牵头单位：县行政审批服务局）",
        ...            phrases=["根据省、市统一部署"])
        '跟进试点'
    """
    t = _TRAILER.sub("", text)
    for phrase in sorted(set(phrases), key=len, reverse=True):
        if phrase:
            t = t.replace(phrase, "")
    for name in sorted(set(place_names), key=len, reverse=True):
        if name:
            t = t.replace(name, "")
    t = _DEADLINE.sub("", t)
    t = _LEVEL_WORDS.sub("", t)
    return _NON_WORD.sub("", t)
