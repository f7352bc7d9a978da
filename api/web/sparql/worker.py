"""The query worker: a child process that opens the store (read-only, shared with the other workers)
or loads its own copy of graph files, and answers SPARQL.

The endpoint runs outside queries here, in a process it can kill, because an engine cannot be
asked to stop: a cartesian product over all triples keeps a thread busy for as long as it
likes, and a thread cannot be killed. :mod:`api.web.sparql.pool` sends one request at a time and
kills the process when the time limit passes; everything the query costs (parsing, the guard,
evaluation, serialisation) happens here, inside that limit.

Protocol on one socket (``multiprocessing.connection``), parent → child:
``{"init": …}`` once, then request dicts; child → parent: ``{"ready": True, …info}`` once, then
one reply dict per request. Run as ``python -m api.web.sparql.worker FD``.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.connection import Connection
from typing import Any

from api.settings import DEFAULTS
from api.web.sparql.guard import DEFAULT_MAX_DEPTH, CheckedQuery, UnknownGraph, check_query
from kg.errors import KGError, QuerySyntaxError
from kg.graph import PREFIXES
from kg.vocab import rdf_format_named

log = logging.getLogger("policykg.sparql.worker")

PREFIX_IRIS = {p: str(ns) for p, ns in PREFIXES.items()}


@dataclass(frozen=True)
class Limits:
    max_rows: int = DEFAULTS.max_rows
    max_bytes: int = DEFAULTS.max_query_bytes
    max_depth: int = DEFAULT_MAX_DEPTH


class EmbeddedExecutor:
    """Queries a pyoxigraph store: a policykg store opened read-only, or RDF texts loaded into memory
    (named graphs kept)."""

    def __init__(self, sources: list[tuple[bytes, str, str | None]] | None = None, *,
                 store: dict[str, Any] | None = None) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.opened = None
        if store is not None:
            from kg.store import open_store

            self.opened = open_store(store["path"])  # holds the generation's reader lock while open
            self.store = self.opened.store
            self.triples = store.get("triples")
        else:
            self.store = ox.Store()
            for data, fmt, base_iri in sources or []:  # base_iri resolves relative IRIs, as rdflib does for files
                self.store.load(data, format=rdf_format_named(fmt).ox, base_iri=base_iri)
            self.triples = len(self.store)
        self.graphs = {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}

    def info(self) -> dict[str, Any]:
        return {"mode": "embedded", "named_graphs": sorted(self.graphs), "triples": self.triples}

    def known_graphs(self) -> set[str]:
        return self.graphs

    def execute(self, q: CheckedQuery, default_graphs: list[str], named_graphs: list[str]) -> Any:
        ox = self.ox
        kwargs: dict[str, Any] = {}
        if default_graphs or named_graphs:
            # The protocol's dataset replaces the query's FROM / FROM NAMED (SPARQL 1.1 Protocol 2.1.4).
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        elif not (q.default_graphs or q.named_graphs):
            # No dataset named: the default graph is the union of all graphs, so a TriG file's
            # named graphs answer the same questions as a Turtle file's triples.
            kwargs["use_default_graph_as_union"] = True
        try:
            return self.store.query(q.text, prefixes=PREFIX_IRIS, **kwargs)
        except SyntaxError as e:
            raise QuerySyntaxError(syntax_message(str(e))) from None


_POSITION = re.compile(r"^error at (\d+:\d+): ")


def syntax_message(raw: str) -> str:
    """Oxigraph's parse error made readable: where, then what was expected, without the long lists
    of character classes it spells out.

    Example:
        >>> syntax_message("error at 1:21: expected one of Prefix not found, ['%'], [':']")
        'line:column 1:21: unknown prefix (declare it with PREFIX, or use one of the pre-declared ones: pk, id, rdf, rdfs, owl, xsd, skos, dcterms, org, time, prov)'
    """
    m = _POSITION.match(raw)
    where = f"line:column {m.group(1)}: " if m else ""
    rest = raw[m.end():] if m else raw
    if "Prefix not found" in rest:
        return (f"{where}unknown prefix (declare it with PREFIX, or use one of the pre-declared ones: "
                f"{', '.join(PREFIX_IRIS)})")
    # Keep the tokens it names ("(", SELECT…), drop the character-class ranges ([\'0\'..=\'9\']…).
    expected = [t.strip() for t in re.split(r",\s*(?![^\[]*\])", rest.replace("\n", " "))]
    kept = [t for t in expected if t and not t.startswith("[")]
    text = ", ".join(kept) if kept else rest
    return where + (text if len(text) <= 300 else text[:299] + "…")


class RemoteExecutor:
    """Forwards checked queries to a remote SPARQL 1.1 server and re-reads its answers."""

    def __init__(self, url: str, timeout: float) -> None:
        import pyoxigraph as ox

        from kg.remote_store import RemoteStore

        self.ox = ox
        self.store = RemoteStore(url, timeout=timeout)
        self.graphs: set[str] = set()
        self.triples: int | None = None
        try:
            self.graphs = set(self.store.named_graphs())
            self.triples = self.store.triple_count()
        except KGError as e:  # the server may come up later; queries will say so if not
            log.warning("remote store not answering yet: %s", e)

    def info(self) -> dict[str, Any]:
        return {"mode": "remote", "endpoint": self.store.url, "named_graphs": sorted(self.graphs),
                "triples": self.triples}

    def known_graphs(self) -> set[str]:
        return self.graphs

    def refresh(self) -> None:
        self.graphs = set(self.store.named_graphs())

    def execute(self, q: CheckedQuery, default_graphs: list[str], named_graphs: list[str]) -> Any:
        from kg.remote_store import GRAPH_MEDIA_TYPE, RESULTS_MEDIA_TYPE, prefix_lines

        ox = self.ox
        text = prefix_lines() + q.text
        if q.returns_graph:
            raw, _ = self.store.raw_query(text, accept=GRAPH_MEDIA_TYPE, default_graphs=default_graphs,
                                          named_graphs=named_graphs)
            return [quad.triple for quad in ox.parse(raw, format=ox.RdfFormat.N_TRIPLES)]
        raw, _ = self.store.raw_query(text, accept=RESULTS_MEDIA_TYPE, default_graphs=default_graphs,
                                      named_graphs=named_graphs)
        return ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON)


def make_executor(init: dict[str, Any]) -> EmbeddedExecutor | RemoteExecutor:
    if init.get("endpoint"):
        return RemoteExecutor(init["endpoint"], float(init.get("timeout", 10.0)))
    return EmbeddedExecutor(init.get("sources", []), store=init.get("store"))


# Dashboards send the same texts again and again: the lexical check is then a dictionary lookup.
_check = lru_cache(maxsize=256)(check_query)


def handle(executor: EmbeddedExecutor | RemoteExecutor, request: dict[str, Any], limits: Limits) -> dict[str, Any]:
    """Answer one request: check, negotiate, run, serialise. Never raises."""
    from api.web.sparql.formats import (
        choose_format,
        serialize_boolean,
        serialize_solutions,
        serialize_triples,
    )

    try:
        checked = _check(request["query"], max_bytes=limits.max_bytes, max_depth=limits.max_depth)
        default_graphs = list(request.get("default_graphs") or [])
        named_graphs = list(request.get("named_graphs") or [])
        wanted = (default_graphs + named_graphs) if (default_graphs or named_graphs) else \
            list(checked.default_graphs + checked.named_graphs)
        _check_graphs(executor, wanted)
        # The engine parses the query here (its answers come lazily): a syntax error is reported
        # before a format nobody could have served.
        result = executor.execute(checked, default_graphs, named_graphs)
        fmt = choose_format(checked.form, request.get("accept"), request.get("format"))
        kind = type(result).__name__
        if kind == "QueryBoolean":
            body, rows, truncated = serialize_boolean(bool(result), fmt), 1, False
        elif checked.returns_graph:
            body, rows, truncated = serialize_triples(result, fmt, limits.max_rows)
        else:
            variables = [v.value for v in result.variables]
            body, rows, truncated = serialize_solutions(variables, result, fmt, limits.max_rows)
        return {"ok": True, "form": checked.form, "media_type": fmt.media_type, "body": body,
                "rows": rows, "truncated": truncated}
    except KGError as e:
        return {"ok": False, "error": type(e).__name__, "message": str(e)}
    except SyntaxError as e:  # pyoxigraph's parser
        return {"ok": False, "error": "QuerySyntaxError", "message": syntax_message(str(e))}
    except Exception:
        return {"ok": False, "error": "internal", "message": traceback.format_exc()}


def _check_graphs(executor: EmbeddedExecutor | RemoteExecutor, wanted: list[str]) -> None:
    missing = [g for g in wanted if g not in executor.known_graphs()]
    if missing and isinstance(executor, RemoteExecutor):
        executor.refresh()
        missing = [g for g in wanted if g not in executor.known_graphs()]
    if missing:
        held = ", ".join(f"<{g}>" for g in sorted(executor.known_graphs())) or "none"
        raise UnknownGraph(f"graph <{missing[0]}> is not in this store (named graphs held: {held}); "
                           "this endpoint never fetches graphs from elsewhere")


def serve(conn: Connection) -> None:
    """Answer requests on ``conn`` until it closes."""
    # The server may close the pipe at any moment (shutdown, or a worker killed at its time limit),
    # even while it sends the store to a worker it has just started: then this process simply ends,
    # without a traceback on the server's stderr.
    try:
        init = conn.recv()["init"]
    except (EOFError, OSError):
        return
    limits = Limits(**init.get("limits", {}))
    executor = make_executor(init)
    _limit_memory(init.get("memory_mb"))
    try:
        conn.send({"ready": True, **executor.info()})
        while True:
            request = conn.recv()
            conn.send(handle(executor, request, limits))
    except (EOFError, OSError):  # BrokenPipeError is an OSError
        return


def _limit_memory(megabytes: int | None) -> None:
    """Cap this process's address space, so a runaway query ends the worker, not the machine.

    ``None`` (the default) sets the cap once the store is loaded: twice the size the process has
    then, and at least 1 GiB more, which fits any store size. ``0`` leaves memory unlimited.
    """
    if megabytes == 0:
        return
    try:
        import resource

        if megabytes:
            limit = int(megabytes) * 1024 * 1024
        else:
            with open("/proc/self/statm") as fh:
                size = int(fh.read().split()[0]) * resource.getpagesize()
            limit = size + max(size, 1024 ** 3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError) as e:  # not Linux: no cap, say so
        log.warning("could not limit query worker memory: %s", e)


def main(argv: list[str]) -> int:
    conn = Connection(int(argv[0]))
    # rdflib's parser recurses a few dozen frames per nesting level; the guard caps the nesting,
    # and a thread with a large stack and a high recursion limit gives every allowed depth room.
    sys.setrecursionlimit(100_000)
    threading.stack_size(256 * 1024 * 1024)
    worker = threading.Thread(target=serve, args=(conn,), name="sparql-worker")
    worker.start()
    worker.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
