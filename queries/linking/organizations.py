"""Our organisations matched to those of an imported outside graph: by government function, else by name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph
from rdflib.namespace import SKOS

from kg.graph import PREFIXES
from kg.textsim import label_similarity
from queries.library import rows_from_result
from queries.linking.align import Alignment

_ORGS = """
SELECT ?org ?name ?function ?level ?place WHERE {
  ?org a org:Organization ; skos:prefLabel ?name .
  OPTIONAL { ?org pk:governmentFunction ?function } OPTIONAL { ?org pk:level ?level }
  OPTIONAL { ?org pk:jurisdiction ?place } }"""


def match_organizations(imported: Graph, local: Any, *, place_names: Iterable[str] = (),
                        min_label: float = 0.8) -> list[Alignment]:
    """Return links from our organisations to imported ones.

    By rule first: the one body of ours with the same function, level and division (the counterpart
    rule in reverse). Else by name, place names removed, at or above ``min_label`` (same level if
    both say): skos:exactMatch when the names are equal, skos:closeMatch otherwise.
    """
    theirs = rows_from_result(imported.query(_ORGS, initNs=PREFIXES))
    ours = [r for r in rows_from_result(local.query(_ORGS, initNs=PREFIXES)) if r["org"] not in
            {t["org"] for t in theirs}]
    names = sorted(set(place_names), key=len, reverse=True)

    def bare(name: str) -> str:
        for n in names:
            name = name.replace(n, "")
        return name

    found: dict[str, Alignment] = {}
    for t in theirs:
        if t["org"] in found:
            continue
        same = [o for o in ours if t.get("function") and o.get("function") == t["function"]
                and o.get("level") == t.get("level") and o.get("place") == t.get("place")]
        if len({o["org"] for o in same}) == 1:
            found[t["org"]] = Alignment(same[0]["org"], t["org"], SKOS.exactMatch, 1.0, ("function_rule",),
                                        (f"same function, level and division: {same[0]['name']} / {t['name']}",))
            continue
        scored = [(label_similarity(bare(o["name"]), bare(t["name"])), o["org"], o["name"]) for o in ours
                  if not (o.get("level") and t.get("level")) or o["level"] == t["level"]]
        score, org, name = max(scored, default=(0.0, "", ""))
        if score >= min_label:
            found[t["org"]] = Alignment(org, t["org"], SKOS.exactMatch if score == 1.0 else SKOS.closeMatch,
                                        round(score, 4), ("label_similarity",), (f"names {name} / {t['name']}",))
    return sorted(found.values(), key=lambda a: (a.subject, a.object))
