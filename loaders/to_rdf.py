"""Turn a parsed PolicyDocument into triples of the policykg ontology.

Uses only kg.namespace (terms) and kg.iri (IRIs). Organisation names are resolved through the
registry here, not in the parser, so the parser stays a pure reading of the text. Every fact gets
a pk:evidence link to a pk:TextSpan holding its offsets, quote and sentence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, TIME, XSD

from kg import vocab
from kg.iri import child_iri, iri_for
from kg.namespace import PK
from kg.vocab import ORGANIZATION_KINDS, level_iri, role_iri
from loaders.functions import concept_triples, default_scheme
from loaders.jurisdiction import document_key, find_place
from loaders.org_links import link_triples, organization_links
from loaders.organizations import Organization, Place, Registry
from loaders.places import Places, load_places
from loaders.records import PolicyDocument, Problem, Role, Severity, Span, Task, UnitMention
from loaders.task_facts import plan_system_names

Triple = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]

# The direct property each role also asserts beside its pk:Assignment (the role's own IRI is the
# ontology's, by its notation: kg.vocab.role).
ROLE_PROPERTIES: dict[Role, URIRef] = {
    Role.LEAD: PK.leadUnit,
    Role.RESPONSIBLE: PK.responsibleUnit,
    Role.DOMAIN_LEAD: PK.domainLead,
}


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def document_iri(doc: PolicyDocument, place: Place | None = None) -> URIRef:
    """The document's IRI: document/<place code>/<key>, the key its 文号, else its title, else a text hash.

    A 文号 such as 东政发〔2023〕5号 repeats across counties, so the place is part of the IRI; without
    ``place`` it is found from the document alone (:func:`loaders.jurisdiction.find_place`).
    """
    if place is None:
        place = find_place(doc, _national_places()).place
    return iri_for("document", place.code, document_key(doc))


@lru_cache(maxsize=1)
def _national_places() -> Places:
    return load_places()


def place_iri(place: Place) -> URIRef:
    return iri_for("place", place.code)


def organization_iri(org: Organization, place: Place | None) -> URIRef:
    """Organisations are scoped by jurisdiction: 县市场监督管理局 of one county is not another's.

    ``place`` is the body's own division (Registry.home_place): a city body named in a county plan
    gets the same IRI as in the city's plan.
    """
    return vocab.organization_iri(place.code if place else None, org.name)


@dataclass
class TripleWriter:
    """Collects the triples of one or more documents, minting each shared node once."""

    registry: Registry
    place: Place | None = None
    problems: list[Problem] = field(default_factory=list)
    _orgs: dict[URIRef, Organization] = field(default_factory=dict)
    _written: dict[URIRef, set[str]] = field(default_factory=dict)  # names as the plans wrote them
    _spans: set[URIRef] = field(default_factory=set)

    # -- building blocks ----------------------------------------------------------------------

    def evidence(self, subject: URIRef, doc_iri: URIRef, span: Span) -> Iterator[Triple]:
        """Link ``subject`` to the text span it was read from (each span node minted once)."""
        node = child_iri(doc_iri, "span", f"{span.start}-{span.end}")
        yield (subject, PK.evidence, node)
        if node in self._spans:
            return
        self._spans.add(node)
        yield (node, RDF.type, PK.TextSpan)
        yield (node, PK.inDocument, doc_iri)
        yield (node, PK.startOffset, Literal(span.start))
        yield (node, PK.endOffset, Literal(span.end))
        yield (node, PK.quote, Literal(span.text))
        if span.sentence:
            yield (node, PK.sentence, Literal(span.sentence))

    def organization(self, name: str, source: str, locator: str) -> URIRef:
        org = self.registry.resolve(name, place=self.place)
        node = self.org_node(org)
        self._written.setdefault(node, set()).add(name.strip())
        if node not in self._orgs:
            self._orgs[node] = org
            if not org.known:
                self.problems.append(Problem(
                    Severity.WARN, source, locator,
                    f"organisation {name!r} is not in the registry; kept as a new organisation",
                ))
        return node

    def org_node(self, org: Organization) -> URIRef:
        return organization_iri(org, self.registry.home_place(org, self.place))

    def organization_triples(self) -> Iterator[Triple]:
        # Parents and same-function counterparts at higher levels (loaders/org_links.py) are
        # described like the plan's own bodies, so links never dangle.
        found = organization_links(list(self._orgs.values()), self.registry, self.place)
        for org in found.reached:
            self._orgs.setdefault(self.org_node(org), org)
        yield from link_triples(found, self.org_node)
        yield from concept_triples(default_scheme(), {o.function for o in self._orgs.values() if o.function})
        for node, org in sorted(self._orgs.items()):
            yield (node, RDF.type, ORG.Organization)
            yield (node, RDF.type, ORGANIZATION_KINDS.get(org.kind, PK.GovernmentAgency))
            if org.collective:
                # A collective of real bodies (水、电、气、热各专营单位) keeps its kind and is also a
                # pk:CollectiveUnit, so rankings never count it as one organisation.
                yield (node, RDF.type, PK.CollectiveUnit)
            yield (node, SKOS.prefLabel, zh(org.name))
            yield (node, RDFS.label, zh(org.name))
            # Registered aliases, and every form a plan wrote the name in (市发改委 for 菏泽市发展和改革委员会).
            for alias in sorted({*org.aliases, *self._written.get(node, ())} - {org.name}):
                yield (node, SKOS.altLabel, zh(alias))
            yield (node, PK.registered, Literal(org.known))
            if level := level_iri(org.level):
                yield (node, PK.level, level)
            if org.function:
                yield (node, PK.governmentFunction, iri_for("function", org.function))
            home = self.registry.home_place(org, self.place)
            if home is not None:
                yield (node, PK.jurisdiction, place_iri(home))

    def assignment(self, holder: URIRef, doc: PolicyDocument, doc_iri: URIRef,
                   mention: UnitMention, locator: str) -> Iterator[Triple]:
        role_node, shortcut = role_iri(mention.role), ROLE_PROPERTIES[mention.role]
        org = self.organization(mention.name, doc.source, locator)
        yield (holder, shortcut, org)
        a = child_iri(holder, "assignment", mention.role.value, mention.span.start)
        yield (holder, PK.hasAssignment, a)
        yield (a, RDF.type, PK.Assignment)
        yield (a, PK.agent, org)
        yield (a, PK.role, role_node)
        yield (a, PK.mentionText, zh(mention.name))
        yield from self.evidence(a, doc_iri, mention.span)

    # -- documents ----------------------------------------------------------------------------

    def document(self, doc: PolicyDocument) -> Iterator[Triple]:
        d = document_iri(doc, self.place)
        yield (d, RDF.type, PK.PolicyDocument)
        yield (d, RDF.type, PK.ImplementationPlan)
        if doc.title:
            yield (d, DCTERMS.title, zh(doc.title))
            yield (d, RDFS.label, zh(doc.title))
        if doc.doc_number:
            yield (d, DCTERMS.identifier, Literal(doc.doc_number))
        if doc.issued:
            yield (d, DCTERMS.issued, Literal(doc.issued, datatype=XSD.date))
        if doc.plan_year:
            yield (d, PK.planYear, Literal(str(doc.plan_year), datatype=XSD.gYear))
        if doc.issuer:
            yield (d, PK.issuer, self.organization(doc.issuer, doc.source, "issuer"))
        if self.place is not None:
            yield (d, PK.jurisdiction, place_iri(self.place))
        yield (d, PK.sourceFile, Literal(doc.source.rsplit("/", 1)[-1]))
        yield (d, PK.sourceEncoding, Literal(doc.encoding))
        yield (d, PK.sourceText, Literal(doc.text))

        for dom in doc.domains:
            dn = child_iri(d, "domain", dom.number)
            yield (dn, RDF.type, PK.Domain)
            yield (dn, PK.domainNumber, Literal(dom.number))
            yield (dn, SKOS.prefLabel, zh(dom.label))
            yield (dn, RDFS.label, zh(dom.label))
            yield (dn, PK.inDocument, d)
            yield from self.evidence(dn, d, dom.span)
            for m in dom.leads:
                yield from self.assignment(dn, doc, d, m, f"domain {dom.number}")

        systems = plan_system_names(m for task in doc.tasks for m in task.systems)
        for task in doc.tasks:
            yield from self.task(doc, d, task)
            yield from self.system_triples(d, task, systems)
        yield from self.review_notes(doc, d)

    def task(self, doc: PolicyDocument, d: URIRef, task) -> Iterator[Triple]:
        t = child_iri(d, "task", task.number)
        loc = f"task {task.number}"
        yield (t, RDF.type, PK.Task)
        yield (t, PK.taskNumber, Literal(task.number))
        yield (t, PK.inDocument, d)
        if task.domain_number is not None:
            yield (t, PK.inDomain, child_iri(d, "domain", task.domain_number))
        yield (t, DCTERMS.title, zh(task.title))
        yield (t, RDFS.label, zh(f"{task.number}. {task.title}"))
        yield (t, PK.text, zh(task.text))
        yield from self.evidence(t, d, task.span)
        for m in [*task.lead, *task.responsible]:
            yield from self.assignment(t, doc, d, m, loc)

        for dl in task.deadlines:
            node = child_iri(t, "deadline", dl.date.isoformat() if dl.date else dl.phrase)
            yield (t, PK.hasDeadline, node)
            yield (node, RDF.type, PK.Deadline)
            yield (node, RDFS.label, zh(dl.phrase))
            yield (node, PK.deadlineKind, Literal(dl.kind.value))
            if dl.date:
                yield (node, TIME.inXSDDate, Literal(dl.date, datatype=XSD.date))
                yield (node, PK.deadlineMonth, Literal(dl.date.month))  # DL reasoners lack xsd:date
            yield from self.evidence(node, d, dl.span)

        for ref in task.references:
            node = iri_for("work", ref.label)
            yield (t, PK.cites, node)
            yield (node, RDF.type, PK.PolicyReference)
            yield (node, RDF.type, PK.OrderReference if ref.kind == "order" else PK.TitleReference)
            yield (node, RDFS.label, zh(ref.label))
            yield from self.evidence(node, d, ref.span)

        for tg in task.targets:
            node = child_iri(t, "target", tg.text)
            yield (t, PK.hasTarget, node)
            yield (node, RDF.type, PK.Target)
            yield (node, RDFS.label, zh(tg.text))
            yield (node, PK.value, Literal(_decimal(tg.value), datatype=XSD.decimal))
            yield (node, PK.unit, Literal(tg.unit))
            yield (node, PK.comparator, Literal(tg.comparator))
            yield from self.evidence(node, d, tg.span)

        yield (t, PK.followsHigherDeployment, Literal(task.follows_higher_deployment))
        for w in task.deployment_waits:
            node = child_iri(t, "deployment", w.span.start)
            yield (t, PK.hasDeploymentWait, node)
            yield (node, RDF.type, PK.DeploymentWait)
            yield (node, RDFS.label, zh(w.phrase))
            for level in w.levels:
                if level_node := level_iri(level):
                    yield (node, PK.deploymentLevel, level_node)
            yield from self.evidence(node, d, w.span)

        for pc in task.preconditions:
            node = child_iri(t, "precondition", pc.label)
            yield (t, PK.hasPrecondition, node)
            yield (node, RDF.type, PK.Precondition)
            yield (node, RDFS.label, zh(pc.label))
            yield from self.evidence(node, d, pc.span)

    def system_triples(self, d: URIRef, task: Task, names: dict[str, str]) -> Iterator[Triple]:
        """The systems and platforms a task names: one node per plan and system, each mention its evidence."""
        t = child_iri(d, "task", task.number)
        for m in task.systems:
            name = names.get(m.name, m.name)
            node = child_iri(d, "system", name)
            yield (t, PK.namesSystem, node)
            yield (node, RDF.type, PK.InformationSystem)
            yield (node, SKOS.prefLabel, zh(name))
            yield (node, RDFS.label, zh(name))
            yield (node, PK.inDocument, d)
            yield from self.evidence(node, d, m.span)

    def review_notes(self, doc: PolicyDocument, d: URIRef) -> Iterator[Triple]:
        """The readings loaders/review.py says a person should check, each with its passage."""
        from loaders.review import review_items

        for item in review_items(doc, registry=self.registry, place=self.place):
            where = f"{item.span.start}-{item.span.end}" if item.span else item.value
            key = hashlib.sha1(f"{item.value}\n{item.reason}".encode()).hexdigest()[:10]
            node = child_iri(d, "review", item.field, where, key)
            yield (node, RDF.type, PK.ReviewNote)
            yield (node, PK.inDocument, d)
            yield (node, PK.reviewOf, child_iri(d, "task", item.task) if item.task is not None else d)
            yield (node, PK.reviewField, Literal(item.field))
            yield (node, PK.reviewReason, Literal(item.reason))
            yield (node, RDFS.label, zh(item.value))
            if item.span is not None:
                yield from self.evidence(node, d, item.span)

    def place_triples(self, places: dict[str, Place]) -> Iterator[Triple]:
        """The document's division and the divisions above it."""
        p = self.place
        while p is not None:
            node = place_iri(p)
            yield (node, RDF.type, PK.AdministrativeDivision)
            yield (node, SKOS.prefLabel, zh(p.name))
            yield (node, RDFS.label, zh(p.name))
            if not p.unplaced:  # an unplaced division's key is no GB/T 2260 code
                yield (node, PK.divisionCode, Literal(p.code))
            if level := level_iri(p.level):
                yield (node, PK.level, level)
            if p.wikidata:
                yield (node, SKOS.exactMatch, URIRef(f"http://www.wikidata.org/entity/{p.wikidata}"))
            parent = places.get(p.parent) if p.parent else None
            if parent is not None:
                yield (node, PK.withinDivision, place_iri(parent))
            p = parent


def _decimal(value: float) -> str:
    """The canonical xsd:decimal form ("80.0", "2.5"), so a graph written and read back is unchanged."""
    return f"{int(value)}.0" if float(value).is_integer() else repr(float(value))


def document_triples(doc: PolicyDocument, registry: Registry, places: dict[str, Place], place: Place | None,
                     *, place_note: str | None = None) -> tuple[list[Triple], list[Problem]]:
    """Return the triples of one document and the problems met while resolving its names.

    ``place_note`` says how the document's place was found; it is kept as the document's skos:editorialNote.
    """
    w = TripleWriter(registry=registry, place=place)
    triples = list(w.document(doc))
    if place_note:
        triples.append((document_iri(doc, place), SKOS.editorialNote, Literal(place_note, lang="en")))
    triples.extend(w.organization_triples())
    triples.extend(w.place_triples(places))
    return triples, w.problems
