"""The policykg OWL ontology (policykg.ttl) and SHACL shapes, shipped as package data."""

from __future__ import annotations

from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_PATH = ONTOLOGY_DIR / "policykg.ttl"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
