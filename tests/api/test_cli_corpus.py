"""The corpus commands as an analyst runs them: build DIR/ with progress, evaluate, review, diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset

from api.cli import main

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold-sample.json"
SAMPLE = Path(__file__).resolve().parents[2] / "loaders" / "data" / "samples" / "juye-2023-business-environment.txt"


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("excerpt", sorted(LAYOUTS.glob("*.txt")), ids=lambda p: p.stem)
def test_evaluate_each_layout_excerpt(excerpt: Path, capsys) -> None:
    answers = excerpt.with_name(excerpt.stem + ".answers.json")
    known = json.loads(answers.read_text(encoding="utf-8")).get("known_misses", {})  # see test_layouts.py
    min_f1 = [] if known else ["--min-f1", "0.95"]
    code, out, err = run(["evaluate", excerpt, answers, "--format", "json", *min_f1], capsys)
    assert code == 0, err
    skip = {*known, "all"} if known else set()  # the pooled row counts the known misses too
    rows = {r["field"]: r for r in json.loads(out) if r["field"] not in skip}
    assert all(r["f1"] >= 0.95 for r in rows.values()) and rows["lead"]["tp"] > 0


def test_evaluate_the_bundled_plan_against_the_gold_sample(capsys) -> None:
    code, out, _ = run(["evaluate", SAMPLE, GOLD, "--format", "json"], capsys)
    assert code == 0
    rows = {r["field"]: r for r in json.loads(out)}
    assert rows["tasks"]["tp"] == 12 and rows["domains"]["tp"] == 19  # a sample: only its 12 tasks are scored
    assert rows["lead"]["f1"] == 1.0


def test_evaluate_fails_below_the_threshold(tmp_path: Path, capsys) -> None:
    wrong = json.loads((LAYOUTS / "suffix-style.answers.json").read_text(encoding="utf-8"))
    wrong["tasks"][0]["lead"] = ["市财政局"]
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(wrong, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(["evaluate", LAYOUTS / "suffix-style.txt", path, "--min-f1", "0.95"], capsys)
    assert code == 1 and "lead" in err


def test_build_a_directory_into_named_graphs(tmp_path: Path, capsys) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("prefix-brackets.txt", "suffix-style.txt", "label-lines.txt"):
        shutil.copy(LAYOUTS / name, plans / name)
    out = tmp_path / "corpus.trig"
    code, stdout, err = run(["build", plans, "--out", out], capsys)
    assert code == 0, err
    assert "3 document(s)" in stdout
    assert "[1/3] label-lines.txt" in err and "[3/3] suffix-style.txt" in err
    assert "new-organizations.yaml" in err and (tmp_path / "new-organizations.yaml").exists()
    ds = Dataset()
    ds.parse(out, format="trig")
    assert sum(1 for g in ds.graphs() if "/document/" in str(g.identifier)) == 3


def test_review_then_correct_then_rebuild(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.txt"
    shutil.copy(LAYOUTS / "responsible-only.txt", plan)
    code, out, _ = run(["review", plan, "--out", tmp_path / "review.csv"], capsys)
    assert code == 0 and "item(s) to check" in out
    fix = tmp_path / "fix.yaml"
    fix.write_text("document: plan.txt\ntasks:\n  - task: 2\n    lead: [县大数据中心]\n    responsible: [县市场监管局]\n",
                   encoding="utf-8")
    code, out, err = run(["build", plan, "--out", tmp_path / "kg.ttl", "--corrections", fix], capsys)
    assert code == 0, err
    assert "corrected: lead, responsible [fix.yaml]" in err


def test_diff_two_plans_as_a_table_and_rdf(tmp_path: Path, capsys) -> None:
    text = (LAYOUTS / "prefix-brackets.txt").read_text(encoding="utf-8")
    newer = tmp_path / "newer.txt"
    newer.write_text(text.replace("2024年优化", "2025年优化").replace("2024年3月15日", "2025年3月15日")
                     .replace("〔2024〕", "〔2025〕").replace("10月底前", "9月底前"), encoding="utf-8")
    code, out, err = run(["diff", LAYOUTS / "prefix-brackets.txt", newer, "--format", "json",
                          "--rdf", tmp_path / "diff.ttl"], capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["change"], r["old_task"], r["new_task"]) for r in rows] == [("changed", 4, 4)]
    assert "4 unchanged, 1 changed, 0 added, 0 removed" in err
    assert "TaskChange" in (tmp_path / "diff.ttl").read_text(encoding="utf-8")


def test_unknown_plan_file_is_one_line(tmp_path: Path, capsys) -> None:
    code, _, err = run(["review", tmp_path / "missing.txt"], capsys)
    assert code == 1 and err.startswith("policykg: error:") and "Traceback" not in err
