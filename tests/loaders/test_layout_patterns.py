"""The layout patterns of issue 12, each on a minimal text, and properties of the rules that transform text.

Pattern 2 (one bad item must not reject the document) is tested through the CLI in
tests/api/test_cli_partial_documents.py; here the parser's side of it.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.normalize import normalize
from loaders.organizations import Registry
from loaders.policy_doc import parse_policy_document
from loaders.records import Severity
from loaders.unit_lists import looks_like_unit, split_unit_list
from loaders.unit_trailer import find_statements, read_fields


def parse(text: str):
    return parse_policy_document(text, "excerpt.txt")


def units(task) -> tuple[list[str], list[str]]:
    return [u.name for u in task.lead], [u.name for u in task.responsible]


def parts(raw: str) -> list[str]:
    return [raw[s:e] for s, e in split_unit_list(raw)]


# -- 2. One bad item -----------------------------------------------------------------------------


def test_last_task_cut_off_after_a_full_sentence_is_kept_without_units() -> None:
    doc = parse("一、重点任务\n1.甲。推进甲。（牵头单位：县财政局）\n2.乙。年底前完成乙。")
    assert [t.number for t in doc.tasks] == [1, 2]
    assert units(doc.tasks[1]) == ([], [])
    problems = [(p.severity, p.message) for p in doc.problems if p.locator == "task 2" and "unit statement" in p.message]
    assert [severity for severity, _ in problems] == [Severity.WARN]


def test_section_cut_off_before_its_units_is_still_read() -> None:
    doc = parse("一、推进简政放权\n1.甲。推进甲。（牵头单位：区司法局）\n2.乙。推进乙。（牵头单位：区财政局）\n"
                "二、优化政务服务\n3.丙。推进丙。")
    assert [(t.number, t.domain_number) for t in doc.tasks] == [(1, 1), (2, 1), (3, 2)]
    assert doc.tasks[1].text.endswith("（牵头单位：区财政局）")  # the section heading ends task 2


def test_closing_section_is_never_read_for_tasks() -> None:
    doc = parse("一、重点任务\n1.甲。推进甲。（牵头单位：县财政局）\n2.乙。推进乙。（牵头单位：县税务局）\n"
                "二、保障措施\n3.加强组织领导。各部门要高度重视。")
    assert [t.number for t in doc.tasks] == [1, 2]


# -- 3. Whole runs of tasks -----------------------------------------------------------------------


def test_goal_item_opening_a_section_is_not_a_task_and_costs_nothing() -> None:
    doc = parse("一、重点任务\n（一）开办企业\n1.工作目标。年底前，办事满意度达到95%以上。\n"
                "2.推行一网通办。推进网办。（牵头单位：县行政审批服务局）\n3.推行告知承诺。推进承诺。（牵头单位：县司法局）")
    assert [t.number for t in doc.tasks] == [2, 3]
    assert [d.label for d in doc.domains] == ["开办企业"]
    assert any(p.locator == "task 1" and p.severity is Severity.INFO for p in doc.problems)


def test_goal_item_with_units_is_a_task() -> None:
    doc = parse("一、主要目标\n1.经营主体总量增长8%以上。\n牵头单位：区市场局\n2.工作目标。全年完成。\n牵头单位：区营商局")
    assert [t.number for t in doc.tasks] == [1, 2]


def test_title_starting_with_a_number_at_a_line_start() -> None:
    doc = parse("一、提升服务\n6.推行延时服务。推进。（牵头单位：市政务服务中心）\n"
                "7.365服务工程。全年无休。（牵头单位：市行政审批服务局）\n8.12345热线。按时办结。（牵头单位：市政府办公室）")
    assert [(t.number, t.title) for t in doc.tasks] == [(6, "推行延时服务"), (7, "365服务工程"), (8, "12345热线")]


def test_a_decimal_after_a_full_stop_is_not_a_heading() -> None:
    doc = parse("一、提升服务\n1.压缩时间。企业开办时间压缩至。2.5个工作日内办结。（牵头单位：市市场监管局）\n"
                "2.推行网办。推进。（牵头单位：市政务服务中心）")
    assert [t.number for t in doc.tasks] == [1, 2]
    assert "2.5个工作日" in doc.tasks[0].text


def test_tasks_numbered_in_ascii_parentheses_under_sections() -> None:
    doc = parse("一、开展审批提速行动\n(一)深化简政放权。推进。(责任单位：市政务办、市司法局)\n"
                "(二)优化审批。推进。(牵头单位：市住建局；责任单位：市资规局)\n二、开展服务提升行动\n"
                "(三)推行免申即享。推进。(牵头单位：市财政局)")
    assert [(t.number, t.domain_number) for t in doc.tasks] == [(1, 1), (2, 1), (3, 2)]
    assert units(doc.tasks[0]) == (["市政务办"], ["市司法局"])


def test_suffix_trailer_after_processing_limits() -> None:
    doc = parse("一、提高审批效率\n1.提高环评审批效率。报告书15个工作日内、报告表10个工作日内完成审批。"
                "（区生态环境分局牵头，区政务服务局、区级相关部门配合）\n"
                "2.强化项目储备。全年储备项目不少于100个。（区发展改革局牵头，区财政局等部门，区国投公司、各街道办事处配合）")
    assert units(doc.tasks[0]) == (["区生态环境分局"], ["区政务服务局", "区级相关部门"])
    assert units(doc.tasks[1]) == (["区发展改革局"], ["区财政局", "区国投公司", "各街道办事处"])
    assert [x.text for x in doc.tasks[0].targets] == ["15个工作日内", "10个工作日内"]


def test_items_numbered_with_a_small_full_stop() -> None:
    doc = parse("一、打造政务环境\n1﹒深化改革，推出服务30个以上。\n牵头负责领导：王某某。\n牵头责任单位：省数据资源局。\n"
                "协同责任单位：省政府各部门、各直属机构。\n2﹒推进免申即享。\n牵头责任单位：省财政厅。")
    assert [t.number for t in doc.tasks] == [1, 2]
    assert units(doc.tasks[0]) == (["省数据资源局"], ["省政府各部门、各直属机构"])


# -- 4. Collectives and label words inside names ------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("各有关镇、街道", ["各有关镇、街道"]),
    ("县数据局，各有关镇、街道", ["县数据局", "各有关镇、街道"]),
    ("市直各有关部门及各县（市、区）政府", ["市直各有关部门", "各县（市、区）政府"]),
    ("市级各有关部门及各县市区政府", ["市级各有关部门", "各县市区政府"]),
    ("市税务局，各县市、区政府", ["市税务局", "各县市、区政府"]),
    ("州委编办、州司法局及州直相关单位", ["州委编办", "州司法局", "州直相关单位"]),
    ("省政府各部门、各直属机构", ["省政府各部门、各直属机构"]),
    ("各乡镇、县财政局", ["各乡镇", "县财政局"]),  # a head completed only by level words
    ("区直各部门、各街道", ["区直各部门", "各街道"]),
    ("区政府有关部门，各街道（功能区）", ["区政府有关部门", "各街道（功能区）"]),
])
def test_collectives_split_whole_without_the_registry_patterns(raw: str, expected: list[str]) -> None:
    bare = Registry([], {})  # general rules only: no registered name or collective pattern helps
    assert [raw[s:e] for s, e in split_unit_list(raw, bare)] == expected
    assert parts(raw) == expected


def test_label_word_inside_a_collective_is_part_of_its_name() -> None:
    text = "（责任单位：各专项牵头单位、各镇、街道）"
    fields = read_fields(text, 0, len(text))
    assert [(f.label, text[f.start : f.end]) for f in fields] == [("责任单位", "各专项牵头单位、各镇、街道")]
    doc = parse("一、主要目标\n1.评价位次稳中有进。\n牵头单位：区营商局\n责任单位：各专项牵头单位、各镇、街道")
    assert units(doc.tasks[0]) == (["区营商局"], ["各专项牵头单位", "各镇、街道"])


def test_compound_labels_are_read_whole() -> None:
    text = "（牵头责任单位：省财政厅；协同责任单位：省科技厅）"
    assert [(f.label, f.role.value) for f in read_fields(text, 0, len(text))] == [
        ("牵头责任单位", "lead"), ("协同责任单位", "responsible")]


# -- unit statements in other layouts -------------------------------------------------------------


def test_hexagonal_brackets_around_a_list_holding_parentheses() -> None:
    doc = parse("一、推进简政放权\n1.承接事项。推进。〔牵头单位：区政府办公室，责任单位：区政府有关部门，各街道（功能区）〕\n"
                "2.规范备案。推进。（牵头单位：区司法局）")
    assert units(doc.tasks[0]) == (["区政府办公室"], ["区政府有关部门", "各街道（功能区）"])
    assert doc.tasks[0].unit_layout == "parenthesis"


def test_remark_after_a_full_stop_and_joint_responsibility_phrase_are_not_units() -> None:
    doc = parse("二、重点任务\n（一）深化准入改革。推进。〔责任单位：省发展改革委、商务厅按职责分工负责。具体任务均涉及各市（州）"
                "人民政府，不再列出，下同〕\n（二）推进一件事。推进。〔责任单位：省政府办公厅〕")
    assert units(doc.tasks[0]) == (["省发展改革委"], ["商务厅"])  # only 责任单位: the first leads


def test_deadline_at_the_end_of_a_unit_list_is_a_deadline() -> None:
    text = "一、提升效能\n1.推进改革。推进。（牵头单位：州行政审批服务局；责任单位：州司法局，各县市人民政府，6月底完成）"
    doc = parse("湘西自治州2021年攻坚行动计划\n" + text)
    assert units(doc.tasks[0]) == (["州行政审批服务局"], ["州司法局", "各县市人民政府"])
    assert [(d.phrase, d.date.isoformat()) for d in doc.tasks[0].deadlines] == [("6月底", "2021-06-30")]
    assert units(parse(text).tasks[0])[1] == ["州司法局", "各县市人民政府"]  # no plan year: still no unit


def test_suffix_with_lead_verb_variants_and_joint_responsibility() -> None:
    doc = parse("一、营造市场环境\n1.落实负面清单制度。（省发展改革委牵头负责）\n"
                "2.推行标准地。（省自然资源厅、省工业和信息化厅按职责分工负责）")
    assert units(doc.tasks[0]) == (["省发展改革委"], [])
    assert units(doc.tasks[1]) == (["省自然资源厅"], ["省工业和信息化厅"])
    assert doc.tasks[1].lead_inferred


def test_bare_unit_list_with_its_convention_inside() -> None:
    doc = parse("一、加强要素支持\n（一）落实税费政策。推进。（市税务局、市财政局，各县市、区政府，列第一位的为牵头单位，下同）\n"
                "（二）加强基金支持。推进。（市财政局、市经信局）")
    assert units(doc.tasks[0]) == (["市税务局"], ["市财政局", "各县市、区政府"])
    assert units(doc.tasks[1]) == (["市财政局"], ["市经信局"])
    assert doc.tasks[0].unit_layout == "unit_list"


def test_a_remark_in_parentheses_is_not_a_unit_list() -> None:
    text = "推进改革（含下属单位）\n（以下简称“一件事”）\n"
    nt = normalize(text)
    assert find_statements(nt.text, 0, len(nt.text), {0, nt.text.index("（以下")}) == []


# -- properties -----------------------------------------------------------------------------------

_UNITS = ["县财政局", "市市场监管局", "区政务服务局", "省发展改革委", "人民银行嘉兴市分行", "莫干山高新区管委会",
          "国网德清县供电公司", "州委编办", "昆明市生态环境局官渡分局"]
_COLLECTIVES = ["各有关镇、街道", "各县市、区政府", "省政府各部门、各直属机构", "各县（市、区）政府", "区级相关部门",
                "各专项牵头单位", "各镇、街道"]
_items = st.lists(st.sampled_from(_UNITS + _COLLECTIVES), min_size=1, max_size=6, unique=True)
_seps = st.lists(st.sampled_from(["、", "，", "；"]), min_size=6, max_size=6)
SETTINGS = settings(max_examples=80, deadline=None)


@SETTINGS
@given(_items, _seps)
def test_split_gives_back_exactly_the_names_listed(items: list[str], seps: list[str]) -> None:
    raw = "".join(item + sep for item, sep in zip(items, seps, strict=False)).rstrip("、，；")
    assert [raw[s:e] for s, e in split_unit_list(raw, Registry([], {}))] == items


@SETTINGS
@given(_items, _items, st.sampled_from(["牵头", "牵头负责"]), st.sampled_from(["配合", "按职责分工负责", "参与"]),
       st.booleans())
def test_suffix_statement_reads_back_its_lists(leads, others, lead_verb, support_verb, split_support) -> None:
    support = [u for u in others if u not in leads]
    if split_support and len(support) > 1:  # a verbless clause joins the next one: （A牵头，B等部门，C配合）
        middle = "、".join(support[:1]) + "等部门，" + "、".join(support[1:])
    else:
        middle = "、".join(support)
    clause = f"，{middle}{support_verb}" if support else ""
    doc = parse(f"一、重点任务\n1.推进改革。推进。（{'、'.join(leads)}{lead_verb}{clause}）\n2.推进。（县财政局牵头）")
    assert units(doc.tasks[0]) == (leads, support)


@SETTINGS
@given(st.text(alphabet="﹒﹐﹑﹔﹕﹖﹗﹙﹚1一、（）", max_size=12))
def test_small_form_punctuation_folds_idempotently(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once
    assert not any("\ufe50" <= c <= "\ufe6b" for c in once)


@pytest.mark.parametrize(("name", "unit"), [
    ("市税务局", True), ("各县市、区政府", True), ("全区经济运行各专班", True), ("省市场监管局（省知识产权局）", True),
    ("含下属单位", False), ("列第一位的为牵头单位", False), ("50个", False), ("以下简称一件事", False),
])
def test_looks_like_unit(name: str, unit: bool) -> None:
    assert looks_like_unit(name) is unit


# -- layouts found by the held-out excerpts --------------------------------------------------------


def test_articles_under_chapters() -> None:
    doc = parse("某县若干规定\n第一章　总　则\n第一条　为优化营商环境，制定本规定。\n第二章　政务服务\n"
                "第二条　推进网上办。（一）高频事项网上办；（二）全程网办。（牵头责任单位：县政务服务中心；责任单位：各相关单位）\n"
                "第三条　推行代办制。（牵头责任单位：县工业园区管委会）\n第三章　附　则\n第四条　本规定自印发之日起施行。")
    assert [(t.number, t.domain_number, t.title) for t in doc.tasks] == [(2, 2, "推进网上办"), (3, 2, "推行代办制")]
    assert units(doc.tasks[0]) == (["县政务服务中心"], ["各相关单位"])


def test_title_on_its_own_line_before_sub_items() -> None:
    doc = parse("一、深化改革\n1.深化商事制度改革\n（1）推行一日办结。\n（2）推进证照分离。\n（责任单位：市市场监管局、市行政审批服务管理局）\n"
                "2.优化审批\n（1）压缩审批时间。\n（责任单位：市住房城乡建设局）")
    assert [t.title for t in doc.tasks] == ["深化商事制度改革", "优化审批"]


def test_bracketed_remark_after_a_unit_is_no_part_of_its_name() -> None:
    doc = parse("一、营造市场环境\n（一）落实负面清单制度。\n责任单位：市发改委、市商务局（第一责任单位为牵头单位，下同）\n"
                "（二）推行电子招投标。\n责任单位：省市场监管局（省知识产权局）、市财政局")
    assert units(doc.tasks[0]) == (["市发改委"], ["市商务局"])
    assert units(doc.tasks[1]) == (["省市场监管局（省知识产权局）"], ["市财政局"])
