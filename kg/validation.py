"""Check a built graph against ontology/shapes.ttl with pySHACL and say what fails in plain words.

SHACL results name IRIs and constraint components; an analyst needs "task 12: no lead unit", and
the sentence the task was read from, to go back to the plan. Each result is therefore turned into
a ValidationIssue that carries the shape's sh:message and a kg.describe description of its node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.describe import NodeDescription, describe_node
from kg.graph import bind_prefixes, load_ontology, load_turtle_file, save_graph

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
# Focus node of the whole-graph checks in shapes.ttl: their results name the failing node as ?value.
GRAPH_FOCUS = URIRef("https://w3id.org/policykg/shapes#graph")
_ORDER = {"violation": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class ValidationIssue:
    """One SHACL result in plain words.

    Attributes:
        severity: "violation", "warning" or "info".
        subject: the node that fails, described ("task 12", "deadline 9月底前 of task 12").
        message: the shape's message, Chinese / English.
        path: the property checked (prefixed), if the constraint is on one.
        value: the offending value, if there is one.
    """

    severity: str
    subject: NodeDescription
    message: str
    path: str | None = None
    value: str | None = None
    shape: str | None = None

    @property
    def task_number(self) -> int | None:
        return self.subject.task_number

    @property
    def sentence(self) -> str | None:
        return self.subject.sentence

    def __str__(self) -> str:
        text = f"{self.severity}: {self.subject.label}: {self.message}"
        if self.value is not None:
            text += f" [{self.value}]"
        if self.subject.sentence:
            text += f" —「{_shorten(self.subject.sentence)}」"
        return text


@dataclass
class ValidationReport:
    """The outcome of validate_graph: every issue, and the SHACL report graph itself."""

    conforms: bool
    issues: list[ValidationIssue]
    graph: Graph = field(repr=False)

    @property
    def errors(self) -> list[ValidationIssue]:
        """Issues of severity Violation: the ones that make ``policykg validate`` fail."""
        return [i for i in self.issues if i.severity == "violation"]

    @property
    def warnings(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.severity != "violation"]

    def summary(self) -> str:
        return f"{len(self.errors)} violation(s), {len(self.warnings)} warning(s)"

    def write(self, path: str | Path) -> Path:
        """Write the SHACL validation report graph (any RDF syntax, by extension)."""
        return save_graph(self.graph, path)


def load_shapes(path: str | Path | None = None) -> Graph:
    """Return the SHACL shapes graph (default: ontology/shapes.ttl).

    Raises:
        OntologyError: the file is missing or not valid Turtle.
    """
    if path is None:
        from ontology import SHAPES_PATH

        path = SHAPES_PATH
    return load_turtle_file(path, "shapes")


def validate_graph(g: Graph, *, shapes: Graph | None = None, ontology: Graph | None = None) -> ValidationReport:
    """Validate ``g`` against the SHACL shapes and return every issue, described in plain words.

    Args:
        g: a built graph; it is not modified (pySHACL works on a copy).
        shapes: the shapes graph; default ontology/shapes.ttl.
        ontology: mixed into the data before validation, so sh:class sees the ontology's own
            individuals (pk:LeadRole a pk:Role) and subclasses; default the policykg ontology.

    Returns:
        A ValidationReport; ``conforms`` is False only when there is a Violation (warnings and
        infos do not count against it). Issues are sorted: violations first, then by task number.
    """
    from pyshacl import validate

    shapes = shapes if shapes is not None else load_shapes()
    ontology = ontology if ontology is not None else load_ontology()
    conforms, report, _ = validate(g, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                   advanced=True, allow_warnings=True, allow_infos=True)
    issues = [_issue(g, report, r) for r in report.subjects(RDF.type, SH.ValidationResult)]
    issues.sort(key=lambda i: (_ORDER.get(i.severity, 3), i.task_number if i.task_number is not None else 10**9,
                               i.subject.label, i.message, i.value or ""))
    return ValidationReport(bool(conforms), issues, bind_prefixes(report))


def _issue(data: Graph, report: Graph, result: Node) -> ValidationIssue:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    severity = SEVERITIES.get(report.value(result, SH.resultSeverity), "violation")
    if focus == GRAPH_FOCUS and value is not None:  # a whole-graph check: ?value is what fails
        focus, value = value, None
    return ValidationIssue(
        severity=severity,
        subject=describe_node(data, focus),
        message=_message(report, result),
        path=data.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else None,
        value=_value(data, value),
        shape=str(report.value(result, SH.sourceShape) or "") or None,
    )


def _message(report: Graph, result: Node) -> str:
    """The result's messages, Chinese first. (pySHACL drops the language tag of a message whose
    {?var} it filled in, so Chinese is recognised by its characters, not by its tag.)"""
    text = _message_text(str(m) for m in report.objects(result, SH.resultMessage))
    return text or str(report.value(result, SH.sourceConstraintComponent) or "constraint not met")


def _message_text(messages) -> str:
    """A result's messages as one line, Chinese first."""
    return " / ".join(sorted(set(messages), key=lambda m: (not _has_cjk(m), m)))


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _value(data: Graph, value: Node | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, Literal):
        return str(value)
    return describe_node(data, value).label


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
