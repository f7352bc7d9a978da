"""How many rows each task list holds for a plan: counts kept on the plan's pk:DocumentTally.

A list of tasks in plan order (tasks with targets, tasks with no deadline…) is paged plan by plan:
a page asks only the plans it spans, which needs each plan's row count before any row is read.
Counting them on every call is a query over the whole corpus (seconds at 1,000 plans), so the
build counts them once per plan, next to the plan's task count (:mod:`kg.aggregates`), and they
come and go with the plan's graph.

Each count matches one saved question's page sub-select (queries/sparql/, ``# page: N by plan
(rows: pk:…)``): the same triple patterns, one row each. tests/queries/test_pages_by_plan.py holds
every such question's rows per plan to the count stored here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rdflib import URIRef

from kg.namespace import PK

# The pattern whose solutions are the rows, ?doc the plan; counted per plan in one grouped query.
_TASK_IN_PLAN = "?task a pk:Task ; pk:taskNumber ?number ; pk:inDocument ?doc . ?doc dcterms:identifier ?document ."
PATTERNS: dict[URIRef, str] = {
    PK.targetCount: "?task pk:hasTarget ?tg . ?tg rdfs:label ?target . " + _TASK_IN_PLAN,
    PK.undatedTaskCount: _TASK_IN_PLAN + " FILTER NOT EXISTS { ?task pk:hasDeadline ?any }",
    PK.preconditionCount: "?task pk:hasPrecondition ?p ; pk:taskNumber ?number ; pk:inDocument ?doc . "
                          "?doc dcterms:identifier ?document .",
    PK.citationCount: "?task pk:cites ?r . ?r rdfs:label ?reference . " + _TASK_IN_PLAN,
    PK.deploymentWaitCount: "?task pk:hasDeploymentWait ?wait ; pk:inDocument ?doc . "
                            "?doc dcterms:identifier ?document .",
    PK.deploymentLevelCount: "?task pk:hasDeploymentWait ?w . ?w pk:deploymentLevel ?level . " + _TASK_IN_PLAN,
    # The lists the analysis and the pictures read plan by plan; OPTIONALs kept, since they may add rows.
    PK.unitMentionCount: 'VALUES (?p ?role) { (pk:leadUnit "lead") (pk:responsibleUnit "responsible") } '
                         "?task ?p ?org . ?task pk:taskNumber ?number ; pk:inDocument ?doc . "
                         "?doc dcterms:identifier ?document .",
    PK.assignmentCount: "?task pk:hasAssignment ?a ; pk:taskNumber ?number ; pk:inDocument ?doc . "
                        "?doc dcterms:identifier ?document . ?a pk:agent ?org ; pk:role ?r . "
                        'VALUES (?r ?role) { (pk:LeadRole "lead") (pk:ResponsibleRole "responsible") } '
                        "OPTIONAL { ?a pk:evidence/pk:startOffset ?start }",
    PK.deadlineCount: "?task pk:hasDeadline ?deadline ; pk:taskNumber ?number ; pk:inDocument ?doc . "
                      "?doc dcterms:identifier ?document . OPTIONAL { ?deadline time:inXSDDate ?date } "
                      "OPTIONAL { ?deadline rdfs:label ?label } OPTIONAL { ?deadline pk:deadlineKind ?kind }",
    PK.deadlineSpanCount: "?task pk:hasDeadline ?deadline ; pk:taskNumber ?number ; pk:inDocument ?doc . "
                          "?doc dcterms:identifier ?document . OPTIONAL { ?deadline time:inXSDDate ?date } "
                          "OPTIONAL { ?deadline rdfs:label ?label } OPTIONAL { ?deadline pk:evidence ?e } "
                          "OPTIONAL { ?deadline pk:deadlineKind ?kind }",
    PK.systemMentionCount: "?task pk:namesSystem ?system ; pk:taskNumber ?number ; pk:inDocument ?doc . "
                           "?doc dcterms:identifier ?document . OPTIONAL { ?system skos:prefLabel ?name }",
    PK.waitAndPreconditionCount: '{ ?task pk:hasDeploymentWait ?wait . BIND ("deployment" AS ?kind) '
                                 "OPTIONAL { ?wait pk:deploymentLevel ?level } } "
                                 'UNION { ?task pk:hasPrecondition ?wait . BIND ("precondition" AS ?kind) } '
                                 "?task pk:taskNumber ?number ; pk:inDocument ?doc . ?doc dcterms:identifier ?document . "
                                 "OPTIONAL { ?wait rdfs:label ?label }",
    PK.numberedDomainCount: "?domain a pk:Domain ; pk:domainNumber ?number ; pk:inDocument ?doc . "
                            "?doc dcterms:identifier ?document .",
    PK.domainCoordinatorCount: "?domain a pk:Domain ; pk:inDocument ?doc . ?doc dcterms:identifier ?document . "
                               "OPTIONAL { ?domain pk:domainNumber ?number } OPTIONAL { ?domain skos:prefLabel ?label } "
                               "OPTIONAL { ?domain pk:domainLead ?lead }",
}


def count_query(prop: URIRef) -> str:
    """Return the query counting the rows of ``prop``'s list per plan (``?doc``, ``?rows``).

    Example:
        >>> print(count_query(PK.preconditionCount)[:60])
        SELECT ?doc (COUNT(*) AS ?rows) WHERE { ?task pk:hasPrecond
    """
    return f"SELECT ?doc (COUNT(*) AS ?rows) WHERE {{ {PATTERNS[prop]} }} GROUP BY ?doc"


def plan_row_counts(rows: Callable[[str], Iterable[tuple[Any, ...]]],
                    plans: Iterable[str]) -> dict[str, dict[URIRef, int]]:
    """Return, for each plan of ``plans``, how many rows each list holds (0 when it has none).

    ``rows(text)`` runs a SELECT (already restricted to one plan, or not) and yields its rows as
    strings, as :func:`kg.aggregates._rows` does.
    """
    counts: dict[str, dict[URIRef, int]] = {d: dict.fromkeys(PATTERNS, 0) for d in plans}
    for prop in PATTERNS:
        for doc, n in rows(count_query(prop)):
            if doc in counts:
                counts[doc][prop] = int(float(n))
    return counts
