"""Parse a 实施方案 / 行动方案 into a :class:`~loaders.records.PolicyDocument`, by the rules of the genre.

The genre: a 通知 header (``X关于印发《title》的通知``, the 文号, addressees, the signer and date), then
the plan in top-level sections ``一、二、三、…``. One of them (重点任务) holds the work: domain headings
``（一）开办企业。（领域牵头部门：…）``, each followed by numbered tasks ``1. heading。body（牵头单位：…；
责任单位：…）``. Other sections (工作原则, 保障措施) also number paragraphs ``（一）…``; they are not
domains, so domains and tasks are read only in the section(s) whose numbered items look like tasks.

Matching runs on the normalized text (:mod:`loaders.normalize`: PDF line breaks gone, punctuation
folded), and every span is mapped back to the original text. The structure is read with sequence
checks rather than trust in line layout, since a PDF extraction runs tasks together on one line:

* top-level sections must count 一, 二, 三 … in order and start a line or follow 。 or ）;
* a domain heading （N） must carry the next domain number and be followed directly by a task or
  another heading;
* a task number must be the next number (or 1 again just after a new domain heading: some plans
  restart per domain); a small jump is accepted with a warning.

Helpers by topic: :mod:`loaders.doc_header` (title, 文号, issuer, date), :mod:`loaders.unit_trailer`
(the labelled unit parentheses), :mod:`loaders.task_facts` (deadlines, targets, references, waits,
preconditions). Whatever cannot be placed becomes a :class:`~loaders.records.Problem` in
``doc.problems`` (with a locator such as ``task 37`` or ``offset 1234``); nothing is dropped silently.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import LoadError
from loaders import task_facts, unit_trailer
from loaders.doc_header import read_header
from loaders.normalize import NormalizedText, normalize
from loaders.organizations import split_unit_list
from loaders.records import Domain, PolicyDocument, Problem, Role, Severity, Span, Task, UnitMention
from loaders.textfile import read_plan_text

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_BOUNDARY_BEFORE = "。）；！？ "
_SECTION_RE = re.compile(r"([一二三四五六七八九十]{1,3})、(?=[^\W\d_])")
_DOMAIN_RE = re.compile(r"（([零〇一二两三四五六七八九十百]{1,5})）")
_TASK_RE = re.compile(r"(?<![\d.])(\d{1,3})[.、](?=[^\W\d_]|[“《（])")
_MAX_DOMAIN_LABEL = 40
_MAX_TASK_GAP = 3


def load_policy_document(path: str | Path) -> PolicyDocument:
    """Read a plan file in whatever encoding it has and parse it.

    Args:
        path: the plan's text file.

    Returns:
        The parsed document; ``encoding`` says how the file was decoded.

    Raises:
        LoadError: the file cannot be read (see :func:`loaders.textfile.read_plan_text`) or has no
            numbered tasks.
    """
    text, encoding = read_plan_text(path)
    doc = parse_policy_document(text, str(path))
    doc.encoding = encoding
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


@dataclass(frozen=True)
class _Item:
    """An accepted heading: a domain （N） or a task N., at normalized ``start``; ``body`` follows its marker."""

    kind: str  # "domain" | "task"
    number: int
    start: int
    body: int
    heading_end: int = 0  # domains: end of label, 。 and lead parenthesis


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.nt: NormalizedText = normalize(text)
        self.t = self.nt.text
        self.doc = PolicyDocument(source=source, text=text)

    # -- helpers ------------------------------------------------------------------------------

    def problem(self, severity: Severity, locator: str, message: str) -> None:
        self.doc.problems.append(Problem(severity, self.doc.source, locator, message))

    def span(self, start: int, end: int, lo: int, hi: int, *, whole: bool = False) -> Span:
        """Span for normalized ``[start, end)``; its sentence is taken within the container ``[lo, hi)``."""
        s, e = self.nt.source_range(start, end)
        if whole:
            sentence = self.t[lo:hi]
        else:
            a, b = task_facts.sentence_bounds(self.t, lo, hi, start, end)
            sentence = self.t[a:b]
        return Span(s, e, self.doc.text[s:e], sentence)

    def at_boundary(self, i: int, lo: int = 0) -> bool:
        """True where a heading may start: region start, after 。）；, or at a line start in the source."""
        if i <= lo:
            return True
        if self.t[i - 1] in _BOUNDARY_BEFORE:
            return True
        gap = self.doc.text[self.nt.offsets[i - 1] + 1 : self.nt.offsets[i]]
        return "\n" in gap or "\r" in gap

    def o(self, i: int) -> str:
        return f"offset {self.nt.source_offset(i)}"

    # -- the whole document --------------------------------------------------------------------

    def parse(self) -> PolicyDocument:
        sections = self.find_sections()
        header_end = sections[0][1] if sections else len(self.t)
        self.read_header(header_end)
        regions = self.task_regions(sections)
        for lo, hi in regions:
            self.read_region(lo, hi)
        if not self.doc.tasks:
            raise LoadError(
                self.doc.source, "", "no numbered tasks found (expected items like '1. …（牵头单位：…）')"
            )
        return self.doc

    def find_sections(self) -> list[tuple[int, int, int]]:
        """Return top-level sections as ``(number, start, end)`` in normalized offsets."""
        # The longest run of consecutive numbers wins, so an excerpt may start at 三、 and a stray
        # "一、二类" at a line start does not break the real sequence.
        found = [
            (chinese_numeral(m.group(1)), m.start())
            for m in _SECTION_RE.finditer(self.t)
            if self.at_boundary(m.start())
        ]
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
        """Return the stretches holding domains and tasks: the section with most task-like items, and any
        following sections whose numbering continues it."""
        if not sections:
            return [(0, len(self.t))]
        numbers = [self.task_numbers(lo, hi) for _, lo, hi in sections]
        best = max(range(len(sections)), key=lambda k: len(numbers[k]))
        if not numbers[best]:
            return [(0, len(self.t))]
        chosen = [best]
        while chosen[-1] + 1 < len(sections):
            following = numbers[chosen[-1] + 1]
            if not following or following[0] != max(numbers[chosen[-1]]) + 1:
                break
            chosen.append(chosen[-1] + 1)
        return [(sections[k][1], sections[k][2]) for k in chosen]

    def task_numbers(self, lo: int, hi: int) -> list[int]:
        return [int(m.group(1)) for m in _TASK_RE.finditer(self.t, lo, hi) if self.at_boundary(m.start(), lo)]

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

    # -- domains and tasks --------------------------------------------------------------------

    def read_region(self, lo: int, hi: int) -> None:
        items = self.accept_items(lo, hi)
        domain: Domain | None = None
        for k, item in enumerate(items):
            end = items[k + 1].start if k + 1 < len(items) else hi
            if item.kind == "domain":
                domain = self.read_domain(item)
                self.doc.domains.append(domain)
            else:
                if domain is None:
                    self.problem(Severity.WARN, f"task {item.number}", "task comes before any domain heading")
                self.doc.tasks.append(self.read_task(item, end, domain.number if domain else None))

    def accept_items(self, lo: int, hi: int) -> list[_Item]:
        """Return the domain headings and tasks of ``[lo, hi)`` that fit the numbering sequences.

        A task's text runs to its unit trailer, so a numbered item before the open task's trailer
        (a sub-list ``；2.…；3.…`` inside a task) is part of that task, unless the trailer is missing
        and the item is the next task number with no later copy of that number after a trailer.
        """
        t = self.t
        tasks = [m for m in _TASK_RE.finditer(t, lo, hi) if self.at_boundary(m.start(), lo)]
        domains = [m for m in _DOMAIN_RE.finditer(t, lo, hi) if self.at_boundary(m.start(), lo)]
        starts = {m.start() for m in tasks} | {m.start() for m in domains}
        trailers = [start for start, _ in unit_trailer.find_unit_parentheses(t, lo, hi)]

        def trailer_between(a: int, b: int) -> bool:
            k = bisect.bisect_left(trailers, a)
            return k < len(trailers) and trailers[k] < b

        last_task, last_domain = self.numbering_starts(tasks, domains, hi, starts)
        accepted: list[_Item] = []
        covered = lo  # inside an accepted domain heading nothing else starts
        for m in sorted(tasks + domains, key=lambda m: m.start()):
            if m.start() < covered:
                continue
            if m.re is _DOMAIN_RE:
                number = chinese_numeral(m.group(1))
                heading_end = self.domain_heading_end(m.end(), hi, starts)
                followed = heading_end >= hi or heading_end in starts
                if number == last_domain + 1 and followed and heading_end > m.end():
                    accepted.append(_Item("domain", number, m.start(), m.end(), heading_end))
                    last_domain, covered = number, heading_end
                elif followed and number:
                    message = f"heading （{m.group(1)}） out of sequence after domain {last_domain}"
                    self.problem(Severity.WARN, self.o(m.start()), message)
                continue
            number = int(m.group(1))
            expected = number == last_task + 1 or (
                number == 1 and bool(accepted) and accepted[-1].kind == "domain"
            )
            open_task = accepted[-1] if accepted and accepted[-1].kind == "task" else None
            if open_task and not trailer_between(open_task.body, m.start()):
                later = any(
                    int(n.group(1)) == number and trailer_between(m.start(), n.start())
                    for n in tasks
                    if n.start() > m.start()
                )
                if not expected or later:
                    message = (
                        f"numbered item {number}. comes before the unit trailer: read as part of the task"
                    )
                    self.problem(Severity.INFO, f"task {open_task.number}", message)
                    continue
            if not expected:
                if not last_task + 1 < number <= last_task + _MAX_TASK_GAP:
                    message = f"numbered item {number}. not attached: expected task {last_task + 1}"
                    self.problem(Severity.WARN, self.o(m.start()), message)
                    continue
                missing = ", ".join(str(n) for n in range(last_task + 1, number))
                self.problem(Severity.WARN, f"task {number}", f"numbering skips task(s) {missing}")
            accepted.append(_Item("task", number, m.start(), m.end()))
            last_task = number
        return accepted

    def numbering_starts(
        self, tasks: list[re.Match[str]], domains: list[re.Match[str]], hi: int, starts: set[int]
    ) -> tuple[int, int]:
        """Return the task and domain numbers just before this region's first ones.

        1 in a whole plan, later in an excerpt (the longest consecutive run decides); a region that
        continues an earlier one continues its numbering.
        """
        if self.doc.tasks:
            last_task = self.doc.tasks[-1].number
        else:
            last_task = _sequence_start([int(m.group(1)) for m in tasks]) - 1
        if self.doc.domains:
            return last_task, self.doc.domains[-1].number
        ends = [(m, self.domain_heading_end(m.end(), hi, starts)) for m in domains]
        followed = [chinese_numeral(m.group(1)) for m, end in ends if end in starts or end >= hi]
        return last_task, _sequence_start(followed) - 1

    def domain_label_end(self, after_marker: int, hi: int, starts: set[int]) -> int:
        """End of a domain heading's label: its 。, its unit parenthesis or the next item, whichever is first."""
        t = self.t
        limit = min(hi, after_marker + _MAX_DOMAIN_LABEL)
        end = limit
        dot = t.find("。", after_marker, limit)
        if dot >= 0:
            end = dot
        units = unit_trailer.find_unit_parentheses(t, after_marker, end)
        if units:
            end = units[0][0]
        return min([end, *(s for s in starts if after_marker < s < end)])

    def domain_heading_end(self, after_marker: int, hi: int, starts: set[int]) -> int:
        """End of a domain heading: the label, its 。, then its lead parenthesis （领域牵头部门：…）."""
        t = self.t
        end = self.domain_label_end(after_marker, hi, starts)
        if end < hi and t[end] == "。":
            end += 1
        if end < hi and unit_trailer.starts_unit_parenthesis(t, end):
            close = task_facts.matching_close(t, end, hi, "（", "）")
            end = close if close is not None else end
        return end

    def read_domain(self, item: _Item) -> Domain:
        t = self.t
        lo, hi = item.start, item.heading_end
        label_end = self.domain_label_end(item.body, hi, set())
        domain = Domain(item.number, t[item.body : label_end], self.span(lo, hi, lo, hi, whole=True))
        for paren, end in unit_trailer.find_unit_parentheses(t, label_end, hi):
            for f in self.read_fields(paren, end or hi, f"domain {item.number}"):
                if f.role is Role.LEAD:
                    domain.leads.extend(self.units(f.start, f.end, Role.DOMAIN_LEAD, paren, end or hi))
        if not domain.leads:
            self.problem(Severity.INFO, f"domain {item.number}", "heading names no 领域牵头 unit")
        return domain

    def read_task(self, item: _Item, end: int, domain_number: int | None) -> Task:
        t, loc = self.t, f"task {item.number}"
        trailer = self.find_trailer(item.body, end, loc)
        if trailer is None:
            self.problem(Severity.ERROR, loc, "no unit trailer （牵头单位：…） found")
            body_end = trailer_end = max(item.body, len(t[:end].rstrip(" ")))
        else:
            body_end, trailer_end = trailer
            rest = t[trailer_end:end].strip()
            if rest:
                self.problem(Severity.WARN, loc, f"text after the unit trailer not read: {rest[:40]}")
        dot = t.find("。", item.body, body_end)
        title_end = dot if dot >= 0 else body_end
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

        task.deadlines = task_facts.find_deadlines(t, item.body, body_end, year, body_span)
        task.targets = task_facts.find_targets(t, item.body, body_end, body_span)
        task.references = task_facts.find_references(t, item.body, body_end, body_span)
        task.deployment_waits = task_facts.find_deployment_waits(t, item.body, body_end, body_span)
        task.preconditions = task_facts.find_preconditions(t, item.body, body_end, body_span)
        if year is None and task_facts.needs_plan_year(t, item.body, body_end):
            self.problem(Severity.WARN, loc, "deadline without a year and no plan year: left out")
        if trailer is not None:
            self.read_trailer(task, body_end, trailer_end, loc)
        if not task.lead:
            self.problem(Severity.ERROR, loc, "no lead unit (牵头单位/牵头部门) found")
        return task

    def find_trailer(self, lo: int, hi: int, loc: str) -> tuple[int, int] | None:
        """Return ``(open, end)`` of the last unit parenthesis in ``[lo, hi)``: the task's trailer."""
        found = unit_trailer.find_unit_parentheses(self.t, lo, hi)
        if not found:
            return None
        if len(found) > 1:
            self.problem(Severity.INFO, loc, f"{len(found)} unit parentheses; the last one is read")
        start, end = found[-1]
        if end is None:
            self.problem(Severity.WARN, loc, "unit trailer is not closed by ）")
            end = max(start + 1, len(self.t[:hi].rstrip(" ")))
        return start, end

    def read_trailer(self, task: Task, lo: int, hi: int, loc: str) -> None:
        def trailer_span(s: int, e: int) -> Span:
            return self.span(s, e, lo, hi, whole=True)

        raws: dict[Role, list[str]] = {Role.LEAD: [], Role.RESPONSIBLE: []}
        for f in self.read_fields(lo, hi, loc):
            if f.role is None:  # a time-limit field: a dated deadline, or an open one (长期坚持)
                found = task_facts.find_deadlines(self.t, f.start, f.end, self.doc.plan_year, trailer_span)
                open_ended = (
                    None if found else task_facts.find_open_deadline(self.t, f.start, f.end, trailer_span)
                )
                task.deadlines.extend(found or ([open_ended] if open_ended else []))
                continue
            mentions = self.units(f.start, f.end, f.role, lo, hi)
            (task.lead if f.role is Role.LEAD else task.responsible).extend(mentions)
            raws[f.role].append(self.t[f.start : f.end])
        task.lead_raw = "；".join(raws[Role.LEAD]) or None
        task.responsible_raw = "；".join(raws[Role.RESPONSIBLE]) or None

    def read_fields(self, open_paren: int, end: int, loc: str) -> list[unit_trailer.Field]:
        fields = unit_trailer.read_fields(self.t, open_paren, end)
        for f in fields:
            if f.written != f.label:
                self.problem(Severity.INFO, loc, f"label written {f.written}: read as {f.label}")
        return fields

    def units(self, start: int, end: int, role: Role, lo: int, hi: int) -> list[UnitMention]:
        """The unit mentions of the list ``text[start:end]``, split by the organisation registry's rules."""
        raw = self.t[start:end]
        mentions = []
        for s, e in split_unit_list(raw):
            while s < e and raw[s].isspace():
                s += 1
            while e > s and raw[e - 1].isspace():
                e -= 1
            if s < e:
                span = self.span(start + s, start + e, lo, hi, whole=True)
                mentions.append(UnitMention(raw[s:e], role, span))
        return mentions


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


def _sequence_start(numbers: list[int]) -> int:
    """Return the first number of the longest run n, n+1, n+2 … in ``numbers`` (in order; others may
    come between); 1 if there are none.

    Example:
        >>> _sequence_start([7, 31, 2, 32, 33, 9])
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
