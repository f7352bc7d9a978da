"""PDF plans: the text layer, page by page (no OCR: a scanned PDF without text is reported, not guessed).

Page furniture is dropped: a line that is only a page number (``— 3 —``, ``-3-``, ``第3页``) would
otherwise land inside a task running over a page break. The line breaks pypdf leaves inside words are
kept; :mod:`loaders.normalize` removes them for matching, as for any PDF-extracted .txt.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import LoadError
from loaders.formats import SourceText

_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4})\s*$")


def read_pdf(path: str | Path) -> SourceText:
    """Return the text layer of a PDF plan, pages joined by line breaks.

    Raises:
        LoadError: the file is not a readable PDF, or has no text layer (a scan).
    """
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises its own errors and ValueError/KeyError on broken files
        raise LoadError(str(path), "", f"not a readable PDF: {exc}") from exc
    lines = [line for page in pages for line in page.splitlines() if not _PAGE_NUMBER.match(line)]
    text = "\n".join(lines)
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        raise LoadError(str(path), "", "PDF has no Chinese text layer (a scan? OCR it first)")
    return SourceText(text, "pdf", "pdf")
