"""Similarity of Chinese texts in plain Python: character n-gram TF-IDF cosine and label overlap.

One module serves both commands that match texts: ``policykg diff`` (loaders/plan_diff.py, a plan
against its next version) and ``policykg link`` (queries/linking/align.py, a lower plan against a
higher one). Each keeps its own settings, chosen on its own test data: ``diff`` counts 1- to 3-grams
with raw term frequency, ``link`` 2- and 3-grams with sublinear term frequency.

Why characters: Chinese has no spaces, and a word segmenter (and its dictionary) would be one more
download and one more source of error; character 2- and 3-grams capture the words and set phrases
(验登合一, 带押过户, 电子营业执照) plans share.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

_NON_WORD = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")


def char_ngrams(text: str, sizes: Sequence[int] = (2, 3)) -> Counter[str]:
    """Return the counts of the character n-grams of ``text`` for each size in ``sizes``.

    Example:
        >>> sorted(char_ngrams("带押过户", (2,)))
        ['带押', '押过', '过户']
    """
    grams: Counter[str] = Counter()
    for n in sizes:
        grams.update(text[i:i + n] for i in range(len(text) - n + 1))
    return grams


class TfidfIndex(Generic[K]):
    """TF-IDF vectors of a fixed set of texts, for cosine similarity between any two of them.

    Smoothed IDF (log((1 + N) / (1 + df)) + 1) over every text given, so n-grams every text shares
    (推动, 进一步) weigh little; term frequency raw, or sublinear (1 + log tf) so a phrase repeated in
    one text does not drown the rest; each vector L2-normalised, so a cosine is a dot product.

    Args:
        texts: the texts by key (any hashable: a task IRI, a (plan, index) pair).
        sizes: the n-gram sizes counted.
        sublinear: use 1 + log(tf) instead of tf.

    Example:
        >>> idx = TfidfIndex({"a": "推行验登合一改革", "b": "推行验登合一", "c": "发放消费券"})
        >>> idx.cosine("a", "b") > 0.5 > idx.cosine("a", "c")
        True
        >>> [(round(s, 2), a, b) for s, a, b in idx.similar_pairs(["a"], ["b", "c"], threshold=0.5)]
        [(0.75, 'a', 'b')]
    """

    def __init__(self, texts: Mapping[K, str], *, sizes: Sequence[int] = (2, 3), sublinear: bool = True) -> None:
        counts = {k: char_ngrams(v, sizes) for k, v in texts.items()}
        df: Counter[str] = Counter()
        for c in counts.values():
            df.update(c.keys())
        n = len(counts)
        idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
        self.vectors: dict[K, dict[str, float]] = {}
        for k, c in counts.items():
            v = {g: ((1 + math.log(tf)) if sublinear else tf) * idf[g] for g, tf in c.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.vectors[k] = {g: x / norm for g, x in v.items()}

    def cosine(self, a: K, b: K) -> float:
        """Return the cosine similarity of texts ``a`` and ``b`` (0.0 for an unknown key)."""
        va, vb = self.vectors.get(a, {}), self.vectors.get(b, {})
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(x * vb.get(g, 0.0) for g, x in va.items())

    def similar_pairs(self, left: Iterable[K], right: Iterable[K], *, threshold: float) -> list[tuple[float, K, K]]:
        """Return (cosine, a, b) for every ``a`` of ``left`` and ``b`` of ``right`` reaching ``threshold``.

        Pairs sharing no n-gram are never scored: an inverted index over ``right`` finds the
        others, so two plans of a few hundred tasks compare in well under a second.
        """
        index: dict[str, list[tuple[K, float]]] = {}
        for b in right:
            for g, y in self.vectors.get(b, {}).items():
                index.setdefault(g, []).append((b, y))
        pairs = []
        for a in left:
            scores: dict[K, float] = {}
            for g, x in self.vectors.get(a, {}).items():
                for b, y in index.get(g, ()):
                    scores[b] = scores.get(b, 0.0) + x * y
            pairs.extend((sim, a, b) for b, sim in scores.items() if sim >= threshold)
        return pairs


def label_similarity(a: str, b: str) -> float:
    """Return the Dice overlap of the character bigrams of two short labels (1.0 when equal).

    Punctuation and spaces are ignored.

    Example:
        >>> label_similarity("知识产权创造、保护和运用", "知识产权创造、保护和运用")
        1.0
        >>> round(label_similarity("法治保障", "优化法治环境"), 2)
        0.25
    """
    a, b = _NON_WORD.sub("", a), _NON_WORD.sub("", b)
    if a == b:
        return 1.0
    ga, gb = set(char_ngrams(a, (2,))), set(char_ngrams(b, (2,)))
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))
