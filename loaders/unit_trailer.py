"""Who does the work: the unit statements that close a task or follow a domain heading.

Plans write them in several layouts, all read here into the same :class:`Field` list:

* labelled parentheses — ``（牵头单位：A；责任单位：B）``, ``（牵头单位：A，配合单位：B）``, and
  ``（领域牵头部门：…）`` after a domain heading;
* label lines of their own after the task — ``牵头单位：A`` / ``责任单位：B、C`` / ``完成时限：…``;
* a division line — ``部门分工：A牵头，各地、各部门配合``;
* the suffix style, in parentheses or as the task's last sentence — ``（A、B牵头，C配合）``,
  ``A牵头，市级各有关部门按职责分工负责。``

Labels vary between plans and even within one: 牵头单位 / 牵头部门 (lead), 责任单位 / 责任部门 /
配合单位 / 配合部门 / 协办单位 / 参与单位 (responsible), optionally prefixed 领域 in domain headings, and
a few time-limit labels (完成时限：长期坚持). A PDF line break can double a label's first character
(``责\\n\\n责任单位`` → ``责责任单位``), so every label also matches with that character written twice;
the field records how it was written so the caller can say so. Leader labels (分管省领导：…, 责任领导)
name people, never units: their fields have ``person=True`` and callers skip them.

Everything here works on normalized text (full-width ``（）：；``), in normalized offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.citations import matching_close
from loaders.records import Role

ROLE_LABELS: dict[str, Role] = {
    "牵头单位": Role.LEAD, "牵头部门": Role.LEAD,
    "责任单位": Role.RESPONSIBLE, "责任部门": Role.RESPONSIBLE,
    "配合单位": Role.RESPONSIBLE, "配合部门": Role.RESPONSIBLE, "协办单位": Role.RESPONSIBLE,
    "参与单位": Role.RESPONSIBLE, "参与部门": Role.RESPONSIBLE,
}  # fmt: skip
TIME_LABELS = ("完成时限", "完成时间", "时间节点", "时限要求")
PERSON_LABEL_RE = re.compile(r"(?:分管|牵头|责任|联系|包保)?(?:国家|省|市|县|区)?(?:级)?领导(?:同志)?：")
LABEL_RE = re.compile(
    r"(?:领域)?(?P<label>"
    + "|".join(f"{re.escape(label[0])}?{re.escape(label)}" for label in (*ROLE_LABELS, *TIME_LABELS))
    + r")：?"
)
DIVISION_RE = re.compile(r"(?:部门分工|责任分工|任务分工|分工)：")
# Suffix style: the verb after a unit list says its role.
_LEAD_VERB = "牵头"
_SUPPORT_VERBS = ("按职责分工负责", "按职责分工落实", "分工负责", "配合", "参与", "协同", "协助", "共同推进", "负责")
_SUFFIX_RE = re.compile(r"牵头(?=[，；。）]|$)")
# A person: a name followed by a leader's title (王某某副省长, 李某某同志), never a unit.
PERSON_RE = re.compile(r"(?:副?(?:省长|市长|县长|区长|州长|主席|书记|秘书长)|同志)$")
_VALUE_EDGE = "：；，、。 "


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
    """Return True if ``text[index]`` is a ``（`` opening a labelled unit parenthesis."""
    return text.startswith("（", index) and LABEL_RE.match(text, index + 1) is not None


def find_unit_parentheses(text: str, lo: int, hi: int) -> list[tuple[int, int | None]]:
    """Return ``(open, end)`` for each labelled unit parenthesis in ``text[lo:hi]``; ``end`` is the
    index after its ``）``, or None when it is never closed.

    Example:
        >>> t = "推动。（牵头单位：县财政局；责任单位：县税务局）"
        >>> find_unit_parentheses(t, 0, len(t))
        [(3, 24)]
    """
    found = []
    k = text.find("（", lo, hi)
    while k >= 0:
        if LABEL_RE.match(text, k + 1):
            found.append((k, matching_close(text, k, hi, "（", "）")))
        k = text.find("（", k + 1, hi)
    return found


def read_fields(text: str, open_paren: int, end: int) -> list[Field]:
    """Return the labelled fields of the unit parenthesis (or label-line block) ``text[open_paren:end]``.

    Values run from one label to the next, without the separators around them.

    Example:
        >>> t = "（牵头单位：市生态环境局巨野县分局；责责任单位：中国人民银行巨野支行）"
        >>> [(f.label, f.written, t[f.start:f.end]) for f in read_fields(t, 0, len(t))]
        [('牵头单位', '牵头单位', '市生态环境局巨野县分局'), ('责任单位', '责责任单位', '中国人民银行巨野支行')]
    """
    start = open_paren + 1 if text.startswith("（", open_paren) else open_paren
    inner_end = end - 1 if end > start and text[end - 1] == "）" else end
    marks: list[tuple[int, int, str, str, bool]] = []  # (label start, value start, label, written, person)
    for m in LABEL_RE.finditer(text, start, inner_end):
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
        s, e = _trim(text, value_start, stop)
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


def suffix_fields(text: str, lo: int, hi: int) -> list[Field]:
    """Read a suffix-style statement ``A、B牵头，C配合`` in ``text[lo:hi]``; [] when it is not one.

    Each clause ends in a role verb: 牵头 (lead) or 配合 / 参与 / 协同 / 按职责分工负责 … (responsible).
    A clause whose units are people (王某某副省长) makes the whole statement not a unit statement.

    Example:
        >>> t = "市行政审批服务局、市大数据局牵头，各区县政府配合"
        >>> [(f.role.value, t[f.start:f.end]) for f in suffix_fields(t, 0, len(t))]
        [('lead', '市行政审批服务局、市大数据局'), ('responsible', '各区县政府')]
    """
    s, e = _trim(text, lo, hi)
    if not _SUFFIX_RE.search(text, s, e):
        return []
    fields: list[Field] = []
    clause_start = s
    for k in range(s, e + 1):
        if k < e and text[k] not in "，；":
            continue
        c0, c1 = _trim(text, clause_start, k)
        clause_start = k + 1
        if c0 >= c1:
            continue
        clause = text[c0:c1]
        if clause.endswith(_LEAD_VERB):
            verb, role = _LEAD_VERB, Role.LEAD
        else:
            verb = next((v for v in _SUPPORT_VERBS if clause.endswith(v)), None)
            role = Role.RESPONSIBLE
            if verb is None or not fields:  # a support clause only after a lead clause
                return []
        units_end = c1 - len(verb)
        units_start = c0 + 1 if text[c0] == "由" else c0  # 由A牵头
        names = text[units_start:units_end]
        if not names or PERSON_RE.search(names) or len(names) > 120:
            return []
        fields.append(Field(verb, verb, units_start, units_end, suffix_role=role))
    return fields if any(f.role is Role.LEAD for f in fields) else []


def is_suffix_parenthesis(text: str, open_paren: int, end: int) -> bool:
    """True for ``（A牵头，B配合）``: an unlabelled parenthesis that is a suffix-style statement."""
    return text.startswith("（", open_paren) and bool(suffix_fields(text, open_paren + 1, end - 1))


def _trim(text: str, start: int, stop: int) -> tuple[int, int]:
    while stop > start and text[stop - 1] in _VALUE_EDGE:
        stop -= 1
    while start < stop and text[start] in _VALUE_EDGE:
        start += 1
    return start, stop


@dataclass(frozen=True)
class Statement:
    """A unit statement found in the text: where it is, how it is written, and its fields."""

    start: int
    end: int
    kind: str  # "parenthesis" | "suffix_parenthesis" | "label_lines" | "division" | "suffix_sentence"
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
    for m in _SUFFIX_RE.finditer(text, lo, hi):
        if any(s.start <= m.start() < s.end for s in found):
            continue
        statement = _suffix_statement(text, lo, hi, m.start(), line_starts)
        if statement is not None:
            found.append(statement)
    return _merge_adjacent(sorted(found, key=lambda s: s.start), text)


def _suffix_statement(text: str, lo: int, hi: int, verb: int, line_starts: set[int]) -> Statement | None:
    """The suffix-style statement around the 牵头 at ``verb``: in its own parenthesis, or a whole sentence."""
    open_paren = text.rfind("（", lo, verb)
    if open_paren >= 0 and "）" not in text[open_paren:verb]:
        close = matching_close(text, open_paren, hi, "（", "）")
        if close is not None and is_suffix_parenthesis(text, open_paren, close):
            fields = suffix_fields(text, open_paren + 1, close - 1)
            return Statement(open_paren, close, "suffix_parenthesis", tuple(fields))
        return None
    start = max(text.rfind("。", lo, verb) + 1, max((s for s in line_starts if lo <= s <= verb), default=lo))
    end = text.find("。", verb, hi)
    next_line = min((s for s in line_starts if verb < s < hi), default=hi)
    end = min(end + 1 if end >= 0 else hi, next_line)
    fields = suffix_fields(text, start, end)
    return Statement(start, end, "suffix_sentence", tuple(fields)) if fields else None


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
    ("first", re.compile(r"(?:排在?|列在?|位列|排名)(?:第一位?|首位|第一)的?(?:单位)?为牵头单位")),
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
    while e > s and raw[e - 1] in _STAR:
        e -= 1
    while s < e and raw[s] in _STAR:
        s += 1
    return s, e
