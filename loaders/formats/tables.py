"""Tables flattened to plan text that keeps their columns.

Many plans publish their tasks as a table — 序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限 — and a naive
text extraction loses which name belongs to which column. A table whose header row names a unit or
time column is therefore written back as the genre's own text form, one task per row:
``1. 任务内容（牵头单位：A；责任单位：B；完成时限：C）``. A 领域/类别 column becomes a heading
``（一）领域`` each time its value changes. Any other table is written one row per line, cells joined
by a full-width space, so nothing is lost.
"""

from __future__ import annotations

import re

from loaders.structure import chinese_numeral
from loaders.unit_trailer import ROLE_LABELS, TIME_LABELS

_TASK_HEADERS = ("重点任务", "工作任务", "主要任务", "任务内容", "具体任务", "工作措施", "具体措施", "主要内容", "工作内容", "任务举措", "改革举措", "任务")  # fmt: skip
_NUMBER_HEADERS = ("序号", "编号")
_DOMAIN_HEADERS = ("领域", "重点领域", "类别", "任务类别", "指标", "板块")
_CN = "一二三四五六七八九十"
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}[.、．]|（[一二三四五六七八九十]{1,3}）)")


def flatten_table(rows: list[list[str]]) -> str:
    """Return the text of a table given as rows of cell texts (rules in the module docstring).

    Example:
        >>> print(flatten_table([["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
        ...                      ["1", "推行“一窗通办”", "县行政审批服务局", "县税务局、县医保局", "2024年9月底前"]]))
        1. 推行“一窗通办”（牵头单位：县行政审批服务局；责任单位：县税务局、县医保局；完成时限：2024年9月底前）
    """
    rows = [row for row in rows if any(c.strip() for c in row)]
    header_at = next((k for k, row in enumerate(rows) if _columns([_clean(c) for c in row])), None)
    if header_at is None:
        return "\n".join("\u3000".join(_clean(c) for c in row if c.strip()) for row in rows)
    columns = _columns([_clean(c) for c in rows[header_at]])
    lines = ["\u3000".join(_clean(c) for c in row if c.strip()) for row in rows[:header_at]]
    domain, domains, running = None, 0, 0
    for row in rows[header_at + 1 :]:
        cell = {name: _clean(row[i], "、" if name in ("lead", "responsible") else "") if i < len(row) else ""
                for name, i in columns.items()}
        task = cell.get("task", "")
        if not task:
            continue
        if cell.get("domain") and cell["domain"] != domain:
            domain, domains = cell["domain"], domains + 1
            lines.append(f"（{_numeral(domains)}）{domain}")
        running += 1
        number = cell.get("number", "")
        prefix = "" if _NUMBERED.match(task) else f"{number if number.isdigit() else running}. "
        fields = [f"{label}：{cell[key]}" for key, label in _FIELD_ORDER if cell.get(key)]
        trailer = f"（{'；'.join(fields)}）" if fields else ""
        lines.append(f"{prefix}{task.rstrip('。；')}{'。' if trailer and task.endswith('。') else ''}{trailer}")
    return "\n".join(line for line in lines if line)


_FIELD_ORDER = (("lead", "牵头单位"), ("responsible", "责任单位"), ("time", "完成时限"))


def _columns(row: list[str]) -> dict[str, int]:
    """Map column roles to indices when ``row`` is a header row naming a task and a unit or time column."""
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        c = cell.replace(" ", "")
        if c in _NUMBER_HEADERS:
            found.setdefault("number", i)
        elif c in _DOMAIN_HEADERS:
            found.setdefault("domain", i)
        elif c in ROLE_LABELS or c in ("牵头部门", "牵头单位"):
            role = ROLE_LABELS.get(c)
            found.setdefault("lead" if role is not None and role.value == "lead" else "responsible", i)
        elif c in TIME_LABELS or c in ("完成时间", "时间安排", "时限"):
            found.setdefault("time", i)
        elif c in _TASK_HEADERS or c.endswith(("任务", "措施")):
            found.setdefault("task", i)
    return found if "task" in found and ({"lead", "responsible", "time"} & found.keys()) else {}


def _numeral(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _CN[tens - 1]) + "十" + (_CN[ones - 1] if ones else "")
    assert chinese_numeral(text) == n
    return text


def _clean(cell: str, joiner: str = "") -> str:
    """A cell's text on one line: a break inside a task cell is layout; inside a unit cell it separates names."""
    parts = [p.strip() for p in cell.splitlines() if p.strip()]
    if joiner and parts:
        parts = [p.rstrip("、，,") for p in parts]
    return joiner.join(parts)
