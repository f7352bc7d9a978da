"""The examples in the loader docstrings are tests too (pytest here runs without --doctest-modules)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "loaders.textfile",
    "loaders.normalize",
    "loaders.doc_header",
    "loaders.unit_trailer",
    "loaders.task_facts",
    "loaders.policy_doc",
    "loaders.deadlines",
    "loaders.citations",
    "loaders.structure",
    "loaders.unit_lists",
    "loaders.unit_suffix",
    "loaders.jurisdiction",
    "loaders.plan_diff",
    "loaders.formats",
    "loaders.formats.tables",
    "loaders.formats.html",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
