"""The REST API's response models: stable JSON shapes, named ``…Public`` as in the FastAPI template.

Fields are added, never renamed or removed, so a client written against one version keeps
working. Every model is filled from saved SPARQL questions (queries/sparql/*.rq), never from the
parser's objects.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field


class Role(StrEnum):
    """A unit's part in a task: 牵头单位 (lead) or 责任单位 (responsible, supporting)."""

    LEAD = "lead"
    RESPONSIBLE = "responsible"


class LedgerFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


class ErrorPublic(BaseModel):
    """The one shape of every error answer."""

    ok: Literal[False] = False
    error: str = Field(description="What went wrong, in one line.")
    status: int = Field(description="The HTTP status code, repeated for clients that lose it.")


class OrganizationRef(BaseModel):
    id: str = Field(description="The id used in /organizations/{id} (the IRI after …/id/org/).")
    iri: str
    name: str
    collective: bool = Field(False, description="A collective unit (县有关部门、单位…): a group, not one body; "
                                                "leave it out of rankings.")


class TaskSummaryPublic(BaseModel):
    iri: str
    document: str = Field(description="The plan's 文号.")
    number: int
    title: str
    domain_number: int | None = None
    domain: str | None = None
    lead_units: list[OrganizationRef] = Field(description="牵头单位, in the order the text names them.")
    responsible_units: list[OrganizationRef] = Field(description="责任单位, in the order the text names them.")
    deadlines: list[str] = Field(description="Deadlines as written (9月底前…).")
    deadline_dates: list[dt.date] = Field(description="The dates those deadlines stand for.")


class PagePublic(BaseModel):
    """The envelope of every list: one page of ``data`` and where it sits among all matches."""

    count: int = Field(description="How many items match, over all pages.")
    offset: int = Field(description="Position of the first item of this page (0-based).")
    limit: int = Field(description="Page size asked for (capped).")
    next: str | None = Field(None, description="Path and query of the next page; null on the last one.")


class TasksPublic(PagePublic):
    data: list[TaskSummaryPublic]


class UnitAssignmentPublic(OrganizationRef):
    mention: str | None = Field(None, description="The name exactly as this passage writes it.")
    sentence: str | None = None


class DeadlinePublic(BaseModel):
    iri: str
    label: str
    date: dt.date | None = None
    sentence: str | None = None


class ReferencePublic(BaseModel):
    iri: str
    label: str
    sentence: str | None = None


class TargetPublic(BaseModel):
    iri: str
    label: str
    value: float | None = None
    unit: str | None = None
    comparator: str | None = None
    sentence: str | None = None


class DeploymentWaitPublic(BaseModel):
    iri: str
    label: str
    levels: list[str] = Field(description="national, province, city or county.")
    sentence: str | None = None


class PreconditionPublic(BaseModel):
    iri: str
    label: str
    sentence: str | None = None


class DomainRef(BaseModel):
    iri: str
    number: int | None = None
    name: str


class TaskPublic(BaseModel):
    iri: str
    document: str
    number: int
    title: str
    text: str | None = None
    sentence: str | None = Field(None, description="The task's paragraph as read from the plan.")
    domain: DomainRef | None = None
    follows_higher_deployment: bool | None = None
    lead_units: list[UnitAssignmentPublic]
    responsible_units: list[UnitAssignmentPublic]
    deadlines: list[DeadlinePublic]
    references: list[ReferencePublic]
    targets: list[TargetPublic]
    deployment_waits: list[DeploymentWaitPublic]
    preconditions: list[PreconditionPublic]


class OrganizationPublic(OrganizationRef):
    alt_names: list[str] = []
    kind: str | None = Field(None, description="The ontology class, e.g. GovernmentAgency, CollectiveUnit.")
    kind_name: str | None = None
    level: str | None = Field(None, description="national, province, city or county.")
    level_name: str | None = None
    registered: bool | None = Field(None, description="In the curated organisation registry.")
    lead_tasks: int = 0
    responsible_tasks: int = 0
    domains_led: int = 0


class OrganizationsPublic(PagePublic):
    data: list[OrganizationPublic]


class OrganizationTaskPublic(BaseModel):
    iri: str
    document: str
    number: int
    title: str
    domain: str | None = None
    deadlines: list[str] = []
    other_lead_units: list[str] = []


class PartnerPublic(BaseModel):
    organization: OrganizationRef
    shared_tasks: int
    led_by_org: int = Field(description="How many of the shared tasks the organisation itself leads.")
    task_numbers: list[int]


class OrganizationDetailPublic(OrganizationPublic):
    tasks_led: list[OrganizationTaskPublic]
    tasks_supported: list[OrganizationTaskPublic] = Field(description="Tasks it is responsible for but does not lead.")
    domains_coordinated: list[DomainRef]
    partners: list[PartnerPublic]


class DomainPublic(BaseModel):
    iri: str
    document: str
    number: int
    name: str
    leads: list[OrganizationRef]
    tasks: int


class DomainsPublic(PagePublic):
    data: list[DomainPublic]


class DocumentPublic(BaseModel):
    iri: str
    identifier: str | None = None
    title: str | None = None
    issuer: OrganizationRef | None = None
    issued: dt.date | None = None
    plan_year: int | None = None
    place: str | None = Field(None, description="The plan's jurisdiction (an administrative division IRI).")
    place_name: str | None = None
    domains: int = 0
    tasks: int = 0


class DocumentsPublic(PagePublic):
    data: list[DocumentPublic]


class QueryParamPublic(BaseModel):
    name: str
    type: str
    required: bool
    description: str = ""
    kind: str | None = None  # for an IRI: the class of thing that fits, when the question's patterns tell it


class QueryPublic(BaseModel):
    name: str
    title: str
    title_zh: str
    title_en: str
    description: str
    params: list[QueryParamPublic]
    view: str
    url: str
    sparql: str


class QueriesPublic(BaseModel):
    count: int
    data: list[QueryPublic]


class QueryResultPublic(BaseModel):
    name: str
    title: str
    params: dict[str, str]
    columns: list[str]
    count: int = Field(description="Rows on this page.")
    total: int = Field(description="Rows of the whole answer, over all pages.")
    offset: int = 0
    limit: int = Field(description="Page size asked for (capped).")
    next: str | None = Field(None, description="Path and query of the next page; null on the last one.")
    rows: list[dict[str, Any]]
