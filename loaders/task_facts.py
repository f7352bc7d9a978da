"""The facts inside one task's wording: deadlines, targets, cited works, higher-level waits, preconditions.

All finders work on the normalized text (see :mod:`loaders.normalize`: no line breaks, full-width
clause punctuation) between ``lo`` and ``hi``, and build :class:`~loaders.records.Span` objects through
the ``make_span`` callback so that every span points into the original source.

Rules (each one a general reading of the genre, never keyed to one document):

Deadlines and references
    See :mod:`loaders.deadlines` and :mod:`loaders.citations`; their finders are importable from here.

Targets
    A number with a unit (%, 家, 个, 人, 万立方米, 个工作日 …) is a target when (a) a comparator word
    precedes it — 达到/不少于/不低于/至少 → ``>=``, 超过/高于/多于 → ``>``, 不超过/不高于 → ``<=``,
    低于/少于 → ``<``; or (b) a comparator suffix follows — 以上 → ``>=``, 以下/以内/内 → ``<=``,
    左右 → ``~``; or (c) it is a plain count stated as the object of the clause: it ends the clause
    (新创设城乡公益性岗位7439个，) or directly follows a verb of creating (新增/打造/建成/引进… 50个).
    Plain counts get ``=``: the plan states that many. Not targets: a number followed by 的 (a
    qualifier inside a noun phrase: 年办件量100件以上的常用政务服务事项), a number after 的 with no
    comparator (a rate: 按照余额增量的2%提供资金), ordinals (第351号) and dates. A time followed by
    办结/办理/完成 is a processing limit (``1天办结`` → ``<=`` 1 天).

Deployment waits
    根据/按照/依据 + one or more levels (国家/全国/中央 → national; 省/全省/省级/X省 → province; 市/全市/
    市级/X市 → city) + an optional short qualifier + 统一部署/工作部署/部署要求/统筹安排/统一安排.
    Guidance documents (根据省级…指导意见) and standards (根据全市统一的…标准) are not waits.

Preconditions
    A clause ending in 完成后 or 对接后, followed by a comma, that opens its sentence (or follows only
    a deadline clause such as ``9月底前，``). Process steps inside a sentence (竣工验收后办理接入,
    验收通过后3个工作日内) are not outside events and do not match.

Systems and platforms
    A name ending in a system word (系统, 平台, 热线, APP, 小程序, 数据库, 网站, 服务网) names an
    information system. It runs back from that word over the clause, starting after the last verb
    or joining word (依托, 推动, 与, 的, 等 …; never inside “quotes”), without leading verbs such
    as 建设 or 应用 that also occur inside names (工程建设项目审批管理系统). A mention continued by
    another system word is one name (“爱山东”APP平台). A quoted name in it is the system's proper
    name (“爱山东”政务服务平台 → 爱山东). Not names: fewer than three characters before the system
    word (电商平台, 公示系统), generic words only (信息化平台, 相关业务办理系统), an owner's systems
    (涉改部门平台系统), and a quoted name alone (“一网通办” may name a reform as well as a platform).
    A quoted number is named with its system word (“12345”热线 → 12345热线).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from kg.vocab import levels as vocab_levels
from loaders.citations import find_doc_number, find_references, matching_close, trim_issuer_prefix
from loaders.deadlines import find_deadlines, find_open_deadline, is_deadline_clause, needs_plan_year
from loaders.records import DeploymentWait, Precondition, Span, SystemMention, Target

SpanMaker = Callable[[int, int], Span]

__all__ = [  # the deadline and citation finders live in their own modules; callers may import them here
    "find_deadlines", "find_open_deadline", "is_deadline_clause", "needs_plan_year",
    "find_doc_number", "find_references", "matching_close", "trim_issuer_prefix",
    "find_targets", "find_deployment_waits", "find_preconditions", "find_systems", "plan_system_names", "sentence_bounds",
]  # fmt: skip

_CLAUSE_END = "，。；："
_SENTENCE_END = "。；！？"

# --- targets ----------------------------------------------------------------------------------

_PRE_COMPARATORS = {
    "不少于": ">=", "不低于": ">=", "达到": ">=", "至少": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=",
    "超过": ">", "高于": ">", "多于": ">", "突破": ">",
    "低于": "<", "少于": "<",
}  # fmt: skip
_LIMIT_VERBS = ("办结", "办理", "完成", "审结", "办完")
_POST_COMPARATORS = {"以上": ">=", "以下": "<=", "以内": "<=", "内": "<=", "左右": "~"}
_COUNT_UNITS = (
    "万立方米", "立方米", "万平方米", "平方米", "万千瓦", "千瓦", "万吨", "吨", "公里", "亿元", "万元", "元",
    "个百分点", "百分点", "万人次", "人次", "万人", "万户", "万家", "家", "项", "人", "件", "处", "所", "户",
    "名", "条", "类", "批", "座", "套", "台", "倍", "亩", "次", "场", "个",
)  # fmt: skip
_TIME_UNITS = ("个工作日", "工作日", "个月", "小时", "分钟", "天")
_PERCENT_UNITS = ("%", "‰")
_UNITS = sorted(_COUNT_UNITS + _TIME_UNITS + _PERCENT_UNITS, key=len, reverse=True)
_CREATE_VERBS = (
    "新增",
    "新建",
    "新创设",
    "创设",
    "建成",
    "建设",
    "打造",
    "培育",
    "引进",
    "认定",
    "创建",
    "完成",
    "达成",
    "推出",
)
_TARGET_RE = re.compile(
    r"(?P<pre>" + "|".join(sorted(_PRE_COMPARATORS, key=len, reverse=True)) + r")?"
    r"(?<![\d.±第])(?P<num>\d+(?:\.\d+)?)"
    r"(?P<unit>" + "|".join(re.escape(u) for u in _UNITS) + r")"
    r"(?P<post>以上|以下|以内|左右|内)?"
)


def find_targets(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[Target]:
    """Return the quantitative targets in ``text[lo:hi]`` (rules in the module docstring).

    Example:
        >>> from loaders.records import Span
        >>> t = "确保份额达到80%以上。年办件量100件以上的事项，按照余额增量的2%提供资金。"
        >>> [(x.text, x.value, x.unit, x.comparator) for x in find_targets(t, 0, len(t), lambda s, e: Span(s, e, ""))]
        [('80%以上', 80.0, '%', '>=')]
    """
    found: list[Target] = []
    for m in _TARGET_RE.finditer(text, lo, hi):
        num_start = m.start("num")
        if num_start > 0 and text[num_start - 1] in "年月":  # 2023年12月: dates, not quantities
            continue
        after = text[m.end()] if m.end() < hi else ""
        if after == "的":
            continue
        pre, post, unit = m.group("pre"), m.group("post"), m.group("unit")
        if post == "内" and unit not in _TIME_UNITS:
            post = None  # 50个内…: 内 belongs to the next word, not a limit on a count
        # The suffix sits closest to the number and wins (达到80%以上 is "80%以上", >=); gold convention.
        if post:
            comparator = _POST_COMPARATORS[post]
        elif pre:
            comparator = _PRE_COMPARATORS[pre]
        elif num_start > 0 and text[num_start - 1] == "的":
            continue
        elif unit in _TIME_UNITS and text.startswith(_LIMIT_VERBS, m.end("unit"), hi):
            comparator = "<="  # 1天办结: a processing limit
        elif (
            after == ""
            or after in _CLAUSE_END
            or (unit in _COUNT_UNITS and any(text.endswith(v, lo, num_start) for v in _CREATE_VERBS))
        ):
            comparator = "="
        else:
            continue
        end = m.end("post") if post else m.end("unit")
        start = m.start("pre") if pre and not post else num_start
        found.append(Target(text[start:end], float(m.group("num")), unit, comparator, make_span(start, end)))
    return found


# --- deployment waits -------------------------------------------------------------------------

# An autonomous region (自治区) is a province-level division and an autonomous prefecture (自治州,
# written 州) a city-level one: plans of Guangxi or 湘西州's counties wait on them as others wait on 省/市.
_LEVEL = (r"(?:国家|全国|中央|国务院|[\u4e00-\u9fff]{2,6}?自治区|自治区|全省|省级|全市|市级|全州|州级"
          r"|[\u4e00-\u9fff]{2,4}?自治州|[\u4e00-\u9fff]{2,3}[省市州]|省|市|州)")
_WAIT_RE = re.compile(
    r"(?:根据|按照|依据|依照)(?P<levels>" + _LEVEL + r"(?:[、和及与]?" + _LEVEL + r")*)"
    r"(?P<qualifier>[^，。；：、（）《》“”]{0,20}?)"
    r"(?:统一部署|工作部署|部署要求|统筹安排|统一安排)"
)
_LEVEL_TOKEN = re.compile(_LEVEL)


def find_deployment_waits(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[DeploymentWait]:
    """Return the places where ``text[lo:hi]`` waits on a higher level's deployment.

    Example:
        >>> from loaders.records import Span
        >>> t = "根据国家、省、市统一部署，推动。根据全省数据知识产权工作部署，探索。根据省级建筑师负责制工作指导意见。"
        >>> [(w.phrase, w.levels) for w in find_deployment_waits(t, 0, len(t), lambda s, e: Span(s, e, ""))]
        [('根据国家、省、市统一部署', ('national', 'province', 'city')), ('根据全省数据知识产权工作部署', ('province',))]
    """
    found = []
    for m in _WAIT_RE.finditer(text, lo, hi):
        levels = set()
        for token in _LEVEL_TOKEN.findall(m.group("levels")):
            if token in ("国家", "全国", "中央", "国务院"):
                levels.add("national")
            elif token.endswith(("省", "自治区")) or token.startswith(("全省", "省")):
                levels.add("province")
            else:
                levels.add("city")
        ordered = tuple(lv.notation for lv in vocab_levels() if lv.notation in levels)  # highest first
        found.append(DeploymentWait(m.group(), ordered, make_span(m.start(), m.end())))
    return found


# --- preconditions ----------------------------------------------------------------------------

_PRECONDITION_RE = re.compile(r"(?:完成|对接)后(?=，)")


def find_preconditions(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[Precondition]:
    """Return the outside events ``text[lo:hi]`` waits for (rule in the module docstring).

    Example:
        >>> from loaders.records import Span
        >>> t = "9月底前，山东省公共资源交易监管系统功能升级完成后，推动。竣工验收后办理接入。"
        >>> [p.label for p in find_preconditions(t, 0, len(t), lambda s, e: Span(s, e, ""))]
        ['山东省公共资源交易监管系统功能升级完成后']
    """
    found = []
    for m in _PRECONDITION_RE.finditer(text, lo, hi):
        start = _clause_start(text, lo, m.start())
        if start >= m.start() or not _opens_sentence(text, lo, start):
            continue
        found.append(Precondition(text[start : m.end()], make_span(start, m.end())))
    return found


def _clause_start(text: str, lo: int, pos: int) -> int:
    """Return the start of the clause ending at ``pos``: after the last ，。；： outside “quotes”."""
    depth = 0
    for k in range(pos - 1, lo - 1, -1):
        c = text[k]
        if c == "”":
            depth += 1
        elif c == "“":
            depth = max(0, depth - 1)
        elif depth == 0 and c in _CLAUSE_END:
            return k + 1
    return lo


def _opens_sentence(text: str, lo: int, start: int) -> bool:
    if start <= lo or text[start - 1] in _SENTENCE_END:
        return True
    if text[start - 1] != "，":
        return False
    previous = _clause_start(text, lo, start - 1)
    return is_deadline_clause(text[previous : start - 1]) and (
        previous <= lo or text[previous - 1] in _SENTENCE_END
    )


# --- systems and platforms -------------------------------------------------------------------

# Not 系统性/系统化 (adverbs), not 热线上 (水电气热 + 线上报装); 网 only in 服务网 (政务服务网),
# never in 网络, 网点 or 网格.
_SYSTEM_WORD = re.compile(r"系统(?![性化])|平台|热线(?![上下])|APP|App|app|小程序|数据库|网站|(?<=服务)网(?![络点格站])")
_SYSTEM_TAIL = re.compile(f"(?:{_SYSTEM_WORD.pattern})+$")
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+＋·]")
_QUOTED = re.compile(r"“[^“”]{1,30}”")
# A name starts after the last of these: verbs that take a system as their object, and words that
# join clauses or list items (在 but not 在线; 对 but not 对外).
_NAME_CUT = re.compile("|".join(sorted((
    "依托", "通过", "用好", "利用", "运用", "使用", "发挥", "搭建", "对接", "融入", "接入", "嵌入", "开通",
    "升级", "优化", "完善", "推广", "推动", "推进", "推行", "深化", "强化", "拓展", "加强", "加快", "开展",
    "统筹", "根据", "按照", "依据", "纳入", "进行", "完成", "提升", "增强", "实现", "支持", "构建", "打造",
    "登录", "推送", "归集", "上线", "启用", "改造", "覆盖", "建立", "健全", "促进", "提高", "加大", "开发",
    "引导", "鼓励", "组织", "确保", "落实", "探索", "畅通", "扩大", "深入", "发布", "设立", "打通", "将", "至", "向", "从", "为", "由", "的", "等",
    "与", "和", "及", "或", "并", "把", "于", "以", "在(?!线)", "对(?![外接])",
), key=len, reverse=True)))
# Verbs a name does not start with, though they occur inside names (工程建设项目, 数据共享平台).
_NAME_LEAD = tuple(sorted((
    "建设", "应用", "共享", "整合", "集成", "全面", "进一步", "逐步", "积极", "持续", "相关", "有关", "各类",
), key=len, reverse=True))
_SCOPE = re.compile(r"^(?:全[省市县区]|[省市县区]级|本级|各级|省(?!份)|市(?![场政民])|县(?!域))")
# "Province-wide" and "this level's" say where a system reaches, not which one it is.
_REACH = re.compile(r"^(?:全[国省市县区]|本级)")
# A leading place or level: 山东省, 巨野县, 省, 市 (not 市场), 地方.
_QUALIFIER = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}?(?:省|自治区|市|县|区)|[省县区]级?|市级?(?!场|民|政(?!务))|地方)")
_GENERIC_WORDS = ("信息化|服务|信息|管理|业务|办理|线上|网上|在线|统一|数据|电子|综合|监管|智能|智慧|移动|公共|交易"
                  "|工作|功能|相关|各类|有关")
_GENERIC = re.compile(f"^(?:{_GENERIC_WORDS})+$")
_GENERIC_END = re.compile(f"(?:{_GENERIC_WORDS})+$")
_OWNER = ("部门", "单位", "企业", "机构")
MAX_SYSTEM_NAME = 24
MIN_SYSTEM_CORE = 3  # characters before the system word: 供应链平台 is a name, 电商平台 a kind


def find_systems(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[SystemMention]:
    """Return the information systems and platforms ``text[lo:hi]`` names (rules in the module docstring).

    Example:
        >>> from loaders.records import Span
        >>> t = ("在“爱山东”APP平台完善报装功能；深化电力业务系统与工程建设项目审批管理系统信息共享，"
        ...      "用好全省科技型中小企业“众扶平台”，完善热线全流程闭环，优化升级相关业务办理系统。")
        >>> [(m.name, m.span.text) for m in find_systems(t, 0, len(t), lambda s, e: Span(s, e, t[s:e]))]
        [('爱山东', '“爱山东”APP平台'), ('电力业务系统', '电力业务系统'), ('工程建设项目审批管理系统', '工程建设项目审批管理系统'), ('众扶平台', '全省科技型中小企业“众扶平台”')]
    """
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(text, lo, hi)]
    by_start: dict[int, tuple[int, str]] = {}
    for m in _SYSTEM_WORD.finditer(text, lo, hi):
        word, end = m.start(), m.end()
        inside = next((q for q in quotes if q[0] < word < q[1]), None)
        if inside is not None:
            if end != inside[1] - 1:
                continue  # a system word inside a quoted phrase (“平台经济”), not ending a name
            word, end = inside  # the quoted name is one piece: “版权保护与服务平台”
        start = _name_start(text, lo, word, quotes)
        name = _system_name(text[start:end])
        if name and end > by_start.get(start, (0, ""))[0]:
            by_start[start] = (end, name)  # “爱山东”APP平台, not also “爱山东”APP
    found, last_end = [], lo
    for start, (end, name) in sorted(by_start.items()):
        if start >= last_end:  # a name longer than MAX_SYSTEM_NAME may start inside the one before
            found.append(SystemMention(name, make_span(start, end)))
            last_end = end
    return found


def _name_start(text: str, lo: int, word: int, quotes: list[tuple[int, int]]) -> int:
    """Where the name ending in the system word at ``word`` starts (see the module docstring)."""
    i = word
    while i > lo and word - i < MAX_SYSTEM_NAME:
        quote = next((q for q in quotes if q[1] == i), None)
        if quote is not None:
            i = quote[0]
        elif _NAME_CHAR.match(text[i - 1]):
            i -= 1
        else:
            break
    for m in _NAME_CUT.finditer(text, i, word):
        if not any(q[0] < m.start() < q[1] for q in quotes):
            i = max(i, m.end())
    trimmed = True
    while trimmed:
        trimmed = False
        for w in _NAME_LEAD:
            if text.startswith(w, i, word):
                i, trimmed = i + len(w), True
                break
    return i


def _system_name(written: str) -> str | None:
    """The system's name for a mention as written, or None when the mention names no one system."""
    quoted = re.findall(r"“([^“”]+)”", written)
    if quoted and re.search(r"[\u4e00-\u9fff]", quoted[-1]):
        name = quoted[-1].strip()
        return name if len(name) >= 2 else None
    if quoted:  # a number is no name on its own: “12345”热线 is 12345热线
        written = written.replace("“", "").replace("”", "")
    core = _SCOPE.sub("", _SYSTEM_TAIL.sub("", written))
    if len(core) < MIN_SYSTEM_CORE or _GENERIC.match(core):
        return None
    if _GENERIC_END.sub("", core).endswith(_OWNER):
        return None  # whose systems (涉改部门平台系统), not which
    return _REACH.sub("", written)


def plan_system_names(mentions: Iterable[SystemMention]) -> dict[str, str]:
    """Return the name each system name of one plan stands for in that plan.

    A plan writes one system in several ways, and such forms are one system:
    - with and without its place or level (山东省公共资源交易监管系统, 省公共资源交易监管系统;
      山东省知识产权公共服务平台, 知识产权公共服务平台), named by the shortest form, unless the forms
      name two levels (省政务服务平台, 市政务服务平台: two systems, none merged);
    - by its proper name and by what it is (“鲁税通”征纳互动平台, 征纳互动平台), named by the
      proper name, unless two proper names claim the same (“A”服务平台, “B”服务平台).

    Example:
        >>> from loaders.records import Span
        >>> def m(text, name=None): return SystemMention(name or text, Span(0, len(text), text))
        >>> names = plan_system_names([m("山东省政务服务平台"), m("政务服务平台"), m("“爱山东”政务服务平台", "爱山东"),
        ...                            m("省公共资源交易监管系统"), m("市公共资源交易监管系统")])
        >>> names["山东省政务服务平台"], names["政务服务平台"], names["市公共资源交易监管系统"]
        ('爱山东', '爱山东', '市公共资源交易监管系统')
    """
    mentions = list(mentions)
    groups: dict[str, dict[str, str]] = {}
    for name in {m.name for m in mentions}:
        q = _QUALIFIER.match(name)
        qualified = q is not None and len(name) - q.end() > MIN_SYSTEM_CORE
        base = name[q.end():] if qualified else name
        level = q.group().rstrip("级")[-1:] if qualified and q.group() != "地方" else ""
        groups.setdefault(base, {})[name] = level
    out = {}
    for forms in groups.values():
        one = len({lv for lv in forms.values() if lv}) <= 1
        shortest = min(forms, key=lambda n: (len(n), n))
        out.update({n: shortest if one else n for n in forms})
    claims: dict[str, set[str]] = {}
    for m in mentions:
        tail = m.span.text.rpartition("”")[2]
        if tail and m.name != m.span.text and _system_name(tail) is not None:
            claims.setdefault(out.get(tail, tail), set()).add(m.name)
    proper = {what: next(iter(names)) for what, names in claims.items() if len(names) == 1}
    return {n: proper.get(v, v) for n, v in out.items()}


def sentence_bounds(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    """Return the ``(start, end)`` of the 。；-delimited sentence of ``text[lo:hi]`` containing ``text[start:end]``."""
    s = max((text.rfind(c, lo, start) for c in _SENTENCE_END), default=-1)
    s = lo if s < lo else s + 1
    ends = [k for k in (text.find(c, end, hi) for c in _SENTENCE_END) if k >= 0]
    e = min(ends) + 1 if ends else hi
    return s, max(e, end)
