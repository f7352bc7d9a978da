"""Read a plan's text file whatever encoding it came in, or say in one line why it cannot be read.

Plans reach us as UTF-8 (with or without a BOM, depending on the tool that saved them), as UTF-16
from Windows tools (always with a BOM), and as GB18030/GBK from older government sites. Guessing
wrong turns every character into mojibake silently, so the order of trials below is fixed and
strict: a BOM decides; else strict UTF-8 (which almost never decodes non-UTF-8 Chinese by accident);
else strict GB18030 (a superset of GBK and GB2312) and strict Big5 (cp950, the traditional-character
encoding of Taiwan and Hong Kong sites) — every Big5 byte pair is also a valid GB18030 pair, so when
both decode, the reading with more common Chinese characters wins (mojibake is made of rare ones);
else charset-normalizer's best guess.
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
# The documented size limit. A real plan is well under 1 MB (the bundled one is 79 KB); the parser's
# cost grows faster than linearly, so a file this large is refused before decoding rather than left
# to run for minutes.
MAX_PLAN_BYTES = 16 * 1024 * 1024
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
    size = path.stat().st_size
    if size > MAX_PLAN_BYTES:
        raise LoadError(source, "", f"file is {size / 1e6:.1f} MB; plans larger than "
                        f"{MAX_PLAN_BYTES // (1024 * 1024)} MiB are refused (split the corpus into files)")
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
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in ("gb18030", "cp950"):
        try:
            readings.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            pass
    if readings:
        return max(readings, key=lambda r: _common_share(r[0]))
    return _guess(data, source)


# The most frequent characters of government Chinese, in simplified and traditional form.
_COMMON = frozenset(
    "的一是在不了有和人中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
    "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
    "气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则"
    "任取据处理府研县局务办审批服营环境责单牵推进优化实施方案重点领域企业市场监督"
    "為個國來時們發說對產種後學實經進動當從業應開還點體裡關與會過頭電縣務辦審營環境責單牽優務監"
)


def _common_share(text: str) -> float:
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return sum(c in _COMMON for c in cjk) / len(cjk) if cjk else 0.0


def _guess(data: bytes, source: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LoadError(
            source, "", "binary or undecodable file: not UTF-8, UTF-16, GB18030 or any known encoding"
        )
    return str(best), best.encoding
