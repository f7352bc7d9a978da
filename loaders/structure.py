"""The numbering levels of a plan and which of them carries the tasks.

Plans number four levels: ``一、`` (sections) → ``（一）`` → ``1.`` / ``1、`` → ``（1）``. Which level holds
the tasks differs: a county plan lists domains ``（一）开办企业`` with tasks ``1. …（牵头单位：…）``; a
provincial one lists tasks ``（一）…部门分工：…`` under sections ``一、`` with sub-items ``1.``; a city one
numbers tasks ``1.`` under sections ``一、`` that serve as domains. The rule that tells them apart: a task
is the item closed by exactly one unit statement, so the task level is the level (（一） or 1.) at which
the most items have exactly one unit statement between themselves and the next item of their level or
a higher one. The domain level is the one above it.

A 若干规定 / 若干措施 may instead be written as articles: chapters ``第一章`` (in place of sections) over
articles ``第一条`` (the tasks, each closed by its unit statement), with （一） sub-items inside an
article. Chapters serve as sections when the text numbers no ``一、`` sections; articles sit between
sections and （一） in depth.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip

SECTION_RE = re.compile(r"([一二三四五六七八九十]{1,3})、(?=[^\W\d_])")
CN_PAREN_RE = re.compile(r"（([零〇一二两三四五六七八九十百]{1,5})）")
# Up to five digits: plans of thousands of tasks exist; the numbering-sequence rule, not the digit
# count, is what keeps a year such as 2023 from being read as a task number. A title may itself
# start with a number (7.365服务工程, 3.12345热线): such a marker is a heading only at a line start
# (see NUMBER_AFTER_MARKER), since after 。 it is far more often a decimal (压缩至0.5个工作日).
ARABIC_RE = re.compile(r"(?<![\d.])(\d{1,5})[.、](?=[^\W\d_]|[“《（]|\d)")
NUMBER_AFTER_MARKER = re.compile(r"\d{1,5}[.、]\d")
CHAPTER_RE = re.compile(r"第([一二三四五六七八九十]{1,3})章(?=[^\W\d_])")
ARTICLE_RE = re.compile(r"第([零〇一二两三四五六七八九十百]{1,5})条(?=[^\W\d_]|[“《（])")


@dataclass(frozen=True)
class Level:
    """One numbering level: its pattern, how to read a marker's number, and its depth (0 = 一、)."""

    name: str
    depth: float
    regex: re.Pattern[str]
    number: Callable[[re.Match[str]], int]


def chinese_numeral(numeral: str) -> int:
    """Return the value of a Chinese numeral up to 999 (一 → 1, 十九 → 19, 二十一 → 21), or 0 if malformed.

    Example:
        >>> [chinese_numeral(s) for s in ("一", "十", "十九", "二十一", "一百零五", "十十")]
        [1, 10, 19, 21, 105, 0]
    """
    total, digit, seen_ten, seen_hundred = 0, None, False, False
    for c in numeral:
        if c in "零〇" and seen_hundred and digit is None:
            continue  # 一百零五: 零 only marks the empty tens place
        if c in _CN_DIGIT:
            if digit is not None:
                return 0
            digit = _CN_DIGIT[c]
        elif c == "十" and not seen_ten:
            total += (1 if digit is None else digit) * 10
            digit, seen_ten = None, True
        elif c == "百" and not seen_hundred and not seen_ten and total == 0:
            total += (1 if digit is None else digit) * 100
            digit, seen_hundred = None, True
        else:
            return 0
    return total + (digit or 0)


SECTION = Level("section", 0, SECTION_RE, lambda m: chinese_numeral(m.group(1)))
CHAPTER = Level("第一章", 0, CHAPTER_RE, lambda m: chinese_numeral(m.group(1)))
ARTICLE = Level("第一条", 0.5, ARTICLE_RE, lambda m: chinese_numeral(m.group(1)))
CN_PAREN = Level("（一）", 1, CN_PAREN_RE, lambda m: chinese_numeral(m.group(1)))
ARABIC = Level("1.", 2, ARABIC_RE, lambda m: int(m.group(1)))


def choose_section_level(text: str, at_boundary: Callable[[int], bool]) -> Level:
    """Return the top level: sections ``一、``, or chapters ``第一章`` in a text with no sections.

    Example:
        >>> choose_section_level("第一章总则\\n第一条为…", lambda i: True).name
        '第一章'
    """
    if any(at_boundary(m.start()) for m in SECTION_RE.finditer(text)):
        return SECTION
    return CHAPTER if any(at_boundary(m.start()) for m in CHAPTER_RE.finditer(text)) else SECTION


def sequence_start(numbers: list[int]) -> int:
    """Return the first number of the longest run n, n+1, n+2 … in ``numbers`` (in order; others may
    come between); 1 if there are none.

    Example:
        >>> sequence_start([7, 31, 2, 32, 33, 9])
        31
    """
    runs: dict[int, tuple[int, int]] = {}  # last number → (length, first number)
    best = (0, 1)
    for n in numbers:
        length, first = runs.get(n - 1, (0, n))
        if length + 1 > runs.get(n, (0, n))[0]:
            runs[n] = (length + 1, first)
        if length + 1 > best[0]:
            best = (length + 1, first)
    return best[1]


def choose_task_level(
    text: str, lo: int, hi: int, statements: list[int], at_boundary: Callable[[int], bool],
    *, section: Level = SECTION,
) -> Level:
    """Return the level whose items are tasks (rule in the module docstring); 1. when undecided.

    Args:
        text: normalized text.
        lo, hi: the stretch holding the plan's items (after the header).
        statements: start offsets of the unit statements (domain leads excluded).
        at_boundary: whether a heading may start at an offset.
        section: the top level (sections, or chapters: see :func:`choose_section_level`).
    """
    levels = (section, ARTICLE, CN_PAREN, ARABIC)
    marks = {
        level: [m.start() for m in level.regex.finditer(text, lo, hi) if at_boundary(m.start())]
        for level in levels
    }
    best, best_score = ARABIC, -1.0
    for level in (ARABIC, CN_PAREN, ARTICLE):  # ties go to the deeper level, the genre's usual one
        items = marks[level]
        if not items:
            continue
        enders = sorted(p for other, ps in marks.items() if other.depth <= level.depth for p in ps)
        single, counted = 0, 0
        for start in items:
            following = [p for p in enders if p > start]
            end = following[0] if following else hi
            held = sum(1 for s in statements if start < s < end)
            if held == 0 and not following:
                continue  # the text stops inside its last item (an excerpt cut off before its units)
            counted += 1
            single += held == 1
        if not counted:
            continue
        score = single / counted * min(1.0, single / 2)  # one lucky item is no evidence
        if score > best_score and (score > 0 or level is ARABIC):
            best, best_score = level, score
    return best
