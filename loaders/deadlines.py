"""Deadlines written in a task: the rules that turn 9月底前, 第三季度 or 明年6月30日前 into a date.

All finders work on normalized text (see :mod:`loaders.normalize`) between ``lo`` and ``hi``.

Rules (each a general reading of the genre, never keyed to one document):

* ``N月底前`` / ``N月底`` → last day of month N; ``N月下旬`` → last day, ``N月中旬`` → the 20th,
  ``N月上旬`` → the 10th; ``N月前`` / ``N月份前`` (before month N starts) → last day of month N-1.
* ``N月N日前`` → that day; a date without 前 (``2023年12月31日``, ``6月30日``) only when a clause
  ends right after it or 完成/办结/止 follows — ``2023年10月1日召开`` dates an event, not a deadline.
* ``年内`` / ``年底前`` / ``年底`` → 31 December; ``第N季度`` / ``一季度`` → the quarter's last day;
  ``上半年`` / ``下半年`` → 30 June / 31 December.
* The year is the plan year unless the phrase writes one: ``2024年3月底前``, or a relative one —
  明年/次年 (plan year + 1), 今年/本年/当年 (the plan year).
* Not deadlines: a date in a clause opened by 截至/截止 (it scopes the subject), a date followed by 的
  (it qualifies a noun), a date followed by 起/以来/开始 (a start), recurring dates (每年…, 每月…),
  durations (``5年内``, ``3个工作日内``, ``1天办结`` — limits, read as targets elsewhere) and a bare
  year (``力争2023年引进``, ``2023届``).
* ``长期坚持`` / ``持续推进`` are open-ended deadlines only inside a time-limit field (完成时限：长期坚持),
  never in the body, where they are ordinary verbs.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

from loaders.records import Deadline, DeadlineKind, Span

SpanMaker = Callable[[int, int], Span]

_CN_NUM = "零〇一二三四五六七八九十两"
CLAUSE_END = "，。；："
_PREFIX = r"(?:(?P<year>(?:19|20)\d{2})年度?|(?P<rel>[明次今本当])年度?)?"
_DEADLINE_RE = re.compile(
    r"(?<![\d.])(?:"
    + _PREFIX
    + r"(?:(?P<month>\d{1,2})月份?(?:(?P<day>\d{1,2})日(?P<dbefore>(?:之|以)?前)?"
    + r"|(?P<xun>[上中下])旬(?:前)?|底(?:前)?|(?P<mbefore>(?:之|以)?前))"
    + r"|第?(?P<quarter>[一二三四1-4])季度(?:末|底|前|内)?"
    + r"|(?P<half>[上下])半年(?:前|内|底|末)?)"
    + r"|(?:(?P<yyear>(?:19|20)\d{2})|(?P<yrel>[明次今本当]))?年度?(?:内|底前?))"
)
_OPEN_RE = re.compile(r"长期坚持|持续推进|长期推进|常态化推进|长期")
_SCOPING_RE = re.compile(r"截至|截止")
_RECURRING_BEFORE = ("每年", "每月", "每季度", "每")
# Before a bare 年内/年底: a digit or numeral makes it a duration (5年内, 三年内); 去/前 another year.
_NOT_PLAN_YEAR_BEFORE = frozenset("0123456789" + _CN_NUM + "每去前后半多几近全")
_START_AFTER = ("起", "以来", "开始", "之后", "以后")
_BARE_DAY_FOLLOWERS = ("完成", "办结", "止", "前")
_RELATIVE_YEAR = {"明": 1, "次": 1, "今": 0, "本": 0, "当": 0}
_XUN_DAY = {"上": 10, "中": 20}


def find_deadlines(
    text: str, lo: int, hi: int, plan_year: int | None, make_span: SpanMaker, *, field: bool = False
) -> list[Deadline]:
    """Return the deadlines written in ``text[lo:hi]`` (rules in the module docstring).

    Phrases that need the plan year when ``plan_year`` is None are left out. ``field`` says the
    text is the value of a time-limit field (完成时限：…), where a bare date is always a deadline.

    Example:
        >>> from loaders.records import Span
        >>> t = "9月底前，建立机制。截至2023年2月28日前已经发布的企业。年内新增。明年6月30日前推广。"
        >>> [(d.phrase, str(d.date)) for d in find_deadlines(t, 0, len(t), 2023, lambda s, e: Span(s, e, t[s:e]))]
        [('9月底前', '2023-09-30'), ('年内', '2023-12-31'), ('明年6月30日前', '2024-06-30')]
    """
    found: list[Deadline] = []
    for m in _DEADLINE_RE.finditer(text, lo, hi):
        if _is_scoping(text, lo, hi, m, field=field):
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
        not (m["year"] or m["yyear"]) and not _is_scoping(text, lo, hi, m, field=False)
        for m in _DEADLINE_RE.finditer(text, lo, hi)
    )


def find_open_deadline(text: str, lo: int, hi: int, make_span: SpanMaker) -> Deadline | None:
    """Return an open-ended deadline (长期坚持, 持续推进) for a time-limit field's value, if it is one."""
    m = _OPEN_RE.search(text, lo, hi)
    if m is None:
        return None
    return Deadline(m.group(), DeadlineKind.OPEN, None, make_span(m.start(), m.end()))


def is_deadline_clause(clause: str) -> bool:
    """Return True if ``clause`` is nothing but a deadline phrase (9月底前, 年内, 2023年12月31日前)."""
    return _DEADLINE_RE.fullmatch(clause) is not None


def _is_scoping(text: str, lo: int, hi: int, m: re.Match[str], *, field: bool) -> bool:
    """True when the matched date is not a deadline of the task (see the module docstring)."""
    start, end = m.start(), m.end()
    after = text[end:hi]
    if after.startswith("的") or after.startswith(_START_AFTER):
        return True
    if m["day"] and not m["dbefore"] and not field:
        if not (after == "" or after[0] in CLAUSE_END + "）、" or after.startswith(_BARE_DAY_FOLLOWERS)):
            return True
    if m["month"] and not (m["day"] or m["xun"] or m["mbefore"]) and not m.group().endswith(("底", "底前")):
        return True  # 9月 alone: a month named, not a deadline
    before = text[max(lo, start - 3) : start]
    if any(before.endswith(w) for w in _RECURRING_BEFORE):
        return True
    clause_start = max((text.rfind(c, lo, start) for c in CLAUSE_END), default=-1) + 1
    return bool(_SCOPING_RE.search(text, max(lo, clause_start), start))


def _read_deadline(m: re.Match[str], plan_year: int | None) -> tuple[DeadlineKind, date] | None:
    g = m.groupdict()
    explicit = g["year"] or g["yyear"]
    relative = g["rel"] or g["yrel"]
    if explicit is None and relative is None and m.start() > 0:
        if m.string[m.start() - 1] in _NOT_PLAN_YEAR_BEFORE:
            return None
    if explicit:
        year: int | None = int(explicit)
    elif relative:
        year = plan_year + _RELATIVE_YEAR[relative] if plan_year is not None else None
    else:
        year = plan_year
    if year is None:
        return None
    try:
        if g["month"]:
            month = int(g["month"])
            last = calendar.monthrange(year, month)[1]
            if g["day"]:
                return DeadlineKind.DAY, date(year, month, int(g["day"]))
            if g["xun"] in _XUN_DAY:
                return DeadlineKind.DAY, date(year, month, _XUN_DAY[g["xun"]])
            if g["mbefore"]:  # before month N starts
                return DeadlineKind.MONTH_END, date(year, month, 1) - timedelta(days=1)
            return DeadlineKind.MONTH_END, date(year, month, last)
        if g["quarter"]:
            q = "一二三四".find(g["quarter"]) + 1 or int(g["quarter"])
            month = 3 * q
            return DeadlineKind.QUARTER_END, date(year, month, calendar.monthrange(year, month)[1])
        if g["half"]:
            return DeadlineKind.HALF_END, date(year, 6, 30) if g["half"] == "上" else date(year, 12, 31)
        return DeadlineKind.YEAR_END, date(year, 12, 31)
    except ValueError:  # 13月底, 2月30日前: not a date, so not a deadline
        return None
