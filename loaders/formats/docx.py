"""Word (.docx) plans: paragraphs and tables in body order, tables flattened with their columns kept."""

from __future__ import annotations

from pathlib import Path

from kg.errors import LoadError
from loaders.formats import SourceText
from loaders.formats.tables import flatten_table


def read_docx(path: str | Path) -> SourceText:
    """Return the text of a .docx plan: one line per paragraph, each table as flattened rows.

    Raises:
        LoadError: the file is not a readable .docx (a zip holding word/document.xml).
    """
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile, KeyError and lxml errors alike
        raise LoadError(str(path), "", f"not a readable .docx file: {exc}") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            table = Table(child, document)
            rows = [[cell.text for cell in _unique_cells(row.cells)] for row in table.rows]
            lines.append(flatten_table(rows))
    return SourceText("\n".join(lines), "docx", "docx")


def _unique_cells(cells: list) -> list:
    """A horizontally merged cell appears once per grid column in python-docx; keep it once."""
    out, seen = [], set()
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out
