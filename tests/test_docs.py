"""Docs drift: every CLI command and every web route is named in the README."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from api.cli import app as cli_app
from api.settings import Settings
from api.web.app import create_app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _command_names(group) -> set[str]:
    names = set()
    for name, cmd in group.commands.items():
        names.add(name)
        if hasattr(cmd, "commands"):
            names |= _command_names(cmd)
    return names


def test_every_cli_command_is_in_the_readme():
    commands = _command_names(typer.main.get_command(cli_app))
    assert len(commands) > 10
    missing = sorted(c for c in commands if not re.search(rf"`{re.escape(c)}`|policykg (\w+ )?{re.escape(c)}\b", README))
    assert not missing, f"README does not mention: {missing}"


def test_every_route_is_in_the_readme():
    paths = set(create_app(Settings()).openapi()["paths"]) | {"/query"}
    missing = sorted(p for p in paths if f"`{p}`" not in README)
    assert not missing, f"README does not mention: {missing}"


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README
