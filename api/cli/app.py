"""The ``policykg`` command. Each command calls the same library functions the API routes call.

Errors a user can cause (a bad file, an unknown query, a malformed SPARQL text) are printed as one
line on stderr with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import sys

import typer

from api.cli import analysis, corpus, link, query, reason, serve, store, viz
from kg.errors import KGError

app = typer.Typer(
    name="policykg",
    help=(
        "policykg: a knowledge graph of government implementation plans (实施方案). "
        "Build the graph from plan texts, ask saved or your own SPARQL questions, export the "
        "task ledger (台账), analyse collaboration and deadlines, and serve it all over HTTP."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One module per command group; a group without a name adds its commands at the top level.
for _group in (query, store, serve, analysis, viz, reason, corpus, link):
    app.add_typer(_group.app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning policykg's own errors into one line and exit code 1."""
    try:
        # With standalone_mode off, click returns an Exit's code instead of raising it.
        rv = app(args=argv, standalone_mode=False)
        if isinstance(rv, int):
            return rv
    except typer.Exit as e:
        return e.exit_code
    except KGError as e:
        typer.echo(f"policykg: error: {e}", err=True)
        return 1
    except OSError as e:
        typer.echo(f"policykg: error: {e.filename or ''}: {e.strerror or e}".replace(": : ", ": "), err=True)
        return 1
    except KeyboardInterrupt:
        typer.echo("policykg: interrupted", err=True)
        return 130
    except typer.Abort:
        return 1
    except Exception as e:  # usage errors: typer vendors its own click, whose errors are TyperExceptions
        import click

        if isinstance(e, click.exceptions.Abort):
            return 1
        if isinstance(e, (click.exceptions.ClickException, typer.TyperException)) and hasattr(e, "show"):
            e.show()
            return int(getattr(e, "exit_code", 2))
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
