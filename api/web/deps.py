"""FastAPI dependencies: what a route needs, taken from app.state (set once by the lifespan)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from api.settings import Settings


def get_source(request: Request) -> Any:
    """The graph (or remote store) every route queries; queries.library.run_query accepts it."""
    return request.app.state.source


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SourceDep = Annotated[Any, Depends(get_source)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
