"""The policykg command as an analyst runs it: build, query, ledger, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from api.cli import main

BIN = Path(sys.executable).parent / "policykg"


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "kg.ttl"
    assert main(["build", "--out", str(out), "--quiet"]) == 0
    return out


def test_build_prints_a_summary_with_the_documents_counts(tmp_path, capsys):
    code, out, _ = run(["build", "--out", str(tmp_path / "kg.nt")], capsys)
    assert code == 0
    assert "19 domains, 170 tasks" in out
    assert (tmp_path / "kg.nt").stat().st_size > 100_000


def test_ledger_has_one_row_per_task_in_every_format(built, tmp_path, capsys):
    code, out, _ = run(["ledger", "--graph", str(built), "--format", "json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert [r["number"] for r in rows] == list(range(1, 171))
    first = rows[0]
    assert first["lead_units"] == "县发展和改革局、县商务局、县行政审批服务局"
    assert first["follows_higher_deployment"] is True

    assert main(["ledger", "--graph", str(built), "--format", "csv", "--out", str(tmp_path / "l.csv")]) == 0
    text = (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == 170 and table[7]["完成时限"] == "9月底前、11月底前"

    assert main(["ledger", "--graph", str(built), "--format", "xlsx", "--out", str(tmp_path / "l.xlsx")]) == 0
    ws = load_workbook(tmp_path / "l.xlsx").active
    assert ws.max_row == 171 and ws.cell(1, 1).value == "序号"


def test_query_text_and_saved_question(built, capsys):
    code, out, _ = run(["query", "--graph", str(built), "--format", "json",
                        "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }"], capsys)
    assert code == 0 and json.loads(out) == [{"n": 170}]
    code, out, _ = run(["query", "--graph", str(built), "--name", "ledger", "--format", "csv"], capsys)
    assert code == 0 and out.count("\n") >= 171


@pytest.mark.parametrize("argv, message", [
    (["query", "--graph", "{g}", "SELECT WHERE {"], "error"),
    (["query", "--graph", "{g}", "--name", "no_such_question"], "no saved query named 'no_such_question'"),
    (["query", "--graph", "{g}", "--name", "ledger", "--param", "doc=not an iri"], "not a valid iri"),
    (["query", "--graph", "{g}", "--name", "ledger", "--param", "nope=1"], "not a parameter"),
    (["ledger", "--graph", "/nonexistent/kg.ttl"], "no such graph file"),
    (["ledger", "--graph", "{g}", "--format", "pdf"], "unknown format"),
])
def test_user_errors_are_one_line_without_traceback(built, capsys, argv, message):
    code, _, err = run([a.replace("{g}", str(built)) for a in argv], capsys)
    assert code != 0
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\x00\x01\x02\xff\xfe\x00binary", "binary"),
    ("这是一段没有任何编号任务的文字。".encode(), "no numbered tasks"),
])
def test_bad_plan_files_fail_cleanly_and_keep_the_previous_graph(tmp_path, content, message):
    good = tmp_path / "kg.ttl"
    good.write_text("# the previous good graph\n", encoding="utf-8")
    bad = tmp_path / "plan.txt"
    bad.write_bytes(content)
    p = subprocess.run([str(BIN), "build", str(bad), "--out", str(good)], capture_output=True, text=True)
    assert p.returncode == 1
    assert message in p.stderr.lower() and "Traceback" not in p.stderr
    assert str(bad) in p.stderr or bad.name in p.stderr
    assert good.read_text(encoding="utf-8") == "# the previous good graph\n"


def test_unreadable_path_and_directory_without_plans(tmp_path):
    for arg, message in [(str(tmp_path / "missing.txt"), "no such file"), (str(tmp_path), "no plan files")]:
        p = subprocess.run([str(BIN), "build", arg, "--out", str(tmp_path / "kg.ttl")], capture_output=True, text=True)
        assert p.returncode == 1 and message in p.stderr and "Traceback" not in p.stderr


def test_help_speaks_to_analysts():
    p = subprocess.run([str(BIN), "--help"], capture_output=True, text=True)
    assert p.returncode == 0
    for word in ("build", "query", "ledger", "台账"):
        assert word in p.stdout


@pytest.mark.parametrize("argv", [["review"], ["query", "--no-such-option"], ["analyze", "workload", "--top", "x"]])
def test_usage_errors_say_what_is_missing_without_traceback(argv):
    """Typer vendors its own click: its usage errors must still end as a message and exit 2."""
    done = subprocess.run([str(BIN), *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "Error:" in done.stderr
