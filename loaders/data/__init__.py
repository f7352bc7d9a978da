"""Curated data the loaders read: the organisation registry, the national places table, the bundled sample plan."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
SAMPLES_DIR = DATA_DIR / "samples"
BUNDLED_PLAN = SAMPLES_DIR / "juye-2023-business-environment.txt"
PLACES_PATH = DATA_DIR / "places" / "places.yaml"
DIVISIONS_PATH = DATA_DIR / "places" / "divisions.tsv"
REGISTRY_DIR = DATA_DIR / "registry"
