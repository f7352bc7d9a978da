"""The facts a plan's 通知 header and signature give: title, 文号, issuer, date issued, plan year.

A plan is published inside a notice: ``巨野县人民政府关于印发《巨野县2023年…实施方案》的通知``, then the
文号 ``巨政发〔2023〕5号``, the addressees, one line of text, and the signer and date — which the plan
repeats at its very end (``巨野县人民政府 2023年08月29日``). The rules below read those general forms;
each fact that is not found is left None and named in ``missing``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from loaders.normalize import NormalizedText, normalize
from loaders.task_facts import find_doc_number, matching_close

_NOTICE = "关于印发《"
_NOTICE_PLAIN = re.compile(r"关于印发(?P<title>[^《》，。；：\n]{4,80}?)的通知")
_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
# After the closing date only a note such as （此件公开发布） may follow.
_TAIL_AFTER_SIGNATURE = re.compile(r"(?:（[^（）]{0,20}）)?")
_CJK_RUN_END = re.compile(r"[\u4e00-\u9fff]{2,30}$")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")
# A government web page's publication line: 发布时间：2023-03-10, 发布日期：2023年3月10日.
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|发文日期)[:：]?\s*((?:19|20)\d{2})(?:[-./年])")
# Web-page furniture around a copied plan: breadcrumbs, link words, publication facts.
_CHROME = re.compile(r"[>＞»›]|首页|当前位置|您的位置|打印本页|打印此页|关闭窗口|【打印】|【关闭】|字号|分享到|"
                     r"^(?:发布时间|发布日期|来源|浏览次数|点击数|索引号|信息来源)[：:]")
_CHROME_LINES = 12
_RED_HEADER_CHARS = 200
_NUMBERED = re.compile(r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+\s*[.、．])")
_DOC_NUMBER_LINE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[【（(［]\d{4}[〕\]】）)］]\d+号")
_RED_HEADER = re.compile(r"[\u4e00-\u9fff]{2,30}(?:人民政府|政府|委员会|办公室|办公厅)文件")


@dataclass
class DocumentHeader:
    """What the header says; ``notes`` are observations worth a Problem (info)."""

    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued: date | None = None
    plan_year: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Names of the facts not found."""
        names = ("title", "doc_number", "issuer", "issued", "plan_year")
        return [name for name in names if getattr(self, name) is None]


def read_header(nt: NormalizedText, header_end: int) -> DocumentHeader:
    """Return the header facts of a plan; the 文号 and notice are looked for before ``header_end``.

    Rules: the title is the 《…》 of ``X关于印发《…》的通知`` (else the first line, without 《》); the
    issuer is X, or the signer when X merely ends with the signer's name; the date is the last full
    date that closes the text (the signature), else the one right after the issuer in the header; the
    plan year is the first year in the title, else the year issued.

    Example:
        >>> h = read_header(normalize("巨野县人民政府关于印发《巨野县2023年行动方案》的通知巨政发〔2023〕5号"
        ...                           "\\n一、目标\\n巨野县人民政府\\n2023年08月29日"), 50)
        >>> (h.title, h.doc_number, h.issuer, str(h.issued), h.plan_year)
        ('巨野县2023年行动方案', '巨政发〔2023〕5号', '巨野县人民政府', '2023-08-29', 2023)
    """
    t = nt.text
    header = DocumentHeader()
    notice = t.find(_NOTICE, 0, header_end)
    notice_issuer = None
    if notice >= 0:
        close = matching_close(t, notice + len(_NOTICE) - 1, len(t), "《", "》")
        if close is not None:
            header.title = t[notice + len(_NOTICE) : close - 1]
        notice_issuer = _issuer_before(t, notice)
    else:  # 关于印发X的通知 without 《》
        plain = _NOTICE_PLAIN.search(t, 0, header_end)
        if plain is not None:
            header.title = plain.group("title")
            notice_issuer = _issuer_before(t, plain.start())
    red = _RED_HEADER.search(t, 0, min(header_end, _RED_HEADER_CHARS))
    if notice_issuer is None and red is not None:  # 成都市人民政府文件 above a notice that names no sender
        notice_issuer = _issuer_before(t, red.end() - 2)
    if header.title is None:
        header.title = _first_line_title(nt.source)
    header.doc_number = _without_red_header(find_doc_number(t, 0, header_end))

    signature = _signature(t)
    signer = signature[0] if signature else None
    if signer and (notice_issuer is None or notice_issuer.endswith(signer)):
        header.issuer = signer
    else:
        header.issuer = notice_issuer
        if signer and notice_issuer:
            header.notes.append(f"notice issuer {notice_issuer} differs from signer {signer}")
    if signature is not None:
        header.issued = signature[1]
    elif header.issuer:  # the notice's own signature: the issuer's name followed by a date
        k = t.find(header.issuer, 0, header_end)
        while k >= 0 and header.issued is None:
            after = _DATE_RE.match(t, k + len(header.issuer))
            header.issued = _date_or_none(after) if after else None
            k = t.find(header.issuer, k + 1, header_end)

    year = _YEAR_RE.search(header.title or "")
    header.plan_year = int(year.group(1)) if year else (header.issued.year if header.issued else None)
    if header.plan_year is None and (published := _PUBLISHED.search(t, 0, header_end)) is not None:
        # A web page's 发布时间 is when the page went up, not when the plan was issued: it stays out
        # of ``issued`` but is the best evidence of the year the plan's 9月底前 deadlines fall in.
        header.plan_year = int(published.group(1))
        header.notes.append(f"plan year {published.group(1)} taken from the page's publication date")
    return header


def _first_line_title(source: str) -> str | None:
    """The first line that is not web-page furniture, when it reads as a title.

    A title has no sentence end and no label (an excerpt that starts mid-text has none). Lines a web
    page wraps around a plan — a breadcrumb (首页 > 政务公开 > …), link words (打印本页, 关闭窗口),
    publication facts (发布时间：…, 来源：…) — are skipped, never taken for the title; a red-header line
    (…人民政府文件) is the issuer's, not the title. The file name is never a title.
    """
    for line in source.splitlines()[:_CHROME_LINES]:
        cleaned = normalize(line).text
        if not cleaned or _CHROME.search(cleaned) or _RED_HEADER.fullmatch(cleaned) or _DOC_NUMBER_LINE.fullmatch(cleaned):
            continue
        inner = re.search(r"《(.+)》", cleaned)
        if inner:
            return inner.group(1)
        heading = _NUMBERED.match(cleaned)  # an excerpt that starts at a section heading has no title
        return None if heading or re.search(r"[。；：:]", cleaned) or len(cleaned) > 80 else cleaned
    return None


def _issuer_before(t: str, end: int) -> str | None:
    """The run of CJK characters ending at ``end``, after any 文号 or red-header line glued before it."""
    run = _CJK_RUN_END.search(t, max(0, end - 30), end)
    name = re.split(r"号|文件", run.group())[-1] if run else ""
    return name or None


def _without_red_header(number: str | None) -> str | None:
    """The 文号 without a red-header line glued onto it: …市人民政府文件蓉府〔2019〕5号 → 蓉府〔2019〕5号."""
    if number and "文件" in number.split("〔")[0]:
        return number[number.rindex("文件", 0, number.find("〔") if "〔" in number else len(number)) + 2 :] or None
    return number


def _signature(t: str) -> tuple[str | None, date] | None:
    """The signer and date closing the text: the last full date followed by nothing but an optional
    parenthesis; the signer is the run of CJK characters just before it."""
    for m in reversed(list(_DATE_RE.finditer(t))):
        if _TAIL_AFTER_SIGNATURE.fullmatch(t, m.end()) is None:
            continue
        issued = _date_or_none(m)
        if issued is None:
            return None
        run = _CJK_RUN_END.search(t, max(0, m.start() - 30), m.start())
        return (run.group() if run else None), issued
    return None


def _date_or_none(m: re.Match[str]) -> date | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
