"""Run a SPARQL text that is not a saved question (from the CLI or the query page).

SELECT and ASK answers come back as rows of plain values; CONSTRUCT and DESCRIBE as rows of
subject/predicate/object, so every caller can print or export them the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import Graph

from kg.errors import QuerySyntaxError
from kg.graph import PREFIXES
from queries.library import rows_from_result, term_to_python

if TYPE_CHECKING:
    from kg.remote_store import RemoteStore


def run_text(g: Graph | RemoteStore, sparql: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Run ``sparql`` on ``g`` (a local graph or a remote store); return (rows, column names).

    Raises:
        QuerySyntaxError: the text is not valid SPARQL 1.1 (the parser's message is kept).
    """
    try:
        result = g.query(sparql, initNs=PREFIXES)
    except SyntaxError as e:
        raise QuerySyntaxError(str(e)) from e
    except Exception as e:
        if type(e).__name__ in {"ParseException", "ParseSyntaxException"}:
            raise QuerySyntaxError(str(e)) from e
        raise
    if result.type == "ASK":
        return [{"result": bool(result.askAnswer)}], ["result"]
    if result.type in {"CONSTRUCT", "DESCRIBE"}:
        rows = [{"subject": term_to_python(s), "predicate": term_to_python(p), "object": term_to_python(o)}
                for s, p, o in result.graph]
        return rows, ["subject", "predicate", "object"]
    rows = rows_from_result(result)
    return rows, [str(v) for v in result.vars]
