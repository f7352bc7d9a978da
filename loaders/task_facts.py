"""The facts inside one task's wording: deadlines, targets, cited works, higher-level waits, preconditions.

All finders work on the normalized text (see :mod:`loaders.normalize`: no line breaks, full-width
clause punctuation) between ``lo`` and ``hi``, and build :class:`~loaders.records.Span` objects through
the ``make_span`` callback so that every span points into the original source.

Rules (each one a general reading of the genre, never keyed to one document):

Deadlines and references
    See :mod:`loaders.deadlines` and :mod:`loaders.citations`; their finders are importable from here.

Targets
    A number with a unit (%, 家, 个, 人, 万立方米, 个工作日 …) is a target when (a) a comparator word
    precedes it — 达到/不少于/不低于/至少 → ``>=``, 超过/高于/多于 → ``>``, 不超过/不高于 → ``<=``,
    低于/少于 → ``<``; or (b) a comparator suffix follows — 以上 → ``>=``, 以下/以内/内 → ``<=``,
    左右 → ``~``; or (c) it is a plain count stated as the object of the clause: it ends the clause
    (新创设城乡公益性岗位7439个，) or directly follows a verb of creating (新增/打造/建成/引进… 50个).
    Plain counts get ``=``: the plan states that many. Not targets: a number followed by 的 (a
    qualifier inside a noun phrase: 年办件量100件以上的常用政务服务事项), a number after 的 with no
    comparator (a rate: 按照余额增量的2%提供资金), ordinals (第351号) and dates. A time followed by
    办结/办理/完成 is a processing limit (``1天办结`` → ``<=`` 1 天).

Deployment waits
    根据/按照/依据 + one or more levels (国家/全国/中央 → national; 省/全省/省级/X省 → province; 市/全市/
    市级/X市 → city) + an optional short qualifier + 统一部署/工作部署/部署要求/统筹安排/统一安排.
    Guidance documents (根据省级…指导意见) and standards (根据全市统一的…标准) are not waits.

Preconditions
    A clause ending in 完成后 or 对接后, followed by a comma, that opens its sentence (or follows only
    a deadline clause such as ``9月底前，``). Process steps inside a sentence (竣工验收后办理接入,
    验收通过后3个工作日内) are not outside events and do not match.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loaders.citations import find_doc_number, find_references, matching_close, trim_issuer_prefix
from loaders.deadlines import find_deadlines, find_open_deadline, is_deadline_clause, needs_plan_year
from loaders.records import DeploymentWait, Precondition, Span, Target

SpanMaker = Callable[[int, int], Span]

__all__ = [  # the deadline and citation finders live in their own modules; callers may import them here
    "find_deadlines", "find_open_deadline", "is_deadline_clause", "needs_plan_year",
    "find_doc_number", "find_references", "matching_close", "trim_issuer_prefix",
    "find_targets", "find_deployment_waits", "find_preconditions", "sentence_bounds",
]  # fmt: skip

_CLAUSE_END = "，。；："
_SENTENCE_END = "。；！？"

# --- targets ----------------------------------------------------------------------------------

_PRE_COMPARATORS = {
    "不少于": ">=", "不低于": ">=", "达到": ">=", "至少": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=",
    "超过": ">", "高于": ">", "多于": ">", "突破": ">",
    "低于": "<", "少于": "<",
}  # fmt: skip
_LIMIT_VERBS = ("办结", "办理", "完成", "审结", "办完")
_POST_COMPARATORS = {"以上": ">=", "以下": "<=", "以内": "<=", "内": "<=", "左右": "~"}
_COUNT_UNITS = (
    "万立方米", "立方米", "万平方米", "平方米", "万千瓦", "千瓦", "万吨", "吨", "公里", "亿元", "万元", "元",
    "个百分点", "百分点", "万人次", "人次", "万人", "万户", "万家", "家", "项", "人", "件", "处", "所", "户",
    "名", "条", "类", "批", "座", "套", "台", "倍", "亩", "次", "场", "个",
)  # fmt: skip
_TIME_UNITS = ("个工作日", "工作日", "个月", "小时", "分钟", "天")
_PERCENT_UNITS = ("%", "‰")
_UNITS = sorted(_COUNT_UNITS + _TIME_UNITS + _PERCENT_UNITS, key=len, reverse=True)
_CREATE_VERBS = (
    "新增",
    "新建",
    "新创设",
    "创设",
    "建成",
    "建设",
    "打造",
    "培育",
    "引进",
    "认定",
    "创建",
    "完成",
    "达成",
    "推出",
)
_TARGET_RE = re.compile(
    r"(?P<pre>" + "|".join(sorted(_PRE_COMPARATORS, key=len, reverse=True)) + r")?"
    r"(?<![\d.±第])(?P<num>\d+(?:\.\d+)?)"
    r"(?P<unit>" + "|".join(re.escape(u) for u in _UNITS) + r")"
    r"(?P<post>以上|以下|以内|左右|内)?"
)


def find_targets(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[Target]:
    """Return the quantitative targets in ``text[lo:hi]`` (rules in the module docstring).

    Example:
        >>> from loaders.records import Span
        >>> t = "确保份额达到80%以上。年办件量100件以上的事项，按照余额增量的2%提供资金。"
        >>> [(x.text, x.value, x.unit, x.comparator) for x in find_targets(t, 0, len(t), lambda s, e: Span(s, e, ""))]
        [('80%以上', 80.0, '%', '>=')]
    """
    found: list[Target] = []
    for m in _TARGET_RE.finditer(text, lo, hi):
        num_start = m.start("num")
        if num_start > 0 and text[num_start - 1] in "年月":  # 2023年12月: dates, not quantities
            continue
        after = text[m.end()] if m.end() < hi else ""
        if after == "的":
            continue
        pre, post, unit = m.group("pre"), m.group("post"), m.group("unit")
        if post == "内" and unit not in _TIME_UNITS:
            post = None  # 50个内…: 内 belongs to the next word, not a limit on a count
        # The suffix sits closest to the number and wins (达到80%以上 is "80%以上", >=); gold convention.
        if post:
            comparator = _POST_COMPARATORS[post]
        elif pre:
            comparator = _PRE_COMPARATORS[pre]
        elif num_start > 0 and text[num_start - 1] == "的":
            continue
        elif unit in _TIME_UNITS and text.startswith(_LIMIT_VERBS, m.end("unit"), hi):
            comparator = "<="  # 1天办结: a processing limit
        elif (
            after == ""
            or after in _CLAUSE_END
            or (unit in _COUNT_UNITS and any(text.endswith(v, lo, num_start) for v in _CREATE_VERBS))
        ):
            comparator = "="
        else:
            continue
        end = m.end("post") if post else m.end("unit")
        start = m.start("pre") if pre and not post else num_start
        found.append(Target(text[start:end], float(m.group("num")), unit, comparator, make_span(start, end)))
    return found


# --- deployment waits -------------------------------------------------------------------------

_LEVEL = r"(?:国家|全国|中央|国务院|全省|省级|全市|市级|[\u4e00-\u9fff]{2,3}[省市]|省|市)"
_WAIT_RE = re.compile(
    r"(?:根据|按照|依据|依照)(?P<levels>" + _LEVEL + r"(?:[、和及与]?" + _LEVEL + r")*)"
    r"(?P<qualifier>[^，。；：、（）《》“”]{0,20}?)"
    r"(?:统一部署|工作部署|部署要求|统筹安排|统一安排)"
)
_LEVEL_TOKEN = re.compile(_LEVEL)


def find_deployment_waits(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[DeploymentWait]:
    """Return the places where ``text[lo:hi]`` waits on a higher level's deployment.

    Example:
        >>> from loaders.records import Span
        >>> t = "根据国家、省、市统一部署，推动。根据全省数据知识产权工作部署，探索。根据省级建筑师负责制工作指导意见。"
        >>> [(w.phrase, w.levels) for w in find_deployment_waits(t, 0, len(t), lambda s, e: Span(s, e, ""))]
        [('根据国家、省、市统一部署', ('national', 'province', 'city')), ('根据全省数据知识产权工作部署', ('province',))]
    """
    found = []
    for m in _WAIT_RE.finditer(text, lo, hi):
        levels = set()
        for token in _LEVEL_TOKEN.findall(m.group("levels")):
            if token in ("国家", "全国", "中央", "国务院"):
                levels.add("national")
            elif token.endswith("省") or token.startswith(("全省", "省")):
                levels.add("province")
            else:
                levels.add("city")
        ordered = tuple(level for level in ("national", "province", "city") if level in levels)
        found.append(DeploymentWait(m.group(), ordered, make_span(m.start(), m.end())))
    return found


# --- preconditions ----------------------------------------------------------------------------

_PRECONDITION_RE = re.compile(r"(?:完成|对接)后(?=，)")


def find_preconditions(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[Precondition]:
    """Return the outside events ``text[lo:hi]`` waits for (rule in the module docstring).

    Example:
        >>> from loaders.records import Span
        >>> t = "9月底前，山东省公共资源交易监管系统功能升级完成后，推动。竣工验收后办理接入。"
        >>> [p.label for p in find_preconditions(t, 0, len(t), lambda s, e: Span(s, e, ""))]
        ['山东省公共资源交易监管系统功能升级完成后']
    """
    found = []
    for m in _PRECONDITION_RE.finditer(text, lo, hi):
        start = _clause_start(text, lo, m.start())
        if start >= m.start() or not _opens_sentence(text, lo, start):
            continue
        found.append(Precondition(text[start : m.end()], make_span(start, m.end())))
    return found


def _clause_start(text: str, lo: int, pos: int) -> int:
    """Return the start of the clause ending at ``pos``: after the last ，。；： outside “quotes”."""
    depth = 0
    for k in range(pos - 1, lo - 1, -1):
        c = text[k]
        if c == "”":
            depth += 1
        elif c == "“":
            depth = max(0, depth - 1)
        elif depth == 0 and c in _CLAUSE_END:
            return k + 1
    return lo


def _opens_sentence(text: str, lo: int, start: int) -> bool:
    if start <= lo or text[start - 1] in _SENTENCE_END:
        return True
    if text[start - 1] != "，":
        return False
    previous = _clause_start(text, lo, start - 1)
    return is_deadline_clause(text[previous : start - 1]) and (
        previous <= lo or text[previous - 1] in _SENTENCE_END
    )


def sentence_bounds(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """Return the ``(start, end)`` of the 。；-delimited sentence of ``text[lo:hi]`` containing ``text[start:end]``."""
    s = max((text.rfind(c, lo, start) for c in _SENTENCE_END), default=-1)
    s = lo if s < lo else s + 1
    ends = [k for k in (text.find(c, end, hi) for c in _SENTENCE_END) if k >= 0]
    e = min(ends) + 1 if ends else hi
    return s, max(e, end)
