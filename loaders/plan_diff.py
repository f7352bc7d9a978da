"""What changed between two plans: tasks added, removed and changed, matched by text similarity.

Two plans of the genre (this year's and last year's, or a county's and its province's) rarely keep
task numbers or wording, so tasks are matched by what they say: each task's title and body become a
vector of character n-grams (1–3, the usual choice for Chinese text, which has no word breaks),
weighted by TF-IDF over the tasks of both plans, and compared by cosine similarity (kg.textsim, the
module ``policykg link`` uses too, here with raw term frequency). Pairs are taken
greedily from the most similar down, each task matched at most once, while the similarity reaches
``threshold``. A matched pair is *unchanged* when its text, units and deadlines are the same, else
*changed* (the fields that differ are listed; deadlines compare relative to each plan's year, so
9月底前 in a 2023 and a 2024 plan is the same deadline); what is left is *removed* (only in A) or *added* (only in B).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg.iri import child_iri, iri_for
from kg.namespace import PK
from kg.textsim import TfidfIndex
from loaders.normalize import to_simplified
from loaders.records import PolicyDocument, Task
from loaders.to_rdf import document_iri

DEFAULT_THRESHOLD = 0.35
_WRITTEN_YEAR = re.compile(r"(?:19|20)\d{2}年")
_NGRAMS = (1, 2, 3)


@dataclass(frozen=True)
class TaskChange:
    """One line of a plan comparison: ``kind`` is added, removed, changed or unchanged."""

    kind: str
    old: Task | None
    new: Task | None
    similarity: float = 0.0
    fields: tuple[str, ...] = ()

    def as_row(self) -> dict[str, object]:
        return {
            "change": self.kind,
            "old_task": self.old.number if self.old else None,
            "new_task": self.new.number if self.new else None,
            "similarity": round(self.similarity, 3),
            "changed_fields": "、".join(self.fields),
            "old_title": self.old.title if self.old else "",
            "new_title": self.new.title if self.new else "",
        }


@dataclass
class PlanDiff:
    old: PolicyDocument
    new: PolicyDocument
    changes: list[TaskChange] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        c = Counter(ch.kind for ch in self.changes)
        return {k: c.get(k, 0) for k in ("unchanged", "changed", "added", "removed")}

    def rows(self) -> list[dict[str, object]]:
        return [ch.as_row() for ch in self.changes]


def diff_plans(old: PolicyDocument, new: PolicyDocument, *, threshold: float = DEFAULT_THRESHOLD) -> PlanDiff:
    """Return the task-level differences between ``old`` and ``new`` (rules in the module docstring).

    Example:
        >>> from loaders.policy_doc import parse_policy_document
        >>> a = parse_policy_document("1. 推行企业开办一窗通办。（牵头单位：县审批局）\\n2. 优化纳税服务。（牵头单位：县税务局）", "a")
        >>> b = parse_policy_document("1. 优化纳税缴费服务。（牵头单位：县税务局）\\n2. 推进数字政府建设。（牵头单位：县大数据中心）", "b")
        >>> [(c.kind, c.old and c.old.number, c.new and c.new.number) for c in diff_plans(a, b).changes]
        [('changed', 2, 1), ('removed', 1, None), ('added', None, 2)]
    """
    texts = {("old", i): _text(t) for i, t in enumerate(old.tasks)}
    texts.update({("new", j): _text(t) for j, t in enumerate(new.tasks)})
    index = TfidfIndex(texts, sizes=_NGRAMS, sublinear=False)
    found = index.similar_pairs([("old", i) for i in range(len(old.tasks))],
                                [("new", j) for j in range(len(new.tasks))], threshold=threshold)
    pairs = sorted(((sim, a[1], b[1]) for sim, a, b in found), key=lambda p: (-p[0], p[1], p[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    changes: list[TaskChange] = []
    for sim, i, j in pairs:
        if sim < threshold:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        fields = _changed_fields(old.tasks[i], new.tasks[j], old.plan_year, new.plan_year)
        changes.append(TaskChange("changed" if fields else "unchanged", old.tasks[i], new.tasks[j], sim, fields))
    changes.sort(key=lambda c: c.new.number if c.new else 0)
    changes += [TaskChange("removed", t, None) for i, t in enumerate(old.tasks) if i not in used_a]
    changes += [TaskChange("added", None, t) for j, t in enumerate(new.tasks) if j not in used_b]
    return PlanDiff(old, new, changes)


def _text(task: Task) -> str:
    body = task.text
    return to_simplified(body)


def _relative(task: Task, year: int | None) -> list[object]:
    """Deadlines as compared: a written year stays absolute (2024年6月30日前); one without a year is
    relative to the plan year, so 9月底前 in the 2023 plan and in the 2024 plan is the same deadline."""
    return [
        d.date if _WRITTEN_YEAR.search(d.phrase) else (d.date.year - (year or d.date.year), d.date.month, d.date.day)
        if d.date else d.phrase
        for d in task.deadlines
    ]


def _changed_fields(a: Task, b: Task, year_a: int | None, year_b: int | None) -> tuple[str, ...]:
    checks = {
        "title": (a.title, b.title),
        "lead": (sorted(u.name for u in a.lead), sorted(u.name for u in b.lead)),
        "responsible": (sorted(u.name for u in a.responsible), sorted(u.name for u in b.responsible)),
        "deadlines": (_relative(a, year_a), _relative(b, year_b)),
        "targets": ([t.text for t in a.targets], [t.text for t in b.targets]),
        "text": (a.text, b.text),
    }
    return tuple(name for name, (x, y) in checks.items() if x != y)


def diff_triples(diff: PlanDiff) -> Iterator[tuple[URIRef, URIRef, object]]:
    """The comparison as RDF: a pk:PlanComparison with one pk:TaskChange per line, linking the tasks'
    IRIs in each plan (and prov:wasRevisionOf from the new task to the old one it revises)."""
    a, b = document_iri(diff.old), document_iri(diff.new)
    node = iri_for("comparison", f"{a.rsplit('/', 1)[-1]}..{b.rsplit('/', 1)[-1]}")
    yield (node, RDF.type, PK.PlanComparison)
    yield (node, PK.comparedFrom, a)
    yield (node, PK.comparedTo, b)
    yield (node, RDFS.label, Literal(f"{diff.old.title or diff.old.source} → {diff.new.title or diff.new.source}", lang="zh"))
    for ch in diff.changes:
        key = f"{ch.old.number if ch.old else '-'}-{ch.new.number if ch.new else '-'}"
        c = child_iri(node, "change", key)
        yield (node, PK.hasTaskChange, c)
        yield (c, RDF.type, PK.TaskChange)
        yield (c, PK.changeKind, Literal(ch.kind))
        if ch.old:
            yield (c, PK.fromTask, child_iri(a, "task", ch.old.number))
        if ch.new:
            yield (c, PK.toTask, child_iri(b, "task", ch.new.number))
        if ch.old and ch.new:
            yield (c, PK.similarity, Literal(f"{ch.similarity:.3f}", datatype=XSD.decimal))
            yield (child_iri(b, "task", ch.new.number), PROV.wasRevisionOf, child_iri(a, "task", ch.old.number))
        for f in ch.fields:
            yield (c, PK.changedField, Literal(f))
