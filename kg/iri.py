"""The only place that mints instance IRIs.

IRIs come from stable keys (文号, task number, canonical organisation name, division code), never
from list positions or run order, so the same input always gives the same graph. Keys stay
readable: Chinese characters are legal in IRIs (RFC 3987) and Turtle/SPARQL accept them; only
characters that would break an IRI or its path structure are percent-encoded.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import URIRef

BASE = "https://w3id.org/policykg/id/"

# Characters not allowed in a Turtle IRIREF, plus the ones that would change the IRI's structure.
_UNSAFE = set('<>"{}|^`\\ /?#%[]') | {chr(c) for c in range(0x21)} | {"\u3000"}
_ESCAPES = str.maketrans({ch: "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in _UNSAFE})


@lru_cache(maxsize=65536)  # a corpus repeats the same keys (文号, unit names) hundreds of thousands of times
def escape_key(key: str) -> str:
    """Return ``key`` made safe as one IRI path segment.

    Example:
        >>> escape_key("巨政发〔2023〕5号")
        '巨政发〔2023〕5号'
        >>> escape_key("a/b c")
        'a%2Fb%20c'
    """
    return key.strip().translate(_ESCAPES)


def iri_for(kind: str, *keys: object) -> URIRef:
    """Return the IRI of an instance of ``kind`` identified by ``keys``.

    Example:
        >>> str(iri_for("document", "巨政发〔2023〕5号"))
        'https://w3id.org/policykg/id/document/巨政发〔2023〕5号'
    """
    if not keys:
        raise ValueError("iri_for needs at least one key")
    return URIRef(BASE + "/".join([kind, *(escape_key(str(k)) for k in keys)]))


def child_iri(parent: URIRef, kind: str, *keys: object) -> URIRef:
    """Return an IRI below ``parent``: a task below its document, a deadline below its task.

    Example:
        >>> str(child_iri(iri_for("document", "X"), "task", 7))
        'https://w3id.org/policykg/id/document/X/task/7'
    """
    return URIRef(str(parent) + "/" + "/".join([kind, *(escape_key(str(k)) for k in keys)]))


def id_of(kind: str, iri: str) -> str:
    """Return the short id of an IRI of ``kind`` (the path after ``…/id/<kind>/``); other IRIs unchanged.

    Example:
        >>> id_of("org", "https://w3id.org/policykg/id/org/371724/县商务局")
        '371724/县商务局'
    """
    base = f"{BASE}{kind}/"
    return iri[len(base):] if iri.startswith(base) else iri


def iri_of(kind: str, id_or_iri: str) -> str:
    """Return the IRI of the ``kind`` instance with this short id; a full IRI is returned as given.

    Example:
        >>> iri_of("org", "371724/县商务局")
        'https://w3id.org/policykg/id/org/371724/县商务局'
    """
    if re.match(r"^(https?|urn):", id_or_iri):
        return id_or_iri
    return f"{BASE}{kind}/" + id_or_iri.strip("/")
