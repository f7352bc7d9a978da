"""What the aligner compares: a task's text with what differs only by level taken out.

The similarity measures themselves (character n-gram TF-IDF cosine, label overlap) live in
kg.textsim, shared with ``policykg diff``. Before counting n-grams, what differs between a county's
copy and a province's original only by level is removed: unit trailers, deadlines, place and level
words, the 根据省、市统一部署 formula and punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TRAILER = re.compile(r"[（(][^（）()]*?(?:牵头|责任|配合)(?:单位|部门)[：:][^（）()]*[）)]")
_DEADLINE = re.compile(
    r"(?:\d{4}年)?(?:\d{1,2}月(?:\d{1,2}日)?|年)(?:底|末)?(?:前|内)|\d{4}年|年内|上半年|下半年|第[一二三四]季度"
)
_WAIT = re.compile(r"(?:根据|按照)(?:国家|全国|全省|全市|省|市|县|[、，,])*(?:统一)?(?:部署|安排)(?:要求)?")
# Level words, but not 市场/市政/县域: a bare 省/市/县 is removed only where it starts a name (省不动产…).
_LEVEL_WORDS = re.compile(r"全[省市县区]|[各我本][省市县区]|[省市县]级|省、?市、?县|省、?市|^[省市县](?!场|政|域)")
_NON_WORD = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
_PLATFORM_WORD = re.compile(r"APP|App|平台|系统|小程序|数据库|服务网")
# A platform's name runs back from its ending word to the last verb or preposition of the clause:
# 深化电力业务系统与地方工程建设项目审批管理系统 names 电力业务系统 and 地方工程建设项目审批管理系统.
_NAME_START = re.compile(
    r"(?:依托|通过|用好|利用|运用|使用|发挥|搭建|对接|融入|接入|嵌入|开通|升级|优化|完善|推广|推动|推进|深化|"
    r"强化|拓展|加强|加快|开展|应用|统筹|根据|按照|建设|提升|增强|纳入|进行|在|与|和|及|将|至|向|从|为|由|的|、|，|。|；|：)"
)
_GENERIC_NAME = re.compile(r"^(?:服务|信息|信息化|管理|相关|各类|业务|办理|线上|网上|系统|全省|全市|全县|统一)*$")


def clean_text(text: str, *, place_names: Iterable[str] = ()) -> str:
    """Return ``text`` with what only differs by level removed, as one run of word characters.

    Example:
        >>> clean_text("9月底前，跟进全省试点。（牵头单位：县行政审批服务局）")
        '跟进试点'
    """
    t = _TRAILER.sub("", text)
    for name in sorted(set(place_names), key=len, reverse=True):
        if name:
            t = t.replace(name, "")
    t = _WAIT.sub("", t)
    t = _DEADLINE.sub("", t)
    t = _LEVEL_WORDS.sub("", t)
    return _NON_WORD.sub("", t)


def platform_names(text: str, *, place_names: Iterable[str] = ()) -> set[str]:
    """Return the platforms and systems a text names, plus the quoted core of each.

    Names are cleaned like texts (:func:`clean_text`), so 山东省公共资源交易监管系统 in a county
    plan and 省公共资源交易监管系统 in the province's give the same name (given the place names).

    Example:
        >>> sorted(platform_names("在“爱山东”APP完善报装功能，依托电子营业执照系统统一展示"))
        ['爱山东', '爱山东APP', '电子营业执照系统']
    """
    text = _TRAILER.sub("", text)
    names = set()
    for m in _PLATFORM_WORD.finditer(text):
        window = text[max(0, m.start() - 18):m.start()]
        cuts = list(_NAME_START.finditer(window))
        stem = window[cuts[-1].end():] if cuts else window
        core = clean_text(stem, place_names=place_names)
        if len(core) < 2 or _GENERIC_NAME.match(core):
            continue
        names.add(core + m.group())
        names.update(clean_text(q, place_names=place_names) for q in re.findall(r"“([^”]{2,12})”", stem))
    return {n for n in names if len(n) >= 2}
