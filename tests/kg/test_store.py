"""The store's generations (kg.store): one writer, atomic switches, readers that keep what they opened."""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

from kg.errors import GraphNotFound
from kg.store import (
    CURRENT,
    StoreBusy,
    current_generation,
    export_nquads,
    is_store,
    open_store,
    store_graph,
    writing,
)

P = ox.NamedNode("urn:p")


def _write(root, *values: str, from_current: bool = False) -> str:
    """Publish a generation holding one quad per value (or adding them to the current one)."""
    with writing(root) as w:
        gen = w.new_generation(from_current=from_current)
        for v in values:
            gen.store.add(ox.Quad(ox.NamedNode("urn:s"), P, ox.Literal(v), ox.NamedNode("urn:g")))
        gen.meta["values"] = sorted({*gen.meta.get("values", []), *values})
        return w.publish(gen).name


def _values(opened) -> set[str]:
    return {q.object.value for q in opened.store.quads_for_pattern(None, P, None, None)}


def test_publish_switches_current_and_a_checkpoint_copies_it(tmp_path):
    root = tmp_path / "store"
    first = _write(root, "a")
    assert is_store(root) and current_generation(root).name == first
    second = _write(root, "b", from_current=True)
    with open_store(root) as s:
        assert s.path.name == second and _values(s) == {"a", "b"} and s.meta["values"] == ["a", "b"]
    assert not (root / first).exists(), "an old generation nobody reads is removed"


def test_a_reader_keeps_its_generation_while_writers_move_on(tmp_path):
    root = tmp_path / "store"
    _write(root, "a")
    reader = open_store(root)
    _write(root, "b")
    _write(root, "c")  # garbage collection runs again: the reader's generation must survive it
    assert _values(reader) == {"a"} and reader.path.exists()
    with open_store(root) as latest:
        assert _values(latest) == {"c"}
    reader.close()
    _write(root, "d")
    assert sorted(p.name for p in root.iterdir() if p.is_dir() and not p.is_symlink()) == [current_generation(root).name]


def test_one_writer_at_a_time(tmp_path):
    with writing(tmp_path) as _, pytest.raises(StoreBusy, match="another policykg"), writing(tmp_path):
        pass


def test_a_half_made_generation_is_removed_and_current_is_untouched(tmp_path):
    root = tmp_path / "store"
    good = _write(root, "a")
    with writing(root) as w:  # a writer that dies before publishing (its process killed)
        gen = w.new_generation(from_current=True)
        gen.store.add(ox.Quad(ox.NamedNode("urn:s"), P, ox.Literal("lost"), ox.NamedNode("urn:g")))
        gen.store.flush()
        half = gen.path
        del gen  # closes its database, as the killed process's end would
    assert half.exists() and current_generation(root).name == good
    with open_store(root) as s:
        assert _values(s) == {"a"}
    _write(root, "b")
    assert not half.exists()


def test_missing_store_and_plain_oxigraph_directory(tmp_path):
    with pytest.raises(GraphNotFound, match="policykg build --store"):
        open_store(tmp_path / "nothing")
    plain = tmp_path / "plain"
    s = ox.Store(str(plain))
    s.add(ox.Quad(ox.NamedNode("urn:s"), P, ox.Literal("x")))
    del s
    with open_store(plain) as opened:  # e.g. a directory `oxigraph load` wrote
        assert len(opened.store) == 1 and opened.meta == {}


def test_views_and_export(tmp_path):
    root = tmp_path / "store"
    _write(root, "a", "b")
    with open_store(root) as s:
        assert len(store_graph(s.store)) == 2  # the union of the named graphs
        nq = tmp_path / "kg.source.nq"
        nq.write_bytes(s.store.dump(format=ox.RdfFormat.N_QUADS))
    trig = export_nquads(nq, tmp_path / "kg.trig")
    ttl = export_nquads(nq, tmp_path / "kg.ttl")
    assert "<urn:g>" in trig.read_text(encoding="utf-8")
    from kg.graph import load_graph

    assert len(load_graph(ttl)) == 2 and len(load_graph(export_nquads(nq, tmp_path / "kg.nq"))) == 2
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
    assert (root / CURRENT).is_symlink()
