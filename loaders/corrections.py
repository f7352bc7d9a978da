"""Human corrections, kept beside the plans and applied on every build, so a fix is never lost.

A corrections file is YAML (``corrections/*.yaml`` next to the plan, or given with ``--corrections``)::

    document: juye-2023-business-environment.txt   # the plan's file name, or its 文号
    document_facts: {issuer: 巨野县人民政府}          # title, doc_number, issuer, issued, plan_year
    domains:
      - domain: 3
        label: 获得电力
        lead: [县发展和改革局, 县供电公司]
    tasks:
      - task: 29
        expect_title: 快速响应居住区充电设施用电需求  # guard: skipped and reported if the task reads otherwise
        lead: [县发展和改革局, 县供电公司]          # replaces the parsed list
        responsible: [县消防救援大队]
        deadlines: [{phrase: 9月底前, date: 2023-09-30}]  # or open-ended: {phrase: 长期坚持}
        references: [山东省电子印章应用管理办法]
        follows_higher_deployment: false
        title: …
      - task: 12
        drop: true                                  # not a task

Every field given replaces the parsed one; a corrected fact points at the whole task (or domain)
as its evidence, since a person, not a rule, placed it. Each applied or skipped correction is
reported as a problem (info / warn) naming the corrections file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kg.errors import LoadError
from loaders.deadlines import find_deadlines
from loaders.records import (
    Deadline,
    DeadlineKind,
    DeploymentWait,
    PolicyDocument,
    Problem,
    Reference,
    Role,
    Severity,
    UnitMention,
)

_DOC_FIELDS = ("title", "doc_number", "issuer", "issued", "plan_year")
_TASK_FIELDS = frozenset({"task", "expect_title", "lead", "responsible", "deadlines", "references",
                          "follows_higher_deployment", "title", "drop", "note"})


@dataclass(frozen=True)
class Corrections:
    """The corrections of one file, for one document."""

    path: str
    document: str
    data: dict[str, Any]

    def applies_to(self, doc: PolicyDocument) -> bool:
        return self.document in (Path(doc.source).name, doc.doc_number)


def load_corrections(path: str | Path) -> Corrections:
    """Read one corrections file; raise LoadError naming it when it is malformed."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LoadError(str(path), "", f"cannot read corrections: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("document"), str):
        raise LoadError(str(path), "", "a corrections file needs 'document: <file name or 文号>'")
    for k, entry in enumerate(data.get("tasks") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("task"), int):
            raise LoadError(str(path), f"tasks[{k}]", "each task correction needs 'task: <number>'")
        if unknown := set(entry) - _TASK_FIELDS:
            raise LoadError(str(path), f"task {entry['task']}", f"unknown field(s) {sorted(unknown)}")
    return Corrections(str(path), data["document"], data)


def corrections_for(plan: Path, extra: list[Corrections]) -> list[Corrections]:
    """The corrections that may apply to ``plan``: those in ``corrections/`` beside it, and ``extra``.

    Which of them do is decided after parsing (:meth:`Corrections.applies_to`: file name or 文号).
    """
    return [load_corrections(p) for p in sorted((plan.parent / "corrections").glob("*.y*ml"))] + list(extra)


def apply_corrections(doc: PolicyDocument, corrections: list[Corrections]) -> None:
    """Apply every correction meant for ``doc`` in place, reporting each in ``doc.problems``."""
    for c in corrections:
        if not c.applies_to(doc):
            continue
        facts = c.data.get("document_facts") or {}
        for name in _DOC_FIELDS:
            if name in facts:
                value = facts[name]
                setattr(doc, name, date.fromisoformat(str(value)) if name == "issued" and value else value)
                _note(doc, c, "header", f"{name} set to {value}")
        for entry in c.data.get("domains") or []:
            _correct_domain(doc, c, entry)
        dropped = set()
        for entry in c.data.get("tasks") or []:
            task = next((t for t in doc.tasks if t.number == entry["task"]), None)
            loc = f"task {entry['task']}"
            if task is None:
                _note(doc, c, loc, "no such task: correction not applied", Severity.WARN)
                continue
            if entry.get("expect_title") and entry["expect_title"] != task.title:
                _note(doc, c, loc, f"task now reads {task.title!r}, not {entry['expect_title']!r}: "
                      "correction not applied (stale)", Severity.WARN)
                continue
            if entry.get("drop"):
                dropped.add(task.number)
                _note(doc, c, loc, "dropped (not a task)")
                continue
            _correct_task(task, entry)
            _note(doc, c, loc, "corrected: " + ", ".join(k for k in entry if k not in ("task", "expect_title", "note")))
        doc.tasks = [t for t in doc.tasks if t.number not in dropped]


def _correct_domain(doc: PolicyDocument, c: Corrections, entry: dict[str, Any]) -> None:
    domain = next((d for d in doc.domains if d.number == entry.get("domain")), None)
    if domain is None:
        _note(doc, c, f"domain {entry.get('domain')}", "no such domain: correction not applied", Severity.WARN)
        return
    if "label" in entry:
        domain.label = str(entry["label"])
    if "lead" in entry:
        domain.leads = [UnitMention(str(n), Role.DOMAIN_LEAD, domain.span) for n in entry["lead"] or []]
    _note(doc, c, f"domain {domain.number}", "corrected")


def _correct_task(task, entry: dict[str, Any]) -> None:
    if "title" in entry:
        task.title = str(entry["title"])
    if "lead" in entry:
        task.lead = [UnitMention(str(n), Role.LEAD, task.span) for n in entry["lead"] or []]
        task.lead_raw = "、".join(map(str, entry["lead"] or [])) or None
        task.lead_inferred = False
    if "responsible" in entry:
        task.responsible = [UnitMention(str(n), Role.RESPONSIBLE, task.span) for n in entry["responsible"] or []]
        task.responsible_raw = "、".join(map(str, entry["responsible"] or [])) or None
    if "deadlines" in entry:
        task.deadlines = [_deadline(d, task.span) for d in entry["deadlines"] or []]
    if "references" in entry:
        task.references = [Reference(str(r), "title", task.span) for r in entry["references"] or []]
    if "follows_higher_deployment" in entry:
        if not entry["follows_higher_deployment"]:
            task.deployment_waits = []
        elif not task.deployment_waits:
            task.deployment_waits = [DeploymentWait("（人工校正）", (), task.span)]


def _deadline(d: Any, span) -> Deadline:
    if isinstance(d, str):
        d = {"phrase": d}
    phrase = str(d.get("phrase", ""))
    when = d.get("date")
    if when is None:
        parsed = find_deadlines(phrase, 0, len(phrase), None, lambda s, e: span, field=True)
        if parsed and parsed[0].date:
            return Deadline(phrase, parsed[0].kind, parsed[0].date, span)
        return Deadline(phrase, DeadlineKind.OPEN, None, span)
    when = date.fromisoformat(str(when))
    parsed = find_deadlines(phrase, 0, len(phrase), when.year, lambda s, e: span, field=True)
    kind = parsed[0].kind if parsed else DeadlineKind.DAY
    return Deadline(phrase, kind, when, span)


def _note(doc: PolicyDocument, c: Corrections, locator: str, message: str, severity: Severity = Severity.INFO) -> None:
    doc.problems.append(Problem(severity, doc.source, locator, f"{message} [{Path(c.path).name}]"))
