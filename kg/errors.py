"""The few errors policykg raises. Library code raises these; the CLI prints them as one line and
the API maps them to one JSON shape. Nothing here prints or knows about HTTP."""

from __future__ import annotations


class KGError(Exception):
    """Base of every error policykg reports to a user."""


class OntologyError(KGError):
    """The ontology file is missing, unparsable, or a term is used that it does not declare."""


class LoadError(KGError):
    """Input that cannot be read: says which file and where in it (条/段, line or offset)."""

    def __init__(self, source: str, locator: str, message: str) -> None:
        self.source, self.locator, self.message = source, locator, message
        where = f"{source}: {locator}" if locator else source
        super().__init__(f"{where}: {message}")


class GraphNotFound(KGError):
    """No built graph where one was expected (run `policykg build` first)."""


class QueryNotFound(KGError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no saved query named {name!r}")


class QueryParameterError(KGError):
    def __init__(self, name: str, param: str, message: str = "") -> None:
        self.name, self.param = name, param
        super().__init__(f"query {name!r}: parameter {param!r}: {message}".rstrip(": "))


class QuerySyntaxError(KGError):
    """A SPARQL text that does not parse; the message is the parser's."""


class QueryRefused(KGError):
    """A query the read-only service will not run (update, LOAD, SERVICE, unknown graph)."""


class QueryTimeout(KGError):
    """A query that ran into its time limit and was stopped."""


class StoreError(KGError):
    """A remote SPARQL store that cannot be reached or answers with an error."""
