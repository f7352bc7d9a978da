"""A remote SPARQL endpoint read politely: named User-Agent, POST for long queries, back-off, disk cache.

Public endpoints (Wikidata's, a province's open-data KG) ask clients to say who they are, to not
hammer them, and to slow down when told (HTTP 429 Too Many Requests, 503 Service Unavailable,
with an optional Retry-After). Answers are cached on disk by (endpoint, query, format), so a
second `policykg link` run — or one on an intranet with no route out (``offline=True``) — gets the
same answers without a request.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from kg.errors import StoreError

USER_AGENT = ("policykg/0.1 (policy implementation-plan knowledge graph; linking across government levels; "
              "https://w3id.org/policykg) SPARQLWrapper")
RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
RETRY_STATUSES = frozenset({429, 503})


class LinkError(StoreError):
    """A remote endpoint could not be read (refused, unreachable, or not cached while offline)."""


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/policykg/sparql`` (``~/.cache/policykg/sparql`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policykg" / "sparql"


@dataclass
class CachedEndpoint:
    """A SPARQL endpoint queried through SPARQLWrapper, with a cache and back-off.

    Args:
        url: the endpoint (https://query.wikidata.org/sparql, http://127.0.0.1:7878/query …).
        cache_dir: where answers are kept; None for no cache.
        offline: answer from the cache only; a query not cached raises LinkError.
        user_agent: sent with every request.
        post_over: queries longer than this many characters are sent by POST (GET URLs are
            limited to a few kilobytes by servers and proxies).
        retries: how many times a 429/503 or a dropped connection is retried.
        backoff: first wait in seconds; doubled after each retry, unless the server's
            Retry-After says otherwise (capped at ``max_wait``).
        sleep: the function that waits (tests pass a recorder).
    """

    url: str
    cache_dir: Path | None = None
    offline: bool = False
    user_agent: str = USER_AGENT
    post_over: int = 1500
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 60.0
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0

    # -- public ----------------------------------------------------------------------------------

    def select(self, query: str) -> list[dict[str, Any]]:
        """Return a SELECT's rows as {variable: rdflib term} (unbound variables left out)."""
        data = json.loads(self.fetch(query, RESULTS_JSON))
        return [{k: _term(v) for k, v in b.items()} for b in data.get("results", {}).get("bindings", [])]

    def construct(self, query: str) -> Graph:
        """Return a CONSTRUCT's (or DESCRIBE's) triples as a graph."""
        g = Graph()
        body = self.fetch(query, NTRIPLES)
        if body.strip():
            g.parse(data=body, format="nt")
        return g

    def fetch(self, query: str, accept: str) -> str:
        """Return the endpoint's answer to ``query`` in media type ``accept``, from the cache if there."""
        path = self._cache_path(query, accept)
        if path is not None and path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))["body"]
        if self.offline:
            raise LinkError(f"{self.url}: offline and this query is not cached"
                            + (f" in {self.cache_dir}" if self.cache_dir else ""))
        body = self._request(query, accept)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"url": self.url, "accept": accept, "query": query, "body": body,
                                       "fetched": datetime.now(UTC).isoformat(timespec="seconds")},
                                      ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        return body

    # -- internals -----------------------------------------------------------------------------

    def _cache_path(self, query: str, accept: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256("\n".join((self.url, accept, query)).encode("utf-8")).hexdigest()
        return Path(self.cache_dir) / key[:2] / f"{key}.json"

    def _request(self, query: str, accept: str) -> str:
        from SPARQLWrapper import GET, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        wait = self.backoff
        for attempt in range(self.retries + 1):
            sw = SPARQLWrapper(self.url, agent=self.user_agent)
            sw.setQuery(query)
            sw.setMethod(POST if len(query) > self.post_over else GET)
            sw.setOnlyConneg(True)  # no format=… URL parameter: some servers reject unknown ones
            sw.addCustomHttpHeader("Accept", accept)
            sw.setTimeout(int(self.timeout))
            try:
                self.requests_made += 1
                response = sw.query().response
                return response.read().decode("utf-8")
            except urllib.error.HTTPError as e:
                if e.code not in RETRY_STATUSES or attempt == self.retries:
                    raise LinkError(f"{self.url}: HTTP {e.code} {e.reason}") from e
                wait = _retry_after(e.headers.get("Retry-After"), default=wait, cap=self.max_wait)
            except (TimeoutError, urllib.error.URLError, ConnectionError) as e:
                if attempt == self.retries:
                    raise LinkError(f"{self.url}: cannot connect: {getattr(e, 'reason', e)}") from e
            except SPARQLWrapperException as e:
                raise LinkError(f"{self.url}: {type(e).__name__}: {str(e).splitlines()[0]}") from e
            self.sleep(wait)
            wait = min(wait * 2, self.max_wait)
        raise LinkError(f"{self.url}: gave up after {self.retries} retries")  # not reached


def _retry_after(value: str | None, *, default: float, cap: float) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), else ``default``.

    Example:
        >>> _retry_after("3", default=1.0, cap=60.0), _retry_after(None, default=2.0, cap=60.0)
        (3.0, 2.0)
    """
    if not value:
        return default
    try:
        return min(max(float(value), 0.0), cap)
    except ValueError:
        pass
    try:
        delta = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError):
        return default
    return min(max(delta, 0.0), cap)


def _term(binding: dict[str, str]) -> URIRef | Literal | BNode:
    """An rdflib term from one SPARQL JSON results binding."""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    if "datatype" in binding:
        return Literal(value, datatype=URIRef(binding["datatype"]))
    return Literal(value)
