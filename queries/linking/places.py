"""Wikidata identifiers for the graph's divisions: from the graph, a remote endpoint, or the snapshot.

Wikidata records each Chinese division's GB/T 2260 code under property P442, so a division code is
enough to find the item: ``?item wdt:P442 "371724"``. Online, ``policykg link --endpoint
https://query.wikidata.org/sparql`` asks that for every division the graph holds without an id
(one query, answers cached on disk); offline, the snapshot shipped in queries/linking/data gives
the ids a curator checked, and says which are still unresolved. An ambiguous answer (two items
for one code) is left unresolved rather than guessed.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from kg.errors import LoadError
from kg.graph import PREFIXES
from queries.library import rows_from_result
from queries.linking.data import WIKIDATA_SNAPSHOT
from queries.linking.endpoint import CachedEndpoint

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
WD = "http://www.wikidata.org/entity/"
WDT_P442 = "http://www.wikidata.org/prop/direct/P442"

_PLACES = """
SELECT ?place ?code ?name ?match WHERE {
  ?place a pk:AdministrativeDivision ; pk:divisionCode ?code .
  OPTIONAL { ?place skos:prefLabel ?name }
  OPTIONAL { ?place skos:exactMatch ?match FILTER(STRSTARTS(STR(?match), "http://www.wikidata.org/entity/")) }
}"""

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class PlaceMatch:
    """A division and its Wikidata item (None when unresolved), with where the answer came from."""

    place: str
    code: str
    name: str
    wikidata: str | None
    origin: str  # graph | endpoint | snapshot | unresolved
    note: str = ""


def read_snapshot(path: Path = WIKIDATA_SNAPSHOT) -> dict[str, tuple[str, str | None, str]]:
    """Return {code: (name, Q-id or None, status)} from a snapshot TSV.

    Example:
        >>> read_snapshot()["371700"][1], read_snapshot()["371724"][1:]
        ('Q332753', (None, 'unresolved'))
    """
    try:
        lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    except OSError as exc:
        raise LoadError(str(path), "", f"cannot read: {exc}") from exc
    out = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        qid = (row.get("wikidata") or "").strip() or None
        status = (row.get("status") or "").strip()
        if status not in {"resolved", "unresolved"} or (status == "resolved") != bool(qid):
            raise LoadError(str(path), f"code {row.get('code')}", "status must be resolved (with an id) or unresolved")
        out[row["code"].strip()] = (row.get("name", "").strip(), qid, status)
    return out


def p442_query(codes: Iterable[str]) -> str:
    """Return the Wikidata query for the items of ``codes`` (6-digit, and the 12-digit form too)."""
    values = " ".join(f'"{c}" "{c}000000"' for c in sorted(set(codes)) if c.isdigit())
    return ("PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
            f"SELECT ?code ?item WHERE {{ VALUES ?code {{ {values} }} ?item wdt:P442 ?code . }}")


def resolve_places(source: Any, *, endpoint: CachedEndpoint | None = None,
                   snapshot: Path = WIKIDATA_SNAPSHOT) -> list[PlaceMatch]:
    """Return a match for every division in ``source``: kept from the graph, else asked, else snapshot."""
    rows = rows_from_result(source.query(_PLACES, initNs=PREFIXES))
    known = {r["place"]: r["match"] for r in rows if r.get("match")}
    places = {r["place"]: (str(r["code"]), r.get("name") or "") for r in rows}
    todo = {p: c for p, (c, _) in places.items() if p not in known}
    answers: dict[str, set[str]] = defaultdict(set)
    if endpoint is not None and todo:
        for r in endpoint.select(p442_query(todo.values())):
            code, item = str(r.get("code", ""))[:6], str(r.get("item", ""))
            if item.startswith(WD):
                answers[code].add(item.removeprefix(WD))
    snap = read_snapshot(snapshot)
    out = []
    for place, (code, name) in sorted(places.items()):
        if place in known:
            out.append(PlaceMatch(place, code, name, known[place].removeprefix(WD), "graph"))
        elif len(answers.get(code, ())) == 1:
            out.append(PlaceMatch(place, code, name, next(iter(answers[code])), "endpoint"))
        elif len(answers.get(code, ())) > 1:
            out.append(PlaceMatch(place, code, name, None, "unresolved",
                                  f"ambiguous: {', '.join(sorted(answers[code]))}"))
        elif code in snap and snap[code][1]:
            out.append(PlaceMatch(place, code, name, snap[code][1], "snapshot"))
        else:
            note = f'unresolved: ask P442 = "{code}" online (policykg link --endpoint {WIKIDATA_SPARQL})'
            out.append(PlaceMatch(place, code, name, None, "unresolved", note))
    return out


def place_triples(matches: Iterable[PlaceMatch]) -> Iterator[Triple]:
    """Yield skos:exactMatch links for the matches the graph did not already hold."""
    for m in matches:
        if m.wikidata and m.origin != "graph":
            yield (URIRef(m.place), SKOS.exactMatch, URIRef(WD + m.wikidata))
