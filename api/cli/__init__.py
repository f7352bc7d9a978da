"""The ``policykg`` command line: one module per command group, gathered into one typer app."""

from api.cli.app import app, main

__all__ = ["app", "main"]
