"""policykg CLI commands for viz (registered into api.cli.app)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the policykg CLI."""
