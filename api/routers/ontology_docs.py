"""Routes for ontology_docs."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
