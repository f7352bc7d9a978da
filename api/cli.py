"""The ``policykg`` command. Each command calls the same library functions the API routes call.

Errors a user can cause (a bad file, an unknown query, a malformed SPARQL text) are printed as one
line on stderr with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.errors import KGError
from kg.settings import get_settings

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

DEFAULT_GRAPH = Path("build/kg.ttl")

GraphOpt = Annotated[
    list[Path] | None,
    typer.Option("--graph", "-g", help="Graph file(s) to read (Turtle, N-Triples, TriG, JSON-LD…). "
                 "Default: build/kg.ttl, built from the bundled plan if missing."),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", help="A remote SPARQL 1.1 endpoint URL to query instead of a local graph."),
]


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"policykg: error: {message}", err=True)
    return typer.Exit(code)


def open_source(graph: list[Path] | None, endpoint: str | None = None):
    """Return what queries run against: a local graph, or a remote store when an endpoint is given."""
    if endpoint:
        from queries.store import RemoteStore

        return RemoteStore(endpoint)
    from kg.graph import load_graph

    paths = graph or list(get_settings().graph_paths)
    if not graph and paths == [DEFAULT_GRAPH] and not DEFAULT_GRAPH.exists():
        typer.echo("note: build/kg.ttl not found; building the bundled plan in memory "
                   "(run `policykg build` to keep it)", err=True)
        from loaders.build import build_graph
        from loaders.data import BUNDLED_PLAN

        return build_graph([BUNDLED_PLAN]).graph
    return load_graph(*paths, store=get_settings().store)


@app.command()
def build(
    docs: Annotated[list[Path] | None, typer.Argument(
        help="Plan files or directories of plans. Default: the bundled plan "
             "(巨野县2023年深化营商环境创新提升行动实施方案).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the graph; the format "
                                      "follows the extension: .ttl .nt .jsonld .trig")] = DEFAULT_GRAPH,
    corrections: Annotated[list[Path] | None, typer.Option("--corrections", "-c", help="Corrections file(s) "
                           "(YAML) to apply, besides corrections/*.yaml next to each plan.")] = None,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too (e.g. an unregistered organisation).")] = False,
    endpoint: Annotated[str | None, typer.Option(
        "--endpoint", help="Also load the graph into this SPARQL server (Graph Store Protocol).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary line.")] = False,
    validate: Annotated[bool, typer.Option("--validate/--no-validate", help="Check the graph against the "
                                           "SHACL shapes and print problems as warnings.")] = True,
) -> None:
    """Read plan texts and write the knowledge graph, with a summary and any warnings."""
    from api.cli_corpus import build_and_save
    from kg.graph import rdf_format_for
    from loaders.data import BUNDLED_PLAN

    rdf_format_for(out)  # a bad extension fails before any work is done
    # One named graph per plan (kept in .trig), progress on stderr, corrections applied: api/cli_corpus.py.
    result = build_and_save(docs or [BUNDLED_PLAN], out, strict=strict, corrections=corrections, quiet=quiet)
    if endpoint:
        from queries.store import RemoteStore

        RemoteStore(endpoint).replace_graph(result.graph)
    s = result.summary()
    if not quiet:
        for p in result.report.problems:
            typer.echo(str(p), err=True)
    typer.echo(
        f"built {out}: {s['documents']} document(s), {s['domains']} domains, {s['tasks']} tasks, "
        f"{s['organizations']} organisations named ({s['organizations_in_graph']} with counterparts), {s['deadlines']} deadlines, {s['references']} references, "
        f"{s['targets']} targets, {s['deployment_waits']} tasks waiting on higher deployment, "
        f"{s['preconditions']} preconditions, {s['triples']} triples; "
        f"{s['problems_warn']} warning(s), {s['problems_error']} error(s)"
    )
    if validate:
        from api.cli_reason import print_build_validation

        print_build_validation(result.graph, quiet=quiet)


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
    _emit(rows, columns, fmt, out)


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
    _emit(rows, LEDGER_COLUMNS, fmt, out, LEDGER_HEADERS)


def _parse_params(items: list[str]) -> dict[str, str]:
    params = {}
    for item in items:
        if "=" not in item:
            raise fail(f"--param {item!r}: expected k=v", 2)
        k, v = item.split("=", 1)
        params[k.strip()] = v
    return params


def _emit(rows, columns, fmt: str, out: Path | None, headers: dict[str, str] | None = None) -> None:
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
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        out.write_bytes(data)
    else:
        out.write_text(data, encoding="utf-8")
    typer.echo(f"wrote {out} ({len(rows)} rows)", err=True)


# -- commands defined beside their topic (each module's register() adds them) ------------------
from api import cli_analysis, cli_corpus, cli_link, cli_reason, cli_serve, cli_viz  # noqa: E402

for _module in (cli_serve, cli_analysis, cli_viz, cli_reason, cli_corpus, cli_link):
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
    except Exception as e:  # click's own usage errors
        import click

        if isinstance(e, click.exceptions.ClickException):
            e.show()
            return e.exit_code
        if isinstance(e, click.exceptions.Abort):
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
