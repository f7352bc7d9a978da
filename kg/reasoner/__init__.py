"""OWL reasoning over the built graph with owlready2 and HermiT (see kg.reasoner.run)."""

from __future__ import annotations

from kg.reasoner.errors import InconsistentGraph, ReasonerUnavailable
from kg.reasoner.hermit import find_java
from kg.reasoner.input import defined_classes, derived_properties, reasoning_input
from kg.reasoner.run import ReasoningResult, reason_graph, write_inferred

__all__ = [
    "InconsistentGraph", "ReasonerUnavailable", "ReasoningResult", "defined_classes",
    "derived_properties", "find_java", "reason_graph", "reasoning_input", "write_inferred",
]
