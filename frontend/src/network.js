// A Yasr plugin drawing CONSTRUCT and DESCRIBE answers (Turtle) as a network: IRIs and blank nodes
// are nodes, statements between them are arrows named by their property; a node's literals
// (names, titles, numbers) are its label and its tooltip.
import { DataSet, Network } from "vis-network/standalone";
import { bi, el, icon, T } from "./dom.js";

const MAX_NODES = 400; // a bigger picture is a hairball; the Turtle view has every statement
const LABEL_PROPERTIES = [
  "http://www.w3.org/2004/02/skos/core#prefLabel",
  "http://purl.org/dc/terms/title",
  "http://www.w3.org/2000/01/rdf-schema#label",
  "http://purl.org/dc/terms/identifier",
];
const NETWORK_ICON = "M17 3a3 3 0 0 0-2.8 4.1L9.6 9.8a3 3 0 1 0 0 4.4l4.6 2.7A3 3 0 1 0 15 15l-4.6-2.7a3 3 0 0 0 0-.6L15 9a3 3 0 1 0 2-6z";

/** A short name for an IRI with the page's prefixes (pk:Task), or its last segment. */
export function shorten(iri, prefixes) {
  for (const [p, ns] of Object.entries(prefixes)) if (iri.startsWith(ns) && iri.length > ns.length) return `${p}:${iri.slice(ns.length)}`;
  const m = /[^/#]+[/#]?$/.exec(iri);
  return m ? decodeURIComponent(m[0]) : iri;
}

/** Nodes and edges of a list of N3 quads. Returns {nodes, edges, truncated}. */
export function graphOf(quads, prefixes) {
  const nodes = new Map();
  const edges = [];
  const node = (term) => {
    const id = term.termType === "BlankNode" ? `_:${term.value}` : term.value;
    if (!nodes.has(id)) nodes.set(id, { id, iri: term.termType === "NamedNode" ? term.value : null, facts: [], label: null, rank: 99 });
    return nodes.get(id);
  };
  for (const q of quads) {
    const s = node(q.subject);
    const p = q.predicate.value;
    if (q.object.termType === "Literal") {
      s.facts.push([shorten(p, prefixes), q.object.value]);
      const rank = LABEL_PROPERTIES.indexOf(p);
      if (rank >= 0 && rank < s.rank) { s.label = q.object.value; s.rank = rank; }
    } else {
      const o = node(q.object);
      edges.push({ from: s.id, to: o.id, label: shorten(p, prefixes), arrows: "to" });
    }
  }
  const kept = [...nodes.values()].slice(0, MAX_NODES);
  const ids = new Set(kept.map((n) => n.id));
  return {
    nodes: kept,
    edges: edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
    truncated: nodes.size > MAX_NODES,
  };
}

function tooltip(n, prefixes) {
  // vis-network shows an element as it is: built from text nodes, nothing in it is markup.
  const box = el("div", { class: "pkq-net-tip" }, [el("b", { text: n.label || shorten(n.id, prefixes) })]);
  if (n.iri) box.append(el("div", { class: "pk-note", text: n.iri }));
  for (const [p, v] of n.facts.slice(0, 12)) box.append(el("div", {}, [el("span", { class: "pk-tag", text: p }), " ", v]));
  return box;
}

export default class NetworkPlugin {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 8;
    this.label = "Network";
    this.network = null;
  }

  quads() {
    const r = this.yasr.results;
    if (!r || !r.getType || r.getType() !== "ttl") return [];
    try {
      return r.getStatements() || [];
    } catch (e) {
      return [];
    }
  }

  canHandleResults() {
    return this.quads().length > 0;
  }

  getIcon() {
    return icon(NETWORK_ICON);
  }

  draw() {
    const prefixes = this.yasr.getPrefixes();
    const g = graphOf(this.quads(), prefixes);
    const canvas = el("div", { class: "pkq-network", role: "img",
      "aria-label": T(`${g.nodes.length} 个节点、${g.edges.length} 条连线的网络图`,
        `Network of ${g.nodes.length} nodes and ${g.edges.length} links`) });
    const note = el("p", { class: "pk-note" }, [bi(
      `${g.nodes.length} 个节点，${g.edges.length} 条连线。悬停查看属性，拖动移动。${g.truncated ? `只画出前 ${MAX_NODES} 个节点。` : ""}`,
      `${g.nodes.length} nodes, ${g.edges.length} links. Hover for facts, drag to move.${g.truncated ? ` Only the first ${MAX_NODES} nodes are drawn.` : ""}`)]);
    this.destroy();
    this.yasr.resultsEl.replaceChildren(el("div", { class: "pkq-network-box" }, [note, canvas]));
    const nodes = new DataSet(g.nodes.map((n) => ({
      id: n.id,
      label: (n.label || shorten(n.id, prefixes)).slice(0, 40),
      title: tooltip(n, prefixes),
      shape: n.iri ? "dot" : "diamond",
      size: 10,
      color: n.iri && n.iri.startsWith(prefixes.id || "\u0000") ? "#1f5fa8" : "#7b8794",
    })));
    const edges = new DataSet(g.edges.map((e, i) => ({ id: i, ...e, font: { size: 10, align: "middle" } })));
    this.network = new Network(canvas, { nodes, edges }, {
      physics: { stabilization: { iterations: 150 }, barnesHut: { springLength: 140 } },
      interaction: { hover: true, tooltipDelay: 150 },
      edges: { color: "#9aa5b1", smooth: false },
      nodes: { font: { size: 12 } },
    });
    this.yasr.resultsEl.dataset.networkNodes = String(g.nodes.length);
    this.yasr.resultsEl.dataset.networkEdges = String(g.edges.length);
  }

  destroy() {
    if (this.network) this.network.destroy();
    this.network = null;
    delete this.yasr.resultsEl.dataset.networkNodes;
    delete this.yasr.resultsEl.dataset.networkEdges;
  }
}
