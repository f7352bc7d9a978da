"""Accepting headings by their numbering sequences (a mixin of the plan parser).

Sections, domain headings and tasks are found by pattern, then kept only when they fit the sequence:
a domain heading carries the next domain number (or 一 again after a section heading) and is followed
directly by a task or another heading (leader lines such as 分管省领导：… may come between); a task
carries the next number (or 1 again after a heading above it); a small jump is accepted with a
warning; a numbered item before the open task's unit statement is a sub-item of that task. See
:mod:`loaders.policy_doc` for the whole reading and :mod:`loaders.structure` for the levels.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from loaders import unit_trailer
from loaders.records import PolicyDocument, Severity
from loaders.structure import Level, sequence_start

_MAX_DOMAIN_LABEL = 40
_MAX_TASK_GAP = 3


@dataclass(frozen=True)
class _Item:
    """An accepted heading at normalized ``start``; ``body`` follows its marker."""

    kind: str  # "section" | "domain" | "task"
    number: int
    start: int
    body: int
    heading_end: int = 0  # domains: end of label, 。, lead statement and leader lines


class HeadingReader:
    """Mixed into the parser, which provides the text, statements, levels, ``at_boundary()``,
    ``has_statement()``, ``o()`` (an offset locator) and ``problem()``."""

    t: str
    doc: PolicyDocument
    statements: list[unit_trailer.Statement]
    line_starts: set[int]
    section_level: Level
    task_level: Level
    domain_level: Level | None

    def accept_items(self, lo: int, hi: int) -> list[_Item]:
        """Return the section, domain and task headings of ``[lo, hi)`` that fit the numbering sequences.

        A task's text runs to its unit statement, so a numbered item before the open task's statement
        (a sub-list ``；2.…；3.…`` inside a task) is part of that task, unless the statement is missing
        and the item is the next task number with no later copy of that number after a statement.
        """
        t = self.t
        task_level, domain_level = self.task_level, self.domain_level
        tasks = [m for m in task_level.regex.finditer(t, lo, hi) if self.at_boundary(m.start(), lo)]
        domains = (
            [m for m in domain_level.regex.finditer(t, lo, hi) if self.at_boundary(m.start(), lo)]
            if domain_level
            else []
        )
        section = self.section_level
        sections = (
            [m for m in section.regex.finditer(t, lo, hi) if self.at_boundary(m.start(), lo)]
            if domain_level is not section
            else []
        )
        starts = {m.start() for m in tasks} | {m.start() for m in domains} | {m.start() for m in sections}
        trailers = [s.start for s in self.statements if lo <= s.start < hi]

        def trailer_between(a: int, b: int) -> bool:
            k = bisect.bisect_left(trailers, a)
            return k < len(trailers) and trailers[k] < b

        last_task, last_domain = self.numbering_starts(tasks, domains, hi, starts)
        accepted: list[_Item] = []
        covered = lo  # inside an accepted domain heading nothing else starts
        for m in sorted(tasks + domains + sections, key=lambda m: m.start()):
            if m.start() < covered:
                continue
            after_heading = bool(accepted) and accepted[-1].kind != "task"
            if m.re is section.regex and domain_level is not section:
                accepted.append(_Item("section", section.number(m), m.start(), m.end()))
                continue
            if domain_level is not None and m.re is domain_level.regex and (m.re is not task_level.regex):
                number = domain_level.number(m)
                heading_end = self.domain_heading_end(m.end(), hi, starts)
                followed = heading_end >= hi or heading_end in starts
                restart = number == 1 and bool(accepted) and accepted[-1].kind == "section"
                if (number == last_domain + 1 or restart) and followed and heading_end > m.end():
                    accepted.append(_Item("domain", number, m.start(), m.end(), heading_end))
                    last_domain, covered = number, heading_end
                elif followed and number:
                    message = f"heading {m.group()} out of sequence after domain {last_domain}"
                    self.problem(Severity.WARN, self.o(m.start()), message)
                continue
            number = task_level.number(m)
            expected = number == last_task + 1 or (number == 1 and after_heading)
            open_task = accepted[-1] if accepted and accepted[-1].kind == "task" else None
            if open_task and not trailer_between(open_task.body, m.start()):
                later = any(
                    task_level.number(n) == number and trailer_between(m.start(), n.start())
                    for n in tasks
                    if n.start() > m.start()
                )
                if not expected or later:
                    message = (
                        f"numbered item {m.group()} comes before the unit statement: read as part of the task"
                    )
                    self.problem(Severity.INFO, f"task {open_task.number}", message)
                    continue
            if not expected:
                if not last_task + 1 < number <= last_task + _MAX_TASK_GAP:
                    message = f"numbered item {m.group()} not attached: expected task {last_task + 1}"
                    self.problem(Severity.WARN, self.o(m.start()), message)
                    continue
                missing = ", ".join(str(n) for n in range(last_task + 1, number))
                self.problem(Severity.WARN, f"task {number}", f"numbering skips task(s) {missing}")
            accepted.append(_Item("task", number, m.start(), m.end()))
            last_task = number
        first = next((i for i in accepted if i.kind != "section"), None)
        if first is not None and any(lo <= st.start < first.start for st in self.statements):
            message = "text before the first heading ends in a unit statement: the excerpt starts mid-task; not read"
            self.problem(Severity.WARN, self.o(lo), message)
        return accepted

    def numbering_starts(self, tasks: list[re.Match[str]], domains: list[re.Match[str]], hi: int,
                         starts: set[int]) -> tuple[int, int]:
        """Return the task and domain numbers just before this region's first ones.

        1 in a whole plan, later in an excerpt (the longest consecutive run decides); a region that
        continues an earlier one continues its numbering.
        """
        level = self.task_level
        if self.doc.tasks:
            last_task = self.doc.tasks[-1].number
        else:
            last_task = sequence_start([level.number(m) for m in tasks]) - 1
        if self.doc.domains:
            return last_task, self.doc.domains[-1].number
        if self.domain_level is None:
            return last_task, 0
        ends = [(m, self.domain_heading_end(m.end(), hi, starts)) for m in domains]
        followed = [self.domain_level.number(m) for m, end in ends if end in starts or end >= hi]
        return last_task, sequence_start(followed) - 1

    def domain_label_end(self, after_marker: int, hi: int, starts: set[int]) -> int:
        """End of a domain heading's label: its 。, its unit statement, its line or the next item."""
        t = self.t
        limit = min(hi, after_marker + _MAX_DOMAIN_LABEL)
        end = limit
        dot = t.find("。", after_marker, limit)
        if dot >= 0:
            end = dot
        units = [s.start for s in self.statements if after_marker <= s.start < end and s.kind != "suffix_sentence"]
        if units:
            end = units[0]
        line_end = min((s for s in self.line_starts if after_marker < s < end), default=end)
        if self.domain_level is self.section_level:
            end = line_end  # a section heading is one line
        return min([end, *(s for s in starts if after_marker < s < end)])

    def domain_heading_end(self, after_marker: int, hi: int, starts: set[int]) -> int:
        """End of a domain heading: the label, its 。, its lead statement, then any leader lines."""
        t = self.t
        end = self.domain_label_end(after_marker, hi, starts)
        if end < hi and t[end] == "。":
            end += 1
        statement = next((s for s in self.statements if s.start == end and s.kind != "suffix_sentence"), None)
        if statement is not None and end < hi and not any(end < s < statement.end for s in starts):
            end = statement.end
        while end < hi and unit_trailer.PERSON_LABEL_RE.match(t, end):
            end = min((s for s in self.line_starts | starts if end < s), default=hi)
        return min(end, hi)

