"""The page shell every page shares, and the landing page that links the views.

Every page is one self-contained HTML string rendered from ``viz/templates/base.html``: the shared
header (navigation and the 中/EN switch), the stylesheet and scripts inlined from ``viz/static``;
nothing is fetched from elsewhere (analysts work on closed intranets). Templates autoescape, so
text from the graph reaches HTML escaped; data for the scripts goes in as JSON that the scripts
put into the page as text nodes, never as markup.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"

# The views and pages the header links, in order: key → (Chinese, English).
NAV = {
    "home": ("首页", "Home"),
    "collaboration": ("协作网络", "Collaboration"),
    "tasks": ("任务与单位", "Tasks & units"),
    "dependencies": ("依赖关系", "Dependencies"),
    "calendar": ("截止日历", "Deadline calendar"),
    "ledger": ("台账", "Ledger"),
    "query": ("查询", "Query"),
    "ontology": ("本体", "Ontology"),
    "docs": ("API 文档", "API docs"),
}
VIEWS = ("collaboration", "tasks", "dependencies", "calendar")
SERVER_LINKS = {
    "home": "/",
    "collaboration": "/viz/collaboration",
    "tasks": "/viz/tasks",
    "dependencies": "/viz/dependencies",
    "calendar": "/viz/calendar",
    "ledger": "/ledger",
    "query": "/query",
    "ontology": "/ontology",
    "docs": "/docs",
    "things": "/id/",  # not in the header: each thing's page (viz/links.py)
}
# Written side by side by `policykg viz all --out DIR`: the views link each other, nothing else.
FILE_LINKS = {v: f"{v}.html" for v in VIEWS}


def esc(text: Any) -> str:
    """Return ``text`` escaped for HTML text and attribute values.

    Example:
        >>> esc('<img src=x onerror="alert(1)">')
        '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape("" if text is None else str(text), quote=True)


def bilingual(zh: str, en: str) -> str:
    """Return both labels as spans; the stylesheet shows the one of the page's current language."""
    return f'<span class="zh">{esc(zh)}</span><span class="en">{esc(en)}</span>'


@lru_cache(maxsize=16)
def asset(name: str) -> str:
    """Return the text of a file in ``viz/static``, checked to be safe to inline in a page."""
    text = (STATIC / name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{name}: cannot be inlined (it contains a closing script/style tag)")
    return text


def json_for_script(value: Any) -> str:
    """Return ``value`` as JSON that can sit inside a ``<script>`` element.

    ``<``, ``>``, ``&`` and ``'`` are written as ``\\u`` escapes, so a title such as
    ``</script><img src=x onerror=…>`` stays a JSON string and never closes the element.

    Example:
        >>> print(json_for_script({"title": "</script><b>"}))
        {"title":"\\u003c/script\\u003e\\u003cb\\u003e"}
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for ch, rep in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, rep)
    return text


@lru_cache(maxsize=1)
def templates() -> Environment:
    """Return the Jinja environment of ``viz/templates`` (autoescaping, strict about undefined names)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False)


def render(template: str, **context: Any) -> str:
    """Return ``template`` rendered with ``context``; strings in it are escaped unless ``Markup``."""
    return templates().get_template(template).render(**context)


def header_html(current: str, links: Mapping[str, str]) -> str:
    """Return the top bar: the product name, links to the other pages and the 中/EN switch."""
    return render("_header.html", current=current, links=dict(links),
                  nav=[(k, zh, en) for k, (zh, en) in NAV.items()])


def title_html(title: tuple[str, str], subtitle: tuple[str, str] | None = None) -> str:
    # str, not Markup: callers concatenate it with their own (already escaped) HTML strings.
    return str(templates().get_template("_macros.html").module.title(title, subtitle))


def page_html(*, title: tuple[str, str], current: str, links: Mapping[str, str], body: str = "",
              data: Any = None, scripts: tuple[str, ...] = (), head: str = "", template: str = "base.html",
              **context: Any) -> str:
    """Return a whole page: shell, ``body`` (already escaped HTML), the data as JSON and scripts.

    Args:
        title: the page title in Chinese and English.
        current: the NAV key of this page (highlighted in the header).
        links: NAV key → href for the header; keys left out are not shown.
        body: the page's own HTML (trusted: built from escaped pieces).
        data: JSON-able facts for the scripts, put in ``<script id="pk-data" type="application/json">``.
        scripts: names of files in ``viz/static`` to inline after the body, in order.
        head: extra HTML for the head (already safe).
        template: a template extending ``base.html`` that draws the content from ``context``.
    """
    return render(
        template, title=title, current=current, links=dict(links), body=Markup(body), head=Markup(head),
        nav=[(k, zh, en) for k, (zh, en) in NAV.items()], css=Markup(asset("pk.css")),
        data_json=Markup(json_for_script(data)) if data is not None else None,
        scripts=[Markup(asset(s)) for s in ("pk-page.js", *scripts)],
        # a view's own script says when it is ready; a plain page is ready once loaded
        ready=not scripts, **context) + "\n"


# What each page the landing page lists is for: NAV key → (Chinese, English).
BLURBS = {
    "collaboration": ("单位之间因共同任务形成的协作网络：圆点大小为任务量，连线粗细为共同任务数，实线为牵头–牵头、虚线为牵头–责任。",
                      "Organisations joined by shared tasks: size = load, line width = shared tasks, solid = lead–lead, dashed = lead–responsible."),
    "tasks": ("按领域查看每项任务的牵头单位和责任单位。", "Each task with its lead and responsible units, by domain."),
    "dependencies": ("任务等待的上级部署、前置条件、共用的系统平台，以及正文中的先后关系。",
                     "What tasks wait for: higher-level deployment, preconditions, shared systems, and order in the text."),
    "calendar": ("单位×月份的截止任务热力图和按时限排列的任务时间线。", "Organisation × month heat map and a timeline of tasks by deadline."),
    "query": ("用保存的问题或自己的 SPARQL 查询知识图谱。", "Ask saved questions or your own SPARQL."),
    "ledger": ("任务台账：每项任务一行，可筛选、排序、按日期亮灯，并下载 Excel / CSV。",
               "The task ledger: one row per task to filter, sort and light by date; download Excel / CSV."),
    "ontology": ("本体：图中每个类和属性的中英文说明。", "The ontology: every class and property, in Chinese and English."),
    "docs": ("接口说明（OpenAPI），供其他系统调用。", "The HTTP API (OpenAPI) for other tools."),
}
# A corpus's landing page lists this many of its plans (the views and /documents have them all).
MAX_LISTED_PLANS = 50


def landing_page(source: Any, *, links: Mapping[str, str] = SERVER_LINKS) -> str:
    """Return the landing page: what the graph holds, questions to start from, and every view."""
    return page_html(title=("政策知识图谱", "policykg"), current="home", links=links, template="landing.html",
                     **landing_data(source, links))


def landing_data(source: Any, links: Mapping[str, str]) -> dict[str, Any]:
    """Return what the landing page shows: figures, documents, questions to start from and the page cards.

    The example questions are picked from the data (the organisation with the most partners,
    the month with the most deadlines), never written in for one plan. A corpus too big to read
    whole for a landing page gets its figures from the plans' tallies and its example questions
    from its first plan (links scoped to it).
    """
    from queries.analysis.deadlines import crunch_months
    from queries.analysis.fetch import fetch_plan_rows
    from queries.analysis.graphs import collaboration_graph, real_organizations, task_org_graph
    from queries.document_pages import plan_sizes
    from viz.data import MAX_VIEW_TASKS
    from viz.links import href_for

    sizes = plan_sizes(source)
    big = len(sizes) > 1 and sum(p.rows for p in sizes) > MAX_VIEW_TASKS
    scope = sizes[0].doc if big else None
    rows = fetch_plan_rows(source, doc=scope)
    B = task_org_graph(rows.tasks, rows.units, rows.organizations, rows.deadlines, rows.waits, rows.documents)
    G = collaboration_graph(B)
    real = real_organizations(G)
    months = crunch_months(B)
    hub = max(real.nodes, key=lambda n: (real.degree(n, weight="weight"), real.degree(n), str(n))) if real else None
    names = sorted({G.nodes[n].get("label") or str(n) for n in G})
    if big:
        documents, more, figures = _corpus_figures(source, sizes)
    else:
        docs = [d for d in rows.documents if d.get("title") or d.get("document")]
        documents = [{"title": d.get("title") or d.get("document") or "", "tag": d.get("document") or "", "rows": None,
                      "href": href_for(d["doc"]) if links.get("things") and d.get("doc") else None} for d in docs]
        tasks = [a for _, a in B.nodes(data=True) if a.get("kind") == "task"]
        more, figures = 0, [
            (len(docs), "份文件", "documents"), (len({a.get("domain") for a in tasks if a.get("domain")}), "个领域", "domains"),
            (len(tasks), "项任务", "tasks"), (G.number_of_nodes(), "个单位", "organisations"),
            (sum(len(a.get("deadlines", ())) for a in tasks), "个完成时限", "deadlines")]
    return {
        "facts": figures, "documents": documents, "more_documents": more, "scope": scope,
        "questions": _questions(links, G.nodes[hub].get("label") or hub if hub else None, months,
                                f"&doc={_q(scope)}" if scope else ""),
        "ask_names": names if links.get("collaboration") else [],
        "ask_example": (G.nodes[hub].get("label") if hub else names[0]) if names else "",
        "months": [(m["month"], _month_zh_short(m["month"]), _month_en(m["month"]), m["tasks"]) for m in months]
        if links.get("calendar") else [],
        "cards": [(key, links[key], NAV[key], blurb) for key, blurb in BLURBS.items() if links.get(key) is not None],
    }


def _corpus_figures(source: Any, sizes: list) -> tuple[list[dict[str, Any]], int, list[tuple[Any, str, str]]]:
    """A corpus's first plans, how many more there are, and its figures from the plans' tallies."""
    from queries.library import run_query

    summary = (run_query(source, "corpus_summary") or [{}])[0]
    shown = sizes[:MAX_LISTED_PLANS]
    documents = [{"title": None, "tag": p.identifier or p.doc, "rows": p.rows, "href": None} for p in shown]
    figures = [(summary.get("documents") or len(sizes), "份文件", "documents"), (summary.get("places") or 0, "个地方", "places"),
               (summary.get("domain_count") or 0, "个领域", "domains"), (summary.get("task_count") or 0, "项任务", "tasks"),
               (summary.get("organizations") or 0, "个单位", "organisations")]
    return documents, len(sizes) - len(shown), figures


def _questions(links: Mapping[str, str], hub: str | None, months: list[dict[str, Any]],
               scope: str) -> list[tuple[str, ...]]:
    """(href, question zh, en, hint zh, en) for the questions the graph can answer (``scope``: a query suffix)."""
    out = []
    if hub and links.get("collaboration"):
        out.append((f"{links['collaboration']}?org={_q(hub)}{scope}", f"谁与{hub}协作？共同承担哪些任务？",
                    f"Who works with {hub}, and on what?",
                    "在协作网络左侧“单位”框中输入或选择任一单位名称，点击其连线查看共同任务和原文。",
                    "Type or pick any organisation in the collaboration view; click a line for the shared tasks and their sentences."))
    if months and links.get("calendar"):
        busiest = max(months, key=lambda m: (m["tasks"], m["month"]))["month"]
        out.append((f"{links['calendar']}?month={busiest}{scope}", f"哪些单位{int(busiest.split('-')[1])}月截止的任务最多？",
                    f"Which organisations have most deadlines in {_month_en(busiest)}?",
                    "截止日历按单位×月份计数；点击月份列标题按该月排序，点击格子列出任务。",
                    "The calendar counts deadlines by organisation and month; click a month to sort by it, a cell to list its tasks."))
    if links.get("dependencies"):
        out.append((links["dependencies"], "哪些任务要等上级部署、外部条件或共用系统？",
                    "Which tasks wait on a higher level, an outside event or a shared system?", "", ""))
    if links.get("tasks"):
        out.append((links["tasks"], "某个领域由谁牵头、谁负责哪项任务？", "Who leads which task in a domain?", "", ""))
    return out


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _month_zh_short(month: str) -> str:
    y, m = month.split("-")
    return f"{int(m)}月"


def _month_en(month: str) -> str:
    import calendar

    y, m = month.split("-")
    return f"{calendar.month_name[int(m)]} {y}"
