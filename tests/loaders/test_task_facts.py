"""The fact finders, one rule at a time, on phrases taken from real plans."""

from __future__ import annotations

from datetime import date

import pytest

from loaders import task_facts
from loaders.records import DeadlineKind, Span


def _span(text: str):
    return lambda s, e: Span(s, e, text[s:e])


def deadlines(text: str, year: int | None = 2023) -> list[tuple[str, DeadlineKind, date | None]]:
    return [
        (d.phrase, d.kind, d.date) for d in task_facts.find_deadlines(text, 0, len(text), year, _span(text))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9月底前，跟进全省试点。", [("9月底前", DeadlineKind.MONTH_END, date(2023, 9, 30))]),
        ("9月底，省平台对接后，优化。", [("9月底", DeadlineKind.MONTH_END, date(2023, 9, 30))]),
        ("2月底前完成。", [("2月底前", DeadlineKind.MONTH_END, date(2023, 2, 28))]),
        ("年内新增50个事项。", [("年内", DeadlineKind.YEAR_END, date(2023, 12, 31))]),
        ("年底前完成。", [("年底前", DeadlineKind.YEAR_END, date(2023, 12, 31))]),
        ("2024年底前完成。", [("2024年底前", DeadlineKind.YEAR_END, date(2024, 12, 31))]),
        ("6月30日前完成。", [("6月30日前", DeadlineKind.DAY, date(2023, 6, 30))]),
        ("2024年3月15日前完成。", [("2024年3月15日前", DeadlineKind.DAY, date(2024, 3, 15))]),
        ("2024年3月底前完成。", [("2024年3月底前", DeadlineKind.MONTH_END, date(2024, 3, 31))]),
        ("第三季度完成。", [("第三季度", DeadlineKind.QUARTER_END, date(2023, 9, 30))]),
        (
            "上半年完成，下半年推广。",
            [
                ("上半年", DeadlineKind.HALF_END, date(2023, 6, 30)),
                ("下半年", DeadlineKind.HALF_END, date(2023, 12, 31)),
            ],
        ),
    ],
)
def test_deadline_phrases(text: str, expected: list) -> None:
    assert deadlines(text) == expected


def test_two_deadlines_in_one_task() -> None:
    text = "9月底前，建立健全专区。11月底前，研究制定地方标准。"
    assert [d[0] for d in deadlines(text)] == ["9月底前", "11月底前"]


@pytest.mark.parametrize(
    "text",
    [
        "对截至2023年2月28日前已经发布的所有失信被执行人企业开展集中排查",  # scopes the subject
        "力争2023年引进青年人才4500人以上",  # a bare year
        "确保2023届高校毕业生就业水平稳中有升",
        "正常出口退税办理时间压缩至3个工作日内",  # a processing limit
        "5年内不得再次申请",  # a duration
        "每年9月底前报送",  # recurring
        "持续推进落实用工服务专员制度",  # an ordinary verb in the body
        "13月底前完成",  # not a date
    ],
)
def test_not_deadlines(text: str) -> None:
    assert deadlines(text) == []


def test_no_plan_year_leaves_relative_deadlines_out() -> None:
    assert deadlines("9月底前完成，2024年3月底前推广。", year=None) == [
        ("2024年3月底前", DeadlineKind.MONTH_END, date(2024, 3, 31))
    ]


def test_open_deadline_in_a_time_limit_value() -> None:
    text = "长期坚持"
    found = task_facts.find_open_deadline(text, 0, len(text), _span(text))
    assert found is not None and found.kind is DeadlineKind.OPEN and found.date is None


def targets(text: str) -> list[tuple[str, float, str, str]]:
    return [
        (t.text, t.value, t.unit, t.comparator)
        for t in task_facts.find_targets(text, 0, len(text), _span(text))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("合同份额达到80%以上。", [("80%以上", 80, "%", ">=")]),
        ("备案企业数量达到12家。", [("达到12家", 12, "家", ">=")]),
        ("完成企业用气应急储备4万立方米以上保障工程", [("4万立方米以上", 4, "万立方米", ">=")]),
        (
            "示范单位不少于8个、示范企业不少于12家。",
            [("不少于8个", 8, "个", ">="), ("不少于12家", 12, "家", ">=")],
        ),
        ("增速不低于5%。", [("不低于5%", 5, "%", ">=")]),
        ("达成专利许可超过2项。", [("超过2项", 2, "项", ">")]),
        ("数量比上年增长10%左右。", [("10%左右", 10, "%", "~")]),
        ("验收通过后3个工作日内办结", [("3个工作日内", 3, "个工作日", "<=")]),
        ("力争新增领军人才1人以上。", [("1人以上", 1, "人", ">=")]),
        ("新创设城乡公益性岗位7439个，推动清零。", [("7439个", 7439, "个", "=")]),
        ("年内新增50个政务服务事项实现通办", [("50个", 50, "个", "=")]),
    ],
)
def test_targets(text: str, expected: list) -> None:
    assert targets(text) == [(a, float(b), c, d) for a, b, c, d in expected]


@pytest.mark.parametrize(
    "text",
    [
        "县直部门年办件量100件以上的常用政务服务事项",  # a qualifier: followed by 的
        "按照余额增量的2%提供资金",  # a rate of something else
        "打造15分钟交管“服务圈”",  # a time span naming the thing, not a count
        "实现服务群众24小时“不打烊”",
        "深化21类常用民事案由裁判文书自动生成",
        "（省政府令第351号）",
        "12月底前完成",
        "“±0.000以上”等阶段",
    ],
)
def test_not_targets(text: str) -> None:
    assert targets(text) == []


def test_references_titles_and_orders() -> None:
    text = "严格落实《山东省人民政府关于委托实施部分省级\n行政权力事项的决定》（省政府令第351号），根据国务院令第722号和国办发〔2023〕1号"
    found = task_facts.find_references(text, 0, len(text), _span(text))
    assert [(r.label, r.kind) for r in found] == [
        (
            "山东省人民政府关于委托实施部分省级\n行政权力事项的决定",
            "title",
        ),  # the finder sees normalized text in practice
        ("省政府令第351号", "order"),
        ("国务院令第722号", "order"),
        ("国办发〔2023〕1号", "order"),
    ]


def test_nested_title_is_one_reference() -> None:
    text = "执行《关于印发《促进条例》实施细则的通知》要求"
    assert [r.label for r in task_facts.find_references(text, 0, len(text), _span(text))] == [
        "关于印发《促进条例》实施细则的通知"
    ]


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("根据省、市统一部署，组织开展", [("province", "city")]),
        ("根据国家、省、市统一部署，推动", [("national", "province", "city")]),
        ("根据全市统一部署，开展", [("city",)]),
        ("根据全省数据相关知识产权保护和运用工作部署，对经过", [("province",)]),
        ("根据省级统筹安排发放汽车消费券", [("province",)]),
        ("根据省级建筑师负责制工作指导意见，鼓励", []),  # guidance, not a deployment
        ("根据全市统一的小额诉讼程序适用限额标准", []),
        ("根据“山东消费提振年”行动部署，组织", []),  # names no level
        ("根据自治区统一部署，开展", [("province",)]),  # an autonomous region is province-level
        ("根据广西壮族自治区、市统一部署，推进", [("province", "city")]),
        ("根据州统一部署，推进", [("city",)]),  # an autonomous prefecture is city-level
    ],
)
def test_deployment_waits(text: str, levels: list) -> None:
    found = task_facts.find_deployment_waits(text, 0, len(text), _span(text))
    assert [w.levels for w in found] == levels


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        (
            "。省不动产登记“一网通办”平台功能拓展完成后，根据省、市统一部署",
            ["省不动产登记“一网通办”平台功能拓展完成后"],
        ),
        (
            "。9月底前，山东省公共资源交易监管系统功能升级完成后，充分运用",
            ["山东省公共资源交易监管系统功能升级完成后"],
        ),
        (
            "。9月底，省“版权保护与服务平台”与“爱山东”对接后，进一步优化",
            ["省“版权保护与服务平台”与“爱山东”对接后"],
        ),
        ("。项目开工前完成联合报装，竣工验收后办理接入。", []),
        ("实现验收和登记一次申请、并联办理，验收通过后3个工作日内办结", []),
        ("。加快建设，系统升级完成后，推广应用。", []),  # mid-sentence: a process step
    ],
)
def test_preconditions(text: str, labels: list[str]) -> None:
    assert [p.label for p in task_facts.find_preconditions(text, 0, len(text), _span(text))] == labels


# -- systems and platforms ----------------------------------------------------------------------


def systems(text: str) -> list[tuple[str, str]]:
    return [(m.name, m.span.text) for m in task_facts.find_systems(text, 0, len(text), _span(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("深化电力业务系统与地方工程建设项目审批管理系统信息共享",
         [("电力业务系统", "电力业务系统"), ("地方工程建设项目审批管理系统", "地方工程建设项目审批管理系统")]),
        ("在“爱山东”APP平台完善报装功能", [("爱山东", "“爱山东”APP平台")]),
        ("优化“爱山东”政务服务平台架构", [("爱山东", "“爱山东”政务服务平台")]),
        ("9月底，省“版权保护与服务平台”与“爱山东”对接后", [("版权保护与服务平台", "省“版权保护与服务平台”")]),
        ("全面提升12345热线服务质效", [("12345热线", "12345热线")]),
        ("提升“12345”热线服务效能", [("12345热线", "“12345”热线")]),
        ("依托全省劳动人事争议维权平台，推行", [("劳动人事争议维权平台", "全省劳动人事争议维权平台")]),
        ("依托全省统一的类案智推系统", [("类案智推系统", "类案智推系统")]),
        ("推进政务服务网站标准化，嵌入本级政府门户网站", [("政务服务网站", "政务服务网站"), ("政府门户网站", "本级政府门户网站")]),
        ("在“爱山东”APP和政务服务网完善报装", [("爱山东", "“爱山东”APP"), ("政务服务网", "政务服务网")]),
        ("推动“双随机、一公开”监管平台互联互通", [("双随机、一公开", "“双随机、一公开”监管平台")]),
        ("积极推进工程档案在线归档管理系统建设", [("工程档案在线归档管理系统", "工程档案在线归档管理系统")]),
    ],
)
def test_systems(text: str, expected: list) -> None:
    assert systems(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "拓展水电气热线上报装渠道",  # 水电气热 + 线上: no hotline
        "对企业发债融资进行系统辅导",  # 系统 as an adverb
        "系统推进改革，形成系统化方案",
        "建立健全电商平台知识产权保护规则",  # 电商平台: a kind of platform, not one
        "推进公示系统与其他系统互联",  # too short to be a name
        "利用“山东通”移动监管等信息化平台",  # generic words only; a quoted name alone is not a system
        "在相关业务办理系统、政务服务大厅等平台公布",
        "实现与涉改部门平台系统互联互通",  # whose systems, not which
        "推动市政公用服务单位信息化平台对接",
        "完善热线全流程闭环运行机制，优化提升平台功能",
        "深化“一网通办”改革，推行“一件事一次办”",
        "发展平台经济，建设政电服务网络和服务网点",
    ],
)
def test_not_systems(text: str) -> None:
    assert systems(text) == []


def test_one_plan_names_one_system_several_ways() -> None:
    from loaders.records import SystemMention

    def mention(written: str) -> SystemMention:
        return task_facts.find_systems(written, 0, len(written), _span(written))[0]

    found = [mention(w) for w in ("山东省政务服务平台", "政务服务平台", "“爱山东”政务服务平台", "“鲁税通”征纳互动平台",
                                  "推广应用征纳互动平台", "山东省知识产权公共服务平台", "知识产权公共服务平台",
                                  "省公共资源交易监管系统", "市公共资源交易监管系统")]
    assert all(isinstance(m, SystemMention) for m in found)
    names = task_facts.plan_system_names(found)
    assert names["山东省政务服务平台"] == names["政务服务平台"] == "爱山东"
    assert names["征纳互动平台"] == "鲁税通"
    assert names["山东省知识产权公共服务平台"] == "知识产权公共服务平台"
    # Two levels, two systems: neither is merged with the other.
    assert names["省公共资源交易监管系统"] != names["市公共资源交易监管系统"]
    # Two proper names for one kind of platform: the plain name stays itself.
    two = task_facts.plan_system_names([mention("“甲通”政务服务平台"), mention("“乙办”政务服务平台"),
                                        mention("政务服务平台")])
    assert two["政务服务平台"] == "政务服务平台"
