"""Reading a task's unit statement into lead and responsible mentions (a mixin of the plan parser).

The statement's fields come from :mod:`loaders.unit_trailer`; here they become
:class:`~loaders.records.UnitMention` objects with spans into the source: each list is split by the
organisation registry's rules (collectives kept whole), a lead marker (*) is taken off the name, a
person (王某某副省长) is never a unit, and a time-limit field becomes a deadline. A deadline written
as the last item of a unit list (…，各县市人民政府，6月底完成: a Hunan layout) is a deadline too, never
a unit. A task that names only 责任单位 gets its lead by the plan's convention
(:func:`loaders.unit_trailer.lead_convention`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from loaders import deadlines, unit_trailer
from loaders.records import Deadline, PolicyDocument, Problem, Role, Severity, Span, Task, UnitMention
from loaders.unit_lists import remark_start, split_unit_list

# What may follow a deadline phrase that ends a unit list: 6月底完成, 年底前办结.
_AFTER_DEADLINE = re.compile(r"(?:前|以前|之前)?(?:完成|办结|到位)?")


class TaskUnitReader:
    """Mixed into the parser, which provides ``t`` (normalized text), ``doc``, ``convention``,
    ``span()`` and ``problem()``."""

    t: str
    doc: PolicyDocument
    convention: str

    def span(self, start: int, end: int, lo: int, hi: int, *, whole: bool = False) -> Span:
        raise NotImplementedError

    def problem(self, severity: Severity, locator: str, message: str) -> None:
        self.doc.problems.append(Problem(severity, self.doc.source, locator, message))

    def read_trailer(self, task: Task, trailer: unit_trailer.Statement, loc: str) -> None:
        lo, hi = trailer.start, trailer.end

        def trailer_span(s: int, e: int) -> Span:
            return self.span(s, e, lo, hi, whole=True)

        raws: dict[Role, list[str]] = {Role.LEAD: [], Role.RESPONSIBLE: []}
        for f in trailer.fields:
            if f.written != f.label:
                self.problem(Severity.INFO, loc, f"label written {f.written}: read as {f.label}")
            if f.person:
                continue
            if f.role is None:  # a time-limit field: a dated deadline, or an open one (长期坚持)
                found = deadlines.find_deadlines(self.t, f.start, f.end, self.doc.plan_year, trailer_span, field=True)
                open_ended = None if found else deadlines.find_open_deadline(self.t, f.start, f.end, trailer_span)
                task.deadlines.extend(found or ([open_ended] if open_ended else []))
                continue
            mentions = self.units(f.start, f.end, f.role, lo, hi)
            (task.lead if f.role is Role.LEAD else task.responsible).extend(mentions)
            task.deadlines.extend(self.listed_deadlines(f.start, f.end, trailer_span))
            raws[f.role].append(self.t[f.start : f.end])
        task.lead_raw = "；".join(raws[Role.LEAD]) or None
        task.responsible_raw = "；".join(raws[Role.RESPONSIBLE]) or None
        if not task.lead and task.responsible:
            self.infer_lead(task, loc)

    def infer_lead(self, task: Task, loc: str) -> None:
        """Name the lead of a task that lists only 责任单位, by the plan's convention."""
        convention = self.convention
        if convention == "none":
            return
        if convention == "star":
            leads = [u for u in task.responsible if u.role is Role.LEAD]
        elif convention == "all":
            leads = list(task.responsible)
        else:
            leads = task.responsible[:1]
        task.lead = [replace(u, role=Role.LEAD) for u in leads]
        task.responsible = [u for u in task.responsible if u not in leads]
        task.lead_inferred = bool(task.lead)
        if task.lead:
            names = "、".join(u.name for u in task.lead)
            self.problem(Severity.INFO, loc, f"only 责任单位 given: {names} read as lead ({convention} convention)")

    def is_deadline_item(self, s: int, e: int) -> bool:
        """True when the unit-list item ``text[s:e]`` is nothing but a deadline (6月底完成, 年底前)."""
        # Any year will do for the shape: 6月底完成 is no unit whether or not the plan year is known.
        found = deadlines.find_deadlines(self.t, s, e, 2000, lambda a, b: Span(a, b, "", ""), field=True)
        return (len(found) == 1 and self.t.startswith(found[0].phrase, s)
                and bool(_AFTER_DEADLINE.fullmatch(self.t, s + len(found[0].phrase), e)))

    def listed_deadlines(self, start: int, end: int, make_span) -> list[Deadline]:
        """The deadlines written as items of the unit list ``text[start:end]`` (dated by the plan year)."""
        items = [(start + s, start + e) for s, e in split_unit_list(self.t[start:end])]
        return [d for s, e in items if self.is_deadline_item(s, e)
                for d in deadlines.find_deadlines(self.t, s, e, self.doc.plan_year, make_span, field=True)]

    def units(self, start: int, end: int, role: Role, lo: int, hi: int) -> list[UnitMention]:
        """The unit mentions of the list ``text[start:end]``, split by the organisation registry's rules.

        A unit marked * (the lead marker some plans use) is returned without the mark, with role LEAD
        when the plan's convention is "star".
        """
        raw = self.t[start:end]
        mentions = []
        for s, e in split_unit_list(raw):
            while s < e and raw[s].isspace():
                s += 1
            while e > s and raw[e - 1].isspace():
                e -= 1
            if self.is_deadline_item(start + s, start + e):
                continue  # a deadline at the end of the list (read by listed_deadlines)
            e = s + remark_start(raw[s:e])  # 市商务局（第一责任单位为牵头单位，下同）: the remark is no part of the name
            while e > s and raw[e - 1].isspace():
                e -= 1
            starred = unit_trailer.is_starred(raw[s:e])
            s, e = unit_trailer.strip_star(raw, s, e)
            if s < e and not unit_trailer.PERSON_RE.search(raw[s:e]):
                span = self.span(start + s, start + e, lo, hi, whole=True)
                mention_role = Role.LEAD if starred and self.convention == "star" and role is Role.RESPONSIBLE else role
                mentions.append(UnitMention(raw[s:e], mention_role, span))
        return mentions

