"""What the DL reasoner reads: the ontology plus the part of the data reasoning can use.

HermiT's input is built here rather than handed the whole built graph, for three reasons:
- speed: source texts, quotes and sentences are most of the bytes and play no part in any axiom;
- datatypes: xsd:date and xsd:gYear are outside the OWL 2 datatype map, so those literals are
  dropped (pk:deadlineMonth carries what the Q4 classes need);
- the unique-name assumption OWL lacks: organisations and domains get owl:AllDifferent, since their
  IRIs are minted from distinct canonical names and numbers (kg/iri.py). Without it no
  "at least 2 distinct organisations" could ever be derived;
- one closed-world statement: the registry marks every collective unit, so each organisation not
  typed pk:CollectiveUnit is typed ``not pk:CollectiveUnit``. Under the open world nothing could
  ever be shown to be a pk:SingleOrganization otherwise.
Terms of other vocabularies the ontology aligns to (prov:, org:, skos: …) are declared with the
kind their pk: sub-terms have, so the OWL API does not have to guess them.

Classification runs on a *module*: only the assertions whose properties the defined classes and
rules mention (and the types of the individuals they connect). HermiT realises every individual
with one tableau test over the whole ABox each, so leaving the 800 text spans and 400 assignments
out of that run is what keeps it to seconds. Consistency is still checked on everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import ORG, OWL, RDF, RDFS, XSD, Namespace

from kg.namespace import PK

SWRL = Namespace("http://www.w3.org/2003/11/swrl#")

# Data properties that hold prose: kept out of the reasoner's input (no axiom mentions them).
TEXT_PROPERTIES = frozenset({PK.sourceText, PK.text, PK.quote, PK.sentence, PK.sourceFile,
                             PK.sourceEncoding, PK.mentionText})

# Literal datatypes HermiT supports (the OWL 2 datatype map subset this graph uses).
OWL2_DATATYPES = frozenset({XSD.integer, XSD.decimal, XSD.boolean, XSD.string, XSD.nonNegativeInteger,
                            XSD.int, XSD.long, XSD.double, XSD.float, XSD.dateTime})

_DECLARATION_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                      RDFS.Datatype, OWL.NamedIndividual)
_BUILTIN = (str(OWL), str(RDF), str(RDFS), str(XSD), "urn:swrl:")


@dataclass
class ReasoningInput:
    """The reasoner's input in three parts, so a module or a renamed copy can be cut from it.

    Attributes:
        tbox: the ontology plus declarations of the foreign terms it uses.
        abox: the data assertions the reasoner can use.
        distinct: individuals declared pairwise different (organisations and domains).
    """

    tbox: Graph
    abox: Graph
    distinct: set[URIRef]

    def full(self) -> Graph:
        """Return TBox + ABox + owl:AllDifferent: what consistency is checked on."""
        return _assemble(self.tbox, self.abox, self.distinct)

    def classification_module(self) -> Graph:
        """Return TBox + the part of the ABox the defined classes and rules can see."""
        props, classes = _signature(self.tbox)
        abox, kept, fillers = Graph(), set(), set()
        for s, p, o in self.abox:
            if p in props:
                abox.add((s, p, o))
                kept.add(s)
                if isinstance(o, URIRef):
                    kept.add(o)
                    fillers.add(o)
            elif p == RDF.type and o in classes:
                kept.add(s)
        for s in kept:
            for o in self.abox.objects(s, RDF.type):
                abox.add((s, RDF.type, o))
                if isinstance(o, BNode):  # a class expression: bring its description along
                    for t in self.abox.triples((o, None, None)):
                        abox.add(t)
        # Distinctness only matters where individuals are counted: among the fillers of the
        # counted properties. Declaring it for all ~150 organisations and domains of the bundled
        # plan would put ~11,000 inequalities into every realisation test for nothing.
        return _assemble(self.tbox, abox, self.distinct & fillers)


def reasoning_input(data: Graph, ontology: Graph) -> ReasoningInput:
    """Return the ontology and the reasoning-relevant triples of ``data``, ready for HermiT.

    Args:
        data: the built graph (it may hold a copy of the ontology; that copy is ignored, so the
            ontology given here is what is reasoned with).
        ontology: the policykg ontology (kg.graph.load_ontology()).

    Returns:
        A new ReasoningInput; ``data`` and ``ontology`` are not changed.
    """
    tbox = Graph()
    for t in ontology:
        tbox.add(t)
    object_props = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    data_props = set(ontology.subjects(RDF.type, OWL.DatatypeProperty)) - TEXT_PROPERTIES
    tbox_subjects = set(ontology.subjects())

    abox = Graph()
    for s, p, o in data:
        if not isinstance(s, URIRef) or s in tbox_subjects or str(s).startswith(_BUILTIN):
            continue
        if p == RDF.type:
            if isinstance(o, URIRef) and o != OWL.NamedIndividual:
                abox.add((s, p, o))
        elif p in object_props:
            if isinstance(o, URIRef):
                abox.add((s, p, o))
        elif p in data_props and isinstance(o, Literal) and _reasonable(o):
            abox.add((s, p, o))

    _declare_foreign_terms(tbox, abox)
    organizations = _instances(abox, ORG.Organization, ontology)
    for org in organizations:
        if (org, RDF.type, PK.CollectiveUnit) not in abox:
            complement = BNode()  # one blank node per use, as the OWL 2 RDF mapping requires
            abox.add((complement, RDF.type, OWL.Class))
            abox.add((complement, OWL.complementOf, PK.CollectiveUnit))
            abox.add((org, RDF.type, complement))
    distinct = organizations | _instances(abox, PK.Domain, ontology)
    return ReasoningInput(tbox, abox, distinct)


def defined_classes(ontology: Graph) -> list[URIRef]:
    """Return the pk: classes with an owl:equivalentClass definition, sorted."""
    return sorted(c for c in ontology.subjects(OWL.equivalentClass, None)
                  if isinstance(c, URIRef) and str(c).startswith(str(PK)))


def derived_properties(ontology: Graph) -> list[URIRef]:
    """Return the properties whose values the reasoner derives: SWRL rule heads, chain properties."""
    heads = {p for imp in ontology.subjects(RDF.type, SWRL.Imp)
             for atom in _list_items(ontology, ontology.value(imp, SWRL.head))
             for p in ontology.objects(atom, SWRL.propertyPredicate)}
    chains = set(ontology.subjects(OWL.propertyChainAxiom, None))
    return sorted(p for p in heads | chains if isinstance(p, URIRef))


def _reasonable(lit: Literal) -> bool:
    if lit.language is not None:
        return False
    return lit.datatype is None or lit.datatype in OWL2_DATATYPES


def _declare_foreign_terms(tbox: Graph, abox: Graph) -> None:
    """Declare classes and properties used but not declared (prov:Entity, prov:wasDerivedFrom …)."""
    declared = {kind: set(tbox.subjects(RDF.type, kind)) for kind in _DECLARATION_KINDS}
    known = set().union(*declared.values())

    def declare(term, kind) -> None:
        if isinstance(term, URIRef) and term not in known and not str(term).startswith(_BUILTIN):
            tbox.add((term, RDF.type, kind))
            known.add(term)

    for o in list(tbox.objects(None, RDFS.subClassOf)):
        declare(o, OWL.Class)
    for o in set(abox.objects(None, RDF.type)):
        declare(o, OWL.Class)
    for s, o in list(tbox.subject_objects(RDFS.subPropertyOf)):
        if s in declared[OWL.ObjectProperty]:
            declare(o, OWL.ObjectProperty)
        elif s in declared[OWL.DatatypeProperty]:
            declare(o, OWL.DatatypeProperty)
    for o in list(tbox.objects(None, RDFS.domain)):
        declare(o, OWL.Class)
    for s, o in list(tbox.subject_objects(RDFS.range)):
        if s not in declared[OWL.DatatypeProperty]:
            declare(o, OWL.Class)


def _signature(tbox: Graph) -> tuple[set, set]:
    """Properties and classes the class definitions and rules mention, with their sub-properties
    and sub-classes: the vocabulary a classification module must keep assertions of."""
    defined = set(tbox.subjects(OWL.equivalentClass, None))
    roots = [o for c in defined for o in tbox.objects(c, OWL.equivalentClass)]
    roots += list(tbox.subjects(RDF.type, SWRL.Imp))
    seen, stack = set(roots), list(roots)
    while stack:
        for o in tbox.objects(stack.pop(), None):
            if isinstance(o, BNode) and o not in seen:
                seen.add(o)
                stack.append(o)
    props = {p for n in seen for q in (OWL.onProperty, SWRL.propertyPredicate) for p in tbox.objects(n, q)}
    for p in list(props):
        props |= set(tbox.transitive_subjects(RDFS.subPropertyOf, p))
    all_classes = set(tbox.subjects(RDF.type, OWL.Class))
    classes = {o for n in seen for o in tbox.objects(n, None) if o in all_classes} | defined
    for c in list(classes):
        classes |= set(tbox.transitive_subjects(RDFS.subClassOf, c))
    return props, classes


def _instances(abox: Graph, cls: URIRef, ontology: Graph) -> set[URIRef]:
    """Instances of ``cls`` or of any of its named subclasses in the ontology."""
    classes = set(ontology.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
    return {s for c in classes for s in abox.subjects(RDF.type, c) if isinstance(s, URIRef)}


def _assemble(tbox: Graph, abox: Graph, distinct: set[URIRef]) -> Graph:
    g = Graph()
    for t in tbox:
        g.add(t)
    for t in abox:
        g.add(t)
    if len(distinct) >= 2:
        node, items = BNode(), BNode()
        g.add((node, RDF.type, OWL.AllDifferent))
        g.add((node, OWL.distinctMembers, items))
        Collection(g, items, sorted(distinct))
    return g


def _list_items(g: Graph, head) -> list:
    return list(Collection(g, head)) if head is not None else []
