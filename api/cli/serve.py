"""``policykg serve``: the web application (SPARQL endpoint, query page, saved questions, REST API)
over the store policykg build wrote, graph files, or a remote SPARQL server."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from api.settings import DEFAULTS

app = typer.Typer()  # its commands join the top level of `policykg` (api.cli.app)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help=f"Address to listen on (default {DEFAULTS.host}).")] = None,
    port: Annotated[int | None, typer.Option(help=f"Port to listen on (default {DEFAULTS.port}).")] = None,
    store: Annotated[Path | None, typer.Option(
        "--store", "-s", help=f"The store to serve (policykg build). Default: {DEFAULTS.store_dir} if it exists, "
                              "else the bundled plan built in memory.")] = None,
    graph: Annotated[list[Path] | None, typer.Option(
        "--graph", "-g", help="Serve graph file(s) instead, parsed into memory, any RDF syntax (TriG / "
                              "N-Quads keep their named graphs).")] = None,
    endpoint: Annotated[str | None, typer.Option(
        help="Serve a remote SPARQL 1.1 server's data instead (e.g. http://127.0.0.1:7878/query).")] = None,
    timeout: Annotated[float | None, typer.Option(
        help=f"Seconds a /sparql query may run before it is stopped (default {DEFAULTS.query_timeout:g}).",
        min=0.1)] = None,
    max_rows: Annotated[int | None, typer.Option(
        help=f"Rows a /sparql answer returns at most (default {DEFAULTS.max_rows}).", min=1)] = None,
    workers: Annotated[int | None, typer.Option(
        help=f"SPARQL worker processes, i.e. queries run at once (default {DEFAULTS.query_workers}).", min=1)] = None,
    worker_memory_mb: Annotated[int | None, typer.Option(
        help="Memory cap of each SPARQL worker in MB (0: none). Default: twice the worker's size once "
             "its data is open, at least +1 GiB.", min=0)] = None,
) -> None:
    """Serve the store over HTTP: /sparql, /query, /queries, /tasks, /organizations, /docs."""
    import uvicorn

    from api.settings import get_settings
    from api.web.app import create_app
    from kg.store import is_store

    base = get_settings()
    changes: dict[str, object] = {}
    for name, value in (("host", host), ("port", port), ("endpoint", endpoint), ("query_timeout", timeout),
                        ("max_rows", max_rows), ("query_workers", workers), ("worker_memory_mb", worker_memory_mb)):
        if value is not None:
            changes[name] = value
    if graph:
        changes["graph_paths"], changes["store_path"] = tuple(graph), None
    elif store is not None:
        changes["store_path"] = store
    elif base.store_path is None and is_store(base.store_dir):
        changes["store_path"] = base.store_dir
    settings = dataclasses.replace(base, **changes)

    prebuilt = None
    if settings.endpoint:
        where = settings.endpoint
    elif settings.store_path is not None:
        # Fail here, in one line, rather than in the server's startup with a traceback.
        from kg.errors import GraphNotFound

        if not is_store(settings.store_path):
            raise GraphNotFound(f"{settings.store_path}: no policykg store here "
                                f"(run `policykg build --store {settings.store_path}` first)")
        from api.web.app import check_store
        from kg.store import open_store

        with open_store(settings.store_path) as opened:
            check_store(opened, settings.store_path)
        where = str(settings.store_path)
    elif graph:
        from kg.errors import GraphNotFound
        from kg.vocab import rdf_format_for

        for p in graph:
            rdf_format_for(p)
            if not Path(p).is_file():
                raise GraphNotFound(f"{p}: no such graph file (run `policykg build` first)")
        where = ", ".join(str(p) for p in graph)
    else:
        from loaders.build import build_graph
        from loaders.data import BUNDLED_PLAN

        typer.echo(f"note: no store at {base.store_dir}; serving the bundled plan built in memory "
                   "(run `policykg build` to keep it)", err=True)
        prebuilt = build_graph([BUNDLED_PLAN]).graph
        where = "the bundled plan"
    app = create_app(settings, graph=prebuilt)
    typer.echo(f"policykg: serving {where} at http://{settings.host}:{settings.port}/ "
               f"(query page /query, SPARQL /sparql, API docs /docs)", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
