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


def calendar_page(source: Any, *, links: Mapping[str, str], doc: str | None = None, data: ViewData | None = None) -> str:
    """Return the deadline calendar of ``source`` as a self-contained HTML page."""
    from queries.analysis.deadlines import crunch_months
    from viz.data import load_view_data

    data = data or load_view_data(source, doc=doc)
    payload = view_payload(data)
    payload["links"] = dict(links)
    payload["crunch"] = [{"month": m["month"], "crunch": m["crunch"]} for m in crunch_months(data.B)]
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
