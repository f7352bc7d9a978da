"""Plain-text plans: decoded by :func:`loaders.textfile.read_plan_text` (BOM, UTF-8, GB18030, Big5 …)."""

from __future__ import annotations

from pathlib import Path

from loaders.formats import SourceText
from loaders.textfile import read_plan_text


def read_text(path: str | Path) -> SourceText:
    """Return the decoded text of a .txt plan, unchanged (spans are offsets into the file's text)."""
    text, encoding = read_plan_text(path)
    return SourceText(text, encoding, "txt")
