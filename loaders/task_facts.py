"""The facts inside one task's wording: deadlines, targets, cited works, higher-level waits, preconditions.

All finders work on the normalized text (see :mod:`loaders.normalize`: no line breaks, full-width
clause punctuation) between ``lo`` and ``hi``, and build :class:`~loaders.records.Span` objects through
the ``make_span`` callback so that every span points into the original source.

Rules (each one a general reading of the genre, never keyed to one document):

Deadlines
    ``N月底前`` / ``N月底`` → last day of month N; ``年内`` / ``年底前`` → 31 December; ``N月N日前`` → that
    day; ``第N季度`` / ``一季度`` → the quarter's last day; ``上半年`` / ``下半年`` → 30 June / 31 December.
    The year is the plan year unless the phrase writes one (``2024年3月底前``). Not deadlines: a date in a
    clause opened by 截至/截止 (it scopes the subject: 截至2023年2月28日前已经发布的…), a date followed by
    的 (it qualifies a noun), recurring dates (每年…, 每月…), durations (``5年内``, ``3个工作日内``) and a
    bare year (``力争2023年引进``, ``2023届``). ``长期坚持`` / ``持续推进`` are open-ended deadlines only
    inside a time-limit field of the unit trailer (完成时限：长期坚持), never in the body, where they are
    ordinary verbs. ``9月底，X对接后，…`` dates an outside event the task waits for: we record it both
    as a deadline (the task cannot finish before it, and 月底 without 前 is still the plan's date) and,
    via the clause that follows, as a precondition.

Targets
    A number with a unit (%, 家, 个, 人, 万立方米, 个工作日 …) is a target when (a) a comparator word
    precedes it — 达到/不少于/不低于/至少 → ``>=``, 超过/高于/多于 → ``>``, 不超过/不高于 → ``<=``,
    低于/少于 → ``<``; or (b) a comparator suffix follows — 以上 → ``>=``, 以下/以内/内 → ``<=``,
    左右 → ``~``; or (c) it is a plain count stated as the object of the clause: it ends the clause
    (新创设城乡公益性岗位7439个，) or directly follows a verb of creating (新增/打造/建成/引进… 50个).
    Plain counts get ``=``: the plan states that many. Not targets: a number followed by 的 (a
    qualifier inside a noun phrase: 年办件量100件以上的常用政务服务事项), a number after 的 with no
    comparator (a rate: 按照余额增量的2%提供资金), ordinals (第351号) and dates.

References
    The outermost 《…》 title (line breaks removed; an inner 《》 stays part of the label) — kind
    ``"title"``; a numbered order (省政府令第351号, 国务院令第722号) or a cited 文号 (国办发〔2023〕1号)
    — kind ``"order"``.

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

import calendar
import re
from collections.abc import Callable
from datetime import date

from loaders.records import Deadline, DeadlineKind, DeploymentWait, Precondition, Reference, Span, Target

SpanMaker = Callable[[int, int], Span]

_CN_NUM = "零〇一二三四五六七八九十两"
_CLAUSE_END = "，。；："
_SENTENCE_END = "。；！？"

# --- deadlines --------------------------------------------------------------------------------

_YEAR = r"(?:(?P<year>(?:19|20)\d{2})年)?"
_DEADLINE_RE = re.compile(
    r"(?<![\d.])(?:"
    + _YEAR
    + r"(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日(?:之|以)?前|底(?P<before>前)?)"
    + r"|(?P<yyear>(?:19|20)\d{2})?年(?:内|底前?)"
    + r"|"
    + _YEAR.replace("year", "qyear")
    + r"第?(?P<quarter>[一二三四1-4])季度(?:末|底|前|内)?"
    + r"|"
    + _YEAR.replace("year", "hyear")
    + r"(?P<half>[上下])半年(?:前|内|底|末)?"
    + r")"
)
_OPEN_RE = re.compile(r"长期坚持|持续推进|长期推进|常态化推进|长期")
_SCOPING_RE = re.compile(r"截至|截止")
_RECURRING_BEFORE = ("每年", "每月", "每季度", "每")
# Before a bare 年内/年底: a digit or numeral makes it a duration (5年内, 三年内); 明/去/前 another year.
_NOT_PLAN_YEAR_BEFORE = frozenset("0123456789" + _CN_NUM + "每明去前后半多几近全当")


def find_deadlines(
    text: str, lo: int, hi: int, plan_year: int | None, make_span: SpanMaker
) -> list[Deadline]:
    """Return the deadlines written in ``text[lo:hi]`` (rules in the module docstring).

    Phrases that need the plan year when ``plan_year`` is None are left out.

    Example:
        >>> from loaders.records import Span
        >>> t = "9月底前，建立机制。截至2023年2月28日前已经发布的企业。年内新增。"
        >>> [(d.phrase, str(d.date)) for d in find_deadlines(t, 0, len(t), 2023, lambda s, e: Span(s, e, t[s:e]))]
        [('9月底前', '2023-09-30'), ('年内', '2023-12-31')]
    """
    found: list[Deadline] = []
    for m in _DEADLINE_RE.finditer(text, lo, hi):
        if _is_scoping(text, lo, m.start(), m.end()):
            continue
        reading = _read_deadline(m, plan_year)
        if reading is None:
            continue
        kind, when = reading
        found.append(Deadline(m.group(), kind, when, make_span(m.start(), m.end())))
    return found


def needs_plan_year(text: str, lo: int, hi: int) -> bool:
    """Return True if ``text[lo:hi]`` has a deadline phrase that writes no year of its own."""
    return any(
        not (m["year"] or m["yyear"] or m["qyear"] or m["hyear"]) for m in _DEADLINE_RE.finditer(text, lo, hi)
    )


def find_open_deadline(text: str, lo: int, hi: int, make_span: SpanMaker) -> Deadline | None:
    """Return an open-ended deadline (长期坚持, 持续推进) for a time-limit field's value, if it is one."""
    m = _OPEN_RE.search(text, lo, hi)
    if m is None:
        return None
    return Deadline(m.group(), DeadlineKind.OPEN, None, make_span(m.start(), m.end()))


def _is_scoping(text: str, lo: int, start: int, end: int) -> bool:
    if end < len(text) and text[end] == "的":
        return True
    before = text[max(lo, start - 3) : start]
    if any(before.endswith(w) for w in _RECURRING_BEFORE):
        return True
    clause_start = max((text.rfind(c, lo, start) for c in _CLAUSE_END), default=-1) + 1
    return bool(_SCOPING_RE.search(text, max(lo, clause_start), start))


def _read_deadline(m: re.Match[str], plan_year: int | None) -> tuple[DeadlineKind, date] | None:
    g = m.groupdict()
    explicit = g["year"] or g["yyear"] or g["qyear"] or g["hyear"]
    if explicit is None and m.start() > 0 and m.string[m.start() - 1] in _NOT_PLAN_YEAR_BEFORE:
        return None
    year = int(explicit) if explicit else plan_year
    if year is None:
        return None
    try:
        if g["month"]:
            month = int(g["month"])
            if g["day"]:
                return DeadlineKind.DAY, date(year, month, int(g["day"]))
            return DeadlineKind.MONTH_END, date(year, month, calendar.monthrange(year, month)[1])
        if g["quarter"]:
            q = "一二三四".find(g["quarter"]) + 1 or int(g["quarter"])
            month = 3 * q
            return DeadlineKind.QUARTER_END, date(year, month, calendar.monthrange(year, month)[1])
        if g["half"]:
            return DeadlineKind.HALF_END, date(year, 6, 30) if g["half"] == "上" else date(year, 12, 31)
        return DeadlineKind.YEAR_END, date(year, 12, 31)
    except ValueError:  # 13月底, 2月30日前: not a date, so not a deadline
        return None


def is_deadline_clause(clause: str) -> bool:
    """Return True if ``clause`` is nothing but a deadline phrase (9月底前, 年内, 2023年12月31日前)."""
    m = _DEADLINE_RE.fullmatch(clause)
    return m is not None


# --- targets ----------------------------------------------------------------------------------

_PRE_COMPARATORS = {
    "不少于": ">=", "不低于": ">=", "达到": ">=", "至少": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=",
    "超过": ">", "高于": ">", "多于": ">", "突破": ">",
    "低于": "<", "少于": "<",
}  # fmt: skip
_POST_COMPARATORS = {"以上": ">=", "以下": "<=", "以内": "<=", "内": "<=", "左右": "~"}
_COUNT_UNITS = (
    "万立方米", "立方米", "万平方米", "平方米", "万千瓦", "千瓦", "万吨", "吨", "公里", "亿元", "万元", "元",
    "个百分点", "百分点", "万人次", "人次", "万人", "万户", "万家", "家", "项", "人", "件", "处", "所", "户",
    "名", "条", "类", "批", "座", "套", "台", "倍", "亩", "个",
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


# --- references -------------------------------------------------------------------------------

# A 文号 or order number: issuer abbreviation, year in any of the brackets plans use, serial.
_DOC_NUMBER_RE = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,10})[〔\[【（(［]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]】）)］]\s*(?P<serial>\d+)\s*号"
)
_ORDER_RE = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{1,10}令)第(?P<serial>\d+)号")
# Words that end a lead-in and cannot be part of an issuer's abbreviation; the issuer starts after them.
_LEAD_IN = re.compile(
    r".*(?:根据|按照|依据|依照|落实|执行|贯彻|印发|通知|决定|意见|批复|方案|办法|的|和|及|与|或)"
)


def find_doc_number(text: str, lo: int, hi: int) -> str | None:
    """Return the first 文号 in ``text[lo:hi]``, issuer abbreviation trimmed, as written.

    The year's brackets vary between sources — 〔〕 in print, [] or （） from OCR and web pages,
    even a mixed 〔] — so any pair is accepted.

    Example:
        >>> find_doc_number("》的通知巨政发〔2023〕5号各镇", 0, 20)
        '巨政发〔2023〕5号'
    """
    for m in _DOC_NUMBER_RE.finditer(text, lo, hi):
        issuer = trim_issuer_prefix(m.group("prefix"))
        if issuer:
            return text[m.end("prefix") - len(issuer) : m.end()]
    return None


def trim_issuer_prefix(prefix: str) -> str:
    """Return the issuer part of the CJK run before a number: ``的通知巨政发`` → ``巨政发``."""
    m = _LEAD_IN.match(prefix)
    return prefix[m.end() :] if m else prefix


def find_references(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[Reference]:
    """Return the works cited in ``text[lo:hi]``: 《titles》 and numbered orders / 文号, in text order.

    Example:
        >>> from loaders.records import Span
        >>> t = "严格落实《山东省人民政府关于委托实施部分省级行政权力事项的决定》（省政府令第351号）"
        >>> [(r.label, r.kind) for r in find_references(t, 0, len(t), lambda s, e: Span(s, e, t[s:e]))]
        [('山东省人民政府关于委托实施部分省级行政权力事项的决定', 'title'), ('省政府令第351号', 'order')]
    """
    found: list[tuple[int, Reference]] = []
    i = lo
    while True:
        start = text.find("《", i, hi)
        if start < 0:
            break
        end = matching_close(text, start, hi, "《", "》")
        if end is None:
            break
        label = text[start + 1 : end - 1].strip()
        if label:
            found.append((start, Reference(label, "title", make_span(start, end))))
        i = end
    for regex in (_ORDER_RE, _DOC_NUMBER_RE):
        for m in regex.finditer(text, lo, hi):
            issuer = trim_issuer_prefix(m.group("prefix"))
            if not issuer or (regex is _ORDER_RE and issuer == "令"):
                continue
            start = m.end("prefix") - len(issuer)
            found.append((start, Reference(text[start : m.end()], "order", make_span(start, m.end()))))
    return [ref for _, ref in sorted(found, key=lambda pair: pair[0])]


def matching_close(text: str, start: int, hi: int, open_c: str, close_c: str) -> int | None:
    """Return the index after the bracket closing the one at ``start`` (nesting counted), or None."""
    depth = 0
    for k in range(start, hi):
        if text[k] == open_c:
            depth += 1
        elif text[k] == close_c:
            depth -= 1
            if depth == 0:
                return k + 1
    return None


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
