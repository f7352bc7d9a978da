"""The ``policykg`` command. Each command calls the same library functions the API routes call.

Errors a user can cause (a bad file, an unknown query, a malformed SPARQL text) are printed as one
line on stderr with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import EndpointOpt, GraphOpt, emit_rows, fail, open_source
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

@app.command()
def query(
    text: Annotated[str | None, typer.Argument(help="A .rq file or a SPARQL query text.")] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Run a saved question by name "
                                             "(see `policykg queries`).")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="k=v for a saved question's parameter.")] = None,
    graph: GraphOpt = None,
    endpoint: EndpointOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, json or xlsx")] = "table",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Ask the graph a question: a saved one by --name, or your own SPARQL text or .rq file."""
    from queries.runner import run_text

    if bool(text) == bool(name):
        raise fail("give either a query (text or .rq file) or --name", 2)
    params = _parse_params(param or [])
    source = open_source(graph, endpoint)
    if name:
        from queries.library import run_query

        rows, columns = run_query(source, name, **params), None
    else:
        assert text is not None
        sparql = Path(text).read_text(encoding="utf-8") if text.endswith(".rq") and Path(text).is_file() else text
        rows, columns = run_text(source, sparql)
    emit_rows(rows, columns, fmt, out)


@app.command("queries")
def list_queries() -> None:
    """List the saved questions with their parameters."""
    from queries.library import load_queries

    for q in load_queries().values():
        ps = ", ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in q.params)
        typer.echo(f"{q.name:32} {q.title}" + (f"  [{ps}]" if ps else ""))


@app.command()
def ledger(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, json or xlsx")] = "table",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file (xlsx needs one).")] = None,
    graph: GraphOpt = None,
    endpoint: EndpointOpt = None,
) -> None:
    """Export the task ledger (台账): one row per task, as analysts keep it in Excel."""
    from queries.ledger import LEDGER_COLUMNS, LEDGER_HEADERS, ledger_rows

    rows = ledger_rows(open_source(graph, endpoint))
    emit_rows(rows, LEDGER_COLUMNS, fmt, out, LEDGER_HEADERS)


def _parse_params(items: list[str]) -> dict[str, str]:
    params = {}
    for item in items:
        if "=" not in item:
            raise fail(f"--param {item!r}: expected k=v", 2)
        k, v = item.split("=", 1)
        params[k.strip()] = v
    return params


# -- commands defined beside their topic (each module's register() adds them) ------------------
from api.cli import analysis, corpus, link, reason, serve, store, viz  # noqa: E402

for _module in (store, serve, analysis, viz, reason, corpus, link):
    _module.register(app)


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
