"""What every policykg command shares: the --graph/--endpoint options, opening the graph, one-line
failures and writing tables. A module of its own so the topic modules (cli_analysis, cli_viz …) can
import it without importing api.cli, which imports them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.settings import get_settings

DEFAULT_GRAPH = Path("build/kg.ttl")

GraphOpt = Annotated[
    list[Path] | None,
    typer.Option("--graph", "-g", help="Graph file(s) to read (Turtle, N-Triples, TriG, JSON-LD…). "
                 "Default: the store build/store, else build/kg.ttl, else the bundled plan built in memory."),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", help="A remote SPARQL 1.1 endpoint URL to query instead of a local graph."),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"policykg: error: {message}", err=True)
    return typer.Exit(code)


def open_source(graph: list[Path] | None, endpoint: str | None = None, *, store_ok: bool = True):
    """Return what queries run against: a remote store when an endpoint is given, the graph files
    given, else the store (``store_ok``: read-only; its view stays open for the command's life),
    else build/kg.ttl, else the bundled plan built in memory."""
    if endpoint:
        from kg.remote_store import RemoteStore

        return RemoteStore(endpoint)
    from kg.aggregates import ensure_aggregates
    from kg.graph import load_graph
    from kg.store import DEFAULT_STORE, is_store, open_store

    settings = get_settings()
    if not graph and store_ok and (settings.store_path or is_store(DEFAULT_STORE)):
        return open_store(settings.store_path or DEFAULT_STORE).graph()
    paths = graph or list(settings.graph_paths)
    if not graph and paths == [DEFAULT_GRAPH] and not DEFAULT_GRAPH.exists():
        typer.echo(f"note: no store at {DEFAULT_STORE} nor {DEFAULT_GRAPH}; building the bundled plan in memory "
                   "(run `policykg build` to keep it)", err=True)
        from loaders.build import build_graph
        from loaders.data import BUNDLED_PLAN

        source = build_graph([BUNDLED_PLAN]).graph
    else:
        source = load_graph(*paths, store=get_settings().store)
    ensure_aggregates(source)  # a graph written without the plans' tallies still answers corpus questions
    return source


def emit_rows(rows, columns, fmt: str, out: Path | None, headers: dict[str, str] | None = None) -> None:
    from queries.export import TableFormat, to_csv, to_json, to_text_table, to_xlsx

    try:
        f = TableFormat(fmt)
    except ValueError:
        raise fail(f"unknown format {fmt!r} (use {', '.join(t.value for t in TableFormat)})", 2) from None
    if f is TableFormat.XLSX:
        if out is None:
            raise fail("--format xlsx needs --out FILE.xlsx", 2)
        data: bytes | str = to_xlsx(rows, columns, headers)
    elif f is TableFormat.CSV:
        data = to_csv(rows, columns, headers, bom=out is not None)
    elif f is TableFormat.JSON:
        data = to_json(rows, columns)
    else:
        data = to_text_table(rows, columns, headers)
    if out is None:
        typer.echo(data)
        return
    write_output(out, data, f"{len(rows)} rows")


def write_output(path: Path, content: str | bytes, what: str | None = None) -> None:
    """Write a command's output file (text as UTF-8) and say so on stderr."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    typer.echo(f"wrote {path} ({what or f'{path.stat().st_size // 1024} KB'})", err=True)
