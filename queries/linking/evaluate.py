"""Measure the aligner against hand-labelled pairs (tests/data/alignment-gold.tsv and its README).

A gold file lists every task of the lower plan with the higher task number(s) it implements, or
``-`` for none. A predicted link is correct when its higher task is one of the listed ones;
precision is correct links over predicted links, recall correct links over lower tasks that have
a gold link. Tasks the file does not list are left out of both.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import LoadError
from kg.graph import PREFIXES
from queries.library import rows_from_result
from queries.linking.align import Alignment


@dataclass(frozen=True)
class Scores:
    predicted: int
    correct: int
    gold: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"predicted": self.predicted, "correct": self.correct, "gold": self.gold,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def read_gold(path: str | Path) -> dict[int, set[int]]:
    """Return {lower task number: higher task numbers} from a gold TSV (``-`` = no link).

    Raises:
        LoadError: the file is missing or a row is malformed.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError as exc:
        raise LoadError(str(path), "", f"cannot read: {exc}") from exc
    gold: dict[int, set[int]] = {}
    for i, row in enumerate(rows, start=2):
        try:
            low = int(row["county_task"])
            targets = row["province_tasks"].strip()
            gold[low] = set() if targets in {"", "-"} else {int(x) for x in targets.split("|")}
        except (KeyError, ValueError, AttributeError) as exc:
            raise LoadError(str(path), f"line {i}", f"expected county_task, province_tasks: {exc}") from exc
    return gold


def score_links(predicted: Mapping[int, int], gold: Mapping[int, set[int]]) -> Scores:
    """Return precision/recall counts of ``predicted`` {lower: higher} against ``gold``.

    Example:
        >>> score_links({1: 1, 2: 5, 3: 4}, {1: {1}, 2: {2}, 3: set(), 4: {7}}).as_dict()["precision"]
        0.3333
    """
    labelled = {k: v for k, v in predicted.items() if k in gold}
    correct = sum(1 for k, v in labelled.items() if v in gold[k])
    return Scores(predicted=len(labelled), correct=correct, gold=sum(1 for v in gold.values() if v))


def task_numbers(source: Any) -> dict[str, int]:
    """Return {task IRI: task number} for every task in ``source``."""
    rows = rows_from_result(source.query(
        "SELECT ?task ?n WHERE { ?task a pk:Task ; pk:taskNumber ?n }", initNs=PREFIXES))
    return {r["task"]: int(r["n"]) for r in rows}


def predicted_links(best: Iterable[Alignment], numbers: Mapping[str, int], *,
                    threshold: float) -> dict[int, int]:
    """Return {lower task number: higher task number} for the best candidates at or above ``threshold``."""
    return {numbers[a.subject]: numbers[a.object] for a in best
            if a.score >= threshold and a.subject in numbers and a.object in numbers}
