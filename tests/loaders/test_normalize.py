"""normalize: PDF line breaks go, punctuation is folded to one form, and offsets lead back to the source."""

from __future__ import annotations

import pytest

from loaders.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("县行\n\n政审批服务局", "县行政审批服务局"),  # a name split across a blank line
        ("（牵\n\n头单位：县财政局)", "（牵头单位：县财政局）"),
        (
            "(牵头单位: 县行政审批服务局; 责任单位: 县大数据中心)",
            "（牵头单位：县行政审批服务局；责任单位：县大数据中心）",
        ),
        ("9月底前, 跟进全省", "9月底前，跟进全省"),
        ("2. 探索市场主体", "2.探索市场主体"),
        ("创新 提升", "创新提升"),
        ("加大APEC商务旅行卡", "加大APEC商务旅行卡"),
        ("APEC\n card", "APEC card"),  # a space between two Latin words is meaningful
        ("平台 and 场所", "平台and场所"),  # not between Latin and Chinese
        ("1,000元，10:30前", "1,000元，10:30前"),  # separators inside numbers stay ASCII
        ("１２３ＡＢ．％", "123AB.%"),  # full-width ASCII variants become ASCII
        ("a\u200bb\ufeff", "ab"),
        ("\u3000\u3000（一）", "（一）"),
        ("  \n", ""),
    ],
)
def test_canonical_form(raw: str, clean: str) -> None:
    assert normalize(raw).text == clean


def test_offsets_map_back_to_source() -> None:
    raw = "（牵头单位：县行\n\n政审批服务局) 2. 探索"
    nt = normalize(raw)
    k = nt.text.index("县行政审批服务局")
    s, e = nt.source_range(k, k + len("县行政审批服务局"))
    assert raw[s:e] == "县行\n\n政审批服务局"
    assert all(nt.text[i] == raw[nt.offsets[i]] or nt.text[i] in "（）：；，" for i in range(len(nt.text)))


def test_empty_range_maps_to_a_position() -> None:
    nt = normalize("ab\n")
    assert nt.source_range(2, 2) == (3, 3)
    assert nt.source_range(1, 1) == (1, 1)


def test_idempotent_on_the_sample(sample_text: str) -> None:
    once = normalize(sample_text).text
    assert normalize(once).text == once
