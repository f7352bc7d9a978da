"""Routes for viz."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
