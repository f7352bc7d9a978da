"""The national places table and a plan's place: each clue alone, their order, and unknown staying unknown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from api.cli import main
from kg.errors import LoadError
from kg.graph import Store
from kg.namespace import PK
from loaders.corpus import build_corpus
from loaders.jurisdiction import find_place
from loaders.organizations import Registry
from loaders.places import Places
from loaders.policy_doc import parse_policy_document
from loaders.records import PolicyDocument
from loaders.to_rdf import document_triples

DATA = Path(__file__).resolve().parents[1] / "data"
EXCERPTS = DATA / "places"
BUNDLED_NAMES = ("巨野", "菏泽", "山东")
BUNDLED_CODES = ("/371724", "/371700", "/370000")
# A city plan's body with no header, 文号, title or self-reference: nothing says where it is from.
HEADLESS = """三、重点任务
（一）优化企业开办服务。
1. 推进企业开办标准化。9月底前，完善企业开办系统功能。（牵头单位：市市场监管局；配合单位：市发展改革委、市人力资源社会保障局）
2. 深化工程建设项目审批改革。年底前，实现审批全流程网上办理。（牵头单位：市住房城乡建设局；配合单位：市自然资源和规划局、市行政审批局）
"""


def doc(text: str = "一、任务", source: str = "plan.txt", **facts) -> PolicyDocument:
    return PolicyDocument(source=source, text=text, **facts)


# -- The table ----------------------------------------------------------------------------------------


def test_the_table_covers_the_country(places: Places) -> None:
    levels = [p.level for p in places.values()]
    assert levels.count("province") == 34 and levels.count("city") >= 330 and levels.count("county") >= 2800
    assert all(p.parent in places for p in places.values() if p.parent)
    assert [p.name for p in places.chain(places["371724"])] == ["巨野县", "菏泽市", "山东省", "中华人民共和国"]
    assert (places["370481"].kind, places["370481"].parent) == ("县级市", "370400")  # 滕州市 under 枣庄市
    assert places["110105"].parent == "110000"  # a district of Beijing lies directly in the 直辖市
    assert places["429004"].parent == "420000"  # 仙桃市: a county-level city directly under 湖北省
    assert (places["450000"].short, places["522600"].short) == ("广西", "黔东南")
    # Wikidata ids only where checked: the bundled chain's, none invented for the rest.
    assert places["370000"].wikidata == "Q43407" and places["371724"].wikidata is None
    assert sum(1 for p in places.values() if p.wikidata) == 3


@pytest.mark.parametrize(("text", "code"), [("510100", "510100"), ("成都市", "510100"), ("滕州", "370481")])
def test_a_given_place_is_a_code_or_a_name(places: Places, text: str, code: str) -> None:
    assert places.given(text).code == code


@pytest.mark.parametrize(("text", "message"), [
    ("不存在市", "names no division"), ("999999", "no division has this GB/T 2260 code"),
    ("鼓楼区", "give the code"),  # Nanjing, Xuzhou, Kaifeng and Fuzhou each have one
])
def test_a_given_place_that_names_none_or_several_is_refused(places: Places, text: str, message: str) -> None:
    with pytest.raises(LoadError, match=message):
        places.given(text)


# -- One clue at a time ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("facts", "text", "source", "code", "how"), [
    ({"issuer": "巨野县人民政府"}, "一、任务", "a.txt", "371724", "header"),
    ({"issuer": "山东省菏泽市巨野县人民政府"}, "一、任务", "a.txt", "371724", "header"),
    ({}, "成都市人民政府文件\n蓉府发〔2019〕12号\n一、任务", "a.txt", "510100", "header"),
    ({"doc_number": "苏政发〔2023〕1号"}, "一、任务", "a.txt", "320000", "doc_number"),
    ({"doc_number": "川府发〔2023〕3号"}, "一、任务", "a.txt", "510000", "doc_number"),
    ({"doc_number": "湘政办发〔2023〕7号"}, "一、任务", "a.txt", "430000", "doc_number"),
    ({"doc_number": "鲁政字〔2023〕50号"}, "一、任务", "a.txt", "370000", "doc_number"),
    ({"doc_number": "蓉府发〔2023〕2号"}, "一、任务", "a.txt", "510100", "doc_number"),
    ({"doc_number": "穗府办〔2023〕2号"}, "一、任务", "a.txt", "440100", "doc_number"),
    ({"title": "巨野县2023年深化营商环境创新提升行动实施方案"}, "一、任务", "a.txt", "371724", "title"),
    ({}, "全市推进。在玄武区、秦淮区先行试点，南京海关配合。全市推广。", "a.txt", "320100", "text"),
    ({}, "全县推进。", "plans/四川省/成都市/郫都区/plan.txt", "510117", "file name"),
    ({}, "全县推进。", "plans/510117-plan.txt", "510117", "file name"),
])
def test_each_clue_alone_places_the_plan(places: Places, facts, text, source, code, how) -> None:
    found = find_place(doc(text, source, **facts), places)
    assert (found.place.code, found.how) == (code, how), found.note()


def test_clues_are_trusted_in_order(places: Places) -> None:
    # The issuer outranks the 文号, the 文号 the title, the title the file name; --place outranks all.
    d = doc("一、任务", "成都市/plan.txt", issuer="巨野县人民政府", doc_number="苏政发〔2023〕1号", title="湖南省2023年方案")
    assert find_place(d, places).place.name == "巨野县"
    d.issuer = None
    assert find_place(d, places).place.name == "江苏省"
    d.doc_number = None
    assert find_place(d, places).place.name == "湖南省"
    d.title = None
    assert find_place(d, places).place.name == "成都市"
    assert find_place(d, places, given=places["440300"]).how == "given"


def test_a_clue_naming_two_places_needs_a_later_clue_to_agree(places: Places) -> None:
    # 宁政 is the 文号 abbreviation of both 南京市 and 宁夏: alone it places nothing …
    alone = find_place(doc(doc_number="宁政发〔2023〕3号"), places)
    assert not alone.known
    # … with the text naming Nanjing's districts it is 南京市.
    agreed = find_place(doc("全市推进，鼓楼区、玄武区先行。", doc_number="宁政发〔2023〕3号"), places)
    assert (agreed.place.name, agreed.how) == ("南京市", "doc_number")


def test_no_clue_leaves_the_place_unknown_with_one_warning(places: Places, tmp_path: Path) -> None:
    d = parse_policy_document(HEADLESS, "excerpt.txt")
    found = find_place(d, places)
    assert not found.known and found.place.code.startswith("unplaced-") and "--place" in found.note()
    (tmp_path / "excerpt.txt").write_text(HEADLESS, encoding="utf-8")
    result = build_corpus([tmp_path / "excerpt.txt"], include_ontology=False)
    place_warnings = [p for p in result.report.problems if p.locator == "place"]
    assert len(place_warnings) == 1 and place_warnings[0].severity.value == "warn"
    text = result.merged().serialize(format="nt")
    assert not any(name in text for name in BUNDLED_NAMES)


# -- Never the bundled plan's place without a clue -------------------------------------------------------

_RELATIVE = ["县财政局", "县发改委", "县发展和改革委员会", "市发展改革委", "市市场监管局", "省发展改革委", "省财政厅",
             "县委组织部", "市委组织部", "县税务局", "市税务局", "人行支行", "县人民政府", "市政府办公室",
             "县供电公司", "县有关部门、单位", "各镇街", "县市场监督管理局", "市生态环境局"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_RELATIVE), min_size=1, max_size=5, unique=True),
       st.lists(st.sampled_from(_RELATIVE), max_size=4, unique=True))
def test_no_clue_never_yields_the_bundled_places_names(registry: Registry, places: Places,
                                                        leads: list[str], others: list[str]) -> None:
    text = f"一、重点任务\n1.推进一项工作。（牵头单位：{'、'.join(leads)}；责任单位：{'、'.join(others) or '县财政局'}）\n"
    d = parse_policy_document(text, "x.txt")
    found = find_place(d, places)
    assert not found.known
    triples, _ = document_triples(d, registry, places, found.place)
    for s, _p, o in triples:
        for term in (s, o):
            assert not any(name in str(term) for name in (*BUNDLED_NAMES, *BUNDLED_CODES)), (term, leads, others)


# -- Organisations of different governments never merge ----------------------------------------------------


def _named(g: Graph) -> set[str]:
    return {str(o) for o in g.objects(None, PK.agent)}


def test_one_excerpt_under_three_places_gives_three_disjoint_sets(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(HEADLESS, encoding="utf-8")
    sets = []
    for given_place in ("成都市", "320100", "深圳市"):
        out = tmp_path / f"{given_place}.ttl"
        assert main(["build", str(plan), "--out", str(out), "--place", given_place, "-q", "--no-validate"]) == 0
        sets.append(_named(Graph().parse(out)))
    capsys.readouterr()
    assert all(len(s) == 6 for s in sets)
    assert not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])
    assert {s.split("/org/")[1].split("/")[0] for s in sets[1]} == {"320100"}


def test_plans_of_two_provinces_built_together_share_no_organisation(tmp_path: Path) -> None:
    for f in EXCERPTS.glob("*.txt"):
        shutil.copy(f, tmp_path / f.name)
    result = build_corpus([tmp_path], store=Store.MEMORY, include_ontology=False)
    ds = result.graph
    docs = sorted(ds.subjects(RDF.type, PK.PolicyDocument))
    assert [str(d).split("/document/")[1].split("/")[0] for d in docs] == ["320100", "510000"]
    graphs = [ds.graph(d) for d in docs]
    named = [_named(g) for g in graphs]
    assert len(named[0]) >= 10 and len(named[1]) >= 10
    assert not named[0] & named[1]
    # Beyond the bodies the plans name: the linked counterparts of the two provinces are apart too,
    # only the national ministries are one body for both.
    orgs = [{str(s) for s in g.subjects(RDF.type, PK.GovernmentAgency)} for g in graphs]
    assert all("/org/100000/" in iri for iri in orgs[0] & orgs[1])
    labels = {str(o) for g in graphs for o in g.objects(None, SKOS.prefLabel)}
    assert not any(name in label for label in labels for name in BUNDLED_NAMES)


def test_bodies_of_one_government_merge_across_its_documents(tmp_path: Path) -> None:
    # The county plan names its city's 市市场监管局; the city's own plan names the same body: one node.
    from loaders.data import BUNDLED_PLAN

    shutil.copy(BUNDLED_PLAN, tmp_path / "county.txt")
    shutil.copy(DATA / "layouts" / "prefix-brackets.txt", tmp_path / "city.txt")
    ds = build_corpus([tmp_path], store=Store.MEMORY, include_ontology=False).graph
    graphs = {str(d).split("/document/")[1].split("/")[0]: ds.graph(d) for d in ds.subjects(RDF.type, PK.PolicyDocument)}
    city_body = "https://w3id.org/policykg/id/org/371700/菏泽市市场监督管理局"
    assert set(graphs) == {"371724", "371700"}
    # One node: the city plan assigns tasks to it, the county's own body is its counterpart (the
    # organisations themselves live once, in the shared graph), and it has one name.
    body = URIRef(city_body)
    assert set(graphs["371700"].subjects(PK.leadUnit, body)) | set(graphs["371700"].subjects(PK.responsibleUnit, body))
    assert URIRef("https://w3id.org/policykg/id/org/371724/县市场监督管理局") in set(ds.subjects(PK.counterpartOf, body))
    assert len(set(ds.objects(body, SKOS.prefLabel))) == 1


# -- --place on the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "review"])
def test_a_place_that_names_no_division_is_one_line_and_exit_2(tmp_path: Path, capsys, command: str) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(HEADLESS, encoding="utf-8")
    argv = [command, str(plan), "--place", "不存在市"] + (["--out", str(tmp_path / "g.ttl")] if command == "build" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--place 不存在市" in err and "Traceback" not in err
    assert not (tmp_path / "g.ttl").exists()


def test_review_and_evaluate_read_units_in_the_given_place(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(HEADLESS, encoding="utf-8")
    answers = tmp_path / "answers.json"
    answers.write_text('{"tasks": [{"number": 1, "title": "推进企业开办标准化", "lead": ["成都市市场监督管理局"]}]}',
                       encoding="utf-8")
    assert main(["evaluate", str(plan), str(answers), "--place", "成都市", "--format", "json"]) == 0
    rows = {r["field"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["lead"]["tp"] == 1  # 市市场监管局 is 成都市市场监督管理局 when the plan is Chengdu's
