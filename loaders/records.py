"""Plain records a plan reads into: no rdflib here, so parsing is testable on its own.

Every extracted fact carries a :class:`Span`: character offsets into the *decoded source text*
(``PolicyDocument.text``, exactly as read from the file, before any clean-up) plus the quoted
text, so an analyst can always be shown the sentence a fact came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    """How an organisation takes part in a task or a domain."""

    LEAD = "lead"  # 牵头单位 / 牵头部门
    RESPONSIBLE = "responsible"  # 责任单位 / 责任部门 / 配合单位
    DOMAIN_LEAD = "domain_lead"  # 领域牵头部门 / 领域牵头单位


class DeadlineKind(StrEnum):
    MONTH_END = "month_end"  # 9月底前, 9月底
    YEAR_END = "year_end"  # 年内, 年底前
    DAY = "day"  # 6月30日前, 2023年12月31日
    QUARTER_END = "quarter_end"  # 第三季度
    HALF_END = "half_end"  # 上半年
    OPEN = "open"  # 长期坚持, 持续推进: no date


@dataclass(frozen=True)
class Span:
    """A stretch of the source text: ``text == source[start:end]``.

    ``sentence`` is the whole sentence (。；-delimited) the span lies in, with PDF line breaks
    removed, for showing to people.
    """

    start: int
    end: int
    text: str
    sentence: str = ""


@dataclass(frozen=True)
class UnitMention:
    """One organisation name as the text writes it, in one role.

    ``name`` is the name as written with line breaks and stray spaces removed (县市场监管局);
    resolving it to a canonical organisation is the registry's job, not the parser's.
    """

    name: str
    role: Role
    span: Span


@dataclass(frozen=True)
class Deadline:
    phrase: str  # "9月底前" as written (line breaks removed)
    kind: DeadlineKind
    date: date | None  # None only for OPEN
    span: Span


@dataclass(frozen=True)
class Target:
    """A quantitative target: ``value`` ``unit`` compared by ``comparator``."""

    text: str  # "4万立方米以上"
    value: float
    unit: str  # "万立方米", "%", "家"
    comparator: str  # ">=", "<=", ">", "<", "=", "~"
    span: Span


@dataclass(frozen=True)
class Reference:
    """A cited work: a title in 《》 (kind "title") or a numbered order such as 省政府令第351号 ("order")."""

    label: str
    kind: str  # "title" | "order"
    span: Span


@dataclass(frozen=True)
class Precondition:
    """An outside event the task waits for: 省不动产登记“一网通办”平台功能拓展完成后."""

    label: str
    span: Span


@dataclass(frozen=True)
class DeploymentWait:
    """The task waits on a higher level's deployment: 根据省、市统一部署 and variants.

    ``levels`` are among "national", "province", "city" as the phrase names them.
    """

    phrase: str
    levels: tuple[str, ...]
    span: Span


@dataclass(frozen=True)
class SystemMention:
    """An information system, platform, app or hotline the task names: “爱山东”APP, 12345热线.

    ``name`` identifies the system within its plan: the quoted proper name where the text gives
    one (爱山东 for “爱山东”APP平台 and “爱山东”政务服务平台), else the name as written
    (工程建设项目审批管理系统); ``span.text`` is the mention as written.
    """

    name: str
    span: Span


@dataclass
class Domain:
    number: int  # 1 for （一）; in document order when the plan restarts its numbering per section
    label: str  # 开办企业
    span: Span  # the heading
    leads: list[UnitMention] = field(default_factory=list)
    written_number: int | None = None  # the number as printed, when it differs from ``number``
    leaders: list[str] = field(default_factory=list)  # people named (分管省领导：…): never units


@dataclass
class Task:
    number: int  # as printed; in document order when the plan restarts its numbering per section
    domain_number: int | None
    title: str  # the heading sentence without its final 。
    text: str  # the whole task body, line breaks removed, unit trailer included
    span: Span  # the whole task in the source
    title_span: Span
    lead: list[UnitMention] = field(default_factory=list)
    responsible: list[UnitMention] = field(default_factory=list)
    lead_raw: str | None = None  # the unit list as written, line breaks removed
    responsible_raw: str | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    deployment_waits: list[DeploymentWait] = field(default_factory=list)
    preconditions: list[Precondition] = field(default_factory=list)
    systems: list[SystemMention] = field(default_factory=list)
    written_number: int | None = None  # the number as printed, when it differs from ``number``
    lead_inferred: bool = False  # no 牵头 given: the lead was read from the 责任单位 list by convention
    unit_layout: str | None = None  # how the units were written: parenthesis, label_lines, division, …

    @property
    def follows_higher_deployment(self) -> bool:
        return bool(self.deployment_waits)


class Severity(StrEnum):
    ERROR = "error"
    WARN = "warn"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """Something the loader could not place, with where it is (file and 条/段 or offset)."""

    severity: Severity
    source: str  # file name
    locator: str  # "task 37", "domain 5", "offset 1234"
    message: str

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.source}: {self.locator}: {self.message}"


@dataclass
class PolicyDocument:
    source: str  # file name or path as given
    text: str  # decoded source text, unchanged: every Span points into it
    encoding: str = "utf-8"
    format: str = "txt"  # the file format the text was read from: txt, docx, pdf, html
    script: str = "simplified"  # "traditional" when the text was converted for matching
    title: str | None = None
    doc_number: str | None = None  # 文号, e.g. 巨政发〔2023〕5号
    issuer: str | None = None  # 巨野县人民政府
    issued: date | None = None
    plan_year: int | None = None
    domains: list[Domain] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
