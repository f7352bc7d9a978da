"""parse_policy_document on short excerpts (one hard case each) and on the whole bundled plan."""

from __future__ import annotations

from datetime import date

import pytest

from kg.errors import LoadError
from loaders.policy_doc import chinese_numeral, load_policy_document, parse_policy_document
from loaders.records import PolicyDocument, Role, Severity

HEADER = (
    "巨野县人民政府关于印发《巨野县2023年深化营商环境创新提升行动实施方案》的通知巨政发〔2023〕5号"
    "各镇人民政府：现印发给你们。巨野县人民政府2023年8月29日（此件公开发布）\n"
    "一、工作目标\n全力以赴。\n二、工作原则\n（一）坚持对标先进。主动对标。\n（二）坚持守正创新。突出特色。\n三、重点任务\n"
)
FOOTER = "\n四、保障措施（一）持续加大统筹协调力度。\n健全机制。\n\n巨野县人民政府\n\n2023年08月29日"


def parse(tasks: str, *, header: str = HEADER, footer: str = FOOTER) -> PolicyDocument:
    return parse_policy_document(header + tasks + footer, "excerpt.txt")


def test_header_facts() -> None:
    doc = parse(
        "（一）开办企业。（领域牵头部门：县行政审批服务局）\n1. 推行登记。（牵头单位：县行政审批服务局）"
    )
    assert doc.title == "巨野县2023年深化营商环境创新提升行动实施方案"
    assert doc.doc_number == "巨政发〔2023〕5号"
    assert doc.issuer == "巨野县人民政府"
    assert doc.issued == date(2023, 8, 29)
    assert doc.plan_year == 2023
    assert doc.problems == []


@pytest.mark.parametrize(
    "number", ["巨政发[2023]5号", "巨政发〔2023]5号", "巨政发（2023）5号", "巨政发(2023)5号"]
)
def test_doc_number_brackets(number: str) -> None:
    doc = parse("1. 推行登记。（牵头单位：县财政局）", header=HEADER.replace("巨政发〔2023〕5号", number))
    assert (
        doc.doc_number is not None and doc.doc_number.startswith("巨政发") and doc.doc_number.endswith("5号")
    )


def test_principles_and_safeguards_are_not_domains() -> None:
    doc = parse("（一）开办企业。（领域牵头部门：县行政审批服务局）\n1. 推行登记。（牵头单位：县财政局）")
    assert [(d.number, d.label) for d in doc.domains] == [(1, "开办企业")]


def test_names_and_labels_split_across_lines() -> None:
    doc = parse(
        "（一）开办企业。（领域牵头部门：县行\n\n政审批服务局）\n"
        "1. 全面实施清单。推动办理。（牵\n\n头单位：县发展和改革局、县行\n\n政审批服务局）"
    )
    task = doc.tasks[0]
    assert [u.name for u in task.lead] == ["县发展和改革局", "县行政审批服务局"]
    assert task.lead[1].span.text == "县行\n\n政审批服务局"
    assert task.lead_raw == "县发展和改革局、县行政审批服务局"
    assert [u.name for u in doc.domains[0].leads] == ["县行政审批服务局"]
    assert doc.domains[0].leads[0].role is Role.DOMAIN_LEAD


def test_half_width_trailer_and_run_together_tasks() -> None:
    doc = parse(
        "（一）开办企业。（领域牵头部门：县行政审批服务局）\n"
        "1. 甲。9月底前, 跟进试点。(牵头单位: 县行政审批服务局) 2. 乙。推行。(牵头单位: 县行政审批服务局; 责任单位: 县有关部门) "
        "3.丙。推进。（牵头单位：县税务局）"
    )
    assert [(t.number, t.title) for t in doc.tasks] == [(1, "甲"), (2, "乙"), (3, "丙")]
    assert doc.tasks[1].responsible_raw == "县有关部门"
    assert doc.tasks[0].deadlines[0].phrase == "9月底前"


def test_department_label_variants() -> None:
    doc = parse(
        "（一）纳税。（领域牵头单位：县税务局）\n"
        "1. 甲。推动。（牵头单位：县税务局；责任部门：县人力资源和社会保障局、县医疗保障局）\n"
        "2. 乙。开展。（牵头部门：县市场监督管理局，县各重点民生领域主管部门）"
    )
    first, second = doc.tasks
    assert first.responsible_raw == "县人力资源和社会保障局、县医疗保障局"
    assert all(u.role is Role.RESPONSIBLE for u in first.responsible)
    assert second.lead_raw == "县市场监督管理局，县各重点民生领域主管部门"
    assert second.responsible == [] and second.responsible_raw is None  # a task with only a lead
    assert doc.domains[0].leads[0].name == "县税务局"


def test_doubled_label_character_at_a_break() -> None:
    doc = parse(
        "（一）获得信贷。（领域牵头部门：县金融服务中心）\n"
        "1. 甲。更新项目库。（牵头单位：市生态环境局巨野县分局；责\n\n责任单位：中国人民银行巨野支行）"
    )
    task = doc.tasks[0]
    assert task.responsible_raw == "中国人民银行巨野支行"
    assert [p.severity for p in doc.problems] == [Severity.INFO]
    assert doc.problems[0].locator == "task 1"


def test_excerpt_starting_mid_plan_with_heading_split_across_lines() -> None:
    doc = parse(
        "(四) 获得用水用\n\n气。（领域牵头部门：县水务局、县综合行政执法局）31. 甲。推进。（牵头单位：县水务局）"
        "32. 乙。推进。（牵头单位：县水务局）",
    )
    assert [(d.number, d.label) for d in doc.domains] == [(4, "获得用水用气")]
    assert [(t.number, t.domain_number) for t in doc.tasks] == [(31, 4), (32, 4)]
    assert doc.domains[0].span.text.endswith("县综合行政执法局）")


def test_task_without_trailer_is_a_problem_not_dropped() -> None:
    doc = parse(
        "（一）开办企业。（领域牵头部门：县行政审批服务局）\n"
        "1. 甲。推动。（牵头单位：县财政局）\n2. 乙。推动，没有单位。\n3. 丙。推动。（由县财政局负责）"
    )
    assert [t.number for t in doc.tasks] == [1, 2, 3]
    warnings = {(p.locator, p.severity) for p in doc.problems}
    assert ("task 2", Severity.WARN) in warnings  # kept for review, never a refusal of the document
    assert ("task 3", Severity.WARN) in warnings
    assert not any(p.severity is Severity.ERROR for p in doc.problems)


def test_numbering_gap_is_reported() -> None:
    doc = parse(
        "（一）开办企业。（领域牵头部门：县行政审批服务局）\n"
        "1. 甲。推动。（牵头单位：县财政局）\n3. 丙。推动。（牵头单位：县财政局）"
    )
    assert [t.number for t in doc.tasks] == [1, 3]
    assert any("skips" in p.message and p.locator == "task 3" for p in doc.problems)


def test_collective_unit_lists_go_through_the_splitter() -> None:
    doc = parse(
        "（一）办理建筑许可。（领域牵头部门：县行政审批服务局）\n"
        "1. 甲。推动。（牵头单位：县住房和城乡建设局；责任单位：县发展和改革局，水、电、气、热各专营单位）"
    )
    task = doc.tasks[0]
    assert task.responsible_raw == "县发展和改革局，水、电、气、热各专营单位"
    assert [u.name for u in task.responsible] == ["县发展和改革局", "水、电、气、热各专营单位"]
    for unit in task.responsible:
        assert doc.text[unit.span.start : unit.span.end] == unit.span.text


def test_plan_without_sections_or_domains() -> None:
    doc = parse_policy_document(
        "1. 甲。推动。（牵头单位：县财政局）\n2. 乙。推动。（牵头单位：县税务局）", "bare.txt"
    )
    assert [t.domain_number for t in doc.tasks] == [None, None]
    assert any(p.locator == "task 1" and "domain" in p.message for p in doc.problems)


@pytest.mark.parametrize(
    "text", ["", "通知\n\n一、工作目标\n（一）坚持。", "（一）开办企业。（领域牵头部门：县局）"]
)
def test_no_tasks_raises(text: str) -> None:
    with pytest.raises(LoadError, match="no numbered tasks"):
        parse_policy_document(text, "empty.txt")


def test_load_reports_encoding(tmp_path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(("（一）纳税。\n1. 甲。推动。（牵头单位：县税务局）").encode("gb18030"))
    doc = load_policy_document(path)
    assert doc.encoding == "gb18030" and doc.tasks[0].lead_raw == "县税务局"


@pytest.mark.parametrize(
    ("numeral", "value"), [("一", 1), ("十", 10), ("十九", 19), ("二十", 20), ("二十三", 23), ("", 0)]
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_numeral(numeral) == value


# -- the whole bundled plan -------------------------------------------------------------------


def test_whole_document_structure(sample_doc: PolicyDocument) -> None:
    assert len(sample_doc.domains) == 19
    assert [d.number for d in sample_doc.domains] == list(range(1, 20))
    assert [t.number for t in sample_doc.tasks] == list(range(1, 171))
    assert all(t.lead for t in sample_doc.tasks)
    assert all(d.leads for d in sample_doc.domains)
    assert [t.domain_number for t in sample_doc.tasks] == sorted(t.domain_number for t in sample_doc.tasks)
    assert not [p for p in sample_doc.problems if p.severity is not Severity.INFO]


def _spans(doc: PolicyDocument):
    for d in doc.domains:
        yield d.span
        yield from (u.span for u in d.leads)
    for t in doc.tasks:
        yield t.span
        yield t.title_span
        for facts in (
            t.lead,
            t.responsible,
            t.deadlines,
            t.targets,
            t.references,
            t.deployment_waits,
            t.preconditions,
        ):
            yield from (f.span for f in facts)


def test_every_span_is_a_source_slice(sample_doc: PolicyDocument) -> None:
    spans = list(_spans(sample_doc))
    assert len(spans) > 900
    for span in spans:
        assert span.text == sample_doc.text[span.start : span.end]
        assert span.sentence and "\n" not in span.sentence


def test_names_have_no_line_breaks(sample_doc: PolicyDocument) -> None:
    for task in sample_doc.tasks:
        for unit in task.lead + task.responsible:
            assert unit.name and not any(c.isspace() for c in unit.name)
        assert "\n" not in task.text and "\n" not in task.title


def test_whole_document_counts(sample_doc: PolicyDocument) -> None:
    tasks = sample_doc.tasks
    assert sum(1 for t in tasks if t.follows_higher_deployment) == 49
    assert sum(len(t.preconditions) for t in tasks) == 4
    assert sum(len(t.deadlines) for t in tasks) == 99  # 97 N月底(前) + 2 年内, hand-counted
    assert sum(len(t.targets) for t in tasks) == 23
    # 7 in 《》 or order numbers, 8 cited without 《》 (tasks 21, 39, 110 ×2, 113, 125, 149, 161), hand-checked
    assert sum(len(t.references) for t in tasks) == 15


def test_time_limit_field_gives_dated_and_open_deadlines() -> None:
    doc = parse(
        "（一）开办企业。（领域牵头部门：县行政审批服务局）\n"
        "1. 甲。持续推进改革。（牵头单位：县财政局；完成时限：长期坚持）\n"
        "2. 乙。推动。（牵头单位：县财政局；完成时限：2024年3月底前）"
    )
    first, second = doc.tasks
    assert [(d.phrase, d.kind.value, d.date) for d in first.deadlines] == [("长期坚持", "open", None)]
    assert [(d.phrase, d.date) for d in second.deadlines] == [("2024年3月底前", date(2024, 3, 31))]
    assert first.lead_raw == "县财政局"


def test_issuer_from_signature_when_the_notice_line_has_more_before_it() -> None:
    header = HEADER.replace("巨野县人民政府关于印发", "政府文件巨野县人民政府关于印发", 1)
    doc = parse("1. 甲。推动。（牵头单位：县财政局）", header=header)
    assert doc.issuer == "巨野县人民政府"


def test_bare_plan_without_notice_reports_missing_header_facts() -> None:
    doc = parse_policy_document(
        "巨野县2023年行动方案\n一、重点任务\n（一）纳税。\n1. 甲。推动。（牵头单位：县税务局）", "bare.txt"
    )
    assert doc.title == "巨野县2023年行动方案" and doc.plan_year == 2023
    missing = {p.message for p in doc.problems if p.locator == "header"}
    assert missing == {"no doc_number found", "no issuer found", "no issued found"}


def test_domain_label_with_its_own_parenthesis() -> None:
    doc = parse(
        "（一）知识产权（专利）保护。（领域牵头部门：县市场监督管理局）1. 甲。推动。（牵头单位：县财政局）"
    )
    assert [(d.label, [u.name for u in d.leads]) for d in doc.domains] == [
        ("知识产权（专利）保护", ["县市场监督管理局"])
    ]


def test_numbered_sub_items_inside_a_task_stay_in_its_text() -> None:
    doc = parse(
        "（一）开办企业。（领域牵头部门：县行政审批服务局）\n"
        "1. 甲。主要包括：\n1.梳理清单；\n2.建立机制；\n3.开展评估。（牵头单位：县财政局）\n"
        "2. 乙。推动。（牵头单位：县税务局）"
    )
    assert [(t.number, t.lead_raw) for t in doc.tasks] == [(1, "县财政局"), (2, "县税务局")]
    assert "2.建立机制" in doc.tasks[0].text
    assert {p.severity for p in doc.problems} == {Severity.INFO}
