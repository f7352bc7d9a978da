"""Run the docstring examples of every queries.analysis module (each is a tiny hand-checked graph).

Equivalent to ``python -m pytest --doctest-modules queries/analysis``, kept here so ``make test``
(testpaths = tests) runs them too.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import queries.analysis

MODULES = sorted(m.name for m in pkgutil.iter_modules(queries.analysis.__path__, "queries.analysis."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_every_topic_module_has_examples():
    # fetch and reports only wire the graph to the topic modules; every topic module shows its use.
    topics = [n for n in MODULES if n.rsplit(".", 1)[-1] not in {"fetch", "reports"}]
    finder = doctest.DocTestFinder()
    bare = [n for n in topics if not any(t.examples for t in finder.find(importlib.import_module(n)))]
    assert bare == []
