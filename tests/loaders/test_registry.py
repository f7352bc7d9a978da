"""The national registry: its data checked as data, and names read relative to the plan's own government."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SKOS

from kg.errors import LoadError
from kg.graph import Store
from loaders.build import build_graph
from loaders.data import REGISTRY_DIR
from loaders.functions import load_function_scheme
from loaders.organizations import Registry
from loaders.places import Places
from loaders.registry_files import name_key, read_registry

# -- Lint -------------------------------------------------------------------------------------------------


def test_every_standard_body_has_a_function_of_the_scheme() -> None:
    data = read_registry(REGISTRY_DIR)
    scheme = load_function_scheme()
    bodies = [e for e in data.entries if e.core is not None or e.level == "national" and e.kind != "placeholder"]
    assert len({e.function for e in bodies}) >= 60
    assert all(e.function in scheme.functions for e in bodies), sorted(
        {e.function for e in bodies} - set(scheme.functions))
    # Each level of the usual chain has its standard departments.
    for level, at_least in (("county", 40), ("city", 45), ("province", 40), ("national", 25)):
        assert sum(1 for e in bodies if e.level == level and e.standard) >= at_least, level


def test_no_spelling_names_two_bodies_at_one_level() -> None:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in read_registry(REGISTRY_DIR).entries:
        for spelling in e.spellings():
            owners[(e.level, name_key(spelling))].add(e.name)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_one_function_has_one_usual_body_per_level() -> None:
    usual: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in read_registry(REGISTRY_DIR).entries:
        if e.function and e.standard and not e.collective and e.kind != "soe_branch":
            usual[(e.level, e.function)].append(e.name)
    # Two usual bodies of one function at one level would make counterparts ambiguous (none is linked);
    # the only ones allowed are a county's public institution beside its department.
    doubled = {k: v for k, v in usual.items() if len(v) > 1}
    assert set(doubled) <= {("county", "big_data"), ("county", "financial_services")}, doubled


def test_a_quirk_file_must_name_a_real_place_and_body(tmp_path: Path) -> None:
    (tmp_path / "bodies.yaml").write_text("bodies:\n  - {function: finance, county: [[财政局]]}\n", encoding="utf-8")
    (tmp_path / "places").mkdir()
    quirk = tmp_path / "places" / "371724.yaml"
    quirk.write_text("place: '371724'\nmerge:\n  - {into: 县没有局, names: [县财政委]}\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no such body"):
        Registry.load(tmp_path)
    quirk.write_text("place: '371725'\n", encoding="utf-8")
    with pytest.raises(LoadError, match="file named for"):
        Registry.load(tmp_path)


@pytest.mark.parametrize(("body", "message"), [
    ("bodies:\n  - {county: [[财政局]]}\n", "no function"),
    ("bodies:\n  - {function: finance, county: [财政局]}\n", "name groups"),
    ("bodies:\n  - {function: finance, town: [[财政所]]}\n", "unknown field"),
])
def test_malformed_bodies_name_file_and_body(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bodies.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(LoadError, match=message) as info:
        Registry.load(path)
    assert info.value.source == str(path)


# -- Names relative to the plan's government -------------------------------------------------------------

@pytest.mark.parametrize(("written", "plan", "name", "home"), [
    # A county's plan: 县 is the county, 市 the city above, 省 the province.
    ("县发改局", "371724", "县发展和改革局", "371724"),
    ("市发改委", "371724", "菏泽市发展和改革委员会", "371700"),
    ("省人社厅", "371724", "山东省人力资源和社会保障厅", "370000"),
    # A district's plan: 区 is the district.
    ("区财政局", "510104", "区财政局", "510104"),
    ("市财政局", "510104", "成都市财政局", "510100"),
    # A county-level city's plan: 市 is itself, not the prefecture above.
    ("市发展和改革局", "370481", "市发展和改革局", "370481"),
    ("市财政局", "370481", "市财政局", "370481"),
    # A city's plan: 市 is the city, 省 its province; a province's plan: 省 is itself.
    ("市住建局", "320100", "南京市住房和城乡建设局", "320100"),
    ("省发展改革委", "320100", "江苏省发展和改革委员会", "320000"),
    ("省发展改革委", "510000", "四川省发展和改革委员会", "510000"),
    # An autonomous region writes 自治区 (or 区); a Beijing district's 市 is the 直辖市, named like a city's.
    ("自治区发展改革委", "450000", "广西壮族自治区发展和改革委员会", "450000"),
    ("市财政局", "110105", "北京市财政局", "110000"),
    # Party organs carry 中共 and the place; a body written with its place is read in that place.
    ("市委组织部", "371724", "中共菏泽市委组织部", "371700"),
    ("成都市市场监督管理局", "371724", "成都市市场监督管理局", "510100"),
    # After the first item, lists drop the prefix: a bare name is the plan's own body, or the level that has it.
    ("财政厅", "510000", "四川省财政厅", "510000"),
    ("市场监管局", "510100", "成都市市场监督管理局", "510100"),
])
def test_a_prefix_means_what_the_plans_government_means(registry: Registry, places: Places, written: str,
                                                         plan: str, name: str, home: str) -> None:
    org = registry.resolve(written, place=places[plan])
    assert (org.name, org.home, org.known) == (name, home, True)


def test_collectives_stay_collectives(registry: Registry, places: Places) -> None:
    org = registry.resolve("各区、县级市人民政府", place=places["320100"])
    assert org.collective and org.home == "320100"


def test_a_countys_quirk_is_that_countys_only(registry: Registry, places: Places) -> None:
    juye, yuncheng = places["371724"], places["371725"]
    assert registry.resolve("县发展和改革委员会", place=juye).name == "县发展和改革局"
    other = registry.resolve("县发展和改革委员会", place=yuncheng)
    assert (other.name, other.known, other.function) == ("县发展和改革委员会", True, "development_reform")


def test_names_of_other_places_keep_their_written_form(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("巨野县人民政府关于印发《巨野县2024年工作方案》的通知\n巨政发〔2024〕1号\n一、重点任务\n"
                    "1.推进一项工作。（牵头单位：县发改局；责任单位：市发改委、省人社厅）\n巨野县人民政府\n2024年1月5日\n",
                    encoding="utf-8")
    g: Graph = build_graph([plan], store=Store.MEMORY, include_ontology=False).graph
    alt = {str(s).split("/org/")[1]: {str(o) for o in g.objects(s, SKOS.altLabel)}
           for s in g.subjects(SKOS.prefLabel, None) if "/org/" in str(s)}
    assert "市发改委" in alt["371700/菏泽市发展和改革委员会"]
    assert "省人社厅" in alt["370000/山东省人力资源和社会保障厅"]
    assert "县发改局" in alt["371724/县发展和改革局"]
