"""Works a task cites: 《titles》, titles written without 《》, numbered orders and 文号.

Rules (general readings of the genre):

* The outermost 《…》 is a title (line breaks removed; an inner 《》 stays part of the label).
* A title without 《》 follows a citing verb — 根据/按照/依据/依照/参照/对照/遵照/落实/执行/贯彻 — and
  ends with a document-type word: 条例, 办法, 规定, 细则, 导则, 方案, 意见, 决定, 通知, 指引, 指南,
  规划, or 法 for a law. The title runs from the verb to the *first* such word that is followed by a
  clause end or a word that closes a citation (要求, 规定, 精神, 有关, 中, 的, 和, 、 …): so
  ``根据外商投资法规定`` cites 外商投资法, and ``根据关于实施方案编制的指导意见`` the whole title.
  A law may also be followed by running text (``参照专利法专利开放许可制度理念``), so for 法 the first
  occurrence stands even without a closing word. ``与X法不相符`` (a comparison with a law) cites X法.
* Generic phrases are not titles: when the words before the type word are only levels, issuers
  or determiners (``根据省级、市级方案``, ``按照国家有关规定``, ``按照本方案``), or the clause drafts a
  document rather than citing one (``按照要求研究制定实施方案``; a stem opening 关于 is a title all the same).
* A numbered order (省政府令第351号, 国务院令第722号) or a cited 文号 (国办发〔2023〕1号) — kind ``"order"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loaders.records import Reference, Span

SpanMaker = Callable[[int, int], Span]

# A 文号 or order number: issuer abbreviation, year in any of the brackets plans use, serial.
_DOC_NUMBER_RE = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,10})[〔\[【（(［]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]】）)］]\s*(?P<serial>\d+)\s*号"
)
_ORDER_RE = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{1,10}令)第(?P<serial>\d+)号")
# Words that end a lead-in and cannot be part of an issuer's abbreviation; the issuer starts after them.
_LEAD_IN = re.compile(
    r".*(?:根据|按照|依据|依照|落实|执行|贯彻|印发|通知|决定|意见|批复|方案|办法|的|和|及|与|或)"
)

_CITING = re.compile(r"根据|按照|依据|依照|参照|对照|遵照|落实|执行|贯彻")
_COMPARING = re.compile(r"[与同]")
_COMPARISON_AFTER = ("不相符", "相符", "不符", "相抵触", "抵触", "不一致", "相一致", "不衔接", "相衔接", "相违背")
_TYPE_WORDS = ("条例", "办法", "规定", "细则", "导则", "方案", "意见", "决定", "通知", "指引", "指南", "规划", "法")
_TYPE_RE = re.compile("|".join(_TYPE_WORDS))
# What may follow a cited title: the end of the clause or a word that closes the citation.
_CLOSERS = ("要求", "规定", "精神", "部署", "有关", "相关", "等", "中", "的", "和", "及", "与", "第", "明确", "提出", "确定", "、")  # fmt: skip
_TITLE_STOP = "，。；：（）《》！？"
# 法 ends a law's name, but not in these words (依法, 办法 is its own type word, 法治 …).
_NOT_LAW_BEFORE = frozenset("依合违执司立方做用说看想书办守护普非")
_NOT_LAW_AFTER = frozenset("治律院人定官学务典制")
_GENERIC = re.compile(
    r"国家|全国|中央|省级|市级|县级|区级|全省|全市|全县|全区|上级|各级|有关|相关|上述|前述|本|该|此|"
    r"工作|实施|具体|配套|统一|文件|要求|[省市县区]委|[省市县区]?人民政府|[省市县区]?政府|[省市县区]|[、和及与的]"
)
_DRAFTING = re.compile(r"制定|出台|编制|起草|研究|印发|修订|完善|建立|形成")
_MIN_STEM = 4  # 根据企业意见 is an opinion, not a title; titles are longer
_MIN_LAW_STEM = 2  # 专利法
_MAX_TITLE = 60


def find_doc_number(text: str, lo: int, hi: int) -> str | None:
    """Return the first 文号 in ``text[lo:hi]``, issuer abbreviation trimmed, as written.

    The year's brackets vary between sources — 〔〕 in print, [] or （） from OCR and web pages,
    even a mixed 〔] — so any pair is accepted.

    Example:
        >>> find_doc_number("》的通知巨政发〔2023〕5号各镇", 0, 20)
        '巨政发〔2023〕5号'
    """
    for m in _DOC_NUMBER_RE.finditer(text, lo, hi):
        issuer = trim_issuer_prefix(m.group("prefix"))
        if issuer:
            return text[m.end("prefix") - len(issuer) : m.end()]
    return None


def trim_issuer_prefix(prefix: str) -> str:
    """Return the issuer part of the CJK run before a number: ``的通知巨政发`` → ``巨政发``."""
    m = _LEAD_IN.match(prefix)
    return prefix[m.end() :] if m else prefix


def find_references(text: str, lo: int, hi: int, make_span: SpanMaker) -> list[Reference]:
    """Return the works cited in ``text[lo:hi]``: titles with and without 《》 and numbered orders, in text order.

    Example:
        >>> from loaders.records import Span
        >>> t = "严格落实《山东省人民政府关于委托实施部分省级行政权力事项的决定》（省政府令第351号）"
        >>> [(r.label, r.kind) for r in find_references(t, 0, len(t), lambda s, e: Span(s, e, t[s:e]))]
        [('山东省人民政府关于委托实施部分省级行政权力事项的决定', 'title'), ('省政府令第351号', 'order')]
        >>> t = "根据山东省电子印章应用管理办法，推动。根据省级、市级方案，参照专利法专利开放许可制度理念。"
        >>> [r.label for r in find_references(t, 0, len(t), lambda s, e: Span(s, e, t[s:e]))]
        ['山东省电子印章应用管理办法', '专利法']
    """
    found: list[tuple[int, Reference]] = []
    quoted: list[tuple[int, int]] = []
    i = lo
    while True:
        start = text.find("《", i, hi)
        if start < 0:
            break
        end = matching_close(text, start, hi, "《", "》")
        if end is None:
            break
        quoted.append((start, end))
        label = text[start + 1 : end - 1].strip()
        if label:
            found.append((start, Reference(label, "title", make_span(start, end))))
        i = end
    for start, end in _untitled(text, lo, hi):
        if not any(a <= start < b for a, b in quoted):
            found.append((start, Reference(text[start:end], "title", make_span(start, end))))
    for regex in (_ORDER_RE, _DOC_NUMBER_RE):
        for m in regex.finditer(text, lo, hi):
            issuer = trim_issuer_prefix(m.group("prefix"))
            if not issuer or (regex is _ORDER_RE and issuer == "令"):
                continue
            start = m.end("prefix") - len(issuer)
            found.append((start, Reference(text[start : m.end()], "order", make_span(start, m.end()))))
    return [ref for _, ref in sorted(found, key=lambda pair: pair[0])]


def _untitled(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of titles cited without 《》 (rules in the module docstring)."""
    out: list[tuple[int, int]] = []
    for cue in _CITING.finditer(text, lo, hi):
        start = cue.end()
        while start < hi:
            title = _title_after(text, start, hi, comparison=False)
            if title is None:
                break
            out.append((start, title))
            # 根据A办法和B办法: a second title after 和/及/、.
            if title < hi and text[title] in "和及、与":
                start = title + 1
            else:
                break
    for cue in _COMPARING.finditer(text, lo, hi):
        end = _title_after(text, cue.end(), hi, comparison=True)
        if end is not None:
            out.append((cue.end(), end))
    return out


def _title_after(text: str, start: int, hi: int, *, comparison: bool) -> int | None:
    """Return the end of a title starting at ``start``, or None when no title starts there."""
    if start >= hi or text[start] in _TITLE_STOP:
        return None
    stop = start
    limit = min(hi, start + _MAX_TITLE)
    while stop < limit and text[stop] not in _TITLE_STOP:
        stop += 1
    for m in _TYPE_RE.finditer(text, start, stop):
        word, end = m.group(), m.end()
        stem = text[start : m.start()]
        law = word == "法"
        if law and (not stem or stem[-1] in _NOT_LAW_BEFORE or text[end : end + 1] in _NOT_LAW_AFTER):
            continue
        after = text[end:hi]
        if comparison:
            if not (law and after.startswith(_COMPARISON_AFTER)):
                continue
        elif not (end >= stop or after.startswith(_CLOSERS) or law):
            continue
        if _is_generic(stem, _MIN_LAW_STEM if law else _MIN_STEM):
            return None
        if _DRAFTING.search(stem) and not stem.startswith("关于"):  # 关于…编制的意见 is a title
            return None
        return end
    return None


def _is_generic(stem: str, minimum: int) -> bool:
    """True when the words before the type word only name levels, issuers or determiners."""
    if stem.endswith(("有关", "相关", "等", "的有关")):
        return True
    return len(_GENERIC.sub("", stem)) < minimum


def matching_close(text: str, start: int, hi: int, open_c: str, close_c: str) -> int | None:
    """Return the index after the bracket closing the one at ``start`` (nesting counted), or None."""
    depth = 0
    for k in range(start, hi):
        if text[k] == open_c:
            depth += 1
        elif text[k] == close_c:
            depth -= 1
            if depth == 0:
                return k + 1
    return None
