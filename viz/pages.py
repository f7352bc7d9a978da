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


def _corpus_figures(source: Any, sizes: list, links: Mapping[str, str]) -> tuple[str, list[tuple[Any, str, str]], str]:
    """Return a corpus's document list (its first plans), figures from the plans' tallies, and the
    query-string suffix that scopes the example questions to the first plan."""
    from queries.library import run_query

    summary = (run_query(source, "corpus_summary") or [{}])[0]
    shown = sizes[:MAX_LISTED_PLANS]
    lines = "".join(f"<li><span class='pk-tag'>{esc(p.identifier or p.doc)}</span> ({p.rows})</li>" for p in shown)
    if len(sizes) > len(shown):
        lines += "<li>" + bilingual(f"另有 {len(sizes) - len(shown)} 份文件", f"and {len(sizes) - len(shown)} more") + "</li>"
    figures = [(summary.get("documents") or len(sizes), "份文件", "documents"), (summary.get("places") or 0, "个地方", "places"),
               (summary.get("domain_count") or 0, "个领域", "domains"), (summary.get("task_count") or 0, "项任务", "tasks"),
               (summary.get("organizations") or 0, "个单位", "organisations")]
    return lines, figures, f"&doc={_q(sizes[0].doc)}"


# A corpus's landing page lists this many of its plans (the views and /documents have them all).
MAX_LISTED_PLANS = 50


def landing_page(source: Any, *, links: Mapping[str, str] = SERVER_LINKS) -> str:
    """Return the landing page: what the graph holds, questions to start from, and every view.

    The example questions are picked from the data (the organisation with the most partners,
    the month with the most deadlines), never written in for one plan.
    """
    from queries.analysis.deadlines import crunch_months
    from queries.analysis.fetch import fetch_plan_rows
    from queries.analysis.graphs import collaboration_graph, real_organizations, task_org_graph
    from queries.document_pages import plan_sizes
    from viz.data import MAX_VIEW_TASKS

    sizes = plan_sizes(source)
    # A corpus too big to read whole for a landing page: its figures from the plans' tallies, its
    # example questions from its first plan (links scoped to it).
    big = len(sizes) > 1 and sum(p.rows for p in sizes) > MAX_VIEW_TASKS
    rows = fetch_plan_rows(source, doc=sizes[0].doc if big else None)
    B = task_org_graph(rows.tasks, rows.units, rows.organizations, rows.deadlines, rows.waits, rows.documents)
    G = collaboration_graph(B)
    real = real_organizations(G)
    months = crunch_months(B)
    docs = [d for d in rows.documents if d.get("title") or d.get("document")]
    n_tasks = sum(1 for _, k in B.nodes(data="kind") if k == "task")
    n_deadlines = sum(len(a.get("deadlines", ())) for _, a in B.nodes(data=True) if a.get("kind") == "task")
    n_domains = len({a.get("domain") for _, a in B.nodes(data=True) if a.get("kind") == "task" and a.get("domain")})

    from viz.links import href_for

    def doc_title(d: dict) -> str:
        title = esc(d.get("title") or d.get("document") or "")
        return f'<a href="{esc(href_for(d["doc"]))}">{title}</a>' if links.get("things") and d.get("doc") else title

    doc_lines = "".join(f"<li>{doc_title(d)} <span class='pk-tag'>{esc(d.get('document') or '')}</span></li>"
                        for d in docs) or "<li>" + bilingual("图中还没有文件", "The graph holds no document yet") + "</li>"
    figures = [(len(docs), "份文件", "documents"), (n_domains, "个领域", "domains"), (n_tasks, "项任务", "tasks"),
               (G.number_of_nodes(), "个单位", "organisations"), (n_deadlines, "个完成时限", "deadlines")]
    scope = ""
    if big:
        doc_lines, figures, scope = _corpus_figures(source, sizes, links)
    facts = "".join(f"<div><b>{n}</b> {bilingual(zh, en)}</div>" for n, zh, en in figures)

    questions = []
    if real.number_of_nodes():
        hub = max(real.nodes, key=lambda n: (real.degree(n, weight="weight"), real.degree(n), str(n)))
        name = G.nodes[hub].get("label") or hub
        href = links.get("collaboration")
        if href:
            questions.append((f"{href}?org={_q(name)}{scope}",
                              f"谁与{name}协作？共同承担哪些任务？", f"Who works with {name}, and on what?",
                              "在协作网络左侧“单位”框中输入或选择任一单位名称，点击其连线查看共同任务和原文。",
                              "Type or pick any organisation in the collaboration view; click a line for the shared tasks and their sentences."))
    if months:
        busiest = max(months, key=lambda m: (m["tasks"], m["month"]))
        y, m = busiest["month"].split("-")
        href = links.get("calendar")
        if href:
            questions.append((f"{href}?month={busiest['month']}{scope}",
                              f"哪些单位{int(m)}月截止的任务最多？", f"Which organisations have most deadlines in {_month_en(busiest['month'])}?",
                              "截止日历按单位×月份计数；点击月份列标题按该月排序，点击格子列出任务。",
                              "The calendar counts deadlines by organisation and month; click a month to sort by it, a cell to list its tasks."))
    if links.get("dependencies"):
        questions.append((links["dependencies"], "哪些任务要等上级部署、外部条件或共用系统？",
                          "Which tasks wait on a higher level, an outside event or a shared system?", "", ""))
    if links.get("tasks"):
        questions.append((links["tasks"], "某个领域由谁牵头、谁负责哪项任务？", "Who leads which task in a domain?", "", ""))
    ask = ""
    if links.get("collaboration") and G.number_of_nodes():
        names = sorted({G.nodes[n].get("label") or str(n) for n in G})
        example = G.nodes[hub].get("label") if real.number_of_nodes() else names[0]
        options = "".join(f'<option value="{esc(n)}">' for n in names)
        ask = (f'<form class="pk-ask" method="get" action="{esc(links["collaboration"])}">'
               f'<label for="pk-ask-org">{bilingual("查一个单位与谁协作、做什么：", "Look up who an organisation works with:")}</label> '
               f'<input id="pk-ask-org" name="org" list="pk-ask-names" placeholder="{esc(example)}" autocomplete="off" required>'
               f'<datalist id="pk-ask-names">{options}</datalist> '
               + (f'<input type="hidden" name="doc" value="{esc(sizes[0].doc)}">' if big else "")
               + f'<button type="submit" class="pk-btn primary">{bilingual("查看协作网络", "Show its network")}</button></form>')
    if links.get("calendar") and months:
        ask += (f'<div class="pk-ask">{bilingual("按月份看到期任务：", "Deadlines by month:")} '
                + " · ".join(f'<a href="{esc(links["calendar"])}?month={esc(m["month"])}">{bilingual(_month_zh_short(m["month"]), _month_en(m["month"]))}'
                             f' ({m["tasks"]})</a>' for m in months) + "</div>")
    q_html = "".join(
        f'<li><a href="{esc(h)}">{bilingual(zh, en)}</a>'
        + (f' <span class="pk-note">{bilingual(hz, he)}</span>' if hz else "") + "</li>"
        for h, zh, en, hz, he in questions)

    cards = []
    blurbs = {
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
    for key, (bzh, ben) in blurbs.items():
        href = links.get(key)
        if href is None:
            continue
        extra = ""
        if key == "ledger":
            base = href.split("?")[0]
            extra = (f'<p><a href="{esc(base)}?format=xlsx">Excel (.xlsx)</a> · '
                     f'<a href="{esc(base)}?format=csv">CSV</a></p>')
        cards.append(f'<div class="pk-card"><h2><a href="{esc(href)}">{bilingual(*NAV[key])}</a></h2>'
                     f"<p>{bilingual(bzh, ben)}</p>{extra}</div>")

    body = (
        title_html(("实施方案知识图谱", "Implementation-plan knowledge graph"),
                   ("谁牵头、谁配合、何时完成——点击图表即可查看。", "Who leads, who supports, and by when — answered by clicking."))
        + f'<div class="pk-facts">{facts}</div>'
        + f'<div class="pk-questions"><b>{bilingual("文件", "Documents")}</b><ul>{doc_lines}</ul></div>'
        + f'<div class="pk-questions"><b>{bilingual("从这些问题开始", "Start from a question")}</b>{ask}<ul>{q_html}</ul></div>'
        + f'<div class="pk-cards">{"".join(cards)}</div>'
    )
    return page_html(title=("政策知识图谱", "policykg"), current="home", links=links, body=body)


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
