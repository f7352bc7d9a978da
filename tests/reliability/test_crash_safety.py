"""Crash safety: `policykg build` killed with SIGKILL leaves the previous graph file intact.

The build runs for real in a child process on a synthetic corpus large enough to take seconds;
it is killed (kill -9: no cleanup handler runs) once while parsing and once while the new graph is
being written beside the old one. Either way the old file must be byte-for-byte what it was and
still parse as the graph it was.
"""

from __future__ import annotations

import hashlib
import os
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
