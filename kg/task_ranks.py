"""Task tallies in stores and graph files written before them: found, and counted once.

Each plan's tallies (kg.aggregates) include one pk:TaskTally per task naming an organisation: its
count of distinct organisations (pk:organizationCount), the key "tasks with the most organisations"
pages by. A store or graph file written before that count existed answers the question with
nothing; ``policykg serve`` refuses such a store (:func:`lacks_task_tallies`), ``policykg add`` and
``remove`` count the missing tallies once for every plan (:func:`add_missing_task_tallies`) before
their change, and a graph file opened in-process gets them counted (kg.aggregates.ensure_aggregates).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib.namespace import RDF

from kg.aggregates import _AGENTS, _TASKS, _Lines, _rows, _task_tallies
from kg.graph import PREFIXES
from kg.namespace import PK


def lacks_task_tallies(source: Any) -> bool:
    """True when ``source`` holds organisation tallies but no task tally (written before task tallies)."""
    # Two questions, not one with FILTER NOT EXISTS: that one tests every organisation tally of a
    # store that has task tallies (76,000 at 1,000 plans), and `serve` asks it before it answers.
    def has(pattern: str) -> bool:
        return bool(source.query(f"ASK {{ {pattern} }}", initNs=PREFIXES).askAnswer)

    return has("?t a pk:OrganizationTally") and not has("?x a pk:TaskTally")


def task_tally_quads(source: Any) -> bytes:
    """Return every plan's task tallies in ``source`` as N-Quads, each in its plan's graph."""
    tasks = {task: (d, int(float(n)), domain) for d, task, n, domain in _rows(source, _TASKS, None)}
    agents: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # plan → task → orgs
    for task, org in _rows(source, _AGENTS, None):
        if task in tasks:
            agents[tasks[task][0]][task].add(org)
    data: list[str] = []
    for doc, named in sorted(agents.items()):
        out = _Lines()
        _task_tallies(out, tasks, named)
        data += [line[:-1] + f"<{doc}> .\n" for line in out.lines]
    return "".join(data).encode("utf-8")


def add_missing_task_tallies(store: Any) -> int:
    """Count the task tallies of a pyoxigraph ``store`` written before them, once; return how many
    triples that wrote (0: the store has them, or no plan to count)."""
    import pyoxigraph as ox

    typed = ox.NamedNode(str(RDF.type))
    has = {c: next(store.quads_for_pattern(None, typed, ox.NamedNode(str(c))), None) is not None
           for c in (PK.OrganizationTally, PK.TaskTally)}
    if has[PK.TaskTally] or not has[PK.OrganizationTally]:
        return 0
    data = task_tally_quads(store)
    store.load(data, format=ox.RdfFormat.N_QUADS)
    return data.count(b"\n")
