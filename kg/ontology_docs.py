"""Render the ontology as one self-contained HTML page: every class, property and individual with
its Chinese and English labels, comment, axioms (in Manchester-like syntax) and alignments.

Self-contained on purpose (inline CSS, no script, no outside asset): analysts read it on closed
intranets. Every string from the ontology is escaped; the page is served at /ontology.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace
from rdflib.term import Node

from kg.namespace import PK

SWRL = Namespace("http://www.w3.org/2003/11/swrl#")
_CHARACTERISTICS = {OWL.FunctionalProperty: "functional", OWL.TransitiveProperty: "transitive",
                    OWL.SymmetricProperty: "symmetric", OWL.InverseFunctionalProperty: "inverse functional"}
_FACETS = {XSD.minInclusive: ">=", XSD.maxInclusive: "<=", XSD.minExclusive: ">", XSD.maxExclusive: "<"}
_SECTIONS = [("classes", "类 Classes", OWL.Class), ("object-properties", "对象属性 Object properties", OWL.ObjectProperty),
             ("datatype-properties", "数据属性 Datatype properties", OWL.DatatypeProperty),
             ("individuals", "个体 Individuals", OWL.NamedIndividual)]
_CSS = """body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:64rem;margin:2rem auto;
padding:0 1rem;line-height:1.5;color:#222}h1{font-size:1.6rem}h2{border-bottom:2px solid #ccc;margin-top:2.5rem}
section.term{border-top:1px solid #e5e5e5;padding:.6rem 0}h3{margin:.2rem 0;font-size:1.1rem}
code{background:#f4f4f4;padding:0 .2rem}dl{display:grid;grid-template-columns:11rem 1fr;gap:.15rem .8rem;margin:.4rem 0}
dt{color:#666}dd{margin:0}.zh{font-size:1.05rem}nav ul{columns:3}.iri{color:#777;font-size:.85rem;word-break:break-all}"""


def render_ontology_html(ontology: Graph) -> str:
    """Return the HTML documentation page of ``ontology``.

    Example:
        >>> from kg.graph import load_ontology
        >>> "pk:Task" in render_ontology_html(load_ontology())
        True
    """
    r = _Renderer(ontology)
    return r.page()


def render_ontology_body(ontology: Graph) -> tuple[tuple[str, str], str]:
    """Return the page's (Chinese, English) title and its body, for a page shell to wrap.

    Example:
        >>> from kg.graph import load_ontology
        >>> _, body = render_ontology_body(load_ontology())
        >>> 'id="Task"' in body
        True
    """
    r = _Renderer(ontology)
    return r.titles(), r.body()


class _Renderer:
    def __init__(self, g: Graph) -> None:
        self.g = g
        self.nm = g.namespace_manager
        self.onto = next((s for s in g.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
        self.local = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
                      for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(PK))}
        self.disjoint = self._disjoint_groups()

    # -- page -----------------------------------------------------------------------------------

    def titles(self) -> tuple[str, str]:
        title = self._text(self.onto, DCTERMS.title, "en") or "policykg ontology"
        return self._text(self.onto, DCTERMS.title, "zh") or title, title

    def page(self) -> str:
        zh, en = self.titles()
        return "\n".join(['<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">',
                          '<meta name="viewport" content="width=device-width, initial-scale=1">',
                          f"<title>{escape(en)}</title><style>{_CSS}</style></head><body>",
                          self.body(), "</body></html>\n"])

    def body(self) -> str:
        zh, en = self.titles()
        parts = [f"<h1>{escape(zh)}</h1>"]
        if zh != en:
            parts.append(f"<p>{escape(en)}</p>")
        parts.append(self._header())
        parts.append(self._toc())
        for anchor, heading, kind in _SECTIONS:
            terms = self._terms(kind)
            if not terms:
                continue
            parts.append(f'<h2 id="{anchor}">{escape(heading)}</h2>')
            parts.extend(self._term(t, kind) for t in terms)
        parts.append(self._rules())
        parts.append(self._axioms())
        parts.append(self._alignments())
        return "\n".join(p for p in parts if p)

    def _header(self) -> str:
        if self.onto is None:
            return ""
        rows = [("IRI", self._iri_link(self.onto))]
        for label, p in (("version IRI", OWL.versionIRI), ("version", OWL.versionInfo), ("created", DCTERMS.created),
                         ("modified", DCTERMS.modified)):
            for v in self.g.objects(self.onto, p):
                rows.append((label, self._value(v)))
        for v in self.g.objects(self.onto, DCTERMS.description):
            rows.append(("description", escape(str(v))))
        rows.append(("formats", '<a href="/ontology.ttl">Turtle</a> · <a href="/ontology.rdf">RDF/XML</a>'))
        notes = sorted(str(v) for v in self.g.objects(self.onto, SKOS.changeNote))
        html = self._dl(rows)
        if notes:
            html += "<h2 id=\"changes\">变更 Changes</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"
        return html

    def _toc(self) -> str:
        items = []
        for anchor, heading, kind in _SECTIONS:
            terms = self._terms(kind)
            if terms:
                links = ", ".join(f'<a href="#{self._anchor(t)}">{escape(self._curie(t))}</a>' for t in terms)
                items.append(f'<li><a href="#{anchor}">{escape(heading)}</a> ({len(terms)}): {links}</li>')
        return "<nav><h2>目录 Contents</h2><ul style=\"columns:1\">" + "".join(items) + "</ul></nav>"

    def _terms(self, kind: URIRef) -> list[URIRef]:
        terms = {s for s in self.g.subjects(RDF.type, kind) if s in self.local}
        if kind == OWL.NamedIndividual:
            return sorted(terms)
        return sorted(terms - set(self.g.subjects(RDF.type, OWL.NamedIndividual)))

    # -- one term ---------------------------------------------------------------------------------

    def _term(self, t: URIRef, kind: URIRef) -> str:
        zh, en = self._text(t, RDFS.label, "zh"), self._text(t, RDFS.label, "en")
        rows = []
        for p, label in ((RDFS.comment, "comment"), (SKOS.definition, "definition")):
            for v in self.g.objects(t, p):
                rows.append((label, escape(str(v))))
        if kind == OWL.Class:
            rows += [("subclass of", self._join(self.g.objects(t, RDFS.subClassOf)))]
            rows += [("equivalent to", self._expr(e)) for e in self.g.objects(t, OWL.equivalentClass)]
            rows += [("disjoint with", self._join(self.disjoint.get(t, [])))]
            rows += [("subclasses", self._join(self.g.subjects(RDFS.subClassOf, t)))]
        elif kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
            chars = [name for c, name in _CHARACTERISTICS.items() if (t, RDF.type, c) in self.g]
            rows += [("characteristics", escape(", ".join(chars)))]
            rows += [("domain", self._join(self.g.objects(t, RDFS.domain))),
                     ("range", self._join(self.g.objects(t, RDFS.range))),
                     ("subproperty of", self._join(self.g.objects(t, RDFS.subPropertyOf))),
                     ("subproperties", self._join(self.g.subjects(RDFS.subPropertyOf, t))),
                     ("inverse of", self._join(self.g.objects(t, OWL.inverseOf)))]
            for chain in self.g.objects(t, OWL.propertyChainAxiom):
                rows.append(("property chain", " ∘ ".join(self._expr(x) for x in Collection(self.g, chain))))
        else:
            types = [o for o in self.g.objects(t, RDF.type) if o != OWL.NamedIndividual]
            rows += [("type", self._join(types)), ("notation", self._join(self.g.objects(t, SKOS.notation)))]
        for p in (SKOS.exactMatch, SKOS.closeMatch, OWL.sameAs):
            rows.append((self._curie(p), self._join(self.g.objects(t, p))))
        rows.append(("defined by", self._join(self.g.objects(t, RDFS.isDefinedBy))))
        head = f"<code>{escape(self._curie(t))}</code>"
        names = " · ".join(escape(x) for x in (zh, en) if x)
        return (f'<section class="term" id="{self._anchor(t)}"><h3>{head} <span class="zh">{names}</span></h3>'
                f'<div class="iri">{escape(str(t))}</div>{self._dl(rows)}</section>')

    # -- rules, axioms and alignments -------------------------------------------------------------

    def _rules(self) -> str:
        rules = list(self.g.subjects(RDF.type, SWRL.Imp))
        if not rules:
            return ""
        items = []
        for rule in rules:
            body = " ∧ ".join(self._atom(a) for a in self._list(self.g.value(rule, SWRL.body)))
            head = " ∧ ".join(self._atom(a) for a in self._list(self.g.value(rule, SWRL.head)))
            comment = self.g.value(rule, RDFS.comment)
            items.append(f"<li><code>{body} → {head}</code>"
                         + (f"<br>{escape(str(comment))}" if comment is not None else "") + "</li>")
        return '<h2 id="rules">规则 Rules (SWRL)</h2><ul>' + "".join(items) + "</ul>"

    def _axioms(self) -> str:
        items = []
        for ax in self.g.subjects(RDF.type, OWL.AllDisjointClasses):
            members = self._list(self.g.value(ax, OWL.members))
            comment = self.g.value(ax, RDFS.comment)
            items.append(f"<li>DisjointClasses({self._join(members)})"
                         + (f"<br>{escape(str(comment))}" if comment is not None else "") + "</li>")
        return ('<h2 id="axioms">公理 Axioms</h2><ul>' + "".join(items) + "</ul>") if items else ""

    def _alignments(self) -> str:
        rows = []
        for t in sorted(self.local):
            for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty,
                      SKOS.exactMatch, SKOS.closeMatch):
                for o in self.g.objects(t, p):
                    if isinstance(o, URIRef) and o not in self.local:
                        rows.append(f'<tr><td><a href="#{self._anchor(t)}">{escape(self._curie(t))}</a></td>'
                                    f"<td>{escape(self._curie(p))}</td><td>{self._iri_link(o)}</td></tr>")
        if not rows:
            return ""
        return ('<h2 id="alignments">对齐 Alignments</h2><table><tr><th>term</th><th>relation</th><th>external term</th></tr>'
                + "".join(rows) + "</table>")

    # -- expressions ------------------------------------------------------------------------------

    def _expr(self, node: Node) -> str:
        """A class expression in Manchester-like syntax, already escaped."""
        g = self.g
        if isinstance(node, URIRef):
            return self._link(node)
        if isinstance(node, Literal):
            return self._value(node)
        for p, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
            items = g.value(node, p)
            if items is not None:
                return "(" + word.join(self._expr(x) for x in self._list(items)) + ")"
        if (c := g.value(node, OWL.complementOf)) is not None:
            return f"not {self._expr(c)}"
        if (d := g.value(node, OWL.onDatatype)) is not None:
            facets = []
            for f in self._list(g.value(node, OWL.withRestrictions)):
                for fp, v in g.predicate_objects(f):
                    facets.append(f"{escape(_FACETS.get(fp, self._curie(fp)))} {escape(str(v))}")
            return f"{self._link(d)}[{', '.join(facets)}]"
        if (inv := g.value(node, OWL.inverseOf)) is not None:
            return f"inverse({self._expr(inv)})"
        prop = g.value(node, OWL.onProperty)
        if prop is None:
            return escape(str(node))
        p = self._link(prop)
        for key, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
            if (v := g.value(node, key)) is not None:
                return f"({p} {word} {self._expr(v)})"
        for key, word in ((OWL.minQualifiedCardinality, "min"), (OWL.maxQualifiedCardinality, "max"),
                          (OWL.qualifiedCardinality, "exactly")):
            if (n := g.value(node, key)) is not None:
                return f"({p} {word} {escape(str(n))} {self._expr(g.value(node, OWL.onClass))})"
        for key, word in ((OWL.minCardinality, "min"), (OWL.maxCardinality, "max"), (OWL.cardinality, "exactly")):
            if (n := g.value(node, key)) is not None:
                return f"({p} {word} {escape(str(n))})"
        return escape(str(node))

    def _atom(self, atom: Node) -> str:
        pred = self.g.value(atom, SWRL.propertyPredicate) or self.g.value(atom, SWRL.classPredicate)
        args = [self.g.value(atom, a) for a in (SWRL.argument1, SWRL.argument2)]
        names = ["?" + str(a).rsplit("#", 1)[-1] if isinstance(a, URIRef) else escape(str(a)) for a in args if a is not None]
        return f"{self._link(pred) if pred is not None else '?'}({', '.join(names)})"

    # -- small pieces -----------------------------------------------------------------------------

    def _disjoint_groups(self) -> dict[URIRef, list[URIRef]]:
        out: dict[URIRef, list[URIRef]] = {}
        for ax in self.g.subjects(RDF.type, OWL.AllDisjointClasses):
            members = self._list(self.g.value(ax, OWL.members))
            for m in members:
                out.setdefault(m, []).extend(x for x in members if x != m)
        for a, b in self.g.subject_objects(OWL.disjointWith):
            out.setdefault(a, []).append(b)
            out.setdefault(b, []).append(a)
        return out

    def _list(self, head: Node | None) -> list:
        return list(Collection(self.g, head)) if head is not None else []

    def _join(self, nodes) -> str:
        return ", ".join(self._expr(n) if isinstance(n, BNode) else self._link(n) if isinstance(n, URIRef)
                         else self._value(n) for n in sorted(set(nodes), key=str))

    def _link(self, t: URIRef) -> str:
        if t in self.local:
            return f'<a href="#{self._anchor(t)}"><code>{escape(self._curie(t))}</code></a>'
        return self._iri_link(t)

    def _iri_link(self, t: URIRef) -> str:
        href = quote(str(t), safe=":/#?&=%~+-_.!*'();,@$")
        return f'<a href="{escape(href)}"><code>{escape(self._curie(t))}</code></a>'

    def _value(self, v: Node) -> str:
        return self._iri_link(v) if isinstance(v, URIRef) else escape(str(v))

    def _curie(self, t: Node) -> str:
        try:
            return self.nm.normalizeUri(t) if isinstance(t, URIRef) else str(t)
        except Exception:  # rdflib refuses some IRIs as prefixed names; show them whole
            return str(t)

    def _anchor(self, t: URIRef) -> str:
        return escape(quote(str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1], safe=""))

    def _text(self, s: Node | None, p: URIRef, lang: str) -> str | None:
        if s is None:
            return None
        for v in self.g.objects(s, p):
            if isinstance(v, Literal) and v.language == lang:
                return str(v)
        return None

    @staticmethod
    def _dl(rows: list[tuple[str, str]]) -> str:
        rows = [(k, v) for k, v in rows if v]
        return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>" if rows else ""
