"""The parser against the hand-read gold sample (tests/data/gold-sample.json), field by field.

Gold unit names are canonical (aliases merged by the registry); the parser reports names as written.
So units are compared with the split of the gold ``*_raw`` strings (as written), and canonical names are
left to the registry's tests.
"""

from __future__ import annotations

from datetime import date

import pytest

from loaders.records import PolicyDocument
from loaders.unit_lists import split_unit_list

GOLD_TASKS = [1, 8, 15, 27, 34, 37, 45, 90, 107, 121, 137, 151]


def _split(raw: str | None) -> list[str]:
    return [raw[s:e].strip() for s, e in split_unit_list(raw)] if raw else []


def test_gold_covers_the_tasks_we_test(gold: dict) -> None:
    assert [t["number"] for t in gold["tasks"]] == GOLD_TASKS


def test_document_facts(sample_doc: PolicyDocument, gold: dict) -> None:
    expected = gold["document"]
    assert sample_doc.title == expected["title"]
    assert sample_doc.doc_number == expected["doc_number"]
    assert sample_doc.issuer == expected["issuer"]
    assert sample_doc.issued == date.fromisoformat(expected["issued"])
    assert sample_doc.plan_year == expected["plan_year"]


def test_domains(sample_doc: PolicyDocument, gold: dict) -> None:
    assert [(d.number, d.label) for d in sample_doc.domains] == [
        (g["number"], g["label"]) for g in gold["domains"]
    ]
    for domain, expected in zip(sample_doc.domains, gold["domains"], strict=True):
        assert len(domain.leads) == len(expected["lead"]), domain.label


@pytest.mark.parametrize("number", GOLD_TASKS)
def test_task(sample_doc: PolicyDocument, gold: dict, number: int) -> None:
    expected = next(t for t in gold["tasks"] if t["number"] == number)
    task = sample_doc.tasks[number - 1]
    assert task.number == number
    assert task.domain_number == expected["domain"]
    assert task.title == expected["title"]
    assert task.lead_raw == expected["lead_raw"]
    assert task.responsible_raw == expected["responsible_raw"]
    assert [u.name for u in task.lead] == _split(expected["lead_raw"])
    assert [u.name for u in task.responsible] == _split(expected["responsible_raw"])
    assert len(task.lead) == len(expected["lead"])
    assert len(task.responsible) == len(expected["responsible"])
    assert [(d.phrase, d.date.isoformat()) for d in task.deadlines] == [
        (d["phrase"], d["date"]) for d in expected["deadlines"]
    ]
    assert [r.label for r in task.references] == expected["references"]
    assert [(t.text, t.value, t.unit, t.comparator) for t in task.targets] == [
        (t["text"], float(t["value"]), t["unit"], t["comparator"]) for t in expected["targets"]
    ]
    assert task.follows_higher_deployment is expected["follows_higher_deployment"]
    assert [p.label for p in task.preconditions] == expected["preconditions"]
