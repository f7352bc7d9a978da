"""Outgrowing one machine: the bundled plan built into Virtuoso (Debian virtuoso-opensource) and
into an Oxigraph server with ``policykg build --endpoint``, answering every saved question exactly
as the local store does — same rows, same order, same values."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.iri import BASE
from kg.remote_load import OWN_GRAPHS, load_into_server, triple_batches
from kg.remote_store import RemoteStore
from kg.store import open_store
from queries.library import load_queries, run_query
from tests.queries.test_saved_questions import COMMERCE, DOC, SAMPLE_PARAMS
from tests.support import running_oxigraph

SERVERS = ("virtuoso", "oxigraph")
QUERIES = load_queries()
# Bundled-plan values for optional parameters: each such question runs without and with one.
OPTIONAL_SAMPLES = {"ref": "条例", "q": "财政", "number": "1", "role": "lead", "month": "2023-08", "org": COMMERCE,
                    "doc": BASE + f"document/371724/{DOC}"}


def cases() -> list[tuple[str, dict[str, str]]]:
    out = []
    for name, q in sorted(QUERIES.items()):
        required = {p.name: SAMPLE_PARAMS[p.name] for p in q.params if p.required}
        out.append((name, required))
        optional = {p.name: OPTIONAL_SAMPLES[p.name] for p in q.params
                    if not p.required and p.name in OPTIONAL_SAMPLES}
        if optional:
            out.append((name, {**required, **optional}))
    return out


@pytest.fixture(scope="module")
def local(served_builds):
    with open_store(served_builds["store"]) as opened:
        yield opened.graph()


@pytest.mark.parametrize("server", SERVERS)
def test_build_endpoint_loads_every_graph_in_batches_with_progress(served_builds, server):
    err = served_builds["stderr"][server]
    graphs = [line for line in err.splitlines() if line.startswith("endpoint [")]
    # One line per graph: the plan, the shared nodes, the derived counts, the ontology.
    assert len(graphs) == 4 and graphs[-1].startswith("endpoint [4/4]"), err
    assert "loaded " in err and " triples in 4 graph(s)" in err
    remote = RemoteStore(served_builds[server])
    [(tasks,)] = remote.query("SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }")
    assert int(tasks) == 170


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(("name", "params"), cases(), ids=lambda v: v if isinstance(v, str) else
                         "+".join(v) or "-")
def test_every_saved_question_answers_identically_on_the_server(served_builds, local, server, name, params):
    expected = run_query(local, name, **params)
    answered = run_query(RemoteStore(served_builds[server]), name, **params)
    assert answered == expected


def test_loading_again_replaces_the_graphs_and_drops_plans_no_longer_built(served_builds):
    remote = RemoteStore(served_builds["oxigraph"])
    gone = OWN_GRAPHS + "id/document/removed-plan"
    remote.update(f"INSERT DATA {{ GRAPH <{gone}> {{ <{gone}> a <urn:x> }} }}")
    before = remote.triple_count()
    with open_store(served_builds["store"]) as opened:
        done = load_into_server(remote, opened.store)
    assert done.dropped == [gone]
    assert remote.triple_count() == before - 1 == done.triples


def test_a_server_whose_default_graph_hides_named_graphs_is_refused_in_one_line(served_builds, tmp_path):
    with running_oxigraph(tmp_path / "plain") as url, open_store(served_builds["store"]) as opened:
        with pytest.raises(StoreError, match="--union-default-graph"):
            load_into_server(RemoteStore(url), opened.store)


def test_a_read_only_endpoint_is_refused_with_the_servers_reason(served_builds, tmp_path):
    ox.Store(str(tmp_path / "ro")).flush()  # an empty database for the read-only server to open
    with running_oxigraph(tmp_path / "ro", read_only=True) as url, open_store(served_builds["store"]) as opened:
        with pytest.raises(StoreError, match="HTTP"):
            load_into_server(RemoteStore(url), opened.store)


def test_batches_keep_each_blank_node_with_all_its_triples():
    p, g = ox.NamedNode("urn:p"), [ox.BlankNode(f"b{i}") for i in range(6)]
    named = [ox.Triple(ox.NamedNode(f"urn:s{i}"), p, ox.Literal(str(i))) for i in range(7)]
    # Two blank-node units: b0-b1-b2 chained (4 triples), b3 alone (2 triples); b4, b5 unused.
    blank = [ox.Triple(g[0], p, g[1]), ox.Triple(g[1], p, g[2]), ox.Triple(ox.NamedNode("urn:s"), p, g[0]),
             ox.Triple(g[2], p, ox.Literal("x")), ox.Triple(g[3], p, ox.Literal("y")), ox.Triple(g[3], p, g[3])]
    batches = list(triple_batches(named + blank, 3))
    assert [len(b) for b, _ in batches if not _] == [3, 3, 1]
    units = [set(b) for b, has_blank in batches if has_blank]
    assert units == [set(blank[:4]), set(blank[4:])]
    assert sum(len(b) for b, _ in batches) == len(named + blank)
