"""Shared fixtures for the loader tests: the bundled sample plan, parsed once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.organizations import Registry
from loaders.places import Places, load_places
from loaders.policy_doc import load_policy_document
from loaders.records import PolicyDocument

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "loaders"
    / "data"
    / "samples"
    / "juye-2023-business-environment.txt"
)
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold-sample.json"


@pytest.fixture(scope="session")
def sample_doc() -> PolicyDocument:
    return load_policy_document(SAMPLE)


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def places() -> Places:
    """The national divisions, loaded once (a test that adds to them must take its own copy)."""
    return load_places()


@pytest.fixture(scope="session")
def registry(places: Places) -> Registry:
    return Registry.load(places=places)
