"""The organisation registry and the unit-list splitter, checked against the bundled plan and gold sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import LoadError
from loaders.data import BUNDLED_PLAN
from loaders.jurisdiction import jurisdiction_for
from loaders.organizations import KINDS, Place, Registry, load_places
from loaders.unit_lists import split_unit_list

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold-sample.json"
YUNCHENG = Place(code="371725", name="郓城县", short="郓城", level="county", parent="371700")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture(scope="module")
def juye() -> Place:
    return load_places()["371724"]


def parts(raw: str, registry: Registry | None = None) -> list[str]:
    return [raw[s:e] for s, e in split_unit_list(raw, registry)]


# -- Resolving names ---------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "canonical"), [
    ("县市场监管局", "县市场监督管理局"),
    ("县发展和改革委员会", "县发展和改革局"),
    ("县科技局", "县科学技术局"),
    ("县教体局", "县教育和体育局"),
    ("人行巨野支行", "中国人民银行巨野支行"),
    ("县行\n\n政审批服务局", "县行政审批服务局"),  # PDF line break inside the name
    ("巨野县财政局", "县财政局"),  # the county's own name written out
    ("国家税务总局巨野县税务局", "县税务局"),
])
def test_aliases_merge_to_the_canonical_name(registry: Registry, juye: Place, written: str, canonical: str) -> None:
    org = registry.resolve(written, place=juye)
    assert (org.name, org.known, org.home) == (canonical, True, "371724")


@pytest.mark.parametrize(("written", "canonical", "known"), [
    ("县市场监管局", "县市场监督管理局", True),  # a standard spelling: one body, whatever the county
    ("县发展和改革委员会", "县发展和改革委员会", True),  # another county's 委员会 stays its own body
    ("人行巨野支行", "人行巨野支行", False),  # a place-filled name is not guessed into 巨野 …
    ("巨野县财政局", "县财政局", True),  # … unless the name itself names the place
])
def test_without_a_place_no_county_is_assumed(registry: Registry, written: str, canonical: str, known: bool) -> None:
    org = registry.resolve(written)
    assert (org.name, org.known) == (canonical, known)
    assert org.home != "371724" or written.startswith("巨野县")


def test_similar_names_are_not_guessed_together(registry: Registry) -> None:
    # 县X委员会 ≠ 县X局 unless the data says so: 县财政委员会 is not an alias of anything.
    assert not registry.resolve("县财政委员会").known


def test_vertical_parents_are_filled(registry: Registry, juye: Place) -> None:
    assert registry.resolve("县税务局", place=juye).parent == "国家税务总局菏泽市税务局"
    assert registry.resolve("中国人民银行巨野支行", place=juye).parent == "中国人民银行菏泽市中心支行"
    assert registry.resolve("市生态环境局巨野县分局", place=juye).parent == "菏泽市生态环境局"
    assert registry.resolve("菏泽银保监分局巨野监管组", place=juye).parent == "菏泽银保监分局"
    chain, org = [], registry.resolve("县税务局", place=juye)
    while org.parent:
        chain.append(org.parent)
        org = registry.resolve(org.parent, place=juye)
    assert chain[-1] == "国家税务总局" and all(registry.resolve(p, place=juye).known for p in chain)


def test_placeholders_fill_for_another_county(registry: Registry) -> None:
    bank = registry.resolve("人行郓城支行", place=YUNCHENG)
    assert (bank.name, bank.known, bank.parent) == ("中国人民银行郓城支行", True, "中国人民银行菏泽市中心支行")
    post = registry.resolve("中国邮政集团公司山东省郓城县分公司", place=YUNCHENG)
    assert post.known and post.kind == "soe_branch"
    assert registry.resolve("县市场监管局", place=YUNCHENG).name == "县市场监督管理局"
    # Without the place, a county the places file does not list is not guessed.
    assert not registry.resolve("人行郓城支行").known


@pytest.mark.parametrize(("name", "kind"), [
    ("县人民防空办公室", "government_agency"),
    ("某某区人民法院", "court"),
    ("某某区人民检察院", "procuratorate"),
    ("县委老干部局", "party_organ"),
    ("中国农业银行巨野支行", "bank_branch"),
    ("国网某某供电分公司", "soe_branch"),
    ("县疾病预防控制中心", "public_institution"),
    ("县各行业协会", "placeholder"),
])
def test_unknown_names_are_kept_with_a_guessed_kind(registry: Registry, name: str, kind: str) -> None:
    org = registry.resolve(name)
    assert (org.name, org.known, org.kind) == (name, False, kind)


@pytest.mark.parametrize("collective", [
    "水、电、气、热各专营单位", "水、气各专营单位", "县有关部门、单位", "县直各部门、各镇街",
    "县各重点民生领域、新兴领域主管部门", "各镇街", "有关单位、企业",
])
def test_collectives_resolve_whole_and_split_whole(registry: Registry, collective: str) -> None:
    org = registry.resolve(collective)
    assert org.known and org.collective and org.name == collective
    assert parts(collective) == [collective]
    assert parts(f"县财政局、{collective}，县税务局") == ["县财政局", collective, "县税务局"]


# -- Splitting unit lists -----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("县发展和改革局、县自然资源和规划局，水、电、气、热各专营单位",
     ["县发展和改革局", "县自然资源和规划局", "水、电、气、热各专营单位"]),
    ("县市场监督管理局，县各重点民生领域、新兴领域主管部门", ["县市场监督管理局", "县各重点民生领域、新兴领域主管部门"]),
    ("县有关部门、单位", ["县有关部门、单位"]),
    ("县直各部门、各镇街", ["县直各部门、各镇街"]),
    ("县人力资源和社会保障局、中国邮政集团公司山东省巨野县分公司", ["县人力资源和社会保障局", "中国邮政集团公司山东省巨野县分公司"]),
    ("县住房和城乡建设局", ["县住房和城乡建设局"]),
    ("县财政局和县税务局等部门", ["县财政局", "县税务局"]),
    ("县财政局以及各镇街", ["县财政局", "各镇街"]),
    ("县行\n\n政审批服务局、 县财政局；", ["县行\n\n政审批服务局", "县财政局"]),
])
def test_split_unit_list(raw: str, expected: list[str]) -> None:
    assert parts(raw) == expected
    assert parts(raw, Registry.load()) == expected


def test_gold_units_resolve_to_gold_names(registry: Registry, juye: Place) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    for task in gold["tasks"]:
        for field in ("lead", "responsible"):
            raw = task.get(f"{field}_raw")
            got = [registry.resolve(n, place=juye).name for n in parts(raw)] if raw else []
            assert got == task[field], (task.get("number"), field)


def _trailer_names(text: str) -> list[str]:
    """Unit names in every （牵头单位：…；责任单位：…） trailer: a small general extractor, not a list."""
    text = re.sub(r"\s+", "", text)
    names = []
    for trailer in re.findall(r"[（(]([^（）()]*?(?:牵头|责任|配合)(?:单位|部门)[：:][^（）()]*)[）)]", text):
        for field in re.split(r"[；;]?[^；;：:]*?(?:牵头|责任|配合)(?:单位|部门)[：:]", trailer):
            names += parts(field) if field else []
    return names


def test_every_unit_in_the_bundled_plan_is_registered(registry: Registry, juye: Place) -> None:
    names = _trailer_names(BUNDLED_PLAN.read_text(encoding="utf-8"))
    assert len(names) > 400  # 189 trailers (170 tasks + 19 domains)
    unknown = sorted({n for n in names if not registry.resolve(n, place=juye).known})
    assert unknown == []


# -- Places --------------------------------------------------------------------------------------


def test_places_and_issuers() -> None:
    places = load_places()
    assert jurisdiction_for("巨野县人民政府", None, places).code == "371724"
    assert jurisdiction_for("菏泽市人民政府", None, places).code == "371700"
    assert jurisdiction_for("巨野县人民政府办公室", None, places).code == "371724"
    assert jurisdiction_for("某某县人民政府", None, places) is None
    assert places["371700"].wikidata == "Q332753" and places["371724"].parent == "371700"


# -- Registry validation -------------------------------------------------------------------------


GOOD = "  - {name: 县财政局, kind: government_agency, level: county}\n"


@pytest.mark.parametrize(("body", "message"), [
    ("  - {kind: government_agency, level: county}\n", "no name"),
    ("  - {name: 县某局, kind: agency, level: county}\n", "bad kind"),
    ("  - {name: 县某局, kind: government_agency, level: town}\n", "bad level"),
    ("  - {name: 县某局, aliases: [县财政局], kind: government_agency, level: county}\n", "already names"),
    ("  - {name: 县某局, kind: government_agency, level: county, parent: 市某局}\n", "not an entry"),
    ("  - {name: '{town}局', kind: government_agency, level: county}\n", "placeholder"),
    ("  - {name: 县某局, kind: government_agency, level: county, pattern: '('}\n", "bad pattern"),
    ("  - {name: 县某局, kind: government_agency, level: county, colective: true}\n", "unknown field"),
    ("  - [unbalanced\n", "cannot read"),
])
def test_malformed_registry_names_file_and_entry(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "organizations.yaml"
    path.write_text("organizations:\n" + GOOD + body, encoding="utf-8")
    with pytest.raises(LoadError, match=message) as info:
        Registry.load(path)
    assert info.value.source == str(path)
    if message != "cannot read":
        assert info.value.locator.startswith("entry")


def test_registry_kinds_are_all_known(registry: Registry) -> None:
    assert {e.kind for e in registry.entries} <= KINDS


# -- Properties ----------------------------------------------------------------------------------

_REGISTERED = sorted(Registry.load().literal_names())
_item = st.one_of(
    st.sampled_from(_REGISTERED),
    st.text(alphabet="甲乙丙丁局中心县办", min_size=1, max_size=6),  # unregistered names
)
_sep = st.sampled_from(["、", "，", ",", "；", ";", "及", "和", "", "\n", "等"])


@given(st.lists(st.tuples(_item, _sep), max_size=8))
def test_split_spans_are_ordered_in_bounds_and_never_cut_a_name(pieces: list[tuple[str, str]]) -> None:
    raw, inserted = "", []
    for item, sep in pieces:
        if item in _REGISTERED:
            inserted.append((len(raw), len(raw) + len(item)))
        raw += item + sep
    spans = split_unit_list(raw)
    assert all(0 <= s < e <= len(raw) for s, e in spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False))
    bounds = {b for span in spans for b in span}
    for s, e in inserted:
        assert not any(s < b < e for b in bounds), (raw, raw[s:e])


# -- Across levels: places, home divisions, counterparts, function scheme -------------------------

SHANDONG_CODE, HEZE_CODE = "370000", "371700"


@pytest.mark.parametrize(("written", "canonical", "level"), [
    ("省市场监管局", "山东省市场监督管理局", "province"),
    ("省发展改革委", "山东省发展和改革委员会", "province"),
    ("市市场监管局", "菏泽市市场监督管理局", "city"),
    ("市中院", "菏泽市中级人民法院", "city"),
    ("山东银保监局", "国家金融监督管理总局山东监管局", "province"),
])
def test_city_and_provincial_bodies_resolve_from_either_plan(registry: Registry, juye: Place, written: str,
                                                            canonical: str, level: str) -> None:
    province = load_places()[SHANDONG_CODE]
    for place in (juye, province) if level == "province" else (juye,):
        org = registry.resolve(written, place=place)
        assert (org.name, org.level, org.known) == (canonical, level, True)


def test_a_name_written_out_is_read_at_the_plans_own_level(registry: Registry) -> None:
    province = load_places()[SHANDONG_CODE]
    assert registry.resolve("山东省财政厅", place=province).name == "山东省财政厅"
    # 山东省财政局 is no body's name: it must not become the county's 县财政局 by rule.
    org = registry.resolve("山东省财政局", place=province)
    assert (org.name, org.known) == ("山东省财政局", False)


def test_places_chain_from_the_county_to_the_country() -> None:
    places = load_places()
    chain, code = [], "371724"
    while code:
        chain.append(code)
        code = places[code].parent
    assert chain == ["371724", HEZE_CODE, SHANDONG_CODE, "100000"]
    assert [places[c].wikidata for c in chain] == [None, "Q332753", "Q43407", "Q148"]


def test_a_body_belongs_to_the_division_of_its_own_level(registry: Registry, juye: Place) -> None:
    def home(name: str) -> str:
        place = registry.home_place(registry.resolve(name, place=juye), juye)
        return place.code if place else ""

    assert home("县市场监管局") == "371724"
    assert home("市生态环境局") == HEZE_CODE
    assert home("省市场监管局") == SHANDONG_CODE
    assert home("国家税务总局") == "100000"
    assert registry.home_place(registry.resolve("县市场监管局"), None) is None


def test_counterparts_are_the_same_function_one_and_two_levels_up(registry: Registry, juye: Place) -> None:
    def up(name: str) -> list[tuple[str, str]]:
        org = registry.resolve(name, place=juye)
        return [(c.name, p.code) for c, p in registry.higher_counterparts(org, juye)]

    assert up("县市场监管局") == [("菏泽市市场监督管理局", HEZE_CODE), ("山东省市场监督管理局", SHANDONG_CODE),
                              ("国家市场监督管理总局", "100000")]
    assert up("县法院") == [("菏泽市中级人民法院", HEZE_CODE), ("山东省高级人民法院", SHANDONG_CODE),
                          ("最高人民法院", "100000")]
    assert up("县税务局")[-1] == ("国家税务总局", "100000")
    assert up("市市场监管局") == [("山东省市场监督管理局", SHANDONG_CODE), ("国家市场监督管理总局", "100000")]
    # Three telecom companies share the function at county level and none is registered higher up;
    # collectives and unknown names have no function to follow.
    assert up("中国移动巨野分公司") == [] and up("县有关部门、单位") == [] and up("县人民防空办公室") == []
    # Another county of the same city reaches the same city body.
    other = registry.resolve("县市场监管局", place=YUNCHENG)
    assert [c.name for c, _ in registry.higher_counterparts(other, YUNCHENG)][0] == "菏泽市市场监督管理局"


def test_two_entries_of_one_function_at_a_level_give_no_counterpart(tmp_path: Path, juye: Place) -> None:
    path = tmp_path / "organizations.yaml"
    path.write_text("organizations:\n"
                    "  - {name: 县财政局, kind: government_agency, level: county, function: finance}\n"
                    "  - {name: '{province}省财政厅', kind: government_agency, level: province, function: finance}\n"
                    "  - {name: '{city}市财政局', kind: government_agency, level: city, function: finance}\n"
                    "  - {name: '{city}市金库', kind: government_agency, level: city, function: finance}\n",
                    encoding="utf-8")
    r = Registry.load(path)
    found = r.higher_counterparts(r.resolve("县财政局", place=juye), juye)
    assert [(c.name, p.level) for c, p in found] == [("山东省财政厅", "province")]


def test_every_function_key_is_a_concept_of_the_scheme(registry: Registry) -> None:
    from loaders.functions import load_function_scheme

    scheme = load_function_scheme()
    used = {e.function for e in registry.entries if e.function}
    assert used <= set(scheme.functions), sorted(used - set(scheme.functions))
    assert len(used) >= 49
    for key in used:  # every concept used has a broader group, so "all financial bodies" works
        assert scheme.functions[key].broader in scheme.functions


def test_the_published_function_scheme_matches_the_yaml() -> None:
    from rdflib import Graph
    from rdflib.compare import graph_diff, isomorphic

    from loaders.functions import RENDERED_PATH, render_scheme

    fresh, shipped = Graph().parse(data=render_scheme(), format="turtle"), Graph().parse(RENDERED_PATH)
    assert isomorphic(fresh, shipped), ("run `python -m loaders.functions`", graph_diff(fresh, shipped)[1:])


@pytest.mark.parametrize(("body", "message"), [
    ("functions:\n  - {key: a, zh: 甲, en: A, broader: b}\n", "broader 'b' is not a key"),
    ("functions:\n  - {key: a, zh: 甲, en: A}\n  - {key: a, zh: 乙, en: B}\n", "duplicate key"),
    ("functions:\n  - {key: a, zh: 甲}\n", "needs string key, zh and en"),
    ("functions:\n  - {key: a, zh: 甲, en: A, brodaer: b}\n", "unknown field"),
])
def test_malformed_function_scheme_names_file_and_concept(tmp_path: Path, body: str, message: str) -> None:
    from loaders.functions import load_function_scheme

    path = tmp_path / "functions.yaml"
    path.write_text("scheme: {key: function, zh: 职能, en: Functions}\n" + body, encoding="utf-8")
    with pytest.raises(LoadError, match=message) as info:
        load_function_scheme(path)
    assert info.value.source == str(path)
