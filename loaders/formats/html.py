"""Web pages as government sites publish plans: the main text found, navigation and furniture dropped.

The rule for the main text: links are navigation, so each element is weighed by the Chinese text it
holds outside links; starting at <body>, we step into the child holding at least 80% of that weight
for as long as one does. What remains is the article container whatever the site calls it (zoom,
TRS_Editor, pages_content …). Scripts, styles, <nav>, <header>, <footer>, <aside> and forms go first.
Block elements (p, div, br, li, tr, headings) end lines; tables are flattened with their columns kept.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import LoadError
from loaders.formats import SourceText
from loaders.formats.tables import flatten_table
from loaders.textfile import read_plan_text

_DROP = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "select", "button")
_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                     "table", "ul", "ol", "center", "blockquote", "pre", "dd", "dt"})
_SHARE = 0.8


def read_html(path: str | Path) -> SourceText:
    """Return the main text of an .html plan page.

    Raises:
        LoadError: the file cannot be decoded or holds no Chinese text.
    """
    raw, encoding = read_plan_text(path)
    return SourceText(extract_main_text(raw, str(path)), encoding, "html")


def extract_main_text(markup: str, source: str = "page") -> str:
    """Return the main text of an HTML page (rules in the module docstring).

    Example:
        >>> page = ("<html><body><div class=nav><a href=/>首页</a><a href=/x>政务公开</a></div>"
        ...         "<div id=zoom><p>一、重点任务</p><p>1. 推行登记。（牵头单位：县财政局）</p></div>"
        ...         "<div class=foot>版权所有</div></body></html>")
        >>> extract_main_text(page)
        '一、重点任务\\n1. 推行登记。（牵头单位：县财政局）'
    """
    import lxml.html

    try:
        root = lxml.html.document_fromstring(markup)
    except Exception as exc:  # lxml raises ParserError or ValueError on empty or broken input
        raise LoadError(source, "", f"not readable HTML: {exc}") from exc
    for element in root.xpath("|".join(f"//{t}" for t in _DROP)):
        element.drop_tree()
    body = root.find("body") if root.find("body") is not None else root
    main = body
    while True:
        total = _weight(main)
        heavy = [c for c in main if isinstance(c.tag, str) and _weight(c) >= _SHARE * total]
        if not heavy or total == 0:
            break
        main = heavy[0]
    lines: list[str] = []
    _text(main, lines)
    text = "\n".join(line.strip() for line in "".join(lines).splitlines() if line.strip())
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        raise LoadError(source, "", "no Chinese text found in the page")
    return text


def _weight(element) -> int:
    """Chinese characters in ``element`` outside links."""
    inside = sum(_cjk(t) for t in element.itertext())
    links = sum(_cjk(t) for a in element.iter("a") for t in a.itertext())
    return inside - links


def _cjk(text: str) -> int:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff")


def _text(element, out: list[str]) -> None:
    """Append the text of ``element`` with block elements ending lines and tables flattened."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "table":
        rows = [[cell.text_content() for cell in tr.xpath("./td|./th")] for tr in element.xpath(".//tr")]
        out.append("\n" + flatten_table(rows) + "\n")
        if element.tail:
            out.append(element.tail)
        return
    if tag in _BLOCKS:
        out.append("\n")
    if element.text and tag:
        out.append(element.text)
    for child in element:
        _text(child, out)
    if tag in _BLOCKS:
        out.append("\n")
    if element.tail:
        out.append(element.tail)
