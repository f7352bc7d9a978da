"""A small pool of query worker processes with a time limit that really stops the work.

Each worker (:mod:`api.web.sparql.worker`) holds its own copy of the store and answers one query
at a time. A query that runs past the limit gets its worker killed (SIGKILL) and a fresh one
started in the background, while the other workers go on answering: one expensive query costs
one worker for at most the time limit, never the server.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection, Pipe
from typing import Any

from api.web.sparql import guard
from kg import errors
from kg.errors import KGError, QueryTimeout, StoreError

log = logging.getLogger("policykg.sparql")

# Error names a worker may send back, and the exception each becomes here.
_ERRORS: dict[str, type[KGError]] = {
    cls.__name__: cls for cls in (
        errors.QuerySyntaxError, errors.QueryRefused, errors.QueryTimeout, errors.StoreError,
        guard.QueryTooLarge, guard.QueryTooDeep, guard.UnknownGraph,
    )
}


def _error(name: str, message: str) -> KGError:
    if name == "NotAcceptable":
        from api.web.sparql.formats import NotAcceptable

        return NotAcceptable(message)
    cls = _ERRORS.get(name, StoreError)
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    return exc


class _Worker:
    def __init__(self, init: dict[str, Any], start_timeout: float) -> None:
        parent, child = Pipe(duplex=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.web.sparql.worker", str(child.fileno())],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, close_fds=True,
            cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        child.close()
        self.conn: Connection = parent
        try:
            parent.send({"init": init})
            if not parent.poll(start_timeout):
                raise StoreError(f"query worker did not start within {start_timeout:g} s")
            self.info: dict[str, Any] = parent.recv()
        except (EOFError, OSError) as e:
            self.kill()
            raise StoreError(f"query worker failed to start: {e}") from None
        except BaseException:
            self.kill()
            raise

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.conn.close()


class QueryPool:
    """Run checked, time-limited SPARQL queries in worker processes.

    Args:
        init: what each worker loads: ``{"sources": [(bytes, rdflib format name, base IRI)…]}`` for an
            embedded store, or ``{"endpoint": URL}`` for a remote one; plus ``limits``
            (max_rows, max_bytes, max_depth) and optionally ``memory_mb`` (the worker's address
            space cap; 0 = none; by default twice the loaded store, at least +1 GiB).
        size: number of workers, i.e. queries answered at the same time.
        timeout: seconds a query may run (parsing and serialising included).
    """

    def __init__(self, init: dict[str, Any], *, size: int = 2, timeout: float = 10.0,
                 start_timeout: float = 60.0) -> None:
        self.init = init
        self.size = max(1, size)
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.info: dict[str, Any] = {}
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start every worker (in parallel) and wait until they are ready."""
        results: list[_Worker | BaseException] = []

        def spawn() -> None:
            try:
                results.append(_Worker(self.init, self.start_timeout))
            except BaseException as e:  # reported below, in the caller's thread
                results.append(e)

        threads = [threading.Thread(target=spawn) for _ in range(self.size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        failures = [r for r in results if isinstance(r, BaseException)]
        for w in results:
            if isinstance(w, _Worker):
                self._add(w)
        if failures:
            self.close()
            raise failures[0]
        self.info = next(w for w in results if isinstance(w, _Worker)).info

    def _add(self, w: _Worker) -> None:
        with self._lock:
            if self._closed:
                w.kill()
                return
            self._all.add(w)
        self._idle.put(w)

    def _replace(self, w: _Worker, reason: str) -> None:
        """Kill ``w`` now and start its successor in the background."""
        log.warning("replacing query worker %s: %s", w.proc.pid, reason)
        with self._lock:
            self._all.discard(w)
        w.kill()

        def respawn() -> None:
            for attempt in range(5):
                if self._closed:
                    return
                try:
                    self._add(_Worker(self.init, self.start_timeout))
                    return
                except Exception as e:
                    log.error("query worker failed to start (attempt %d): %s", attempt + 1, e)
                    time.sleep(min(30, 2 ** attempt))

        threading.Thread(target=respawn, name="sparql-worker-respawn", daemon=True).start()

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        """Answer one request (see :func:`api.web.sparql.worker.handle`); blocks the calling thread.

        Raises:
            QueryTimeout: the query ran into the time limit (its worker was killed), or every
                worker stayed busy for longer than that.
            KGError subclasses: what the worker reported (syntax, refused, unknown graph…).
            StoreError: the worker died.
        """
        # A busy worker is freed or killed within the time limit; allow for a respawn too.
        wait = self.timeout + self.start_timeout / 4
        deadline = time.monotonic() + wait
        while True:
            try:
                w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise QueryTimeout(f"every query worker stayed busy for {wait:g} s; try again later") from None
            if w.alive():
                break
            self._replace(w, "found dead")
        try:
            w.conn.send(request)
            if not w.conn.poll(self.timeout):
                self._replace(w, "time limit")
                raise QueryTimeout(f"query stopped at the time limit of {self.timeout:g} s")
            reply = w.conn.recv()
        except (EOFError, OSError) as e:
            self._replace(w, f"died: {e!r}")
            raise StoreError("the query worker died while answering (most likely the query needed more "
                             "memory than a worker may use)") from None
        self._idle.put(w)
        if reply.get("ok"):
            return reply
        if reply.get("error") == "internal":
            raise RuntimeError(f"query worker failed:\n{reply.get('message')}")
        raise _error(reply["error"], reply["message"])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()
