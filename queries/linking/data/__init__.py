"""Data the linker ships: the Wikidata snapshot of division identifiers (offline mode)."""

from __future__ import annotations

from pathlib import Path

WIKIDATA_SNAPSHOT = Path(__file__).resolve().parent / "wikidata_divisions.tsv"
