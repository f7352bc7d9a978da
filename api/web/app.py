"""The FastAPI application: ``create_app(settings)``. There is no module-level app.

The lifespan opens the data once — the persistent store read-only (policykg build), graph files
parsed into memory, or a remote SPARQL server — and starts the SPARQL endpoint's worker processes,
which open the same store read-only themselves (or load their own copy of the files). Routes read
``app.state.source`` and ``app.state.settings`` through :mod:`api.web.deps`; nothing is read from the
environment after this point.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from rdflib import Graph
from starlette.concurrency import run_in_threadpool

from api.settings import Settings, get_settings
from api.web.errors import ERROR_RESPONSES, install_error_handlers
from api.web.frontend import missing_assets
from api.web.routers import analysis, apidocs, editor, linking, ontology_docs, pages, queries, rest, viz
from api.web.sparql.router import SparqlEndpoint
from kg.aggregates import ensure_aggregates
from kg.errors import StoreError
from kg.graph import load_graph
from kg.rollups import needs_rollups
from kg.task_ranks import lacks_task_tallies
from kg.vocab import rdf_format_for
from queries.analysis.reports import AnalysisCache, PlanAnalysis, bottlenecks_report
from queries.library import load_queries

STATIC_DIR = Path(__file__).resolve().parent / "static"
log = logging.getLogger("policykg.api")

DESCRIPTION = """\
A knowledge graph of government implementation plans (实施方案): tasks, domains, lead and
responsible units, deadlines, targets, cited documents and higher-level deployments, each with
the sentence it was read from.

* **SPARQL** — `/sparql` (SPARQL 1.1 Protocol, read-only) and the query page `/query`.
* **Saved questions** — `/queries`, `/queries/{name}?param=…` (JSON or `format=csv`).
* **REST** — `/tasks`, `/organizations`, `/domains`, `/documents`, `/ledger`; `/analysis`, `/linking`.

Every error answers `{"ok": false, "error": "…", "status": N}`.
"""


def check_store(opened: Any, where: Any) -> None:
    """Refuse a store built before corpus rollups or task tallies: served read-only, its corpus-wide
    answers would be empty.

    Raises:
        StoreError: naming the store and what to run.
    """
    if needs_rollups(opened.graph()):
        raise StoreError(f"{where}: built before corpus rollups; run `policykg build` again, "
                         "or `policykg add`/`remove` one plan, to add them")
    if lacks_task_tallies(opened.graph()):
        raise StoreError(f"{where}: built before task tallies; run `policykg build` again, "
                         "or `policykg add`/`remove` one plan, to add them")


def open_source(settings: Settings, graph: Graph | None = None) -> tuple[Any, dict[str, Any], Any]:
    """Return (what routes query, what each SPARQL worker opens, what to close at shutdown).

    ``graph`` is a graph already in memory (``policykg serve`` builds the bundled plan when there
    is no store); else ``settings.store_path`` is opened read-only — in milliseconds at any size,
    and each worker opens the same generation itself; else the files of ``settings.graph_paths``
    are parsed, each in the syntax its extension names, TriG and N-Quads with their named graphs
    kept for the endpoint.

    Raises:
        GraphNotFound: a graph file or the store does not exist.
        LoadError: a graph file is not valid RDF.
        StoreError: the store was built before corpus rollups (its corpus-wide answers would be empty).
    """
    if settings.endpoint:
        from kg.remote_store import RemoteStore

        source = RemoteStore(settings.endpoint, update_url=settings.update_endpoint, timeout=settings.query_timeout)
        # The worker's own HTTP timeout is a little longer than the pool's, so the pool decides.
        return source, {"endpoint": settings.endpoint, "timeout": settings.query_timeout + 1}, None
    if graph is not None:
        ensure_aggregates(graph)
        return graph, {"sources": [(graph.serialize(format="nt", encoding="utf-8"), "nt", None)]}, None
    if settings.store_path is not None:
        from kg.store import open_store

        opened = open_store(settings.store_path)  # raises GraphNotFound, naming the directory
        try:
            check_store(opened, settings.store_path)
        except StoreError:
            opened.close()
            raise
        # Workers open this very generation, even if a build switches `current` meanwhile.
        store_init = {"path": str(opened.path), "triples": opened.meta.get("triples")}
        return opened.graph(), {"store": store_init}, opened
    paths = [Path(p) for p in settings.graph_paths]
    source = load_graph(*paths, store=settings.store)  # raises GraphNotFound / LoadError with the file named
    if ensure_aggregates(source):  # a graph file written without tallies (kg.aggregates): count them here
        log.info("%s: no tallies in the graph file; counted them in memory (rebuild to keep them)", paths[0])
    sources = [(p.read_bytes(), rdf_format_for(p).name, p.resolve().as_uri()) for p in paths]
    return source, {"sources": sources}, None


# The analyses are read and built ahead of the first request only for a store this small (tasks,
# from the plans' tallies): the bundled plan takes under 0.1 s, 100 plans (11,765 tasks) about 10 s.
# At 1,000 plans the bottleneck report took over two minutes (measured on a busy 2-core machine)
# while every other client waited on the interpreter, so there the first /analysis request of a
# scope reads it, and the cache keeps it. A larger store whose build stored the corpus sums
# (kg.org_pairs) is warmed from them: its whole-corpus analysis reads no task (queries.analysis.corpus).
WARM_MAX_TASKS = 3000


def _warm_analyses(cache: AnalysisCache, source: Any) -> None:
    try:
        from queries.analysis.corpus import stored_sums
        from queries.document_pages import plan_sizes

        tasks = sum(p.rows for p in plan_sizes(source))
        sums = stored_sums(source) if tasks > WARM_MAX_TASKS else None
        if tasks > WARM_MAX_TASKS and sums is None:
            log.info("analyses not warmed: %d tasks (more than %d) and no stored sums; each is read on its "
                     "first request", tasks, WARM_MAX_TASKS)
            return
        pa = cache.get(source, read=(lambda: PlanAnalysis(None, source=source, sums=sums)) if sums else None)
        bottlenecks_report(pa)  # builds every graph and measure the other reports reuse
    except Exception:  # a warm-up must never take the server down; the real request will report it
        log.warning("analysis warm-up failed", exc_info=True)


def create_app(settings: Settings | None = None, *, graph: Graph | None = None) -> FastAPI:
    """Return the policykg web application.

    Args:
        settings: where the graph is and the endpoint's limits; default :func:`get_settings`.
        graph: serve this in-memory graph instead of ``settings.graph_paths``.
    """
    settings = settings or get_settings()
    endpoint = SparqlEndpoint(workers=settings.query_workers, timeout=settings.query_timeout,
                              max_rows=settings.max_rows, max_query_bytes=settings.max_query_bytes,
                              worker_memory_mb=settings.worker_memory_mb)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        source, data, opened = await run_in_threadpool(open_source, settings, graph)
        await run_in_threadpool(load_queries)  # parse the saved questions once, before the first request
        await run_in_threadpool(endpoint.start, data)
        app.state.settings = settings
        app.state.source = source
        app.state.sparql = endpoint  # the query page's downloads run through it too
        # Warm the analysis cache of a small store in the background (see WARM_MAX_TASKS); the server
        # answers other requests meanwhile. A request waits for the interpreter lock between an
        # analysis's steps: handing it over every 0.5 ms instead of 5 ms keeps that wait off a
        # /sparql answer's few milliseconds. A served store or file never changes: its answers are
        # kept; a remote server's are read again after five minutes.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.0005))
        app.state.analysis_cache = AnalysisCache(ttl=300.0 if settings.endpoint else None)
        threading.Thread(target=_warm_analyses, args=(app.state.analysis_cache, source),
                         name="policykg-warm-analyses", daemon=True).start()
        log.info("policykg ready: %s, %s SPARQL worker(s), time limit %g s", endpoint.info.get("mode"),
                 settings.query_workers,
                 settings.query_timeout)
        try:
            yield
        finally:
            await run_in_threadpool(endpoint.close)
            if opened is not None:
                opened.close()

    # /docs and /redoc are our own routes (api.web.routers.apidocs): FastAPI's would load their scripts from a CDN.
    app = FastAPI(title="policykg", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
                  responses=ERROR_RESPONSES, docs_url=None, redoc_url=None)
    install_error_handlers(app)
    app.include_router(endpoint.router)
    for module in (queries, editor, rest, analysis, linking, viz, ontology_docs, pages, apidocs):
        app.include_router(module.router)
    # check_dir=False: api/web/static/ holds only what `make frontend` builds; without it /static answers 404.
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    if message := missing_assets():
        log.warning("/query, /docs and /redoc will say so: %s", message)

    # Registered after the routers, so a router that claims "/" wins.
    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/query")

    return app
