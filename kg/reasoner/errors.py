"""The two ways reasoning fails for a user: no Java, or a graph that contradicts the ontology."""

from __future__ import annotations

from kg.errors import KGError


class ReasonerUnavailable(KGError):
    """The DL reasoner cannot run: no Java runtime, or the JVM failed to start."""


class InconsistentGraph(KGError):
    """The graph contradicts the ontology. Carries the reasoner's explanation in plain words.

    Attributes:
        explanation: one line per axiom or fact of a minimal contradicting set, with individuals
            written as "task 12 —「sentence」" rather than IRIs (empty if none could be found).
        individuals: the IRIs of the individuals the explanation involves.
    """

    def __init__(self, explanation: list[str], individuals: list[str], note: str = "") -> None:
        self.explanation, self.individuals = explanation, individuals
        lines = ["the graph is inconsistent with the ontology (HermiT)"]
        if explanation:
            lines.append("these axioms and facts contradict each other:")
            lines.extend(f"  {line}" for line in explanation)
        if note:
            lines.append(note)
        super().__init__("\n".join(lines))
