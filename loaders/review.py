"""The review loop: the extractions a person should check, written so that a fix becomes a correction.

An item is listed when a general rule made a guess rather than a reading:

* the parser reported a problem (a warning or an error) on a task, domain or the header;
* a lead read from a 责任单位-only list by the plan's convention (``lead_inferred``);
* a unit name the organisation registry does not know (a typo, an abbreviation, or a new body);
* a unit name so long it may be two names run together (no separator between them);
* a title cited without 《》 (the title's extent is a rule's guess);
* a plain count read as a target (``=``: no comparator word said so);
* a task title longer than a heading usually is (the heading sentence may have lost its 。).

Each item carries a ``correction`` stub in the format of :mod:`loaders.corrections`: copy it to
``corrections/<plan>.yaml``, edit the values, and every later build applies it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from loaders.organizations import Place, Registry
from loaders.records import PolicyDocument, Severity, Span, Task

_LONG_NAME = 22
_LONG_TITLE = 45


@dataclass(frozen=True)
class ReviewItem:
    """One extraction to check."""

    task: int | None
    field: str
    value: str
    reason: str
    evidence: str
    correction: dict[str, Any] | None = None
    span: Span | None = None  # where in the text; a point (start == end) when only an offset is known


def review_items(doc: PolicyDocument, *, registry: Registry | None = None, place: Place | None = None) -> list[ReviewItem]:
    """Return the low-confidence extractions of ``doc`` (rules in the module docstring), in task order."""
    registry = registry or Registry.load()
    items: list[ReviewItem] = []
    by_number = {t.number: t for t in doc.tasks}
    for p in doc.problems:
        if p.severity is Severity.INFO:
            continue
        task = _task_of(p.locator, by_number)
        items.append(ReviewItem(task.number if task else None, "problem", p.locator, f"{p.severity.value}: {p.message}",
                                task.span.sentence if task else "", _stub(task) if task else None,
                                task.span if task else _point(p.locator)))
    for t in doc.tasks:
        stub = _stub(t)
        if t.lead_inferred:
            items.append(ReviewItem(t.number, "lead", "、".join(u.name for u in t.lead),
                                    "only 责任单位 given: lead read by the plan's convention", t.responsible_raw or "", stub,
                                    _covering(doc.text, [u.span for u in t.lead]) or t.span))
        for u in t.lead + t.responsible:
            org = registry.resolve(u.name, place=place)
            if not org.known:
                items.append(ReviewItem(t.number, u.role.value, u.name, "not in the organisation registry "
                                        f"(kept as a new {org.kind})", u.span.sentence, stub, u.span))
            if len(u.name) > _LONG_NAME and not org.collective:
                items.append(ReviewItem(t.number, u.role.value, u.name, "long name: two units run together?",
                                        u.span.sentence, stub, u.span))
        for r in t.references:
            if r.kind == "title" and not r.span.text.startswith("《"):
                items.append(ReviewItem(t.number, "references", r.label, "title cited without 《》: check its extent",
                                        r.span.sentence, stub, r.span))
        for x in t.targets:
            if x.comparator == "=":
                items.append(ReviewItem(t.number, "targets", x.text, "plain count read as a target", x.span.sentence,
                                        stub, x.span))
        if len(t.title) > _LONG_TITLE:
            items.append(ReviewItem(t.number, "title", t.title, "long title: did the heading lose its 。?",
                                    t.title_span.sentence, stub, t.title_span))
    return sorted(items, key=lambda i: (i.task is None, i.task or 0))


def _task_of(locator: str, by_number: dict[int, Task]) -> Task | None:
    if locator.startswith("task "):
        try:
            return by_number.get(int(locator.split()[1]))
        except ValueError:
            return None
    return None


def _point(locator: str) -> Span | None:
    """The place an "offset N" locator names, as an empty span (the reader knows where, not how far)."""
    if locator.startswith("offset "):
        try:
            at = int(locator.split()[1])
        except ValueError:
            return None
        return Span(at, at, "")
    return None


def _covering(text: str, spans: list[Span]) -> Span | None:
    """The stretch of ``text`` from the first of ``spans`` to the end of the last."""
    if not spans:
        return None
    first, last = min(spans, key=lambda s: s.start), max(spans, key=lambda s: s.end)
    return Span(first.start, last.end, text[first.start:last.end], first.sentence)


def _stub(t: Task) -> dict[str, Any]:
    """A corrections entry holding what was read, ready to be edited."""
    return {
        "task": t.number,
        "expect_title": t.title,
        "lead": [u.name for u in t.lead],
        "responsible": [u.name for u in t.responsible],
        "deadlines": [{"phrase": d.phrase, "date": d.date.isoformat() if d.date else None} for d in t.deadlines],
    }


def write_review(doc: PolicyDocument, items: list[ReviewItem], path: str | Path) -> Path:
    """Write ``items`` as YAML (with correction stubs, header ``document:``) or CSV, by the suffix of ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["task", "field", "value", "reason", "evidence"])
        writer.writeheader()
        for item in items:
            row = asdict(item)
            row.pop("correction")
            row.pop("span")
            writer.writerow(row)
        path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")  # BOM: Excel opens it as UTF-8
        return path
    data = {
        "document": Path(doc.source).name,
        "about": "Extractions to check. Copy a 'correction' into corrections/<plan>.yaml (under 'tasks:'), "
                 "edit it, and rebuild: corrections are applied on every build.",
        "items": [{k: v for k, v in asdict(i).items() if k != "span"} for i in items],
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return path
