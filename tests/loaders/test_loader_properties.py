"""Property tests: clean-up is idempotent and offset-faithful; parsing never crashes and is deterministic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import LoadError
from loaders.normalize import normalize
from loaders.policy_doc import parse_policy_document

# Text built from the pieces plans are made of, so the parser's paths are actually exercised.
PIECES = [
    "一、", "三、重点任务", "（一）", "(二)", "（十九）", "开办企业。", "（领域牵头部门：", "县行\n\n政审批服务局",
    "1. ", "2.", "17、", "142.着力", "。", "，", ",", "; ", ": ", "(牵头单位: ", "（牵\n\n头单位：", "责\n\n责任单位：",
    "）", ")", "、", "9月底前，", "年内", "12月31日前", "第三季度", "截至2023年2月28日前", "达到12家", "80%以上",
    "4万立方米以上", "的", "根据省、市统一部署，", "完成后，", "对接后，", "《条例》", "《", "》", "省政府令第351号",
    "巨政发〔2023〕5号", "巨野县人民政府", "2023年8月29日", "关于印发《方案》的通知", "\n", " ", "\u3000", "\ufeff", "ＡＢ１",
    # layouts of other governments (issue 12): brackets, compound labels, suffix verbs, bare lists
    "1﹒", "﹐", "〔牵头单位：", "〔", "〕", "7.365", "牵头负责", "按职责分工负责", "区财政局等部门，", "各有关镇、街道",
    "牵头责任单位：", "协同责任单位：", "6月底完成", "（市税务局、市财政局，列第一位的为牵头单位）", "1.工作目标。",
]  # fmt: skip
plan_like = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=40).map("".join)
any_text = st.one_of(st.text(), plan_like)
SETTINGS = settings(max_examples=100, deadline=None)


@SETTINGS
@given(any_text)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@SETTINGS
@given(any_text)
def test_normalized_ranges_map_to_source_slices(text: str) -> None:
    nt = normalize(text)
    assert len(nt.offsets) == len(nt.text)
    assert list(nt.offsets) == sorted(set(nt.offsets))
    for i, c in enumerate(nt.text):
        source_c = text[nt.offsets[i]]
        assert c == source_c or c == " " or not source_c.isalpha() or ord(source_c) >= 0xFF01


@SETTINGS
@given(any_text)
def test_parse_never_crashes_and_is_deterministic(text: str) -> None:
    try:
        first = parse_policy_document(text, "fuzz.txt")
    except LoadError:
        return
    second = parse_policy_document(text, "fuzz.txt")
    assert first == second
    for task in first.tasks:
        for span in [task.span, task.title_span] + [u.span for u in task.lead + task.responsible]:
            assert span.text == text[span.start : span.end]


SYSTEM_PIECES = ["系统", "平台", "热线", "APP", "小程序", "数据库", "网站", "服务网", "“", "”", "爱山东", "政务服务",
                 "依托", "与", "的", "等", "、", "，", "全省", "山东省", "12345", "线上", "工程建设项目审批管理"]  # fmt: skip
system_like = st.lists(st.one_of(st.sampled_from(SYSTEM_PIECES), st.text(max_size=3)), max_size=30).map("".join)


@SETTINGS
@given(st.one_of(system_like, any_text))
def test_system_mentions_are_slices_that_end_in_a_system_word_and_never_overlap(text: str) -> None:
    from loaders.records import Span
    from loaders.task_facts import find_systems

    found = find_systems(text, 0, len(text), lambda s, e: Span(s, e, text[s:e]))
    assert found == find_systems(text, 0, len(text), lambda s, e: Span(s, e, text[s:e]))
    for m, nxt in zip(found, found[1:], strict=False):
        assert m.span.end <= nxt.span.start
    for m in found:
        written = m.span.text.rstrip("”")
        assert written.endswith(("系统", "平台", "热线", "APP", "App", "app", "小程序", "数据库", "网站", "服务网"))
        assert len(m.name) >= 2 and m.name.replace("“", "").replace("”", "") in written.replace("“", "").replace("”", "")
