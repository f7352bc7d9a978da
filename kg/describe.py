"""Say in plain words which node of the graph a finding is about: "task 12", the organisation's
name, "deadline 9月底前 of task 12", with the sentence it was read from.

Reasoner explanations and SHACL results both point at IRIs; an analyst needs the task number and
the sentence in the plan instead. Both kg.reasoner and kg.validation describe nodes through here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.namespace import PK

# Properties that hang a part (deadline, target, assignment …) off the task or domain that owns it.
_PART_OF = (PK.hasDeadline, PK.hasTarget, PK.hasAssignment, PK.hasDeploymentWait,
            PK.hasPrecondition, PK.cites)
_KINDS = (
    (PK.Task, "task"), (PK.Domain, "domain"), (ORG.Organization, "organisation"),
    (PK.Deadline, "deadline"), (PK.Target, "target"), (PK.Assignment, "assignment"),
    (PK.DeploymentWait, "deployment wait"), (PK.Precondition, "precondition"),
    (PK.PolicyReference, "reference"), (PK.TextSpan, "text span"),
    (PK.PolicyDocument, "document"), (PK.AdministrativeDivision, "division"),
)


@dataclass(frozen=True)
class NodeDescription:
    """A node as a person reads it: what it is, its task number if it belongs to a task, its sentence."""

    iri: str
    kind: str
    label: str
    task_number: int | None = None
    sentence: str | None = None

    def __str__(self) -> str:
        text = self.label
        if self.sentence:
            text += f" —「{_shorten(self.sentence)}」"
        return text


def describe_node(g: Graph, node: Node) -> NodeDescription:
    """Return a plain-language description of ``node`` from the facts ``g`` holds about it.

    Example:
        >>> from rdflib import Graph, Literal, URIRef
        >>> g = Graph()
        >>> t = URIRef("https://w3id.org/policykg/id/document/X/task/3")
        >>> _ = g.add((t, RDF.type, PK.Task)).add((t, PK.taskNumber, Literal(3)))
        >>> str(describe_node(g, t))
        'task 3'
    """
    kind = _kind(g, node)
    owner = _owner_task(g, node)
    # A task with two numbers is itself a data error; name it by all of them, sorted, and file
    # it under the smallest, so the description does not depend on triple order.
    numbers = sorted(n for n in (_int(v) for v in g.objects(owner, PK.taskNumber)) if n is not None) if owner else []
    number = numbers[0] if numbers else None
    if kind == "task":
        label = f"task {'/'.join(map(str, numbers))}" if numbers else f"task {_tail(node)}"
    elif kind == "domain":
        n = g.value(node, PK.domainNumber)
        label = f"domain {n} {_text(g, node)}".rstrip() if n is not None else f"domain {_text(g, node)}"
    elif kind == "organisation":
        label = f"organisation {_text(g, node)}"
    elif kind == "text span":
        label = f"text span {_tail(node)}"
    else:
        label = f"{kind} {_text(g, node)}".rstrip()
        if number is not None:
            label += f" of task {number}"
        elif (domain := _owner_domain(g, node)) is not None:
            label += f" of domain {g.value(domain, PK.domainNumber)}"
    return NodeDescription(str(node), kind, label, number, _sentence(g, node, owner))


def _kind(g: Graph, node: Node) -> str:
    types = set(g.objects(node, RDF.type))
    for cls, name in _KINDS:
        if cls in types:
            return name
    if types & {PK.GovernmentAgency, PK.CollectiveUnit, PK.PeopleGovernment}:
        return "organisation"
    return "node"


def _owner_task(g: Graph, node: Node) -> Node | None:
    """The task ``node`` is, or belongs to (through hasDeadline, hasTarget …), if any."""
    if (node, RDF.type, PK.Task) in g:
        return node
    for p in _PART_OF:
        for owner in g.subjects(p, node):
            if (owner, RDF.type, PK.Task) in g:
                return owner
    return None


def _owner_domain(g: Graph, node: Node) -> Node | None:
    for owner in g.subjects(PK.hasAssignment, node):
        if (owner, RDF.type, PK.Domain) in g:
            return owner
    return None


def _sentence(g: Graph, node: Node, owner: Node | None) -> str | None:
    for n in (node, owner):
        if n is None:
            continue
        if (n, RDF.type, PK.TextSpan) in g:
            s = g.value(n, PK.sentence) or g.value(n, PK.quote)
            if s is not None:
                return str(s)
        for span in g.objects(n, PK.evidence):
            s = g.value(span, PK.sentence) or g.value(span, PK.quote)
            if s is not None:
                return str(s)
    return None


def _text(g: Graph, node: Node) -> str:
    for p in (SKOS.prefLabel, RDFS.label, PK.mentionText):
        v = g.value(node, p)
        if v is not None:
            return str(v)
    return _tail(node) if isinstance(node, URIRef) else ""


def _tail(node: Node) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1]


def _int(v: Node | None) -> int | None:
    if isinstance(v, Literal):
        try:
            return int(v.toPython())
        except (TypeError, ValueError):
            return None
    return None


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
