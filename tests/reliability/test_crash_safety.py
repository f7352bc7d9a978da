"""Crash safety: `policykg build` and `add` killed with SIGKILL leave the previous graph intact.

The commands run for real in a child process on a synthetic corpus large enough to take seconds,
and are killed (kill -9: no cleanup handler runs) at several points. A graph file must be
byte-for-byte what it was; a store must still open on the generation it had, with the same data.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.synth import write_corpus

POLICYKG = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    write_corpus(10, out, seed=3)
    return out


@pytest.fixture(scope="module")
def bundled_graph(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("bundled") / "kg.ttl"
    subprocess.run([*POLICYKG, "build", "--out", str(out), "--quiet"], check=True, capture_output=True)
    return out.read_bytes()


@pytest.fixture
def previous_graph(tmp_path, bundled_graph) -> Path:
    """A good build/kg.ttl from an earlier build (the bundled plan)."""
    out = tmp_path / "build" / "kg.ttl"
    out.parent.mkdir()
    out.write_bytes(bundled_graph)
    return out


def _kill_build(corpus: Path, out: Path, *, when) -> tuple[int, float]:
    """Start a build into ``out``, SIGKILL it when ``when(proc)`` says so; return (returncode, seconds)."""
    proc = subprocess.Popen([*POLICYKG, "build", str(corpus), "--out", str(out), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - t0 < 120:
            if when(proc, time.monotonic() - t0):
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return proc.returncode, time.monotonic() - t0


def _assert_intact(out: Path, sha: str, triples: int) -> None:
    from kg.graph import load_graph

    assert _sha(out) == sha, "the previous graph file was changed by a killed build"
    assert len(load_graph(out)) == triples


def test_kill_while_parsing_keeps_previous_graph(corpus, previous_graph):
    from kg.graph import load_graph

    sha, triples = _sha(previous_graph), len(load_graph(previous_graph))
    code, _ = _kill_build(corpus, previous_graph, when=lambda p, t: t > 1.5)
    assert code == -signal.SIGKILL, "the build finished before it could be killed: use a larger corpus"
    _assert_intact(previous_graph, sha, triples)


def test_kill_while_writing_keeps_previous_graph(corpus, previous_graph):
    from kg.graph import load_graph

    sha, triples = _sha(previous_graph), len(load_graph(previous_graph))
    folder = previous_graph.parent

    def writing(proc, t) -> bool:
        # save_graph writes a hidden temporary file beside the target, then renames it into place
        return any(f.name.endswith(".tmp") and f.stat().st_size > 0 for f in folder.iterdir())

    code, _ = _kill_build(corpus, previous_graph, when=writing)
    assert code == -signal.SIGKILL, "the build was never caught writing: no temporary file appeared"
    _assert_intact(previous_graph, sha, triples)
    # What a killed write leaves behind is only its temporary file, never a partial kg.ttl.
    assert {f.name for f in folder.iterdir()} - {"kg.ttl"} <= {f.name for f in folder.glob(".kg.ttl.*.tmp")}


def test_completed_build_replaces_the_graph(corpus, previous_graph):
    """The control: without a kill the same command does replace the file (so the tests above can fail)."""
    sha = _sha(previous_graph)
    subprocess.run([*POLICYKG, "build", str(corpus), "--out", str(previous_graph), "--quiet"],
                   check=True, capture_output=True, timeout=300)
    assert _sha(previous_graph) != sha


# -- the store: a killed build or add leaves the current generation as it was ----------------------

@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("bundled-store") / "store"
    subprocess.run([*POLICYKG, "build", "--store", str(store), "--quiet"], check=True, capture_output=True)
    return store


@pytest.fixture
def previous_store(tmp_path, bundled_store) -> Path:
    """A good store from an earlier build (the bundled plan)."""
    store = tmp_path / "store"
    shutil.copytree(bundled_store, store, symlinks=True)
    return store


def _store_state(store: Path) -> tuple[str, int, int]:
    """(current generation, quads, documents) of a store, read as a server would."""
    from kg.store import open_store

    with open_store(store) as s:
        return s.path.name, len(s.store), len(s.meta["documents"])


def _new_generation(store: Path, current: str) -> Path | None:
    return next((p for p in store.iterdir() if p.is_dir() and not p.is_symlink() and p.name != current), None)


def _loading(store: Path, current: str) -> bool:
    new = _new_generation(store, current)
    return new is not None and any(f.suffix == ".sst" for f in new.rglob("*"))


def _finishing(store: Path, current: str) -> bool:
    new = _new_generation(store, current)
    return new is not None and (new / "new-organizations.yaml").exists()


def _kill_command(args: list[str], when) -> int:
    proc = subprocess.Popen([*POLICYKG, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - t0 < 180:
            if when(time.monotonic() - t0):
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return proc.returncode


@pytest.mark.parametrize("point", ["reading", "loading", "finishing"])
def test_killed_store_build_keeps_the_current_generation(corpus, previous_store, point):
    before = _store_state(previous_store)
    current = before[0]
    when = {"reading": lambda t: t > 1.5,
            "loading": lambda t: _loading(previous_store, current),
            "finishing": lambda t: _finishing(previous_store, current)}[point]
    code = _kill_command(["build", str(corpus), "--store", str(previous_store), "--quiet"], when)
    assert code == -signal.SIGKILL, f"the build finished before it could be killed ({point})"
    after = _store_state(previous_store)
    if point == "finishing" and after[0] != current:
        assert after[2] == 10  # killed after the switch: the new generation is whole
    else:
        assert after == before, f"a build killed while {point} changed the store"
    if point != "loading":
        return
    # The next build cleans up what the killed one left and replaces the store.
    subprocess.run([*POLICYKG, "build", str(corpus), "--store", str(previous_store), "--quiet"],
                   check=True, capture_output=True, timeout=300)
    name, _, documents = _store_state(previous_store)
    assert documents == 10
    assert {p.name for p in previous_store.iterdir() if p.is_dir() and not p.is_symlink()} == {name}


def test_killed_add_keeps_the_current_generation(corpus, previous_store):
    before = _store_state(previous_store)
    code = _kill_command(["add", str(corpus), "--store", str(previous_store), "--quiet"],
                         lambda t: _new_generation(previous_store, before[0]) is not None)
    assert code == -signal.SIGKILL, "the add finished before it could be killed"
    assert _store_state(previous_store) == before
    subprocess.run([*POLICYKG, "add", str(corpus), "--store", str(previous_store), "--quiet"],
                   check=True, capture_output=True, timeout=300)
    assert _store_state(previous_store)[2] == 11
