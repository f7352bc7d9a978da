"""Text clean-up for matching, keeping a map from every cleaned character back to the source.

Why: PDF extraction breaks lines (and leaves blank lines) inside words and names — ``县行\\n\\n政审批服务局``,
``（牵\\n\\n头单位`` — and plans mix full- and half-width punctuation — ``(牵头单位: …; 责任单位: …)`` next
to ``（牵头单位：…；责任单位：…）``. Matching rules stay simple on one canonical form, but every fact must
still point at the original text, so each normalized character remembers its source offset.

The canonical form (chosen so that ``normalize(normalize(s).text).text == normalize(s).text``):

* Whitespace (spaces, tabs, line breaks, U+3000) is removed, because written Chinese has no spaces
  between words; a run of it survives as one space only between two "word" characters — letters or
  digits of scripts that are written with spaces (``APEC card``, ``LPR 2023``) — except a run holding
  a line break between two digits, which is a PDF line wrapping a number (``3\n0.`` is task 30).
* Full-width forms of ASCII letters, digits and symbols (``ＡＢＣ１２３．％［］``) become ASCII, and so do
  the small form variants (``1﹒``, ``﹐``) of the punctuation below.
* The clause punctuation Chinese prose writes full-width becomes full-width: ``( ) : ; , ! ?`` →
  ``（ ） ： ； ， ！ ？``. A ``,`` or ``:`` written directly between two digits (``1,000``, ``10:30``)
  stays ASCII, because there it is part of a number, not of the sentence.
* Zero-width characters, soft hyphens and stray BOMs are dropped.
* With ``simplify=True`` (a traditional-character document, see :func:`looks_traditional`), the
  text is converted to simplified characters with OpenCC's t2s tables, so the same rules and the
  same registry match it. OpenCC converts character for character here (its t2s phrases keep their
  length); a stretch whose length would change is converted one character at a time instead, so the
  offset map stays one to one and every span still quotes the original traditional text.

Every normalized character comes from exactly one source character (substitution or copy; a
collapsed whitespace run maps to its first character), so a normalized range maps to one source
range that contains exactly the kept characters plus whatever was dropped between them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# ASCII punctuation → the full-width form the canonical text uses.
_TO_FULL = {"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "!": "！", "?": "？"}
_NUMERIC_SEPARATORS = frozenset(",:")
_DROP = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_FULLWIDTH_FIRST, _FULLWIDTH_LAST, _FULLWIDTH_SHIFT = 0xFF01, 0xFF5E, 0xFEE0
_SMALL_FIRST, _SMALL_LAST = 0xFE50, 0xFE6B


@dataclass(frozen=True)
class NormalizedText:
    """A cleaned copy of ``source`` with ``offsets[i]`` = the source index of ``text[i]``."""

    text: str
    source: str
    offsets: tuple[int, ...]

    def source_offset(self, index: int) -> int:
        """Return the source index of normalized index ``index`` (``len(text)`` maps to ``len(source)``)."""
        if index >= len(self.offsets):
            return len(self.source)
        return self.offsets[index]

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        """Return the source ``(start, end)`` covering normalized ``text[start:end]``.

        Example:
            >>> nt = normalize("县行\\n\\n政审批服务局")
            >>> s, e = nt.source_range(0, len(nt.text))
            >>> nt.source[s:e] == "县行\\n\\n政审批服务局"
            True
        """
        if end <= start:
            position = self.source_offset(start)
            return position, position
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize(text: str, *, simplify: bool = False) -> NormalizedText:
    """Return ``text`` in the canonical form described in the module docstring, with its offset map.

    Args:
        text: any decoded text.
        simplify: convert traditional characters to simplified (for matching only).

    Returns:
        The :class:`NormalizedText`.

    Example:
        >>> normalize("(牵头单位: 县行\\n\\n政审批服务局; 责任单位: 县大数据中心)").text
        '（牵头单位：县行政审批服务局；责任单位：县大数据中心）'
        >>> normalize("APEC\\n card, 1,000").text
        'APEC card，1,000'
    """
    out: list[str] = []
    offsets: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c in _DROP:
            i += 1
        elif c.isspace():
            j = i
            while j < n and (text[j].isspace() or text[j] in _DROP):
                j += 1
            wrapped_number = out and j < n and out[-1].isdigit() and _fold(text, j).isdigit() and (
                "\n" in text[i:j] or "\r" in text[i:j]
            )
            if out and j < n and _is_word(out[-1]) and _is_word(_fold(text, j)) and not wrapped_number:
                out.append(" ")
                offsets.append(i)
            i = j
        else:
            out.append(_fold(text, i))
            offsets.append(i)
            i += 1
    folded = "".join(out)
    return NormalizedText(to_simplified(folded) if simplify else folded, text, tuple(offsets))


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Return ``text`` in simplified characters, with exactly as many characters as ``text``.

    Example:
        >>> to_simplified("牽頭單位：縣稅務局")
        '牵头单位：县税务局'
    """
    converter = _t2s()
    whole = converter.convert(text)
    if len(whole) == len(text):
        return whole
    out = []
    for line in text.splitlines(keepends=True) or [text]:
        converted = converter.convert(line)
        if len(converted) != len(line):
            converted = "".join(c if len(x := converter.convert(c)) != 1 else x for c in line)
        out.append(converted)
    return "".join(out)


# Characters common in traditional text whose simplified form differs; a plan written in
# traditional characters has many of them, a simplified one none or a stray few.
_TRADITIONAL_MARKERS = frozenset("們這個為國與來時會發後說對於產過實經進動當從業應開還點體裡關學頭議機單縣區務辦財稅審營環責組織權傳導級廳條規範")
_MIN_MARKERS = 5
_MIN_RATIO = 0.01


def looks_traditional(text: str) -> bool:
    """True when ``text`` is written in traditional characters (so matching must simplify it).

    Example:
        >>> looks_traditional("（牽頭單位：縣行政審批服務局；責任單位：縣稅務局）"), looks_traditional("（牵头单位：县税务局）")
        (True, False)
    """
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    markers = sum(1 for c in text if c in _TRADITIONAL_MARKERS)
    return markers >= _MIN_MARKERS and markers >= _MIN_RATIO * cjk


def _fold(text: str, i: int) -> str:
    """Return the canonical form of the single character ``text[i]``."""
    c = text[i]
    code = ord(c)
    if _SMALL_FIRST <= code <= _SMALL_LAST:
        # Small form variants (﹒﹐﹑﹔﹕): some plans number items 1﹒ 2﹒ (an Anhui provincial
        # layout); they mean the ordinary punctuation.
        c = unicodedata.normalize("NFKC", c)
        code = ord(c)
    if _FULLWIDTH_FIRST <= code <= _FULLWIDTH_LAST:
        ascii_c = chr(code - _FULLWIDTH_SHIFT)
        return _TO_FULL.get(ascii_c, ascii_c)
    if c in _TO_FULL:
        if c in _NUMERIC_SEPARATORS and _is_digit_at(text, i - 1) and _is_digit_at(text, i + 1):
            return c
        return _TO_FULL[c]
    return c


def _is_digit_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and ("0" <= text[i] <= "9" or "０" <= text[i] <= "９")


def _is_word(c: str) -> bool:
    """A letter or digit of a script written with spaces between words (so not CJK, kana, hangul)."""
    return c.isalnum() and unicodedata.east_asian_width(c) not in ("W", "F")
