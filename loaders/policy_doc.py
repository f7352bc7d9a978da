"""Parse a 实施方案 / 行动方案 / 工作要点 into a :class:`~loaders.records.PolicyDocument`, by the rules of the genre.

The genre: a 通知 header (``X关于印发《title》的通知``, the 文号, addressees, the signer and date), then
the plan in top-level sections ``一、二、三、…``. Some sections hold the work — numbered tasks, each
closed by a unit statement (``（牵头单位：…；责任单位：…）``, label lines, ``部门分工：A牵头，B配合``,
``（A牵头，B配合）``; see :mod:`loaders.unit_trailer`) — grouped under domain headings. Which numbering
level carries the tasks is decided by :func:`loaders.structure.choose_task_level`; the domains are the
level above (``（一）`` over tasks ``1.``; sections ``一、`` over tasks ``（一）``, or over tasks ``1.`` when a
plan has no ``（一）`` level and more than one section holds tasks; a 若干规定 numbers chapters
``第一章`` over articles ``第一条`` instead). Other sections (工作原则, 保障措施) hold no unit statements
and are not read for tasks; a section after the last one with statements is still read when its items
number on (an excerpt cut off before its last units). A goal item opening a section (1.工作目标。…,
with no units) is not a task.

Matching runs on the normalized text (:mod:`loaders.normalize`: PDF line breaks gone, punctuation
folded, traditional characters simplified), and every span is mapped back to the original text. The
structure is read with sequence checks rather than trust in line layout, since a PDF extraction runs
tasks together on one line:

* top-level sections must count 一, 二, 三 … in order and start a line or follow 。 or ）;
* a domain heading must carry the next domain number (or 一 again after a section heading) and be
  followed directly by a task or another heading (leader lines such as 分管省领导：… may come between);
* a task number must be the next number (or 1 again just after a heading above it: some plans restart
  per domain or section); a small jump is accepted with a warning. Restarted numbers are replaced by
  numbers in document order (the printed one is kept in ``written_number``), so tasks stay unique.

When a task names only 责任单位, the lead follows the plan's stated convention (the first unit, units
marked *, or all of them — :func:`loaders.unit_trailer.lead_convention`), and the task is marked
``lead_inferred`` for review. Whatever cannot be placed becomes a :class:`~loaders.records.Problem`
in ``doc.problems`` (with a locator such as ``task 37`` or ``offset 1234``); nothing is dropped silently.
A task with no unit statement or no lead is kept, with a warning that puts it in the review queue:
one bad item never costs the document (``build --strict`` refuses on warnings).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from kg.errors import LoadError
from loaders import deadlines, task_facts, unit_trailer
from loaders.doc_header import read_header
from loaders.headings import HeadingReader, _Item
from loaders.normalize import NormalizedText, looks_traditional, normalize
from loaders.records import Domain, PolicyDocument, Role, Severity, Span, Task
from loaders.structure import (
    ARABIC,
    ARTICLE,
    CN_PAREN,
    NUMBER_AFTER_MARKER,
    Level,
    choose_section_level,
    choose_task_level,
)
from loaders.structure import chinese_numeral as chinese_numeral
from loaders.task_units import TaskUnitReader

_BOUNDARY_BEFORE = "。）；！？ "
_MAX_DOMAIN_LABEL = 40
_MAX_TASK_GAP = 3
# A plan's closing signature after its last task: issuer, date, optional （此件公开发布）.
# Sections that close a plan (保障措施, 组织实施 …): their numbered items are duties, never tasks.
_CLOSING_SECTION = re.compile(r"(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}章)"
                              r"(?:[^\n。]{0,6}(?:保障|组织实施|组织领导|工作要求|实施步骤|附则))")
# A goal item (1.工作目标。… or （一）总体目标) opens some sections; with no unit statement it states
# the section's aims and is not a task.
_GOAL_TITLE = re.compile(r"(?:工作|总体|主要|发展|预期|年度)?目标(?:任务|要求)?")
_SUB_ITEM = re.compile(r"（\d{1,2}）|\d{1,2}）|[①-⑳]")
_SIGNATURE = re.compile(r"[\u4e00-\u9fff]{2,30}(?:19|20)\d{2}年\d{1,2}月\d{1,2}日(?:（[^（）]{0,20}）)?")


def load_policy_document(path: str | Path) -> PolicyDocument:
    """Read a plan file (.txt in any encoding, .docx, .pdf, .html) and parse it.

    Args:
        path: the plan's file.

    Returns:
        The parsed document; ``encoding`` and ``format`` say how the file was read.

    Raises:
        LoadError: the file cannot be read (see :mod:`loaders.formats`) or has no numbered tasks.
    """
    from loaders.formats import read_document

    source = read_document(path)
    doc = parse_policy_document(source.text, str(path))
    doc.encoding, doc.format = source.encoding, source.format
    return doc


def parse_policy_document(text: str, source: str) -> PolicyDocument:
    """Return the document facts, domains and tasks read from a plan's text.

    Args:
        text: the decoded text, unchanged; every span in the result points into it.
        source: the file name, used in problems and errors.

    Returns:
        The :class:`PolicyDocument`, with anything that could not be placed in ``problems``.

    Raises:
        LoadError: the text contains no numbered tasks.

    Example:
        >>> doc = parse_policy_document(
        ...     "三、重点任务\\n（一）开办企业。（领域牵头部门：县行\\n政审批服务局）\\n"
        ...     "1. 推行登记。9月底前，建立制度。（牵头单位：县行政审批服务局；责\\n责任单位：县税务局）",
        ...     "plan.txt")
        >>> [(t.number, t.title, t.lead_raw, t.responsible_raw) for t in doc.tasks]
        [(1, '推行登记', '县行政审批服务局', '县税务局')]
        >>> doc.domains[0].leads[0].name
        '县行政审批服务局'
    """
    return _Parser(text, source).parse()


class _Parser(HeadingReader, TaskUnitReader):
    def __init__(self, text: str, source: str) -> None:
        traditional = looks_traditional(text)
        self.nt: NormalizedText = normalize(text, simplify=traditional)
        self.t = self.nt.text
        self.doc = PolicyDocument(source=source, text=text, script="traditional" if traditional else "simplified")
        self.line_starts = {i for i in range(len(self.t)) if self.starts_line(i)}
        self.statements = unit_trailer.find_statements(self.t, 0, len(self.t), self.line_starts)
        self.convention, _ = unit_trailer.lead_convention(self.t)
        self.section_level: Level = choose_section_level(self.t, self.at_boundary)
        self.task_level: Level = ARABIC
        self.domain_level: Level | None = CN_PAREN
        self.task_domain: dict[int, int | None] = {}  # id(task) → its domain's position (1-based)

    # -- helpers ------------------------------------------------------------------------------

    def span(self, start: int, end: int, lo: int, hi: int, *, whole: bool = False) -> Span:
        """Span for normalized ``[start, end)``; its sentence is taken within the container ``[lo, hi)``."""
        s, e = self.nt.source_range(start, end)
        if whole:
            sentence = self.t[lo:hi]
        else:
            a, b = task_facts.sentence_bounds(self.t, lo, hi, start, end)
            sentence = self.t[a:b]
        return Span(s, e, self.doc.text[s:e], sentence)

    def starts_line(self, i: int) -> bool:
        if i == 0:
            return True
        gap = self.doc.text[self.nt.offsets[i - 1] + 1 : self.nt.offsets[i]]
        return "\n" in gap or "\r" in gap

    def at_boundary(self, i: int, lo: int = 0) -> bool:
        """True where a heading may start: region start, after 。）；, or at a line start in the source.

        A marker whose title starts with a digit (3.12345热线) must start a line (structure.ARABIC_RE).
        """
        if NUMBER_AFTER_MARKER.match(self.t, i):
            return i in self.line_starts
        return i <= lo or self.t[i - 1] in _BOUNDARY_BEFORE or i in self.line_starts

    def o(self, i: int) -> str:
        return f"offset {self.nt.source_offset(i)}"

    # -- the whole document --------------------------------------------------------------------

    def parse(self) -> PolicyDocument:
        sections = self.find_sections()
        header_end = sections[0][1] if sections else len(self.t)
        self.read_header(header_end)
        body_start = sections[0][1] if sections else 0
        starts = [s.start for s in self.statements if not self.t.startswith("领域", s.start + 1)]
        self.task_level = choose_task_level(self.t, body_start, len(self.t), starts, self.at_boundary,
                                            section=self.section_level)
        regions = self.task_regions(sections)
        self.domain_level = self.choose_domain_level(regions)
        for lo, hi in regions:
            self.read_region(lo, hi)
        if not self.doc.tasks:
            raise LoadError(
                self.doc.source, "", "no numbered tasks found (expected items like '1. …（牵头单位：…）')"
            )
        self.renumber()
        return self.doc

    def find_sections(self) -> list[tuple[int, int, int]]:
        """Return top-level sections as ``(number, start, end)`` in normalized offsets."""
        # The longest run of consecutive numbers wins, so an excerpt may start at 三、 and a stray
        # "一、二类" at a line start does not break the real sequence.
        level = self.section_level
        found = [(level.number(m), m.start()) for m in level.regex.finditer(self.t) if self.at_boundary(m.start())]
        chains: list[list[tuple[int, int]]] = []
        for number, start in found:
            if not number:
                continue
            previous = [c for c in chains if c[-1][0] == number - 1]
            chains.append([*max(previous, key=len, default=[]), (number, start)])
        starts = max(chains, key=len, default=[])
        if not starts:
            return []
        ends = [start for _, start in starts[1:]] + [len(self.t)]
        return [(number, start, end) for (number, start), end in zip(starts, ends, strict=True)]

    def task_regions(self, sections: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
        """Return the stretches holding domains and tasks: the run of sections that hold unit statements.

        Without sections (an excerpt), the whole text. Sections between two task sections stay in,
        so a plan's numbering is read in one sweep.
        """
        if not sections:
            return [(0, len(self.t))]
        holding = [k for k, (_, lo, hi) in enumerate(sections) if self.task_numbers(lo, hi) and self.has_statement(lo, hi)]
        if not holding:
            return [(0, len(self.t))]
        last = holding[-1]
        # A section after the last one with unit statements still holds tasks when its items number
        # on from the tasks before it: an excerpt cut off before its last task's units (an item
        # that only reads must not be dropped). A closing section (保障措施) never does.
        while last + 1 < len(sections):
            _, lo, hi = sections[last + 1]
            before = self.task_numbers(sections[holding[0]][1], lo)
            numbers = self.task_numbers(lo, hi)
            if _CLOSING_SECTION.match(self.t, lo) or not before or not numbers or numbers[0] != max(before) + 1:
                break
            last += 1
        return [(sections[holding[0]][1], sections[last][2])]

    def has_statement(self, lo: int, hi: int) -> bool:
        return any(lo <= s.start < hi for s in self.statements)

    def task_numbers(self, lo: int, hi: int) -> list[int]:
        level = self.task_level
        return [level.number(m) for m in level.regex.finditer(self.t, lo, hi) if self.at_boundary(m.start(), lo)]

    def choose_domain_level(self, regions: list[tuple[int, int]]) -> Level | None:
        """The level above the tasks; sections serve when tasks are （一） or articles, or when the plan has
        no （一） level."""
        if self.task_level in (CN_PAREN, ARTICLE):
            return self.section_level
        lo, hi = regions[0][0], regions[-1][1]
        if any(self.at_boundary(m.start(), lo) for m in CN_PAREN.regex.finditer(self.t, lo, hi)):
            return CN_PAREN
        level = self.section_level
        sections = [m for m in level.regex.finditer(self.t, lo, hi) if self.at_boundary(m.start(), lo)]
        return level if len(sections) > 1 else None

    # -- header -------------------------------------------------------------------------------

    def read_header(self, header_end: int) -> None:
        header = read_header(self.nt, header_end)
        doc = self.doc
        doc.title, doc.doc_number, doc.issuer = header.title, header.doc_number, header.issuer
        doc.issued, doc.plan_year = header.issued, header.plan_year
        for note in header.notes:
            self.problem(Severity.INFO, "header", note)
        for name in header.missing:
            self.problem(Severity.WARN, "header", f"no {name} found")
        if doc.script == "traditional":
            self.problem(Severity.INFO, "header", "traditional characters: matched in simplified form")

    # -- domains and tasks --------------------------------------------------------------------

    def read_region(self, lo: int, hi: int) -> None:
        accepted = self.accept_items(lo, hi)
        domain: Domain | None = None
        for k, item in enumerate(accepted):
            if item.kind == "section":
                continue
            end = accepted[k + 1].start if k + 1 < len(accepted) else hi  # a section heading ends a task too
            if item.kind == "domain":
                domain = self.read_domain(item)
                self.doc.domains.append(domain)
            else:
                if self.is_goal_item(item, end):
                    self.problem(Severity.INFO, f"task {item.number}", "a goal item naming no unit: not read as a task")
                    continue
                if domain is None and (self.domain_level is not None or not self.doc.tasks):
                    self.problem(Severity.WARN, f"task {item.number}", "task comes before any domain heading")
                task = self.read_task(item, end, domain.number if domain else None)
                self.task_domain[id(task)] = len(self.doc.domains) if domain else None
                self.doc.tasks.append(task)

    def read_domain(self, item: _Item) -> Domain:
        t = self.t
        lo, hi = item.start, item.heading_end
        label_end = self.domain_label_end(item.body, hi, set())
        domain = Domain(item.number, t[item.body : label_end].rstrip("。"), self.span(lo, hi, lo, hi, whole=True))
        for statement in self.statements:
            if not (label_end <= statement.start < hi):
                continue
            for f in statement.fields:
                if f.person:
                    domain.leaders.append(t[f.start : f.end])
                elif f.role is Role.LEAD:
                    domain.leads.extend(self.units(f.start, f.end, Role.DOMAIN_LEAD, statement.start, statement.end))
        if not domain.leads:
            self.problem(Severity.INFO, f"domain {item.number}", "heading names no 领域牵头 unit")
        return domain

    def read_task(self, item: _Item, end: int, domain_number: int | None) -> Task:
        t, loc = self.t, f"task {item.number}"
        trailer = self.find_trailer(item.body, end, loc)
        # One item without units must not cost the document: the task is kept with what it says, and
        # the warning puts it in the review queue (`policykg review`); `build --strict` still refuses.
        # An excerpt may also simply stop inside its last task.
        cut_off = end >= len(t) and not t.rstrip(" ").endswith(("。", "）", "；", "！", "？"))
        if trailer is None:
            message = "the text ends inside this task (an excerpt?): no unit statement" if cut_off else (
                "no unit statement （牵头单位：…） found: kept without units for review")
            self.problem(Severity.WARN, loc, message)
            body_end = trailer_end = max(item.body, len(t[:end].rstrip(" ")))
        else:
            body_end, trailer_end = trailer.start, trailer.end
            rest = t[trailer_end:end].strip()
            if rest and not unit_trailer.PERSON_LABEL_RE.match(rest) and not _SIGNATURE.fullmatch(rest):
                self.problem(Severity.WARN, loc, f"text after the unit statement not read: {rest[:40]}")
        dot = t.find("。", item.body, body_end)
        title_end = dot if dot >= 0 else len(t[:body_end].rstrip("；，、 "))
        # A title on a line of its own, followed by sub-items （1）（2）… (a Shanxi layout), ends at its line.
        sub = next((i for i in sorted(self.line_starts) if item.body < i < title_end and _SUB_ITEM.match(t, i)), None)
        title_end = sub if sub is not None else title_end
        task = Task(
            number=item.number,
            domain_number=domain_number,
            title=t[item.body : title_end],
            text=t[item.body : trailer_end],
            span=self.span(item.start, trailer_end, item.start, trailer_end),
            title_span=self.span(item.body, title_end, item.body, trailer_end),
        )
        year = self.doc.plan_year

        def body_span(s: int, e: int) -> Span:
            return self.span(s, e, item.body, body_end)

        task.deadlines = deadlines.find_deadlines(t, item.body, body_end, year, body_span)
        task.targets = task_facts.find_targets(t, item.body, body_end, body_span)
        task.references = task_facts.find_references(t, item.body, body_end, body_span)
        task.deployment_waits = task_facts.find_deployment_waits(t, item.body, body_end, body_span)
        task.preconditions = task_facts.find_preconditions(t, item.body, body_end, body_span)
        task.systems = task_facts.find_systems(t, item.body, body_end, body_span)
        if year is None and deadlines.needs_plan_year(t, item.body, body_end):
            self.problem(Severity.WARN, loc, "deadline without a year and no plan year: left out")
        if trailer is not None:
            task.unit_layout = trailer.kind
            self.read_trailer(task, trailer, loc)
        if trailer is not None and not task.lead:
            self.problem(Severity.WARN, loc, "no lead unit (牵头单位/牵头部门) found: listed for review")
        return task

    def is_goal_item(self, item: _Item, end: int) -> bool:
        """True for a goal item: titled 工作目标 / 总体目标 … and closed by no unit statement."""
        title_end = min((i for i in (self.t.find("。", item.body, end), self.t.find("：", item.body, end)) if i >= 0),
                        default=end)
        return not self.has_statement(item.body, end) and bool(_GOAL_TITLE.fullmatch(self.t, item.body, title_end))

    def find_trailer(self, lo: int, hi: int, loc: str) -> unit_trailer.Statement | None:
        """Return the last unit statement in ``[lo, hi)``: the task's trailer."""
        found = [s for s in self.statements if lo <= s.start < hi]
        if not found:
            return None
        if len(found) > 1:
            self.problem(Severity.INFO, loc, f"{len(found)} unit statements; the last one is read")
        last = found[-1]
        if last.kind == "parenthesis" and self.t[last.end - 1 : last.end] not in unit_trailer.BRACKETS.values():
            self.problem(Severity.WARN, loc, "unit trailer is not closed by ）")
            last = replace(last, end=max(last.start + 1, min(last.end, len(self.t[:hi].rstrip(" ")))))
        return last

    def renumber(self) -> None:
        """Give restarted numbers document order, keeping the printed ones (IRIs need unique numbers)."""
        doc = self.doc
        if len({d.number for d in doc.domains}) < len(doc.domains):
            first = doc.domains[0].number - 1  # an excerpt may start at domain 4
            for k, d in enumerate(doc.domains, 1):
                d.written_number, d.number = d.number, first + k
            for task in doc.tasks:
                position = self.task_domain.get(id(task))
                task.domain_number = doc.domains[position - 1].number if position else None
            self.problem(Severity.INFO, "structure", "domain numbering restarts: domains numbered in document order")
        if len({t.number for t in doc.tasks}) < len(doc.tasks):
            first = doc.tasks[0].number - 1
            for k, task in enumerate(doc.tasks, 1):
                task.written_number, task.number = task.number, first + k
            self.problem(Severity.INFO, "structure", "task numbering restarts: tasks numbered in document order")
