"""One renderer per table format: rows (list of dicts) as a plain-text table for the terminal, CSV,
JSON or XLSX, used alike by the ``policykg`` commands (:func:`render_rows`) and by every route that
offers a download (:func:`rows_response`).

CSV is written with a BOM (utf-8-sig) because Excel, where analysts open ledgers, otherwise
misreads Chinese text as a legacy code page; on a terminal (no output file) it has none.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any


class TableFormat(StrEnum):
    """The formats a table is rendered in."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


MEDIA_TYPES = {
    TableFormat.TABLE: "text/plain; charset=utf-8",
    TableFormat.CSV: "text/csv; charset=utf-8",
    TableFormat.JSON: "application/json",
    TableFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def columns_of(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> list[str]:
    if columns:
        return list(columns)
    return list(rows[0].keys()) if rows else []


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
           headers: dict[str, str] | None = None, *, bom: bool = True) -> str:
    return "".join(csv_chunks(rows, columns_of(rows, columns), headers, bom=bom))


def csv_chunks(rows: Iterable[dict[str, Any]], columns: Sequence[str], headers: dict[str, str] | None = None,
               *, bom: bool = True, every: int = 500) -> Iterator[str]:
    """Yield CSV text (BOM and header first) a few hundred rows at a time, for streamed downloads."""
    if bom:
        yield "\ufeff"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([(headers or {}).get(c, c) for c in columns])
    for i, r in enumerate(rows, 1):
        w.writerow([_cell(r.get(c)) for c in columns])
        if i % every == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def to_json(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    cols = columns_of(rows, columns)
    return dumps_json([{c: r.get(c) for c in cols} for r in rows])


def dumps_json(data: Any) -> str:
    """Return ``data`` as indented JSON with Chinese text kept readable (not \\u-escaped)."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_xlsx(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
            headers: dict[str, str] | None = None, *, sheet: str = "台账") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    cols = columns_of(rows, columns)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([(headers or {}).get(c, c) for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.get(c) if isinstance(r.get(c), int | float) and not isinstance(r.get(c), bool)
                   else _cell(r.get(c)) for c in cols])
    for i, c in enumerate(cols, start=1):
        width = max([_width(_cell((headers or {}).get(c, c)))] + [_width(_cell(r.get(c))) for r in rows[:200]])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, max(6, width + 2))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _width(s: str) -> int:
    # East Asian wide characters take two terminal / spreadsheet columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def to_text_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
                  headers: dict[str, str] | None = None, *, max_width: int = 40) -> str:
    cols = columns_of(rows, columns)
    if not cols:
        return "(no rows)"

    def clip(s: str) -> str:
        if _width(s) <= max_width:
            return s
        out, w = "", 0
        for ch in s:
            w += _width(ch)
            if w > max_width - 1:
                break
            out += ch
        return out + "…"

    table = [[clip(_cell((headers or {}).get(c, c))) for c in cols]]
    table += [[clip(_cell(r.get(c))) for c in cols] for r in rows]
    widths = [max(_width(row[i]) for row in table) for i in range(len(cols))]

    def fmt(row: list[str]) -> str:
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()

    lines = [fmt(table[0]), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in table[1:]]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)


def render_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
                fmt: TableFormat | str = TableFormat.TABLE, *, headers: dict[str, str] | None = None,
                sheet: str = "台账", bom: bool = True) -> str | bytes:
    """Return ``rows`` rendered in ``fmt``: text for table, CSV and JSON, bytes for XLSX.

    Args:
        columns: the columns in order; default the first row's keys.
        headers: column → the name shown in the table's, CSV's and XLSX's header row (JSON keeps keys).
        sheet: the XLSX sheet's name.
        bom: start CSV with a byte-order mark (for Excel).

    Raises:
        ValueError: ``fmt`` is no :class:`TableFormat`.
    """
    fmt = TableFormat(fmt)
    if fmt is TableFormat.XLSX:
        return to_xlsx(rows, columns, headers, sheet=sheet)
    if fmt is TableFormat.CSV:
        return to_csv(rows, columns, headers, bom=bom)
    if fmt is TableFormat.JSON:
        return to_json(rows, columns)
    return to_text_table(rows, columns, headers)


def json_chunks(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> Iterator[bytes]:
    """Yield a JSON array of ``rows`` (only ``columns``, compact) one row at a time, for streamed answers."""
    yield b"["
    for i, r in enumerate(rows):
        yield (b"," if i else b"") + json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False,
                                               separators=(",", ":")).encode("utf-8")
    yield b"]"


def rows_response(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: TableFormat | str, *,
                  filename: str, headers: dict[str, str] | None = None, sheet: str = "台账",
                  http_headers: dict[str, str] | None = None):
    """Return ``rows`` as an HTTP download ``filename.<format>`` (a starlette Response); CSV is streamed
    as the rows come, so ``rows`` may be an iterator over a whole corpus."""
    from starlette.responses import Response, StreamingResponse

    fmt = TableFormat(fmt)
    all_headers = {**(http_headers or {}), "Content-Disposition": f'attachment; filename="{filename}.{fmt.value}"'}
    if fmt is TableFormat.CSV:
        chunks = (chunk.encode("utf-8") for chunk in csv_chunks(rows, columns, headers))
        return StreamingResponse(chunks, media_type=MEDIA_TYPES[fmt], headers=all_headers)
    body = render_rows(list(rows), columns, fmt, headers=headers, sheet=sheet)
    return Response(body.encode("utf-8") if isinstance(body, str) else body, media_type=MEDIA_TYPES[fmt],
                    headers=all_headers)
