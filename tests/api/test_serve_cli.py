"""`policykg serve`, and `policykg build/query --endpoint` against a real Oxigraph server."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import httpx

from api.cli import main
from queries.library import run_query
from tests.support import free_port

CLI = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]



def test_serve_starts_a_server_with_the_given_limits_and_stops_cleanly(bundled_graph_path):
    port = free_port()
    proc = subprocess.Popen([*CLI, "serve", "--graph", str(bundled_graph_path), "--port", str(port),
                             "--timeout", "1.5", "--max-rows", "5", "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                r = httpx.get(base + "/sparql", headers={"Accept": "text/turtle"}, timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and "sd:Service" in r.text
        r = httpx.get(base + "/sparql", params={"query": "SELECT ?t WHERE { ?t a pk:Task }"}, timeout=30)
        assert len(r.json()["results"]["bindings"]) == 5 and r.headers["x-policykg-truncated"] == "true"
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        started = time.monotonic()
        assert httpx.get(base + "/sparql", params={"query": heavy}, timeout=30).status_code == 503
        assert time.monotonic() - started < 1.5 + 3
        assert httpx.get(base + "/tasks/1", timeout=30).json()["number"] == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal it caught: -SIGTERM is a clean stop.
    assert proc.returncode in (0, -signal.SIGTERM), err.decode()
    assert "Application shutdown complete" in err.decode() and "Traceback" not in err.decode()


def test_serve_with_a_missing_graph_fails_in_one_line(tmp_path, capsys):
    assert main(["serve", "--graph", str(tmp_path / "missing.ttl")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.ttl" in err and "Traceback" not in err


def test_build_and_query_against_a_remote_endpoint(oxigraph_server, bundled_graph, tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path / "kg.ttl"), "--endpoint", oxigraph_server, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["query", "--endpoint", oxigraph_server, "--name", "tasks_by_organization",
                 "--param", "org=https://w3id.org/policykg/id/org/371724/县商务局", "--format", "json"]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert remote == run_query(bundled_graph, "tasks_by_organization",
                               org="https://w3id.org/policykg/id/org/371724/县商务局")
    assert main(["query", "--endpoint", oxigraph_server, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }",
                 "--format", "csv"]) == 0
    assert [line for line in capsys.readouterr().out.splitlines() if line.strip()][-1] == "170"
    assert main(["query", "--endpoint", "http://127.0.0.1:9/query", "--name", "documents"]) == 1
    assert "cannot reach" in capsys.readouterr().err
