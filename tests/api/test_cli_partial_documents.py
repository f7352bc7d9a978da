"""One bad item never costs the document (issue 12): build keeps every task that reads, exits 0 with a
warning and lists the item for review; ``build --strict`` keeps the refusal, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import yaml

from api.cli import main

# A whole plan of the bundled county (every unit registered, a full header), whose excerpt stops after
# the last task's text, before its unit statement.
PLAN = """巨野县人民政府关于印发巨野县2024年营商环境提升方案的通知
巨政发〔2024〕9号
各镇人民政府、街道办事处，县政府各部门：
现将《巨野县2024年营商环境提升方案》印发给你们，请认真贯彻落实。
巨野县人民政府
2024年2月1日

巨野县2024年营商环境提升方案

一、重点任务
（一）开办企业。（领域牵头部门：县行政审批服务局）
1.推行企业开办一日办结。6月底前，企业开办时间压缩至1个工作日以内。（牵头单位：县行政审批服务局；责任单位：县税务局）
2.推广电子营业执照应用。年底前，电子营业执照在20个以上场景应用。
"""


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cut_off_last_task_is_kept_with_a_warning(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    code, out, err = run(["build", plan, "--out", tmp_path / "kg.ttl", "--no-validate"], capsys)
    assert code == 0, err
    assert "2 tasks" in out and "0 error(s)" in out
    assert "task 2" in err and "warn" in err  # said once, with where
    code, out, _ = run(["review", plan, "--out", tmp_path / "review.yaml"], capsys)
    assert code == 0
    items = yaml.safe_load((tmp_path / "review.yaml").read_text(encoding="utf-8"))["items"]
    assert any(i["task"] == 2 and i["field"] == "problem" and i["correction"]["lead"] == [] for i in items)


def test_strict_build_refuses_and_writes_no_graph(tmp_path: Path, capsys) -> None:
    plan, graph = tmp_path / "plan.txt", tmp_path / "kg.ttl"
    plan.write_text(PLAN, encoding="utf-8")
    code, out, err = run(["build", plan, "--out", graph, "--strict", "--no-validate"], capsys)
    assert code == 1 and not graph.exists()
    assert err.startswith("policykg: error:") and "task 2" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_middle_task_without_units_is_a_warning_not_a_refusal(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN + "3.深化“证照分离”改革。推行告知承诺制。（牵头单位：县市场监督管理局）\n"
                    "4.压缩审批时间。审批时限压缩至5个工作日。（牵头单位：县行政审批服务局）\n", encoding="utf-8")
    code, out, err = run(["build", plan, "--out", tmp_path / "kg.ttl", "--no-validate"], capsys)
    assert code == 0, err
    assert "4 tasks" in out and "1 warning(s), 0 error(s)" in out
    assert "task 2: no unit statement" in err
