"""The synthetic corpus: deterministic, shaped like the bundled plan, and read back by the real loader."""

from __future__ import annotations

import re

import pytest

from benchmarks.synth import generate_corpus, generate_plan, load_counties, places_overlay
from loaders.policy_doc import parse_policy_document


def test_same_seed_same_text_other_seed_other_text():
    a = [p.text for p in generate_corpus(3, seed=7)]
    assert a == [p.text for p in generate_corpus(3, seed=7)]
    assert a != [p.text for p in generate_corpus(3, seed=8)]


def test_counties_are_shandong_county_codes():
    counties, raw = load_counties()
    assert len(counties) >= 50 and len({c.code for c in counties}) == len(counties)
    cities = {c["code"] for c in raw["cities"]}
    for c in counties:
        assert re.fullmatch(r"37\d{4}", c.code) and c.name.endswith("县")
        assert c.city_code in cities and c.code[:4] == c.city_code[:4]
    codes = [p["code"] for p in places_overlay()["places"]]
    assert len(codes) == len(set(codes))


def test_doc_numbers_unique_across_a_corpus():
    numbers = [p.doc_number for p in generate_corpus(300)]
    assert len(set(numbers)) == 300


def test_layout_has_the_genre_features():
    texts = "".join(p.text for p in generate_corpus(10))
    for feature in ["三、重点任务", "领域牵头部门", "牵头单位：", "责任单位", "月底前", "根据省、市统一部署",
                    "(牵头单位: ", "（此件公开发布）", "四、保障措施"]:
        assert feature in texts, feature
    # PDF-like: a line break inside a task (not only between tasks)
    assert re.search(r"[\u4e00-\u9fff]\n+[\u4e00-\u9fff]", texts)


def test_a_few_units_lead_most_tasks():
    from collections import Counter

    leads = Counter(u for p in generate_corpus(5) for t in p.tasks for u in t.leads)
    top = sum(n for _, n in leads.most_common(5))
    assert top / sum(leads.values()) > 0.4  # skewed: five units hold a large share of lead roles


@pytest.mark.parametrize("index", range(4))
def test_loader_reads_back_tasks_domains_and_units(index):
    counties, _ = load_counties()
    plan = generate_plan(counties[index * 7], 2023, seed=index)
    doc = parse_policy_document(plan.text, plan.filename)
    assert (doc.doc_number, doc.issuer, doc.title) == (plan.doc_number, plan.issuer, plan.title)
    assert [d.label for d in doc.domains] == [label for label, _ in plan.domains]
    assert [t.number for t in doc.tasks] == [t.number for t in plan.tasks]
    for got, want in zip(doc.tasks, plan.tasks, strict=True):
        assert [m.name for m in got.lead] == want.leads, got.number
        assert [m.name for m in got.responsible] == want.responsible, got.number
        assert got.follows_higher_deployment == want.follows_higher_deployment, got.number
