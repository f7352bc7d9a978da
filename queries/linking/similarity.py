"""Similarity of Chinese texts in plain Python: character n-gram TF-IDF cosine and label overlap.

Why characters: Chinese has no spaces, and a word segmenter (and its dictionary) would be one more
download and one more source of error; character 2- and 3-grams capture the words and set phrases
(验登合一, 带押过户, 电子营业执照) plans share. Before counting, what differs between a county's copy
and a province's original only by level is removed: unit trailers, deadlines, place and level
words, the 根据省、市统一部署 formula and punctuation.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

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


def char_ngrams(text: str, sizes: Sequence[int] = (2, 3)) -> Counter[str]:
    """Return the counts of the character n-grams of ``text`` for each size in ``sizes``.

    Example:
        >>> sorted(char_ngrams("带押过户", (2,)))
        ['带押', '押过', '过户']
    """
    grams: Counter[str] = Counter()
    for n in sizes:
        grams.update(text[i:i + n] for i in range(len(text) - n + 1))
    return grams


class TfidfIndex:
    """TF-IDF vectors of a fixed set of texts, for cosine similarity between any two of them.

    Sublinear term frequency (1 + log tf) and smoothed IDF (log((1 + N) / (1 + df)) + 1), each
    vector L2-normalised, as in common IR practice; IDF is computed over every text given, both
    plans together, so n-grams every task shares (推动, 进一步) weigh little.

    Example:
        >>> idx = TfidfIndex({"a": "推行验登合一改革", "b": "推行验登合一", "c": "发放消费券"})
        >>> idx.cosine("a", "b") > 0.5 > idx.cosine("a", "c")
        True
    """

    def __init__(self, texts: Mapping[str, str], sizes: Sequence[int] = (2, 3)) -> None:
        counts = {k: char_ngrams(v, sizes) for k, v in texts.items()}
        df: Counter[str] = Counter()
        for c in counts.values():
            df.update(c.keys())
        n = len(counts)
        idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
        self.vectors: dict[str, dict[str, float]] = {}
        for k, c in counts.items():
            v = {g: (1 + math.log(tf)) * idf[g] for g, tf in c.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.vectors[k] = {g: x / norm for g, x in v.items()}

    def cosine(self, a: str, b: str) -> float:
        va, vb = self.vectors.get(a, {}), self.vectors.get(b, {})
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(x * vb.get(g, 0.0) for g, x in va.items())


def label_similarity(a: str, b: str) -> float:
    """Return the Dice overlap of the character bigrams of two short labels (1.0 when equal).

    Example:
        >>> label_similarity("知识产权创造、保护和运用", "知识产权创造、保护和运用")
        1.0
        >>> round(label_similarity("法治保障", "优化法治环境"), 2)
        0.25
    """
    a, b = _NON_WORD.sub("", a), _NON_WORD.sub("", b)
    if a == b:
        return 1.0
    ga, gb = set(char_ngrams(a, (2,))), set(char_ngrams(b, (2,)))
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


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
