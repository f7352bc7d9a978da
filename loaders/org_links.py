"""Links between organisations across levels: vertical management and same-function counterparts.

Both come from curated data by general rules, never from a list of pairs: a body's ``parent``
(loaders/data/registry/) gives org:subOrganizationOf, and its ``function`` key plus the place
hierarchy (loaders/data/places/) give its higher counterparts (Registry.higher_counterparts). The bodies reached this
way are described like any other, so "every market-regulation body in the province" finds the
city and provincial bureaus even when only the county plan is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import ORG

from kg.namespace import PK
from loaders.organizations import Organization, Place, Registry

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class OrgLink:
    """``source`` is managed by (``parent``) or has as higher counterpart (``counterpart``) ``target``."""

    source: Organization
    relation: str
    target: Organization


@dataclass
class OrgLinks:
    """The links found and every body they reach (to be described beside the plan's own bodies)."""

    links: list[OrgLink] = field(default_factory=list)
    reached: list[Organization] = field(default_factory=list)


def organization_links(orgs: Iterable[Organization], registry: Registry, place: Place | None,
                       *, max_depth: int = 6) -> OrgLinks:
    """Return the parent and counterpart links of ``orgs`` and of every body they lead to.

    Bodies reached are followed in turn (a parent's parent, a city counterpart's provincial one),
    so the closure is materialised: county → city → province links and county → province too.
    ``max_depth`` bounds the walk should curated parents ever form a cycle.

    Example:
        >>> from loaders.organizations import load_places
        >>> r, juye = Registry.load(), load_places()["371724"]
        >>> found = organization_links([r.resolve("县税务局", place=juye)], r, juye)
        >>> sorted({(l.relation, l.target.name) for l in found.links if l.source.name == "县税务局"})[:2]
        [('counterpart', '国家税务总局'), ('counterpart', '国家税务总局山东省税务局')]
    """
    out = OrgLinks()
    seen = {o.name for o in orgs}
    frontier = [o for o in orgs if o.known and not o.collective]
    for _ in range(max_depth):
        nxt: list[Organization] = []
        for org in frontier:
            related = [("counterpart", c) for c, _ in registry.higher_counterparts(org, place)]
            parent = registry.parent_of(org, place)
            if parent is not None:
                related.append(("parent", parent))
            for relation, target in related:
                out.links.append(OrgLink(org, relation, target))
                if target.name not in seen:
                    seen.add(target.name)
                    out.reached.append(target)
                    nxt.append(target)
        if not nxt:
            break
        frontier = nxt
    return out


def link_triples(found: OrgLinks, node_for: Callable[[Organization], URIRef]) -> Iterator[Triple]:
    """Yield the triples of ``found``: org:subOrganizationOf, and counterparts in both directions.

    ``node_for`` is the writer's own IRI rule, so the links point at the very nodes it describes.
    """
    for link in found.links:
        s, t = node_for(link.source), node_for(link.target)
        if s == t:
            continue
        if link.relation == "parent":
            yield (s, ORG.subOrganizationOf, t)
            yield (t, ORG.hasSubOrganization, s)
        else:
            yield (s, PK.higherCounterpart, t)
            yield (s, PK.counterpartOf, t)
            yield (t, PK.counterpartOf, s)
