"""Precision and recall of a parsed plan against a hand-read answer file, field by field.

The answer file has the shape of ``tests/data/gold-sample.json``: ``document`` (title, doc_number,
issuer, issued, plan_year), ``domains`` (number, label, lead) and ``tasks`` (number, domain, title,
lead, responsible, deadlines [{phrase, date}], references, targets [{text, value, unit, comparator}],
follows_higher_deployment, preconditions). ``"tasks_complete": true`` says every task of the document
is listed; otherwise the file is a sample and only the tasks it lists are scored.

Every field is scored as a set of facts (task number, value): a fact both sides hold is a true
positive, one only the parser holds a false positive, one only the answers hold a false negative.
Strings are compared after NFKC, with whitespace removed and in simplified characters (so answers
may be written as a traditional-character document reads). Units are compared by the organisation
they resolve to in the plan's jurisdiction, so an answer may write 县市场监管局 or 县市场监督管理局.
Deadlines compare by date (open-ended ones by their phrase); targets by value, unit and comparator.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import LoadError
from loaders.normalize import to_simplified
from loaders.organizations import Place, Registry
from loaders.records import PolicyDocument, Task

FIELDS = (
    "title", "doc_number", "issuer", "issued", "plan_year", "domains", "domain_lead", "tasks",
    "task_title", "task_domain", "lead", "responsible", "deadlines", "references", "targets",
    "follows_higher_deployment", "preconditions",
)  # fmt: skip
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class FieldScore:
    """True positives, false positives and false negatives of one field, and the measures from them."""

    field: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_row(self) -> dict[str, Any]:
        return {"field": self.field, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


def load_answers(path: str | Path) -> dict[str, Any]:
    """Read an answer file; raise LoadError naming it when it is not the expected JSON shape."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LoadError(str(path), "", f"cannot read answers: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("tasks", []), list):
        raise LoadError(str(path), "", "answers must be a JSON object with a 'tasks' list")
    return data


def canonical(text: object) -> str:
    """The form strings are compared in: NFKC, no whitespace, simplified characters."""
    return to_simplified(unicodedata.normalize("NFKC", _WS.sub("", str(text))))


def evaluate_document(doc: PolicyDocument, answers: dict[str, Any], *, registry: Registry | None = None,
                      place: Place | None = None) -> list[FieldScore]:
    """Return one :class:`FieldScore` per field in :data:`FIELDS`.

    Args:
        doc: the parsed plan.
        answers: the hand-read answers (see the module docstring).
        registry: resolves unit names on both sides; the bundled registry when None.
        place: the plan's jurisdiction, for resolving its unit names.
    """
    registry = registry or Registry.load()

    def unit(name: str) -> str:
        return canonical(registry.resolve(canonical(name), place=place).name)

    expected = _facts_from_answers(answers, unit)
    complete = bool(answers.get("tasks_complete"))
    listed = {t["number"] for t in answers.get("tasks", [])}
    got = _facts_from_document(doc, unit, None if complete else listed)
    if "domains" not in answers:
        got["domains"] = got["domain_lead"] = set()
    if "document" not in answers:
        for name in ("title", "doc_number", "issuer", "issued", "plan_year"):
            got[name] = set()
    return [_score(f, got.get(f, set()), expected.get(f, set())) for f in FIELDS]


def _score(field: str, got: set, expected: set) -> FieldScore:
    return FieldScore(field, len(got & expected), len(got - expected), len(expected - got))


def _facts_from_answers(a: dict[str, Any], unit: Callable[[str], str]) -> dict[str, set]:
    facts: dict[str, set] = {f: set() for f in FIELDS}
    document = a.get("document") or {}
    for name in ("title", "doc_number", "issued"):
        if document.get(name):
            facts[name].add(canonical(document[name]))
    if document.get("issuer"):
        facts["issuer"].add(canonical(document["issuer"]))
    if document.get("plan_year"):
        facts["plan_year"].add(int(document["plan_year"]))
    for d in a.get("domains") or []:
        facts["domains"].add((d["number"], canonical(d["label"])))
        facts["domain_lead"] |= {(d["number"], unit(u)) for u in d.get("lead") or []}
    for t in a.get("tasks") or []:
        n = t["number"]
        facts["tasks"].add(n)
        facts["task_title"].add((n, canonical(t["title"])))
        facts["task_domain"].add((n, t.get("domain")))
        facts["lead"] |= {(n, unit(u)) for u in t.get("lead") or []}
        facts["responsible"] |= {(n, unit(u)) for u in t.get("responsible") or []}
        facts["deadlines"] |= {(n, d["date"] or canonical(d["phrase"])) for d in t.get("deadlines") or []}
        facts["references"] |= {(n, canonical(r)) for r in t.get("references") or []}
        facts["targets"] |= {(n, float(x["value"]), canonical(x["unit"]), x["comparator"]) for x in t.get("targets") or []}
        if t.get("follows_higher_deployment"):
            facts["follows_higher_deployment"].add(n)
        facts["preconditions"] |= {(n, canonical(p)) for p in t.get("preconditions") or []}
    return facts


def _facts_from_document(doc: PolicyDocument, unit: Callable[[str], str], only: set[int] | None) -> dict[str, set]:
    facts: dict[str, set] = {f: set() for f in FIELDS}
    for name in ("title", "doc_number", "issuer"):
        if getattr(doc, name):
            facts[name].add(canonical(getattr(doc, name)))
    if doc.issued:
        facts["issued"].add(doc.issued.isoformat())
    if doc.plan_year:
        facts["plan_year"].add(doc.plan_year)
    for d in doc.domains:
        facts["domains"].add((d.number, canonical(d.label)))
        facts["domain_lead"] |= {(d.number, unit(u.name)) for u in d.leads}
    tasks: Iterable[Task] = (t for t in doc.tasks if only is None or t.number in only)
    for t in tasks:
        n = t.number
        facts["tasks"].add(n)
        facts["task_title"].add((n, canonical(t.title)))
        facts["task_domain"].add((n, t.domain_number))
        facts["lead"] |= {(n, unit(u.name)) for u in t.lead}
        facts["responsible"] |= {(n, unit(u.name)) for u in t.responsible}
        facts["deadlines"] |= {(n, d.date.isoformat() if d.date else canonical(d.phrase)) for d in t.deadlines}
        facts["references"] |= {(n, canonical(r.label)) for r in t.references}
        facts["targets"] |= {(n, float(x.value), canonical(x.unit), x.comparator) for x in t.targets}
        if t.follows_higher_deployment:
            facts["follows_higher_deployment"].add(n)
        facts["preconditions"] |= {(n, canonical(p.label)) for p in t.preconditions}
    return facts


def total(scores: list[FieldScore]) -> FieldScore:
    """All fields' facts pooled: a single micro-averaged score."""
    return FieldScore("all", sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores))
