"""``policykg serve``: the web application (SPARQL endpoint, query page, saved questions, REST API)
over the store policykg build wrote, graph files, or a remote SPARQL server."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the policykg CLI."""
    app.command()(serve)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default 8000).")] = None,
    store: Annotated[Path | None, typer.Option(
        "--store", "-s", help="The store to serve (policykg build). Default: build/store if it exists, "
                              "else the bundled plan built in memory.")] = None,
    graph: Annotated[list[Path] | None, typer.Option(
        "--graph", "-g", help="Serve graph file(s) instead, parsed into memory, any RDF syntax (TriG / "
                              "N-Quads keep their named graphs).")] = None,
    endpoint: Annotated[str | None, typer.Option(
        help="Serve a remote SPARQL 1.1 server's data instead (e.g. http://127.0.0.1:7878/query).")] = None,
    timeout: Annotated[float | None, typer.Option(
        help="Seconds a /sparql query may run before it is stopped (default 10).", min=0.1)] = None,
    max_rows: Annotated[int | None, typer.Option(help="Rows a /sparql answer returns at most (default 10000).",
                                                 min=1)] = None,
    workers: Annotated[int, typer.Option(help="SPARQL worker processes, i.e. queries run at once.", min=1)] = 2,
    worker_memory_mb: Annotated[int | None, typer.Option(
        help="Memory cap of each SPARQL worker in MB (0: none). Default: twice the worker's size once "
             "its data is open, at least +1 GiB.", min=0)] = None,
) -> None:
    """Serve the store over HTTP: /sparql, /query, /queries, /tasks, /organizations, /docs."""
    import uvicorn

    from api.app import create_app
    from kg.settings import get_settings
    from kg.store import DEFAULT_STORE, is_store

    base = get_settings()
    extra = {**base.extra, "query_workers": str(workers)}
    if worker_memory_mb is not None:
        extra["query_worker_memory_mb"] = str(worker_memory_mb)
    changes: dict[str, object] = {"extra": extra}
    for name, value in (("host", host), ("port", port), ("endpoint", endpoint), ("query_timeout", timeout),
                        ("max_rows", max_rows)):
        if value is not None:
            changes[name] = value
    if graph:
        changes["graph_paths"], changes["store_path"] = tuple(graph), None
    elif store is not None:
        changes["store_path"] = store
    elif base.store_path is None and is_store(DEFAULT_STORE):
        changes["store_path"] = DEFAULT_STORE
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

        typer.echo(f"note: no store at {DEFAULT_STORE}; serving the bundled plan built in memory "
                   "(run `policykg build` to keep it)", err=True)
        prebuilt = build_graph([BUNDLED_PLAN]).graph
        where = "the bundled plan"
    app = create_app(settings, graph=prebuilt)
    typer.echo(f"policykg: serving {where} at http://{settings.host}:{settings.port}/ "
               f"(query page /query, SPARQL /sparql, API docs /docs)", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
