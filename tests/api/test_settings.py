"""The settings table: environment variables parsed to their fields' types, and the CLI's help
reading its defaults from the table rather than repeating them."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from api.settings import DEFAULTS, Settings, settings_from_env


def test_environment_variables_become_typed_fields():
    s = settings_from_env({
        "POLICYKG_PORT": "9001", "POLICYKG_QUERY_TIMEOUT": "2.5", "POLICYKG_QUERY_WORKERS": "3",
        "POLICYKG_WORKER_MEMORY_MB": "512", "POLICYKG_STORE_DIR": "elsewhere/store",
        "POLICYKG_GRAPH_PATHS": os.pathsep.join(["a.ttl", "b.trig"]), "POLICYKG_UNRELATED": "x",
    })
    assert (s.port, s.query_timeout, s.query_workers, s.worker_memory_mb) == (9001, 2.5, 3, 512)
    assert s.store_dir == Path("elsewhere/store")
    assert s.graph_paths == (Path("a.ttl"), Path("b.trig"))
    assert s.max_rows == DEFAULTS.max_rows  # not given: the table's default


def test_an_empty_optional_variable_means_none():
    assert settings_from_env({"POLICYKG_WORKER_MEMORY_MB": "", "POLICYKG_ENDPOINT": ""}).worker_memory_mb is None
    assert settings_from_env({}) == Settings()


def test_serve_help_shows_the_tables_defaults():
    text = " ".join(CliRunner().invoke(app, ["serve", "--help"], terminal_width=200).output.split())
    for value in (DEFAULTS.host, DEFAULTS.port, DEFAULTS.max_rows, DEFAULTS.query_workers, DEFAULTS.store_dir):
        assert f"{value}" in text
