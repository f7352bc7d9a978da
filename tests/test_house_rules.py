"""The size rule of tools/check_sizes.py (run by make lint): it finds what breaks it, and the tree keeps it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_sizes", ROOT / "tools" / "check_sizes.py")
check_sizes = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_sizes)


def test_a_long_function_and_a_long_module_are_reported(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "long_function.py").write_text("def f():\n" + "    x = 1\n" * 85, encoding="utf-8")
    (tmp_path / "pkg" / "long_module.py").write_text("x = 1\n" * 401, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_long.py").write_text("x = 1\n" * 500, encoding="utf-8")  # tests are exempt
    found = check_sizes.breaches(tmp_path)
    assert found == [
        "pkg/long_function.py:1: f is 86 lines (at most 80)",
        "pkg/long_module.py: 401 lines (at most 400)",
    ]


def test_the_project_keeps_the_rule() -> None:
    assert check_sizes.breaches(ROOT) == []
