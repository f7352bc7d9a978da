"""A plan's identity — 文号, title, issuer, date — comes from its text or is marked missing, never invented."""

from __future__ import annotations

from pathlib import Path

from loaders.jurisdiction import document_key
from loaders.policy_doc import load_policy_document, parse_policy_document
from loaders.to_rdf import document_iri

BODY = "一、重点任务\n（一）开办企业\n1.推进一项工作。（牵头单位：市财政局）\n"


def test_a_red_header_glued_onto_the_doc_number_is_cut_off() -> None:
    doc = parse_policy_document("成都市人民政府文件蓉府发〔2019〕12号\n关于印发成都市营商环境方案的通知\n" + BODY, "a.txt")
    assert (doc.doc_number, doc.issuer, doc.title) == ("蓉府发〔2019〕12号", "成都市人民政府", "成都市营商环境方案")
    assert str(document_iri(doc)).endswith("/document/510100/蓉府发〔2019〕12号")


def test_web_page_furniture_is_never_the_title() -> None:
    page = ("首页 > 政务公开 > 政策文件\n打印本页  关闭窗口\n发布时间：2024-03-01  来源：市政府办公室\n"
            "成都市2024年优化营商环境工作要点\n" + BODY)
    assert parse_policy_document(page, "a.txt").title == "成都市2024年优化营商环境工作要点"
    only_furniture = "首页 > 政务公开\n【打印】【关闭】\n" + BODY
    assert parse_policy_document(only_furniture, "a.txt").title is None


def test_the_file_name_is_never_the_title_but_keys_nothing_either(tmp_path: Path) -> None:
    plan = tmp_path / "成都市营商环境方案.txt"
    plan.write_text(BODY, encoding="utf-8")
    doc = load_policy_document(plan)
    assert doc.title is None and "title" in {p.message.removeprefix("no ").split()[0] for p in doc.problems}
    # The IRI's key is the text's hash, not the file name (which places the plan, and nothing more).
    key = document_key(doc)
    assert key.startswith("text-") and "成都" not in key
    assert str(document_iri(doc)).endswith(f"/document/510100/{key}")
    renamed = tmp_path / "另一个名字.txt"
    renamed.write_text(BODY, encoding="utf-8")
    assert document_key(load_policy_document(renamed)) == key


def test_the_same_doc_number_in_two_places_is_two_documents() -> None:
    a = parse_policy_document("东明县人民政府关于印发《东明县方案》的通知\n东政发〔2023〕5号\n" + BODY, "a.txt")
    b = parse_policy_document("东港区人民政府关于印发《东港区方案》的通知\n东政发〔2023〕5号\n" + BODY, "b.txt")
    assert a.doc_number == b.doc_number == "东政发〔2023〕5号"
    assert document_iri(a) != document_iri(b)


def test_a_web_pages_publication_date_gives_the_plan_year_but_not_the_issue_date() -> None:
    text = ("某区关于优化营商环境的若干措施\n来源：区发展和改革局　发布时间：2023-03-10\n"
            "一、优化服务\n（一）推行企业开办。9月底前，实现全程网办。（责任单位：区市场监管局）\n")
    doc = parse_policy_document(text, "page.html")
    assert doc.plan_year == 2023 and doc.issued is None
    assert doc.tasks[0].deadlines[0].date.isoformat() == "2023-09-30"
    assert any("publication date" in p.message for p in doc.problems)
    undated = parse_policy_document(text.replace("发布时间：2023-03-10", ""), "page.html")
    assert undated.plan_year is None
