"""Where a thing of the graph is shown on this server: its IRI's path under /id/, /ontology#Term.

The graph mints instance IRIs under https://w3id.org/policykg/id/ (kg.iri); each resolves at the
same path on the server. A link is the IRI turned into a URI (RFC 3987 §3.1): characters outside
ASCII are percent-encoded as UTF-8, escapes already in the IRI (``%2F``) are kept as they are.
"""

from __future__ import annotations

from urllib.parse import quote

from kg.iri import BASE
from kg.namespace import PK

ID_PREFIX = "/id/"
_SAFE = "/%:@!$&'()*+,;=-._~"


def href_for(iri: str) -> str:
    """Return the link to ``iri``'s page: /id/… for the graph's things, /ontology#… for its terms.

    Any other IRI is returned as it is (it names something outside the graph).

    Example:
        >>> href_for("https://w3id.org/policykg/id/document/巨政发〔2023〕5号/task/5")
        '/id/document/%E5%B7%A8%E6%94%BF%E5%8F%91%E3%80%942023%E3%80%955%E5%8F%B7/task/5'
        >>> href_for("https://w3id.org/policykg/ontology#Task")
        '/ontology#Task'
    """
    if iri.startswith(BASE):
        return ID_PREFIX + quote(iri[len(BASE):], safe=_SAFE)
    if iri.startswith(str(PK._NS)):
        return "/ontology#" + quote(iri[len(str(PK._NS)):], safe="")
    return iri
