"""Score layout excerpts with the CLI and print the SCORES.md table (a measuring script, not a test).

Usage (from the repository root)::

    .venv/bin/python tests/data/layouts/scores/score_excerpts.py OUT_DIR NAME [NAME ...]
    .venv/bin/python tests/data/layouts/scores/score_excerpts.py --table OUT_DIR NAME [NAME ...]

For each NAME it runs ``policykg evaluate tests/data/layouts/NAME.txt NAME.answers.json --format json``
(saved as ``OUT_DIR/NAME.json``; ``{"refused": "<error>"}`` when the reader refuses the text) and
``policykg build`` of the excerpt alone (its first summary or error line saved as ``OUT_DIR/NAME.build.txt``),
then prints one Markdown row per excerpt and the pooled counts. ``--table`` only prints from saved runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
LAYOUTS = ROOT / "tests" / "data" / "layouts"
CLI = [str(ROOT / ".venv" / "bin" / "policykg")]
COLUMNS = ("lead", "responsible", "deadlines", "targets", "references", "follows_higher_deployment",
           "task_title", "task_domain", "domains", "title", "doc_number", "issuer", "issued", "plan_year")
HEADINGS = {"follows_higher_deployment": "follows", "task_title": "task title", "task_domain": "task domain",
            "doc_number": "文号"}
POOLED = ("tasks", "lead", "responsible", "deadlines", "targets")


def run(out: Path, name: str) -> None:
    """Evaluate and build one excerpt, saving what the CLI said."""
    text, answers = LAYOUTS / f"{name}.txt", LAYOUTS / f"{name}.answers.json"
    done = subprocess.run([*CLI, "evaluate", str(text), str(answers), "--format", "json"],
                          capture_output=True, text=True, cwd=ROOT)
    saved = done.stdout if done.returncode == 0 else json.dumps({"refused": done.stderr.strip()}, ensure_ascii=False)
    (out / f"{name}.json").write_text(saved.strip() + "\n", encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        built = subprocess.run([*CLI, "build", str(text), "-o", str(Path(tmp) / "g.ttl"), "--no-validate", "-q"],
                               capture_output=True, text=True, cwd=ROOT)
    lines = (built.stdout + built.stderr).splitlines()
    summary = next((ln for ln in lines if ln.startswith(("built", "policykg: error"))), lines[-1] if lines else "")
    (out / f"{name}.build.txt").write_text(f"exit {built.returncode}: {summary}\n", encoding="utf-8")


def f1(tp: int, fp: int, fn: int) -> float:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def table(out: Path, names: list[str]) -> str:
    """The Markdown rows for ``names`` from the runs saved in ``out``, then the pooled line."""
    pool = {f: [0, 0, 0] for f in POOLED}
    rows = ["| excerpt | build | tasks found | " + " | ".join(HEADINGS.get(c, c) for c in COLUMNS) + " |",
            "|" + "---|" * (len(COLUMNS) + 3)]
    for name in names:
        saved = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        build = (out / f"{name}.build.txt").read_text(encoding="utf-8").split(":")[0]
        build = "exit 0" if build == "exit 0" else "refused"
        if isinstance(saved, dict):  # the reader refused the text: every expected fact is missed
            answers = json.loads((LAYOUTS / f"{name}.answers.json").read_text(encoding="utf-8"))
            pool["tasks"][2] += len(answers["tasks"])
            for f in POOLED[1:]:
                pool[f][2] += sum(len(t[f]) for t in answers["tasks"])
            rows.append(f"| {name} | {build} | 0/{len(answers['tasks'])} (text refused) | "
                        + " | ".join("–" for _ in COLUMNS) + " |")
            continue
        fields = {r["field"]: r for r in saved}
        for f in POOLED:
            for k, key in enumerate(("tp", "fp", "fn")):
                pool[f][k] += fields[f][key]
        t = fields["tasks"]
        found = f"{t['tp']}/{t['tp'] + t['fn']}" + (f" (+{t['fp']} extra)" if t["fp"] else "")
        cells = ["–" if fields[c]["tp"] + fields[c]["fp"] + fields[c]["fn"] == 0 else f"{fields[c]['f1']:.2f}"
                 for c in COLUMNS]
        rows.append(f"| {name} | {build} | {found} | " + " | ".join(cells) + " |")
    tp, fp, fn = pool["tasks"]
    rows.append("")
    rows.append(f"Pooled over {len(names)} excerpts: tasks found {tp}/{tp + fn} ({tp / (tp + fn):.1%}), {fp} extra; "
                + "; ".join(f"{f} F1 {f1(*pool[f]):.3f} (tp {pool[f][0]}, fp {pool[f][1]}, fn {pool[f][2]})"
                            for f in POOLED[1:]))
    return "\n".join(rows)


def main(argv: list[str]) -> None:
    only_table = argv[:1] == ["--table"]
    out, names = Path(argv[1 if only_table else 0]), argv[2 if only_table else 1:]
    out.mkdir(parents=True, exist_ok=True)
    if not only_table:
        for name in names:
            run(out, name)
    sys.stdout.write(table(out, names) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
