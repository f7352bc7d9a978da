"""A corpus of plans: named graphs per document, jurisdictions, new organisations, corrections, review, diff."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset
from rdflib.namespace import RDF, SKOS

from kg.errors import LoadError
from kg.graph import save_graph
from kg.namespace import PK
from loaders.corpus import build_corpus
from loaders.corrections import apply_corrections, load_corrections
from loaders.plan_diff import diff_plans, diff_triples
from loaders.policy_doc import load_policy_document, parse_policy_document
from loaders.review import review_items, write_review

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
PLANS = ("prefix-brackets.txt", "suffix-style.txt", "division-line.txt", "responsible-only.txt")


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name in PLANS:
        shutil.copy(LAYOUTS / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path):
    seen = []
    result = build_corpus([corpus_dir], progress=lambda k, n, path, s: seen.append((k, n, path.name)))
    result.progress_calls = seen
    return result


def test_each_document_in_its_own_named_graph(corpus, tmp_path: Path) -> None:
    assert [n for _, n, _ in corpus.progress_calls] == [4] * 4
    docs = set(corpus.graph.subjects(RDF.type, PK.PolicyDocument))
    assert len(docs) == 4
    for doc in docs:  # the document's graph holds its own metadata and tasks
        graph = corpus.graph.graph(doc)
        assert (doc, RDF.type, PK.PolicyDocument) in graph
        assert any(graph.subjects(PK.inDocument, doc))
    out = tmp_path / "corpus.trig"
    save_graph(corpus.graph, out)
    back = Dataset()
    back.parse(out, format="trig")
    assert {g.identifier for g in back.graphs()} >= docs
    merged = corpus.merged()
    assert len(merged) == len(corpus.graph)  # union of the graphs, each triple once


def test_jurisdictions_keep_organisations_apart(corpus) -> None:
    places = {str(p).rsplit("/", 1)[-1] for p in corpus.graph.objects(None, PK.jurisdiction)}
    # 菏泽市 and 济南市 from their issuers, 广东省 from its header, 郓城县 from its title: all in the national table
    assert {"371700", "370100", "440000", "371725"} <= places
    # 市大数据局 of 菏泽 and of 济南 are two organisations, each in its own city
    labels = {(str(o).split("/id/org/")[1].split("/")[0], str(label))
              for o, label in corpus.graph.subject_objects(SKOS.prefLabel) if "/id/org/" in str(o)}
    assert ("371700", "菏泽市大数据局") in labels and ("370100", "济南市大数据局") in labels
    assert not [o for o in corpus.graph.objects(None, PK.divisionCode) if not str(o).isdigit()]


def test_same_plan_twice_is_reported(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        shutil.copy(LAYOUTS / "prefix-brackets.txt", tmp_path / name)
    result = build_corpus([tmp_path], include_ontology=False)
    assert any("same document identifier" in p.message for p in result.report.problems)


def test_corrections_beside_the_plan_are_applied_on_every_build(tmp_path: Path) -> None:
    shutil.copy(LAYOUTS / "responsible-only.txt", tmp_path / "plan.txt")
    (tmp_path / "corrections").mkdir()
    (tmp_path / "corrections" / "plan.yaml").write_text(yaml.safe_dump({
        "document": "plan.txt",
        "tasks": [
            {"task": 1, "expect_title": "压缩企业开办时间", "lead": ["县市场监管局"], "responsible": ["县行政审批服务局", "县税务局"]},
            {"task": 2, "expect_title": "已经改写的标题", "lead": ["县大数据中心"]},  # stale: must be skipped
            {"task": 3, "deadlines": [{"phrase": "年底前", "date": "2024-12-31"}]},
        ],
    }, allow_unicode=True), encoding="utf-8")
    for _ in range(2):  # a rebuild applies them again
        doc = build_corpus([tmp_path], include_ontology=False).documents[0]
        assert [u.name for u in doc.tasks[0].lead] == ["县市场监管局"] and not doc.tasks[0].lead_inferred
        assert [u.name for u in doc.tasks[1].lead] == ["县市场监管局"]  # stale correction not applied
        assert [str(d.date) for d in doc.tasks[2].deadlines] == ["2024-12-31"]
        assert any("stale" in p.message for p in doc.problems)


def test_malformed_corrections_say_where(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("tasks: []\n", encoding="utf-8")
    with pytest.raises(LoadError, match="needs 'document"):
        load_corrections(bad)
    bad.write_text("document: x.txt\ntasks:\n  - task: 1\n    leader: [A]\n", encoding="utf-8")
    with pytest.raises(LoadError, match="unknown field"):
        load_corrections(bad)


def test_review_lists_guesses_with_correction_stubs(tmp_path: Path) -> None:
    doc = load_policy_document(LAYOUTS / "responsible-only.txt")
    items = review_items(doc)
    assert {i.task for i in items if i.field == "lead"} == {1, 2, 3}  # inferred leads
    assert any(i.value == "各银行业金融机构" or "registry" in i.reason for i in items)
    out = write_review(doc, items, tmp_path / "review.yaml")
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    stub = data["items"][0]["correction"]
    corrections = tmp_path / "fix.yaml"
    corrections.write_text(yaml.safe_dump({"document": data["document"], "tasks": [stub]}, allow_unicode=True),
                           encoding="utf-8")
    again = load_policy_document(LAYOUTS / "responsible-only.txt")
    apply_corrections(again, [load_corrections(corrections)])  # the stub as written applies cleanly
    assert not any("stale" in p.message for p in again.problems)
    assert write_review(doc, items, tmp_path / "review.csv").read_text(encoding="utf-8-sig").startswith("task,field")


def test_diff_finds_added_removed_and_changed_tasks() -> None:
    old_text = (LAYOUTS / "prefix-brackets.txt").read_text(encoding="utf-8")
    new_text = (
        old_text.replace("10月底前，开展市场准入壁垒排查清理", "9月底前，开展市场准入壁垒排查清理")  # task 4 changed
        .replace("5．规范涉企收费。持续清理规范涉企收费，每年开展一次专项检查。（牵头单位：市发展和改革委员会、市财政局；配合单位：其他成员单位；完成时限：长期坚持）",
                 "5．推进社会信用体系建设。完善信用修复机制，年底前实现信用修复“一网通办”。（牵头单位：市发展和改革委员会）")
        .replace("3．推行电子证照应用。", "3．全面推行电子证照应用。")
    )
    old = parse_policy_document(old_text, "2024.txt")
    new = parse_policy_document(new_text.replace("2024", "2025"), "2025.txt")
    diff = diff_plans(old, new)
    kinds = {(c.kind, c.old.number if c.old else None, c.new.number if c.new else None) for c in diff.changes}
    assert ("changed", 4, 4) in kinds and ("changed", 3, 3) in kinds
    assert ("removed", 5, None) in kinds and ("added", None, 5) in kinds
    change4 = next(c for c in diff.changes if c.new and c.new.number == 4)
    assert "deadlines" in change4.fields and "lead" not in change4.fields
    triples = list(diff_triples(diff))
    assert sum(1 for _, p, o in triples if p == RDF.type and str(o).endswith("TaskChange")) == len(diff.changes)


def test_diff_of_a_plan_with_itself_is_all_unchanged(sample_doc) -> None:
    assert diff_plans(sample_doc, sample_doc).counts() == {"unchanged": 170, "changed": 0, "added": 0, "removed": 0}
