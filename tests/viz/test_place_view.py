"""One place's collaboration page over a corpus: what is read with the page and what waits until asked.

A place of several plans comes without its sentences (each plan's are read when the analyst opens
one of its tasks); the plans' graph and the English names come from what the server keeps.
"""

from __future__ import annotations

import json

import networkx as nx
import pytest

from queries.library import run_query
from viz.collaboration import collaboration_page, scope_note
from viz.data import ViewData, load_view_data, quote_documents, view_payload
from viz.pages import FILE_LINKS, SERVER_LINKS

CITY = "https://w3id.org/policykg/id/place/370300"  # three of the synthetic corpus's five plans
COUNTY = "https://w3id.org/policykg/id/place/370323"  # one of them


def page_data(html: str) -> dict:
    """The JSON payload a page's scripts read (#pk-data)."""
    start = html.index('<script type="application/json" id="pk-data">') + len('<script type="application/json" id="pk-data">')
    return json.loads(html[start:html.index("</script>", start)])


@pytest.fixture(scope="module")
def city_docs(synth_corpus) -> set[str]:
    docs = {r["doc"] for r in run_query(synth_corpus, "documents", place=CITY)}
    assert len(docs) > 1
    return docs


def test_a_place_of_several_plans_is_read_without_sentences_one_plan_with_them(synth_corpus, city_docs):
    many = load_view_data(synth_corpus, place=CITY, quotes=None)
    assert not many.quoted and not many.assignment_sentences and not many.deadline_sentences
    assert set(quote_documents(many)) == city_docs
    one = load_view_data(synth_corpus, place=COUNTY, quotes=None)
    assert one.quoted and one.assignment_sentences and quote_documents(one) == []
    assert load_view_data(synth_corpus, place=CITY).quoted  # the default (files written by the CLI) reads them


def test_each_task_names_the_plan_whose_sentences_the_page_fetches(synth_corpus):
    data = load_view_data(synth_corpus, place=CITY, quotes=None)
    p = view_payload(data)
    assert p["quoteDocs"] == quote_documents(data)
    for t, x in p["tasks"].items():
        assert p["quoteDocs"][x["d"]] == data.B.nodes[t]["doc"]
    assert "quoteDocs" not in view_payload(load_view_data(synth_corpus, place=COUNTY, quotes=None))


def test_a_caller_s_plans_and_names_are_used_instead_of_reading_them(synth_corpus):
    from queries.analysis.fetch import plan_graph

    asked = []

    def read(doc, place):
        asked.append((doc, place))
        return plan_graph(synth_corpus, doc=doc, place=place)

    orgs = [o for o, k in read(None, COUNTY).nodes(data="kind") if k == "organization"]
    asked.clear()
    names = {o: f"Body {i}" for i, o in enumerate(orgs)}
    data = load_view_data(synth_corpus, place=COUNTY, read_plans=read, names_en=names)
    assert asked == [(None, COUNTY)]
    assert view_payload(data)["orgs"][orgs[0]]["en"] == "Body 0"
    assert data.functions == {}  # every body named: the plans' own mentions were not asked


def test_bodies_the_names_lack_get_their_function_from_the_plans(synth_corpus):
    data = load_view_data(synth_corpus, place=COUNTY, names_en={})
    assert data.functions  # read from viz_organization_names: the synthetic plans' units have functions


def test_the_page_of_a_place_says_what_it_draws_and_where_sentences_come_from(synth_corpus, city_docs):
    data = load_view_data(synth_corpus, place=CITY, quotes=None)
    served = collaboration_page(synth_corpus, links=SERVER_LINKS, place=CITY, data=data)
    assert f"全部 {len(city_docs)} 份文件" in served and "打开任务或连线时读取原文" in served
    assert page_data(served)["quoteUrl"] == "/queries/"
    written = collaboration_page(synth_corpus, links=FILE_LINKS, place=CITY)
    assert not {"quoteUrl", "quoteDocs"} & set(page_data(written))  # a file carries its sentences
    assert any(o["sentences"] for o in page_data(written)["orgs"].values())
    assert f"全部 {len(city_docs)} 份文件" in written and "打开任务或连线时读取原文" not in written


def test_the_note_counts_what_the_picture_holds():
    B = nx.Graph()
    B.add_nodes_from([("t1", {"kind": "task", "doc": "d1"}), ("t2", {"kind": "task", "doc": "d2"}),
                      ("t3", {"kind": "task", "doc": "d2"})])
    G = nx.Graph([("a", "b"), ("b", "c")])
    zh, en = scope_note(ViewData(B), G)
    assert zh == "本范围的全部 2 份文件：3 项任务、3 个单位、2 条协作连线。"
    assert en.startswith("All 2 plans of this scope: 3 tasks, 3 organisations and 2 ties")
    B.remove_node("t1")
    assert scope_note(ViewData(B), G) is None  # one plan: nothing to say


def test_the_server_reads_a_place_once_for_its_page_and_its_analyses(synth_corpus, monkeypatch):
    from fastapi.testclient import TestClient

    import queries.analysis.fetch as fetch
    import queries.analysis.reports as reports
    from tests.viz.probe import project_app

    reads = []
    real = fetch.plan_graph

    def counted(source, **kw):
        reads.append(kw)
        return real(source, **kw)

    monkeypatch.setattr(fetch, "plan_graph", counted)
    monkeypatch.setattr(reports, "plan_graph", counted)
    with TestClient(project_app(synth_corpus)) as client:
        first = client.get("/viz/collaboration", params={"place": "370300"})
        assert first.status_code == 200
        assert client.get("/viz/collaboration", params={"place": "370300"}).text == first.text
        assert client.get("/analysis/collaboration", params={"place": "370300"}).status_code == 200
    assert [r for r in reads if r.get("place") == CITY] == [{"doc": None, "place": CITY}]
