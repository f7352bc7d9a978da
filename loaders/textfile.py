"""Read a plan's text file whatever encoding it came in, or say in one line why it cannot be read.

Plans reach us as UTF-8 (with or without a BOM, depending on the tool that saved them), as UTF-16
from Windows tools (always with a BOM), and as GB18030/GBK from older government sites. Guessing
wrong turns every character into mojibake silently, so the order of trials below is fixed and
strict: a BOM decides; else strict UTF-8 (which almost never decodes non-UTF-8 Chinese by accident);
else strict GB18030 (a superset of GBK and GB2312); else charset-normalizer's best guess.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from kg.errors import LoadError

# Longest first: the UTF-32 LE BOM begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
# A PDF extraction may carry a stray form feed or two; a real binary file has many controls.
_MAX_CONTROL_RATIO = 0.005


def read_plan_text(path: str | Path) -> tuple[str, str]:
    """Return the decoded text of a plan file and the name of the encoding it was read with.

    The BOM, if any, is removed; nothing else is changed (line breaks stay as in the file), so
    offsets into the returned text are the offsets every parsed fact points at.

    Args:
        path: the file to read.

    Returns:
        ``(text, encoding)`` where encoding is one of ``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``,
        ``"utf-32"``, ``"gb18030"``, or a name charset-normalizer chose.

    Raises:
        LoadError: the path is missing, a directory or unreadable, or the file is empty, binary
            or in no encoding we can decode.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "plan.txt")
        >>> _ = open(p, "wb").write("（一）开办企业。".encode("gb18030"))
        >>> read_plan_text(p)
        ('（一）开办企业。', 'gb18030')
    """
    source = str(path)
    data = _read_bytes(Path(path), source)
    text, encoding = _decode(data, source)
    if not text.strip():
        raise LoadError(source, "", "empty file: no text to parse")
    controls = sum(1 for c in text if (c < " " and c not in _ALLOWED_CONTROLS) or c == "\x7f")
    if "\x00" in text or controls > _MAX_CONTROL_RATIO * len(text):
        raise LoadError(
            source, "", f"binary file: {controls} control characters after decoding as {encoding}"
        )
    return text, encoding


def _read_bytes(path: Path, source: str) -> bytes:
    if not path.exists():
        raise LoadError(source, "", "no such file")
    if path.is_dir():
        raise LoadError(source, "", "is a directory, not a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(source, "", f"cannot read: {exc.strerror or exc}") from exc
    if not data:
        raise LoadError(source, "", "empty file (0 bytes)")
    return data


def _decode(data: bytes, source: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding
            except UnicodeDecodeError as exc:
                raise LoadError(
                    source, f"byte {exc.start}", f"has a {encoding} BOM but does not decode as {encoding}"
                ) from exc
    # Without a BOM, NUL bytes mean binary (we do not guess BOM-less UTF-16: too easy to get wrong).
    if b"\x00" in data:
        raise LoadError(source, f"byte {data.index(0)}", "binary file: contains NUL bytes")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    return _guess(data, source)


def _guess(data: bytes, source: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LoadError(
            source, "", "binary or undecodable file: not UTF-8, UTF-16, GB18030 or any known encoding"
        )
    return str(best), best.encoding
