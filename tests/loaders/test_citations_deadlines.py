"""Titles cited without 《》 and the deadline forms other plans write, one rule per case."""

from __future__ import annotations

from datetime import date

import pytest

from loaders import citations, deadlines, task_facts
from loaders.records import DeadlineKind, Span


def _span(text: str):
    return lambda s, e: Span(s, e, text[s:e])


def refs(text: str) -> list[str]:
    return [r.label for r in citations.find_references(text, 0, len(text), _span(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12月底前，根据山东省电子印章应用管理办法，推动落地。", ["山东省电子印章应用管理办法"]),
        ("根据山东省深化政务服务“一网通办”改革实施方案，研究制定配套落实措施。", ["山东省深化政务服务“一网通办”改革实施方案"]),
        ("根据加强新时代全省高技能人才队伍建设的实施意见，制定落实措施。", ["加强新时代全省高技能人才队伍建设的实施意见"]),
        ("参照专利法专利开放许可制度理念，引导专利权人。", ["专利法"]),
        ("全面清理与外商投资法不相符、不衔接的法规。", ["外商投资法"]),
        ("根据山东省、菏泽市“一窗受理”规范指引，制定我县实施细则。", ["山东省、菏泽市“一窗受理”规范指引"]),
        ("按照外商投资法规定，开展清理。", ["外商投资法"]),
        ("根据关于实施方案编制的指导意见，开展。", ["关于实施方案编制的指导意见"]),
        ("依据山东省优化营商环境条例和山东省政务服务平台管理办法，推进。", ["山东省优化营商环境条例", "山东省政务服务平台管理办法"]),
        ("根据山东省优化营商环境条例实施办法要求，推进。", ["山东省优化营商环境条例实施办法"]),
        ("深化落实《促进个体工商户发展条例》，研究制定促进个体工商户发展实施意见。", ["促进个体工商户发展条例"]),
    ],
)
def test_titles_without_brackets(text: str, expected: list[str]) -> None:
    assert refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "10月底前，根据省级、市级方案，完成改造。",
        "按照国家有关规定执行。",
        "按照本方案要求，抓好落实。",
        "按照要求研究制定实施方案。",
        "根据企业意见，优化流程。",
        "依法依规进行处置，根据实际情况依法处理。",
        "落实市级出台的负荷管理方案。",
        "根据省、市统一部署，推进改革。",
        "按照县委县政府决定，开展工作。",
        "认真落实“一照多址”适用范围由县域拓展至市域的部署要求。",
    ],
)
def test_generic_phrases_are_not_titles(text: str) -> None:
    assert refs(text) == []


def found(text: str, year: int | None = 2023, *, field: bool = False) -> list[tuple[str, DeadlineKind, date | None]]:
    return [
        (d.phrase, d.kind, d.date)
        for d in deadlines.find_deadlines(text, 0, len(text), year, _span(text), field=field)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年10月底前完成。", [("2023年10月底前", DeadlineKind.MONTH_END, date(2023, 10, 31))]),
        ("10月上旬前完成。", [("10月上旬前", DeadlineKind.DAY, date(2023, 10, 10))]),
        ("9月中旬完成。", [("9月中旬", DeadlineKind.DAY, date(2023, 9, 20))]),
        ("11月下旬前完成。", [("11月下旬前", DeadlineKind.MONTH_END, date(2023, 11, 30))]),
        ("10月前完成评估。", [("10月前", DeadlineKind.MONTH_END, date(2023, 9, 30))]),
        ("1月份前报送。", [("1月份前", DeadlineKind.MONTH_END, date(2022, 12, 31))]),
        ("明年6月底前推广。", [("明年6月底前", DeadlineKind.MONTH_END, date(2024, 6, 30))]),
        ("明年底前实现全覆盖。", [("明年底前", DeadlineKind.YEAR_END, date(2024, 12, 31))]),
        ("今年上半年完成。", [("今年上半年", DeadlineKind.HALF_END, date(2023, 6, 30))]),
        ("2023年12月31日，全部完成。", [("2023年12月31日", DeadlineKind.DAY, date(2023, 12, 31))]),
        ("6月30日前完成。", [("6月30日前", DeadlineKind.DAY, date(2023, 6, 30))]),
        ("第三季度完成。", [("第三季度", DeadlineKind.QUARTER_END, date(2023, 9, 30))]),
    ],
)
def test_more_deadline_forms(text: str, expected: list) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "自2023年1月1日起施行。",
        "于2023年10月1日召开推进会。",
        "5年内不得再次申请。",
        "每年6月底前报送。",
        "14个工作日内办结。",
        "1天办结。",
        "3年内完成。",
    ],
)
def test_durations_and_starts_are_not_deadlines(text: str) -> None:
    assert found(text) == []


def test_bare_date_in_a_time_limit_field() -> None:
    assert found("2023年12月31日", field=True) == [("2023年12月31日", DeadlineKind.DAY, date(2023, 12, 31))]


def test_relative_year_without_plan_year_is_left_out() -> None:
    assert found("明年6月底前推广。", year=None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("企业开办1天办结。", [("1天", 1.0, "天", "<=")]), ("不动产登记14个工作日内办结。", [("14个工作日内", 14.0, "个工作日", "<=")])],
)
def test_processing_limits_are_targets(text: str, expected: list) -> None:
    got = [(t.text, t.value, t.unit, t.comparator) for t in task_facts.find_targets(text, 0, len(text), _span(text))]
    assert got == expected
