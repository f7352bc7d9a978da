"""``policykg query``, ``queries`` and ``ledger``: ask the graph a saved or your own question, export the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import EndpointOpt, FormatOpt, GraphOpt, emit_rows, fail, open_source

app = typer.Typer()  # its commands join the top level of `policykg` (api.cli.app)


@app.command()
def query(
    text: Annotated[str | None, typer.Argument(help="A .rq file or a SPARQL query text.")] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Run a saved question by name "
                                             "(see `policykg queries`).")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="k=v for a saved question's parameter.")] = None,
    graph: GraphOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "table",
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
    from queries.query_files import load_queries

    for q in load_queries().values():
        ps = ", ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in q.params)
        typer.echo(f"{q.name:32} {q.title}" + (f"  [{ps}]" if ps else ""))


@app.command()
def ledger(
    fmt: FormatOpt = "table",
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
