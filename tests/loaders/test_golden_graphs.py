"""The graph a plan builds is deterministic, and small excerpts build exactly their golden graphs.

A change to the loader or the RDF writer that changes any triple fails here with the difference;
if the change is intended, run ``pytest tests/loaders/test_golden_graphs.py --update-golden`` and
review the rewritten tests/data/expected/*.ttl like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.graph import Store
from loaders.build import build_graph

DATA = Path(__file__).resolve().parents[1] / "data"
EXCERPTS = ["prefix-brackets", "suffix-style", "responsible-only"]


def _build(path: Path) -> Graph:
    return _decimals_by_value(build_graph([path], store=Store.MEMORY, include_ontology=False).graph)


def _decimals_by_value(g: Graph) -> Graph:
    """xsd:decimal literals in one lexical form: the store writes 95 where Turtle reads back 95.0."""
    from decimal import Decimal

    from rdflib import Literal
    from rdflib.namespace import XSD

    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def test_building_twice_gives_the_same_triples(tmp_path):
    from loaders.data import BUNDLED_PLAN

    a = build_graph([BUNDLED_PLAN], store=Store.MEMORY).graph
    b = build_graph([BUNDLED_PLAN], store=Store.MEMORY).graph
    assert len(a) == len(b) > 10_000
    assert isomorphic(a, b)
    # Beyond isomorphism: every IRI is the same (only the ontology's blank nodes may be relabelled).
    def named(g: Graph) -> list[str]:
        return sorted(line for line in g.serialize(format="nt").splitlines() if "_:" not in line)
    assert named(a) == named(b)


@pytest.mark.parametrize("name", EXCERPTS)
def test_excerpt_builds_its_golden_graph(name, update_golden):
    built = _build(DATA / "layouts" / f"{name}.txt")
    golden_path = DATA / "expected" / f"{name}.ttl"
    if update_golden or not golden_path.exists():
        if not update_golden:
            pytest.fail(f"no golden graph {golden_path.name}: run with --update-golden and review it")
        built.serialize(golden_path, format="turtle")
    golden = _decimals_by_value(Graph().parse(golden_path, format="turtle"))
    if not isomorphic(built, golden):
        _, only_built, only_golden = graph_diff(to_isomorphic(built), to_isomorphic(golden))
        lines = sorted(only_built.serialize(format="nt").splitlines())[:20]
        gone = sorted(only_golden.serialize(format="nt").splitlines())[:20]
        pytest.fail("graph differs from its golden file\n+ " + "\n+ ".join(lines) + "\n- " + "\n- ".join(gone))
