"""Who does the work: the unit statements that close a task or follow a domain heading.

Plans write them in several layouts, all read here into the same :class:`Field` list:

* labelled parentheses — ``（牵头单位：A；责任单位：B）``, ``（牵头单位：A，配合单位：B）``, and
  ``（领域牵头部门：…）`` after a domain heading;
* label lines of their own after the task — ``牵头单位：A`` / ``责任单位：B、C`` / ``完成时限：…``;
* a division line — ``部门分工：A牵头，各地、各部门配合``;
* the suffix style, in parentheses or as the task's last sentence — ``（A、B牵头，C配合）``,
  ``A牵头，市级各有关部门按职责分工负责。`` — and bare unit lists in parentheses
  (``（市税务局、市财政局，列第一位的为牵头单位）``): see :mod:`loaders.unit_suffix`.

Parentheses are （…） or, when the list itself holds parentheses, hexagonal brackets
〔牵头单位：…，责任单位：各街道（功能区）〕 (a Sichuan, Guangxi and Shandong layout).

Labels vary between plans and even within one: 牵头单位 / 牵头部门 / 牵头责任单位 / 总牵头单位 (lead),
责任单位 / 责任部门 / 配合单位 / 配合部门 / 协办单位 / 参与单位 / 协同责任单位 (responsible), optionally
prefixed 领域 in domain headings, and a few time-limit labels (完成时限：长期坚持). A label word inside a
unit name is part of the name (各专项牵头单位): a label without its ： counts only where a field may
start. A PDF line break can double a label's first character (``责\\n\\n责任单位`` → ``责责任单位``), so
every label also matches with that character written twice; the field records how it was written so
the caller can say so. Leader labels (分管省领导：…, 牵头负责领导：…, 责任领导) name people, never units:
their fields have ``person=True`` and callers skip them. A value ends at its first 。 (what follows
is a remark: 具体任务均涉及各市（州）人民政府，不再列出) and without a closing 按职责分工负责.

Everything here works on normalized text (full-width ``（）：；``), in normalized offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.citations import matching_close
from loaders.records import Role
from loaders.unit_suffix import PERSON_RE as PERSON_RE
from loaders.unit_suffix import SUFFIX_RE, trim, unit_list_fields
from loaders.unit_suffix import suffix_fields as _suffix_fields

ROLE_LABELS: dict[str, Role] = {
    "牵头单位": Role.LEAD, "牵头部门": Role.LEAD, "牵头责任单位": Role.LEAD, "总牵头单位": Role.LEAD,
    "责任单位": Role.RESPONSIBLE, "责任部门": Role.RESPONSIBLE,
    "配合单位": Role.RESPONSIBLE, "配合部门": Role.RESPONSIBLE, "协办单位": Role.RESPONSIBLE,
    "参与单位": Role.RESPONSIBLE, "参与部门": Role.RESPONSIBLE,
    "协同责任单位": Role.RESPONSIBLE, "协同单位": Role.RESPONSIBLE, "配合责任单位": Role.RESPONSIBLE,
}  # fmt: skip
TIME_LABELS = ("完成时限", "完成时间", "时间节点", "时限要求")
PERSON_LABEL_RE = re.compile(r"(?:分管|牵头|责任|联系|包保)?(?:负责)?(?:国家|省|市|县|区)?(?:级)?领导(?:同志)?：")
# Longest labels first: 牵头责任单位 must not be read as 责任单位 after a stray 牵头.
LABEL_RE = re.compile(
    r"(?:领域)?(?P<label>"
    + "|".join(f"{re.escape(label[0])}?{re.escape(label)}"
               for label in sorted((*ROLE_LABELS, *TIME_LABELS), key=len, reverse=True))
    + r")：?"
)
DIVISION_RE = re.compile(r"(?:部门分工|责任分工|任务分工|分工)：")
BRACKETS = {"（": "）", "〔": "〕"}
# Where a field may start without its ：, so that 各专项牵头单位 stays a name.
_FIELD_START_AFTER = "（〔；，。 "
_ENDING_PHRASES = ("按职责分工负责", "按职责分工落实", "按职责负责", "分工负责")


@dataclass(frozen=True)
class Field:
    """One ``label：value`` of a unit statement; ``start``/``end`` delimit the value.

    ``label`` is canonical (责任单位 even when written 责责任单位); suffix-style fields carry the
    verb as their label (牵头, 配合) and ``role`` set directly.
    """

    label: str
    written: str
    start: int
    end: int
    suffix_role: Role | None = None
    person: bool = False

    @property
    def role(self) -> Role | None:
        """The role the field's units play, or None for a time-limit (or leader) field."""
        return self.suffix_role or ROLE_LABELS.get(self.label)


def starts_unit_parenthesis(text: str, index: int) -> bool:
    """Return True if ``text[index]`` is a ``（`` or ``〔`` opening a labelled unit parenthesis."""
    return index < len(text) and text[index] in BRACKETS and LABEL_RE.match(text, index + 1) is not None


def find_unit_parentheses(text: str, lo: int, hi: int) -> list[tuple[int, int | None]]:
    """Return ``(open, end)`` for each labelled unit parenthesis in ``text[lo:hi]``; ``end`` is the
    index after its ``）`` (or ``〕``), or None when it is never closed.

    Example:
        >>> t = "推动。（牵头单位：县财政局；责任单位：县税务局）〔责任单位：各街道（功能区）〕"
        >>> find_unit_parentheses(t, 0, len(t))
        [(3, 24), (24, 39)]
    """
    return [(k, matching_close(text, k, hi, text[k], BRACKETS[text[k]]))
            for k in range(lo, hi) if text[k] in BRACKETS and LABEL_RE.match(text, k + 1)]


def _label_matches(text: str, start: int, stop: int) -> list[re.Match[str]]:
    """The labels in ``text[start:stop]`` that start a field: followed by ： or at a field boundary."""
    return [m for m in LABEL_RE.finditer(text, start, stop)
            if m.group().endswith("：") or m.start() == start or text[m.start() - 1] in _FIELD_START_AFTER]


def _value_range(text: str, start: int, stop: int) -> tuple[int, int]:
    """A field value without its edges, cut at its first 。 and without a closing 按职责分工负责."""
    dot = text.find("。", start, stop)
    s, e = trim(text, start, dot if dot >= 0 else stop)
    for phrase in _ENDING_PHRASES:
        if text.endswith(phrase, s, e) and e - len(phrase) > s:
            return trim(text, s, e - len(phrase))
    return s, e


def read_fields(text: str, open_paren: int, end: int) -> list[Field]:
    """Return the labelled fields of the unit parenthesis (or label-line block) ``text[open_paren:end]``.

    Values run from one label to the next, without the separators around them.

    Example:
        >>> t = "（牵头单位：市生态环境局巨野县分局；责责任单位：中国人民银行巨野支行）"
        >>> [(f.label, f.written, t[f.start:f.end]) for f in read_fields(t, 0, len(t))]
        [('牵头单位', '牵头单位', '市生态环境局巨野县分局'), ('责任单位', '责责任单位', '中国人民银行巨野支行')]
    """
    bracketed = text[open_paren : open_paren + 1] in BRACKETS
    start = open_paren + 1 if bracketed else open_paren
    # Only a bracketed statement loses its closing bracket: a label line may end in a name's own ）.
    inner_end = end - 1 if bracketed and end > start and text[end - 1] in BRACKETS.values() else end
    marks: list[tuple[int, int, str, str, bool]] = []  # (label start, value start, label, written, person)
    for m in _label_matches(text, start, inner_end):
        written = m.group("label")
        label = written[1:] if written[0] == written[1] else written
        marks.append((m.start(), m.end(), label, written, False))
    for m in PERSON_LABEL_RE.finditer(text, start, inner_end):
        if not any(a <= m.start() < b for a, b, *_ in marks):
            marks.append((m.start(), m.end(), m.group()[:-1], m.group()[:-1], True))
    marks.sort()
    fields = []
    for k, (_, value_start, label, written, person) in enumerate(marks):
        stop = marks[k + 1][0] if k + 1 < len(marks) else inner_end
        s, e = _value_range(text, value_start, stop)
        fields.append(Field(label, written, s, e, person=person))
    return fields


def find_label_lines(text: str, lo: int, hi: int, line_starts: set[int]) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each block of label lines (牵头单位：A / 责任单位：B …) in ``text[lo:hi]``.

    A block starts with a unit or time label at the start of a line (``line_starts``) and runs over
    the following label lines; each value ends at the end of its line — or later when the line ends
    in 、 or ， (a list wrapped onto the next line).
    """
    blocks: list[tuple[int, int]] = []
    k = lo
    while k < hi:
        starts = [s for s in sorted(line_starts) if k <= s < hi and _label_line_at(text, s)]
        if not starts:
            break
        start = end = starts[0]
        while end < hi and (end == start or (end in line_starts and _label_line_at(text, end))):
            end = _line_end(text, end, hi, line_starts)
        blocks.append((start, end))
        k = end
    return blocks


def _label_line_at(text: str, i: int) -> bool:
    return bool(LABEL_RE.match(text, i) and text.startswith("：", LABEL_RE.match(text, i).end() - 1)) or bool(
        PERSON_LABEL_RE.match(text, i)
    )


def _line_end(text: str, i: int, hi: int, line_starts: set[int]) -> int:
    """End of the line starting at ``i``: the next line start, unless the line ends mid-list."""
    j = i + 1
    while j < hi:
        if j in line_starts and text[j - 1] not in "、，":
            return j
        j += 1
    return hi


def find_division_lines(text: str, lo: int, hi: int, line_starts: set[int]) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each ``部门分工：…`` line in ``text[lo:hi]`` (starting a line or after 。)."""
    found = []
    for m in DIVISION_RE.finditer(text, lo, hi):
        if m.start() in line_starts or (m.start() > lo and text[m.start() - 1] in "。；"):
            end = _line_end(text, m.start(), hi, line_starts)
            found.append((m.start(), end))
    return found


def suffix_fields(text: str, lo: int, hi: int, *, unled: bool = False) -> list[Field]:
    """Read a suffix-style statement ``A、B牵头，C配合`` in ``text[lo:hi]``; [] when it is not one.

    The rules are :func:`loaders.unit_suffix.suffix_fields`'; the fields carry the verb as label.

    Example:
        >>> t = "市行政审批服务局、市大数据局牵头，各区县政府配合"
        >>> [(f.role.value, t[f.start:f.end]) for f in suffix_fields(t, 0, len(t))]
        [('lead', '市行政审批服务局、市大数据局'), ('responsible', '各区县政府')]
    """
    return [Field(f.verb, f.verb, f.start, f.end, suffix_role=f.role)
            for f in _suffix_fields(text, lo, hi, unled=unled)]


def is_suffix_parenthesis(text: str, open_paren: int, end: int) -> bool:
    """True for ``（A牵头，B配合）``: an unlabelled parenthesis that is a suffix-style statement."""
    return text[open_paren : open_paren + 1] in BRACKETS and bool(
        suffix_fields(text, open_paren + 1, end - 1, unled=True))


@dataclass(frozen=True)
class Statement:
    """A unit statement found in the text: where it is, how it is written, and its fields."""

    start: int
    end: int
    kind: str  # "parenthesis" | "suffix_parenthesis" | "unit_list" | "label_lines" | "division" | "suffix_sentence"
    fields: tuple[Field, ...]


def find_statements(text: str, lo: int, hi: int, line_starts: set[int]) -> list[Statement]:
    """Return every unit statement in ``text[lo:hi]``, in text order, adjacent ones merged.

    ``line_starts`` are the normalized offsets that begin a line in the source (label lines and
    division lines must start one).

    Example:
        >>> t = "推动。（牵头单位：县财政局）完成时限：年底前"
        >>> [(s.kind, [f.label for f in s.fields]) for s in find_statements(t, 0, len(t), {0, 14})]
        [('parenthesis', ['牵头单位', '完成时限'])]
    """
    found: list[Statement] = []
    for start, end in find_unit_parentheses(text, lo, hi):
        stop = end if end is not None else hi
        found.append(Statement(start, stop, "parenthesis", tuple(read_fields(text, start, stop))))
    for start, end in find_label_lines(text, lo, hi, line_starts):
        if not any(s.start <= start < s.end for s in found):
            found.append(Statement(start, end, "label_lines", tuple(read_fields(text, start, end))))
    for start, end in find_division_lines(text, lo, hi, line_starts):
        fields = suffix_fields(text, start + len(DIVISION_RE.match(text, start).group()), end)
        if fields:
            found.append(Statement(start, end, "division", tuple(fields)))
    for m in SUFFIX_RE.finditer(text, lo, hi):
        if any(s.start <= m.start() < s.end for s in found):
            continue
        statement = _suffix_statement(text, lo, hi, m.start(), line_starts)
        if statement is not None:
            found.append(statement)
    found += _unit_lists(text, lo, hi, line_starts, found)
    return _merge_adjacent(sorted(found, key=lambda s: s.start), text)


def _unit_lists(text: str, lo: int, hi: int, line_starts: set[int], found: list[Statement]) -> list[Statement]:
    """Bare unit lists in parentheses that end a task (before a line end, 。 or ；): （A、B，C）."""
    lists = []
    for k in range(lo, hi):
        if text[k] not in BRACKETS or any(s.start <= k < s.end for s in found):
            continue
        close = matching_close(text, k, hi, text[k], BRACKETS[text[k]])
        if close is None or not (close >= hi or close in line_starts or text[close] in "。；"):
            continue
        fields = unit_list_fields(text, k, close)
        if fields:
            suffix = tuple(Field(f.verb, f.verb, f.start, f.end, suffix_role=f.role) for f in fields)
            lists.append(Statement(k, close, "unit_list", suffix))
    return lists


def _suffix_statement(text: str, lo: int, hi: int, verb: int, line_starts: set[int]) -> Statement | None:
    """The suffix-style statement around the 牵头 at ``verb``: in its own parenthesis, or a whole sentence."""
    open_paren = _enclosing_open(text, lo, verb)
    if open_paren >= 0:
        close = matching_close(text, open_paren, hi, text[open_paren], BRACKETS[text[open_paren]])
        if close is not None and is_suffix_parenthesis(text, open_paren, close):
            fields = suffix_fields(text, open_paren + 1, close - 1, unled=True)
            return Statement(open_paren, close, "suffix_parenthesis", tuple(fields))
        return None
    start = max(text.rfind("。", lo, verb) + 1, max((s for s in line_starts if lo <= s <= verb), default=lo))
    end = text.find("。", verb, hi)
    next_line = min((s for s in line_starts if verb < s < hi), default=hi)
    end = min(end + 1 if end >= 0 else hi, next_line)
    fields = suffix_fields(text, start, end)
    return Statement(start, end, "suffix_sentence", tuple(fields)) if fields else None


def _enclosing_open(text: str, lo: int, i: int) -> int:
    """The index of the bracket still open at ``i`` (各县（市、区）政府牵头 inside （…） is enclosed), or -1."""
    depth = 0
    for k in range(i - 1, lo - 1, -1):
        if text[k] in BRACKETS.values():
            depth += 1
        elif text[k] in BRACKETS:
            if depth == 0:
                return k
            depth -= 1
    return -1


def _merge_adjacent(statements: list[Statement], text: str) -> list[Statement]:
    """Join statements separated by nothing but punctuation: （牵头单位：A）完成时限：年底前 is one."""
    out: list[Statement] = []
    for s in statements:
        if out and out[-1].end <= s.start and not text[out[-1].end : s.start].strip("。；，、 "):
            prev = out[-1]
            out[-1] = Statement(prev.start, s.end, prev.kind, prev.fields + s.fields)
        else:
            out.append(s)
    return out


# -- who leads when a task names only 责任单位 ---------------------------------------------------

_STAR = "*＊※"
_CONVENTIONS = (
    ("star", re.compile(r"(?:标注?|带|加|有)[*＊※]号?的?(?:单位)?为牵头单位")),
    ("all", re.compile(r"(?:均为|都是|均是|皆为)(?:共同)?牵头单位|所列单位共同牵头")),
    ("none", re.compile(r"排名不分先后|排序不分先后|不分先后顺序")),
    ("first", re.compile(r"(?:(?:排在?|列在?|位列|排名)(?:第一位?|首位|第一)的?(?:单位)?|第一责任单位)为牵头单位")),
)


def lead_convention(text: str) -> tuple[str, bool]:
    """Return how a plan that lists only 责任单位 names its lead, and whether the plan says so.

    ``"first"`` (the first unit leads — the genre's default), ``"star"`` (units marked * lead),
    ``"all"`` (every listed unit leads), ``"none"`` (the order means nothing: no lead is inferred).

    Example:
        >>> lead_convention("（各项任务责任单位中，标注*的为牵头单位）")
        ('star', True)
        >>> lead_convention("一、重点任务")
        ('first', False)
    """
    for name, rx in _CONVENTIONS:
        if rx.search(text):
            return name, True
    return "first", False


def is_starred(name: str) -> bool:
    """True for a unit written with a lead marker: 县大数据中心*."""
    return name.endswith(tuple(_STAR)) or name.startswith(tuple(_STAR))


def strip_star(raw: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` of ``raw`` without a leading or trailing lead marker."""
    return trim(raw, s, e, _STAR)
