"""The deadline calendar: an organisation × month heat map and a timeline of tasks by deadline.

As HTML, the page counts in the browser from the same payload the network views use, so its
filters (domain, role, name) recount at once; with no filter its numbers are those of the
analysis's :func:`queries.analysis.deadlines.crunch_matrix` (a task counts once in each month it
has a deadline in, once per organisation taking part). For reports, :func:`calendar_image` draws
the crunch matrix and the tasks due per month as PNG or SVG with matplotlib (glyphs embedded as
paths in SVG, so the file shows the same everywhere).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg.errors import KGError
from viz.data import ViewData, view_payload
from viz.pages import bilingual, page_html, title_html

# Fonts with Chinese glyphs, in order of preference; matplotlib's default font has none.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")
IMAGE_FORMATS = ("png", "svg")


class NoChineseFont(KGError):
    """No font with Chinese glyphs is installed, so a picture for a report cannot be drawn."""


def calendar_page(source: Any, *, links: Mapping[str, str], doc: str | None = None, place: str | None = None,
                  data: ViewData | None = None) -> str:
    """Return the deadline calendar of ``source`` (one plan, one place, or every plan of a small
    corpus) as a self-contained HTML page; a corpus of places has :func:`corpus_calendar_page`."""
    from queries.analysis.deadlines import crunch_months
    from viz.data import load_view_data

    data = data or load_view_data(source, doc=doc, place=place)
    payload = view_payload(data)
    payload["links"] = dict(links)
    payload["crunch"] = [{"month": m["month"], "crunch": m["crunch"]} for m in crunch_months(data.B)]
    if payload.get("quoteDocs") and str(links.get("home", "")).startswith("/"):
        payload["quoteUrl"] = "/queries/"  # served: a cell's tasks read their plans' sentences when listed
    body = (
        title_html(("截止日历", "Deadline calendar"),
                   ("每个单位每月有多少项任务到期：点击月份按该月排序，点击格子列出任务。",
                    "How many of each organisation's tasks fall due each month: click a month to sort by it, a cell to list its tasks."))
        + '<div class="pk-cal"><aside class="pk-panel" id="pk-controls"></aside>'
        + '<div class="pk-panel main">'
        + f'<h2 class="pk-section">{bilingual("按完成时限排列的任务（每个点是一项任务的一个时限）", "Tasks by deadline (one dot per task deadline)")}</h2>'
        + '<div class="pk-timeline" id="pk-timeline"></div>'
        + '<div class="pk-cal-grid"><div id="pk-heat"></div>'
        + '<div id="pk-cell" class="pk-details pk-cell" aria-live="polite"></div></div></div></div>'
    )
    return page_html(title=("截止日历", "Deadline calendar"), current="calendar", links=links, body=body,
                     data={"view": "calendar", **payload}, scripts=("pk-calendar.js",))


# A province's calendar shows places, not bodies: at most this many (the busiest), every month.
MAX_PLACES = 60


def corpus_calendar_page(source: Any, *, links: Mapping[str, str], scope: str | None = None,
                         max_places: int = MAX_PLACES) -> str:
    """Return the calendar of a corpus: tasks falling due per place and month, counted in SPARQL.

    Each row is a place (its plans' tallies summed; the busiest ``max_places``), each cell links to
    that place's own calendar of bodies and months. Nothing per task goes to the browser.
    """
    from urllib.parse import quote

    from queries.library import run_query
    from viz.pages import esc

    rows = run_query(source, "deadline_months_by_place", place=scope)
    names = {p["where"]: p["name"] or p["where"] for p in run_query(source, "plan_places", place=scope)}
    cells: dict[str, dict[str, int]] = {}
    for r in rows:
        cells.setdefault(r["where"], {})[r["month"]] = int(r["tasks"] or 0)
    months = sorted({m for c in cells.values() for m in c})
    totals = {m: sum(c.get(m, 0) for c in cells.values()) for m in months}
    places = sorted(cells, key=lambda w: (-sum(cells[w].values()), names.get(w, w)))[:max_places]
    peak = max((v for w in places for v in cells[w].values()), default=1) or 1
    head = "".join(f'<th scope="col" data-month="{esc(m)}">{esc(m)}</th>' for m in months)
    body = []
    base = str(links.get("calendar", ""))
    for w in places:
        tds = []
        for m in months:
            n = cells[w].get(m, 0)
            shade = f' style="background: rgba(209,73,91,{0.08 + 0.8 * n / peak:.2f})"' if n else ""
            tds.append(f'<td data-month="{esc(m)}"{shade}>{n or ""}</td>')
        link = f'<a href="{esc(base)}?place={esc(quote(w, safe=""))}">{esc(names.get(w, w))}</a>' if base.startswith("/") else esc(names.get(w, w))
        body.append(f'<tr data-place="{esc(w)}"><th scope="row">{link}</th>{"".join(tds)}'
                    f'<td class="total">{sum(cells[w].values())}</td></tr>')
    foot = "".join(f"<td>{totals[m]}</td>" for m in months)
    more = len(cells) - len(places)
    note = (bilingual(f"另有 {more} 个地方未列出（任务较少）。", f"{more} quieter places not listed.") if more > 0 else "")
    table = (f'<div class="pk-panel main"><table class="pk-heat" id="pk-corpus-calendar">'
             f'<thead><tr><th>{bilingual("地方", "Place")}</th>{head}<th>{bilingual("合计", "Total")}</th></tr></thead>'
             f'<tbody>{"".join(body)}</tbody>'
             f'<tfoot><tr><th>{bilingual("每月合计", "Per month")}</th>{foot}<td></td></tr></tfoot></table>'
             f'<p class="pk-note">{note}</p></div>')
    title = ("截止日历（各地）", "Deadline calendar by place")
    sub = (f"{len(cells)} 个地方的计划每月有多少项任务到期；点击地方查看其各单位的日历。",
           f"How many tasks of {len(cells)} places' plans fall due each month; click a place for its bodies' calendar.")
    style = ("<style>table.pk-heat{border-collapse:collapse;font-size:12px}table.pk-heat td,table.pk-heat th"
             "{border:1px solid #e4e7eb;padding:2px 6px;text-align:right}table.pk-heat th[scope=row]"
             "{text-align:left;white-space:nowrap}table.pk-heat td.total{font-weight:600}</style>")
    return page_html(title=title, current="calendar", links=links, body=title_html(title, sub) + table,
                     data={"view": "calendar-corpus", "places": len(cells), "months": months}, head=style)


def _chinese_font() -> str:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise NoChineseFont("no font with Chinese glyphs is installed (install fonts-noto-cjk or "
                        "fonts-wqy-microhei); the HTML calendar works without one")


def calendar_image(data: ViewData, fmt: str = "png", *, max_rows: int = 60) -> bytes:
    """Return the organisation × month heat map and the tasks due per month as a PNG or SVG image.

    Args:
        data: view data (its task–organisation graph is what is counted).
        fmt: ``png`` or ``svg``.
        max_rows: organisations shown at most (the busiest; collective units after them).

    Raises:
        ValueError: an unknown format.
        NoChineseFont: no installed font can draw the organisations' names.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r} (use png or svg)")
    import io

    from matplotlib.figure import Figure

    from queries.analysis.deadlines import crunch_matrix, crunch_months

    font = _chinese_font()
    matrix = crunch_matrix(data.B)
    months = sorted({m for r in matrix for m in r["months"]})
    real = sorted((r for r in matrix if not r["collective"]), key=lambda r: (-r["total"], r["organization"] or ""))
    rows = (real + [r for r in matrix if r["collective"]])[:max_rows]
    per_month = {m["month"]: m["tasks"] for m in crunch_months(data.B)}
    values = [[r["months"].get(m, 0) for m in months] for r in rows]
    height = 2.2 + 0.28 * max(len(rows), 1)
    fig = Figure(figsize=(2.6 + 0.9 * max(len(months), 1), height + 2.0), dpi=150)
    rc = {"font.family": font, "svg.fonttype": "path", "svg.hashsalt": "policykg"}
    import matplotlib

    with matplotlib.rc_context(rc):
        grid = fig.add_gridspec(2, 1, height_ratios=(height, 2.0), hspace=0.12)
        ax = fig.add_subplot(grid[0])
        peak = max((v for row in values for v in row), default=1) or 1
        ax.imshow(values or [[0]], aspect="auto", cmap="Reds", vmin=0, vmax=peak)
        ax.set_xticks(range(len(months)), [_month_zh(m) for m in months])
        ax.set_yticks(range(len(rows)), [(r["organization"] or "") + ("（集合）" if r["collective"] else "") for r in rows])
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if v:
                    ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color="white" if v > peak * 0.55 else "#1f2933")
        ax.set_title("各单位每月到期任务数 / Tasks due per organisation and month", fontsize=10, pad=24)
        bar = fig.add_subplot(grid[1])
        bar.bar(range(len(months)), [per_month.get(m, 0) for m in months], color="#d1495b")
        bar.set_xticks(range(len(months)), [_month_zh(m) for m in months])
        bar.set_title("每月到期任务数 / Tasks due per month", fontsize=10)
        for j, m in enumerate(months):
            bar.text(j, per_month.get(m, 0), str(per_month.get(m, 0)), ha="center", va="bottom", fontsize=8)
        bar.spines[["top", "right"]].set_visible(False)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def _month_zh(month: str) -> str:
    y, m = month.split("-")
    return f"{y}年{int(m)}月"
