"""The labelled parentheses that name who does the work: ``（牵头单位：…；责任单位：…）`` after a task and
``（领域牵头部门：…）`` after a domain heading.

Labels vary between plans and even within one: 牵头单位 / 牵头部门 (lead), 责任单位 / 责任部门 /
配合单位 / 配合部门 / 协办单位 (responsible), optionally prefixed 领域 in domain headings, and a few
time-limit labels (完成时限：长期坚持). A PDF line break can double a label's first character
(``责\\n\\n责任单位`` → ``责责任单位``), so every label also matches with that character written twice;
the field records how it was written so the caller can say so.

Everything here works on normalized text (full-width ``（）：；``), in normalized offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.records import Role
from loaders.task_facts import matching_close

ROLE_LABELS: dict[str, Role] = {
    "牵头单位": Role.LEAD, "牵头部门": Role.LEAD,
    "责任单位": Role.RESPONSIBLE, "责任部门": Role.RESPONSIBLE,
    "配合单位": Role.RESPONSIBLE, "配合部门": Role.RESPONSIBLE, "协办单位": Role.RESPONSIBLE,
}  # fmt: skip
TIME_LABELS = ("完成时限", "完成时间", "时间节点", "时限要求")
LABEL_RE = re.compile(
    r"(?:领域)?(?P<label>"
    + "|".join(f"{re.escape(label[0])}?{re.escape(label)}" for label in (*ROLE_LABELS, *TIME_LABELS))
    + r")：?"
)
_VALUE_EDGE = "：；，、。 "


@dataclass(frozen=True)
class Field:
    """One ``label：value`` of a unit parenthesis; ``start``/``end`` delimit the value."""

    label: str  # canonical: 责任单位 even when written 责责任单位
    written: str
    start: int
    end: int

    @property
    def role(self) -> Role | None:
        """The role the field's units play, or None for a time-limit field."""
        return ROLE_LABELS.get(self.label)


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
    """Return the labelled fields of the unit parenthesis ``text[open_paren:end]``.

    Values run from one label to the next, without the separators around them.

    Example:
        >>> t = "（牵头单位：市生态环境局巨野县分局；责责任单位：中国人民银行巨野支行）"
        >>> [(f.label, f.written, t[f.start:f.end]) for f in read_fields(t, 0, len(t))]
        [('牵头单位', '牵头单位', '市生态环境局巨野县分局'), ('责任单位', '责责任单位', '中国人民银行巨野支行')]
    """
    inner_end = end - 1 if end > open_paren and text[end - 1] == "）" else end
    labels = list(LABEL_RE.finditer(text, open_paren + 1, inner_end))
    fields = []
    for k, m in enumerate(labels):
        written = m.group("label")
        label = written[1:] if written[0] == written[1] else written
        start = m.end()
        stop = labels[k + 1].start() if k + 1 < len(labels) else inner_end
        while stop > start and text[stop - 1] in _VALUE_EDGE:
            stop -= 1
        while start < stop and text[start] in _VALUE_EDGE:
            start += 1
        fields.append(Field(label, written, start, stop))
    return fields
