"""Format readers: every plan file becomes one text the parser reads, whatever it was published as.

One module per format — :mod:`~loaders.formats.text` (.txt in any encoding), :mod:`~loaders.formats.docx`,
:mod:`~loaders.formats.pdf` (the text layer), :mod:`~loaders.formats.html` (main text of a government
web page, navigation dropped). Tables are flattened by :mod:`~loaders.formats.tables` so that their
牵头单位 / 责任单位 / 完成时限 columns become the labelled unit statements the parser reads.

For .txt the text is the file's, so spans are offsets into the file; for the other formats the text
is the extracted one (kept in the graph as pk:sourceText), and spans are offsets into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import LoadError


@dataclass(frozen=True)
class SourceText:
    """The text of a plan file, how it was decoded and from which format."""

    text: str
    encoding: str
    format: str


# Plan-file suffix → reader. The one list: a file given by name and a folder's files are read by it.
SUFFIXES = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Return the plan files named by ``paths``; a directory stands for the plan files in it (any depth).

    A file named on its own is taken whatever its suffix (its reader then says whether it can read
    it); in a directory only the suffixes of :data:`SUFFIXES` count, so notes and README files
    beside the plans are left alone.

    Raises:
        LoadError: a path does not exist, or a directory holds no plan file.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
            if not found:
                raise LoadError(str(p), "", f"no plan files ({', '.join(sorted(SUFFIXES))}) in this directory")
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise LoadError(str(p), "", "no such file or directory")
    return out


def read_document(path: str | Path) -> SourceText:
    """Return the text of a plan file, read by the reader its suffix names.

    Raises:
        LoadError: unknown suffix, or the file cannot be read as its format.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "plan.txt")
        >>> _ = open(p, "w", encoding="utf-8").write("1. 甲。（牵头单位：县财政局）")
        >>> read_document(p).format
        'txt'
    """
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower(), "txt" if not path.suffix else None)
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise LoadError(str(path), "", f"unknown plan file type {path.suffix!r} (readable: {known})")
    if kind == "txt":
        from loaders.formats.text import read_text

        return read_text(path)
    if not path.is_file():
        raise LoadError(str(path), "", "no such file")
    if kind == "docx":
        from loaders.formats.docx import read_docx

        return read_docx(path)
    if kind == "pdf":
        from loaders.formats.pdf import read_pdf

        return read_pdf(path)
    from loaders.formats.html import read_html

    return read_html(path)
