"""The plan, read: a document's own text with every fact the graph holds marked where it was read.

Turns the rows of the saved query ``document_marks`` into :class:`viz.marks.Mark` s — tasks as
containers (an anchor ``#task-N`` other pages link to), units, deadlines, references, targets,
waits, preconditions and domain headings as links to their pages — and the review notes into
dashed passages with a ⚠ that links to the side list. Which kind a fact is comes from its class
in the ontology; a class this module does not know is still marked, under its own name.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from kg.namespace import PK
from kg.vocab import concept, role_notation
from viz.links import href_for
from viz.marks import Mark, render_marked

# Known fact classes → data-fact kind, most specific first; (order: outer first at equal extent).
KINDS = {
    str(PK.Task): ("task", 0), str(PK.Domain): ("domain", 1), str(PK.ReviewNote): ("review", 2),
    str(PK.DeploymentWait): ("wait", 3), str(PK.Precondition): ("precondition", 3),
    str(PK.PolicyReference): ("reference", 4), str(PK.Target): ("target", 5), str(PK.Deadline): ("deadline", 5),
    str(PK.Assignment): ("assignment", 6),
}
# What the kinds are called on the page (legend and tooltips).
KIND_NAMES = {
    "task": ("任务", "task"), "domain": ("领域", "domain"), "lead": ("牵头单位", "lead unit"),
    "responsible": ("责任单位", "responsible unit"), "domain_lead": ("领域牵头部门", "domain lead"),
    "deadline": ("完成时限", "deadline"), "reference": ("引用文件", "cited document"), "target": ("量化指标", "target"),
    "wait": ("等待上级部署", "waits on a higher level"), "precondition": ("前置条件", "precondition"),
    "review": ("待核对", "to check"),
}


@dataclass(frozen=True)
class ReviewEntry:
    """One item of the review queue beside the text."""

    anchor: str
    task: int | None
    task_href: str | None
    field: str
    value: str
    reason: str
    placed: bool


@dataclass(frozen=True)
class PlanMarks:
    """The marks of one document and its review queue."""

    marks: list[Mark]
    review: list[ReviewEntry]
    tasks: dict[int, tuple[int, int]]  # task number → its passage (start, end)


def plan_marks(rows: list[dict[str, Any]], text: str, notes: list[dict[str, Any]] | None = None) -> PlanMarks:
    """Return the marks for ``text`` from ``document_marks`` rows of one document.

    ``notes`` are the document's ``document_review`` rows: the review queue lists them all, those
    the reader could place nowhere (a missing title in the header) too; without them the queue
    holds the notes that have a passage.

    Example:
        >>> rows = [{"fact": "https://w3id.org/policykg/id/d/task/1", "class": str(PK.Task), "start": 0, "end": 3,
        ...          "number": 1, "title": "甲"}]
        >>> [(m.kind, m.task) for m in plan_marks(rows, "甲。乙").marks]
        [('task', 1), ('', 1)]
    """
    facts = _facts(rows)
    task_spans = sorted((r["start"], r["end"], int(r["number"])) for r in facts
                        if r["kind"] == "task" and r.get("number") is not None)
    starts = [s for s, _, _ in task_spans]

    def task_at(pos: int) -> int | None:
        i = bisect_right(starts, pos) - 1
        return task_spans[i][2] if i >= 0 and pos < max(task_spans[i][1], task_spans[i][0] + 1) else None

    marks: list[Mark] = []
    review: list[ReviewEntry] = []
    anchors = {n["note"]: f"review-{i}" for i, n in enumerate(notes or [], 1)}
    for r in facts:
        kind, start, end = r["kind"], r["start"], r["end"]
        key = f"{r['fact']}#{start}-{end}"
        task = int(r["number"]) if kind == "task" else task_at(start)
        if kind == "task":
            marks.append(Mark(start, end, "task", task, href_for(r["fact"]), r.get("label") or "", key,
                              container=True, order=r["order"], element_id=f"task-{task}"))
            marks.append(_title_link(text, r, task))
        elif kind == "review":
            anchor = anchors.get(r["fact"]) or f"review-{len(anchors) + len(review) + 1}"
            whole_task = task is not None and (start, end) in {(s, e) for s, e, n in task_spans if n == task}
            spans = end > start and not whole_task
            if spans:
                marks.append(Mark(start, end, "review", task, None, r.get("reason") or "", key, container=True,
                                  attrs=(("data-field", r.get("field") or ""),), order=r["order"]))
            # A ⚠ links the place to the queue; where no passage is marked, it is the review mark itself.
            marks.append(Mark(start, start, "" if spans else "review", task, f"#{anchor}",
                              f"⚠ {r.get('reason') or ''}", "" if spans else key, order=99,
                              attrs=() if spans else (("data-field", r.get("field") or ""),), element_id=f"at-{anchor}"))
            if notes is None:
                review.append(ReviewEntry(anchor, task, f"#task-{task}" if task is not None else None,
                                          r.get("field") or "", r.get("label") or "", r.get("reason") or "", True))
        else:
            is_role = concept(PK.Role, kind) is not None
            target = r.get("agent") if is_role else r["fact"]
            title = r.get("agent_label") if is_role else r.get("label")
            marks.append(Mark(start, end, kind, task, href_for(target) if target else None, title or "", key,
                              attrs=(("data-iri", r["fact"]),), order=r["order"]))
    for n in notes or []:
        task = int(n["task_number"]) if n.get("task_number") is not None else None
        review.append(ReviewEntry(anchors[n["note"]], task, f"#task-{task}" if task is not None else None,
                                  n.get("field") or "", n.get("label") or "", n.get("reason") or "",
                                  n.get("start") is not None))
    return PlanMarks(marks, review, {n: (s, e) for s, e, n in task_spans})


def _facts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (fact, passage), with its kind: a fact of several classes keeps the most specific."""
    best: dict[tuple[str, int, int], dict[str, Any]] = {}
    for r in rows:
        cls = r["class"]
        kind, order = KINDS.get(cls, (cls.rsplit("#", 1)[-1].lower(), 7))
        if kind == "assignment":
            kind = role_notation(r.get("role")) or "assignment"
        k = (r["fact"], r["start"], r["end"])
        known = cls in KINDS
        if k not in best or (known and not best[k]["known"]):
            best[k] = {**r, "kind": kind, "order": order, "known": known}
    return sorted(best.values(), key=lambda r: (r["start"], -r["end"], r["order"], r["fact"]))


def _title_link(text: str, row: dict[str, Any], task: int) -> Mark:
    """A link to the task's page over its number and title, where the title is found verbatim."""
    start, end = row["start"], row["end"]
    title = row.get("title") or ""
    at = text.find(title, start, end) if title else -1
    stop = at + len(title) if at >= 0 else start
    return Mark(start, stop, "", task, href_for(row["fact"]), row.get("label") or f"task {task}", order=98)


def render_plan(text: str, marks: PlanMarks, *, lo: int = 0, hi: int | None = None) -> str:
    """Return ``text[lo:hi]`` as HTML with the marks in place (escaped text, well-formed nesting)."""
    return render_marked(text, marks.marks, lo=lo, hi=hi)
