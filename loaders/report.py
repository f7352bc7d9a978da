"""Loaders collect problems, then decide: a LoadReport gathers every Problem of a build."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.errors import LoadError
from loaders.records import Problem, Severity


@dataclass
class LoadReport:
    problems: list[Problem] = field(default_factory=list)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def counts(self) -> dict[str, int]:
        c = Counter(p.severity.value for p in self.problems)
        return {s.value: c.get(s.value, 0) for s in Severity}

    def raise_for_problems(self, *, strict: bool = False) -> None:
        """Raise LoadError for the first error (or, when ``strict``, the first warning too)."""
        bad = {Severity.ERROR, Severity.WARN} if strict else {Severity.ERROR}
        for p in self.problems:
            if p.severity in bad:
                raise LoadError(p.source, p.locator, p.message)
