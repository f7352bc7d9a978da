// Completion for the editor, all from this server: policykg's prefixes, the ontology's classes and
// properties (with their Chinese and English labels), and the names of things in the graph.
//
// Yasqe's own completers ask prefix.cc and Linked Open Vocabularies on the internet; they are
// replaced here by forks that answer from the page's data and from GET /query/lookup.
import Yasqe from "@zazuko/yasqe";
import { T } from "./dom.js";

const NAME_KINDS_SHOWN = 12;
// Completions shown at once: typing narrows them. A short list needs no scrolling, so it stays
// usable from the editor alone (arrows and Enter) — a scrolling list would need a tab stop of its own.
export const SHOWN = 12;

/** The completers' names, in the order Yasqe tries them. */
export const COMPLETERS = ["pk-prefixes", "variables", "pk-classes", "pk-properties", "pk-names"];

/**
 * Register the completers for a page whose data lists `prefixes` {pk: iri} and `terms`
 * [{iri, kind, zh, en, range}], and whose names come from `lookupUrl`.
 */
export function registerCompleters({ prefixes, terms, lookupUrl }) {
  predeclared = prefixes;
  const labels = new Map(terms.map((t) => [t.iri, t]));
  const describe = (yasqe, hints) =>
    hints.slice(0, SHOWN).map((h) => {
      const iri = expand(yasqe, h.text);
      const t = labels.get(iri);
      return t ? { ...h, displayText: `${h.text}  ${t.zh}${t.en ? " · " + t.en : ""}` } : h;
    });
  const iris = (kind) => terms.filter((t) => t.kind === kind).map((t) => t.iri);

  Yasqe.forkAutocompleter("prefixes", {
    name: "pk-prefixes",
    persistenceId: null,
    get: () => Object.entries(prefixes).map(([p, iri]) => `${p}: <${iri}>`).sort(),
    postprocessHints: (yasqe, hints) => hints.slice(0, SHOWN),
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "pk-classes",
    bulk: true,
    autoShow: true,
    persistenceId: null,
    get: () => iris("class"),
    postprocessHints: describe,
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "pk-properties",
    bulk: true,
    autoShow: true,
    persistenceId: null,
    get: () => iris("property"),
    postprocessHints: describe,
  }, false);
  Yasqe.registerAutocompleter(namesCompleter(labels, lookupUrl), false);
}

let predeclared = {}; // the server's prefixes: they hold in a query that does not declare them

/** The full IRI of a prefixed name or <iri> as written in the query. */
function expand(yasqe, text) {
  if (text.startsWith("<")) return text.slice(1, -1);
  const i = text.indexOf(":");
  const p = text.slice(0, i);
  const ns = i > 0 ? yasqe.getPrefixesFromQuery()[p] || predeclared[p] : undefined;
  return ns ? ns + text.slice(i + 1) : text;
}

/**
 * Names of things in the graph: typing `<` and part of a name (`<县财政`) where a subject or an
 * object may stand offers organisations, domains and documents whose name contains it, and puts in
 * the thing's IRI. After a property whose range the ontology states (pk:leadUnit → org:Organization),
 * only things of that class are offered.
 */
function namesCompleter(labels, lookupUrl) {
  const found = new Map(); // IRI → its name and kind, to show beside the IRI in the list
  return {
    name: "pk-names",
    bulk: false,
    autoShow: true,
    persistenceId: null,
    isValidCompletionPosition(yasqe) {
      const token = yasqe.getCompleteToken();
      const text = token.string || "";
      return text.startsWith("<") && !text.includes(":") && !text.endsWith(">") && text.length > 1;
    },
    preProcessToken(yasqe, token) {
      token.autocompletionString = token.string.slice(1);
      return token;
    },
    async get(yasqe, token) {
      const q = (token && token.autocompletionString || "").trim();
      if (!q) return [];
      const params = new URLSearchParams({ q, limit: String(NAME_KINDS_SHOWN) });
      const property = token.state && token.state.lastProperty;
      const range = property && labels.get(expand(yasqe, property));
      if (range && range.range) params.set("kind", range.range);
      const resp = await fetch(`${lookupUrl}?${params}`, { headers: { Accept: "application/json" } });
      if (!resp.ok) return [];
      const body = await resp.json();
      for (const item of body.data) found.set(item.iri, item);
      return body.data.map((item) => item.iri);
    },
    postProcessSuggestion(yasqe, token, iri) {
      return `<${iri}>`;
    },
    postprocessHints(yasqe, hints) {
      return hints.slice(0, SHOWN).map((h) => {
        const item = found.get(h.text.slice(1, -1));
        return item ? { ...h, displayText: `${item.label}  (${T(item.kind_zh, item.kind_en)})  ${h.text}` } : h;
      });
    },
  };
}
