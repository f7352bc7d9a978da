"""A bounded HTTP load generator and a way to run the API in a child process, for benchmarks and
the reliability tests.

Bounded on purpose: a fixed number of client threads, a fixed duration and a cap on requests, and
only loopback addresses — it can never run away or reach another machine.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass(frozen=True)
class Call:
    """One request the clients cycle through: GET with ``params`` or POST with ``data``."""

    path: str
    params: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    label: str = ""


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    error_samples: list[str]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]

    def summary(self) -> dict[str, float | int]:
        return {
            "requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 2),
            "rps": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 2), "p99_ms": round(self.percentile(99), 2),
            "max_ms": round(max(self.latencies_ms), 2) if self.latencies_ms else float("nan"),
        }


def run_load(base_url: str, calls: Sequence[Call], *, clients: int = 16, seconds: float = 5.0,
             max_requests: int = 200_000, timeout: float = 30.0) -> LoadResult:
    """Send ``calls`` round-robin from ``clients`` threads for ``seconds``; any non-2xx is an error.

    Raises:
        ValueError: ``base_url`` is not a loopback address.
    """
    host = urlparse(base_url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"load tests only target this machine (loopback), not {host!r}")
    lock = threading.Lock()
    lat: list[float] = []
    errors: list[str] = []
    count = [0]
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        i = offset
        with httpx.Client(base_url=base_url, timeout=timeout) as client:
            while time.perf_counter() < deadline:
                with lock:
                    if count[0] >= max_requests:
                        return
                    count[0] += 1
                c = calls[i % len(calls)]
                i += 1
                t0 = time.perf_counter()
                try:
                    if c.data is not None:
                        r = client.post(c.path, data=c.data, headers=c.headers)
                    else:
                        r = client.get(c.path, params=c.params, headers=c.headers)
                    ok = 200 <= r.status_code < 300
                    why = f"{c.label or c.path}: HTTP {r.status_code} {r.text[:120]}"
                except httpx.HTTPError as e:
                    ok, why = False, f"{c.label or c.path}: {type(e).__name__}: {e}"
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    lat.append(ms)
                    if not ok:
                        errors.append(why)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout + 5)
    elapsed = time.perf_counter() - start
    return LoadResult(len(lat), len(errors), elapsed, lat, errors[:5])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_graph(graph: Path, *, store: str = "oxigraph", env: dict[str, str] | None = None,
                startup_timeout: float = 600.0, ready_path: str = "/queries") -> Iterator[tuple[str, int]]:
    """Run ``uvicorn`` on 127.0.0.1 serving ``graph`` in a child process; yield (base URL, pid).

    ``graph`` is a graph file, or a policykg store directory (policykg build). The app comes from
    api.web.app.create_app with settings from the environment (POLICYKG_*), as ``policykg serve``
    builds it. The child is stopped (SIGTERM, then SIGKILL) on exit.
    """
    from kg.store import is_store

    port = free_port()
    where = {"POLICYKG_STORE_PATH": str(graph)} if is_store(graph) else {"POLICYKG_GRAPH_PATHS": str(graph)}
    child_env = {**os.environ, **where, "POLICYKG_STORE": store, **(env or {})}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "benchmarks.loadgen:app_from_env",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, env=child_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        t_end = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"API server exited with {proc.returncode}: {err[-2000:]}")
            try:
                if httpx.get(base + ready_path, timeout=5).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > t_end:
                raise TimeoutError(f"API server not ready after {startup_timeout} s")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a process and its descendants (the SPARQL workers), in MB.

    A sum of each process's own peak: an upper bound of what they held at once. None without /proc.
    """
    total, seen, stack = 0, set(), [pid]
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            if p == pid:
                return None
    return round(total / 1024, 1)


def app_from_env():  # pragma: no cover - run by uvicorn in the child process
    """uvicorn factory: the API app with settings read from the environment (like `policykg serve`)."""
    from api.settings import get_settings
    from api.web.app import create_app

    return create_app(get_settings())


def median_ms(xs: Sequence[float]) -> float:
    return round(statistics.median(xs) * 1000, 2)
