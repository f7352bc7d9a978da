"""kg.textsim: the one text-similarity module behind ``policykg diff`` and ``policykg link``."""

from __future__ import annotations

import doctest

import pytest

import kg.textsim
from kg.textsim import TfidfIndex, char_ngrams, label_similarity


def test_docstring_examples() -> None:
    result = doctest.testmod(kg.textsim)
    assert result.attempted > 0 and result.failed == 0


def test_both_commands_use_this_module() -> None:
    from loaders import plan_diff
    from queries.linking import align

    assert plan_diff.TfidfIndex is align.TfidfIndex is TfidfIndex


def test_tfidf_cosine_is_symmetric_bounded_and_ranks_paraphrases_first() -> None:
    idx = TfidfIndex({"c": "推动不动产带押过户", "p": "全面推行不动产带押过户", "x": "发放汽车消费券"})
    assert idx.cosine("c", "p") == pytest.approx(idx.cosine("p", "c"))
    assert 0.0 <= idx.cosine("c", "x") < idx.cosine("c", "p") <= 1.0 + 1e-9
    assert idx.cosine("c", "c") == pytest.approx(1.0)
    assert idx.cosine("c", "unknown") == 0.0


@pytest.mark.parametrize("sublinear", [True, False])
def test_similar_pairs_equal_the_cosines_over_the_threshold(sublinear: bool) -> None:
    texts = {("a", 0): "推行验登合一改革", ("a", 1): "优化纳税服务，推行验登合一", ("a", 2): "发放消费券",
             ("b", 0): "全面推行验登合一", ("b", 1): "纳税服务纳税服务再优化", ("b", 2): "培育专精特新企业"}
    idx = TfidfIndex(texts, sizes=(1, 2, 3), sublinear=sublinear)
    left, right = [k for k in texts if k[0] == "a"], [k for k in texts if k[0] == "b"]
    found = {(a, b): s for s, a, b in idx.similar_pairs(left, right, threshold=0.2)}
    expected = {(a, b): idx.cosine(a, b) for a in left for b in right if idx.cosine(a, b) >= 0.2}
    assert found.keys() == expected.keys() and found
    assert all(found[k] == pytest.approx(expected[k]) for k in found)


def test_sublinear_weighting_damps_a_repeated_phrase() -> None:
    texts = {"r": "纳税服务纳税服务纳税服务推行", "s": "纳税服务", "t": "推行"}
    raw, damped = TfidfIndex(texts, sublinear=False), TfidfIndex(texts, sublinear=True)
    assert damped.cosine("r", "t") > raw.cosine("r", "t")


def test_char_ngrams_and_label_similarity() -> None:
    assert char_ngrams("ab", (1, 2)) == {"a": 1, "b": 1, "ab": 1}
    assert label_similarity("获得信贷", "获得信贷") == 1.0
    assert label_similarity("创新创业活跃度", "包容普惠创新") < 0.5
    assert label_similarity("、", "开办企业") == 0.0
