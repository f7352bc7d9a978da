// The /query page: a SPARQL editor (Yasqe) and result views (Yasr) bundled from npm, wired to this
// server only. The page's HTML (header, panels, the saved-question list) comes from the server;
// this script fills #pkq-editor and #pkq-results and keeps the query in the address bar.
//
//   /query?query=SELECT…           opens and runs a shared query
//   /query?name=tasks&org=<iri>    opens a saved question as a form and runs it when complete
//   /query                         opens the last query of this browser's history
import Yasqe from "@zazuko/yasqe";
import Yasr from "@zazuko/yasr";
import "@zazuko/yasqe/build/yasqe.min.css";
import "@zazuko/yasr/build/yasr.min.css";
import "./query.css";
import ChartPlugin from "./chart.js";
import { COMPLETERS, registerCompleters } from "./completers.js";
import { bi, el, T } from "./dom.js";
import { complete, drawForm, formValues } from "./form.js";
import * as history from "./history.js";
import NetworkPlugin from "./network.js";

const data = JSON.parse(document.getElementById("pk-data").textContent);
const $ = (id) => document.getElementById(id);
const questions = new Map(data.questions.map((q) => [q.name, q]));
const PK_BASE = "https://w3id.org/policykg/";
let current = { name: null, params: {} }; // the saved question the form shows, if any
let settingText = false; // true while the page (not the user) changes the editor's text

/** The query without the saved question's header comments (# title:, # param: …). */
function body(sparql) {
  return sparql.split("\n").filter((l) => !/^#\s*[a-z_]+\s*:/.test(l)).join("\n").trim();
}

/** The prefixes a query uses but does not declare, among those the server predeclares. */
export function undeclared(text) {
  const bare = text.replace(/#[^\n]*/g, " ").replace(/<[^>\s]*>/g, " ").replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ");
  const declared = new Set([...bare.matchAll(/PREFIX\s+([A-Za-z][\w-]*)?:/gi)].map((m) => m[1] || ""));
  const used = new Set([...bare.matchAll(/(?:^|[\s({;,./^|!])([A-Za-z][\w-]*):(?=[^\s/]|\s)/g)].map((m) => m[1]));
  const out = {};
  for (const p of used) if (!declared.has(p) && data.prefixes[p] !== undefined) out[p] = data.prefixes[p];
  return out;
}

// -- editor and results --------------------------------------------------------------------------

registerCompleters({ prefixes: data.prefixes, terms: data.terms, lookupUrl: data.lookup });
Yasr.registerPlugin("chart", ChartPlugin);
Yasr.registerPlugin("network", NetworkPlugin);

const yasqe = new Yasqe($("pkq-editor"), {
  value: "",
  persistenceId: null,
  consumeShareLink: null,
  showQueryButton: false,
  // The editor grows with its text (query.css) instead of scrolling inside: a scrolling area whose
  // only keyboard entry is CodeMirror's hidden textarea is out of reach for keyboard users.
  resizeable: false,
  editorHeight: "auto",
  viewportMargin: Infinity,
  screenReaderLabel: "SPARQL 查询 / SPARQL query",
  autocompleters: COMPLETERS,
  createShareableLink: (y) => `${location.origin}/query?${new URLSearchParams({ query: y.getValue() })}`,
  requestConfig: {
    endpoint: new URL(data.endpoint, location.href).href,
    method: "POST",
    acceptHeaderSelect: "application/sparql-results+json",
    acceptHeaderGraph: "text/turtle",
  },
  extraKeys: { ...Yasqe.defaults.extraKeys, "Ctrl-Enter": () => run(), "Cmd-Enter": () => run(), "Ctrl-S": () => {} },
});

// CodeMirror's completion list comes without the name its listbox role needs.
yasqe.on("autocompletionShown", (instance, widget) => {
  const list = widget && widget.hints;
  if (!list) return;
  list.setAttribute("aria-label", T("补全建议", "Completions"));
});

const yasr = new Yasr($("pkq-results"), {
  persistenceId: null,
  prefixes: () => ({ ...data.prefixes, ...yasqe.getPrefixesFromQuery() }),
  pluginOrder: ["table", "chart", "network", "response"],
  defaultPlugin: "table",
  plugins: {
    table: { dynamicConfig: { pageSize: 50, compact: true } },
    chart: {}, network: {}, response: {}, boolean: {}, error: {},
  },
  errorRenderers: [renderError],
});
// Its help button links to the Yasgui site on the internet, which analysts here may not reach.
for (const help of yasr.rootEl.querySelectorAll(".yasr_external_ref_btn")) help.remove();

/** Our errors are `{"ok": false, "error": "…"}`: show the message as text, with its status. */
async function renderError(error) {
  let message = error.text || error.statusText || "";
  try {
    const parsed = JSON.parse(message);
    if (parsed && parsed.error) message = parsed.error;
  } catch (e) { /* not our JSON shape: show the text as it came */ }
  return el("div", { class: "pkq-error", role: "alert" }, [
    el("b", {}, [bi("查询出错", "The query failed"), error.status ? ` (${error.status})` : ""]),
    el("pre", { text: message }),
  ]);
}

function status(zh, en) {
  $("pkq-status").replaceChildren(bi(zh, en));
}

function showTruncation(response) {
  const headers = response && response.headers;
  const rows = headers && headers.get ? headers.get("X-Policykg-Rows") : null;
  const truncated = headers && headers.get ? headers.get("X-Policykg-Truncated") === "true" : false;
  if (truncated) status(`只返回了前 ${rows} 行（服务器的行数上限）。`, `Only the first ${rows} rows came back (the server's row limit).`);
}

/** Show graphs (CONSTRUCT, DESCRIBE) as a network and tables as a table, unless the user chose a view that fits. */
function choosePlugin(name) {
  yasr.selectedPlugin = name; // not selectPlugin(): that would redraw the previous answer first
}

yasqe.on("queryResponse", (instance, response, duration) => {
  $("pkq-run").disabled = false;
  const graph = ["CONSTRUCT", "DESCRIBE"].includes(yasqe.getQueryType());
  const shown = yasr.getSelectedPluginName();
  if (graph && shown !== "response") choosePlugin("network");
  else if (!graph && shown === "network") choosePlugin("table");
  if (response instanceof Error) {
    yasr.setResponse({ error: { text: response.message } }, duration);
    status("查询出错。", "The query failed.");
    return;
  }
  yasr.setResponse(response, duration);
  status(`用时 ${duration} 毫秒。`, `Answered in ${duration} ms.`);
  showTruncation(response);
});
// Controls Yasqe and Yasr draw without an accessible name, named as they appear.
const UNNAMED = [
  ["select.tableSizer", "每页行数 / Rows per page"],
  [".yasqe_sharePopup input, .yasqe_sharePopup textarea", "分享链接 / Link to share"],
  [".yasr textarea", "原始答复 / The answer as the server sent it"],
];
new MutationObserver(() => {
  for (const [selector, name] of UNNAMED) {
    for (const control of $("pk-query").querySelectorAll(selector)) if (!control.hasAttribute("aria-label")) control.setAttribute("aria-label", name);
  }
}).observe($("pk-query"), { childList: true, subtree: true });

yasr.on("drawn", () => {
  window.pkStable = true;
  document.body.dataset.results = "drawn";
});
yasqe.on("change", () => {
  if (!settingText && current.name) leaveQuestion();
});

// IRIs minted by policykg resolve on this server at the same path (/id/…, /ontology#…), so a
// click stays on the intranet instead of going to w3id.org.
$("pkq-results").addEventListener("click", (e) => {
  const a = e.target.closest && e.target.closest("a[href]");
  if (a && a.href.startsWith(PK_BASE)) {
    e.preventDefault();
    window.open("/" + a.href.slice(PK_BASE.length), "_blank", "noopener");
  }
});

function setText(text) {
  settingText = true;
  try {
    yasqe.setValue(text);
    const missing = undeclared(text);
    if (Object.keys(missing).length) yasqe.addPrefixes(missing);
  } finally {
    settingText = false;
  }
}

// -- running -------------------------------------------------------------------------------------

function keepInAddress(params) {
  try {
    history.remember(params.query !== undefined ? { query: params.query } : { name: params.name, params: params.values });
  } finally {
    const q = params.query !== undefined ? new URLSearchParams({ query: params.query })
      : new URLSearchParams({ name: params.name, ...params.values });
    window.history.replaceState(null, "", `${location.pathname}?${q}`);
    drawHistory();
  }
}

function run() {
  if (current.name) {
    const form = $("pkq-form").querySelector("form");
    if (form) form.requestSubmit();
    return;
  }
  const text = yasqe.getValue();
  $("pkq-run").disabled = true;
  status("正在查询…", "Running…");
  keepInAddress({ query: text });
  yasqe.query().catch(() => { /* shown through the queryResponse event */ });
}

async function runQuestion(name, values) {
  const q = questions.get(name);
  current = { name, params: values };
  $("pkq-run").disabled = true;
  status("正在查询…", "Running…");
  keepInAddress({ name, values });
  const started = performance.now();
  const url = `/queries/${encodeURIComponent(name)}?${new URLSearchParams({ ...values, format: "srj" })}`;
  const resp = await fetch(url, { headers: { Accept: "application/sparql-results+json" } });
  const duration = Math.round(performance.now() - started);
  const text = await resp.text();
  $("pkq-run").disabled = false;
  if (!resp.ok) {
    yasr.setResponse({ error: { status: resp.status, text } }, duration);
    status("查询出错。", "The query failed.");
    return;
  }
  choosePlugin(q && q.view === "bar" ? "chart" : "table");
  yasr.setResponse({ data: text, contentType: "application/sparql-results+json", status: resp.status }, duration);
  status(`用时 ${duration} 毫秒。`, `Answered in ${duration} ms.`);
}

// -- saved questions -----------------------------------------------------------------------------

function openQuestion(name, values) {
  const q = questions.get(name);
  if (!q) return false;
  current = { name, params: values };
  $("pkq-saved").value = name;
  setText(body(q.sparql));
  $("pkq-question-note").hidden = false;
  drawForm($("pkq-form"), q, values, {
    prefixes: data.prefixes, lookupUrl: data.lookup, onRun: (params) => runQuestion(name, params),
  });
  return true;
}

function leaveQuestion() {
  current = { name: null, params: {} };
  $("pkq-saved").value = "";
  $("pkq-form").replaceChildren();
  $("pkq-question-note").hidden = true;
}

$("pkq-saved").addEventListener("change", (e) => {
  if (e.target.value) openQuestion(e.target.value, {});
  else leaveQuestion();
});
$("pkq-run").addEventListener("click", run);

// -- downloads -----------------------------------------------------------------------------------

/** Download the whole answer: the saved question's own route, or POST /query/download. */
function download(format) {
  if (current.name) {
    const form = $("pkq-form").querySelector("form");
    const values = form ? formValues(form, questions.get(current.name), data.prefixes) : current.params;
    window.location.href = `/queries/${encodeURIComponent(current.name)}?${new URLSearchParams({ ...values, format })}`;
    return;
  }
  const form = el("form", { method: "post", action: data.download, hidden: true }, [
    el("input", { type: "hidden", name: "query", value: yasqe.getValue() }),
    el("input", { type: "hidden", name: "format", value: format }),
  ]);
  document.body.append(form);
  form.submit();
  form.remove();
}

for (const button of document.querySelectorAll("#pkq-downloads [data-format]")) {
  button.addEventListener("click", () => download(button.dataset.format));
}

// -- history -------------------------------------------------------------------------------------

function drawHistory() {
  const list = $("pkq-history");
  const items = history.entries();
  list.replaceChildren(...items.map((entry, i) => {
    const q = entry.name ? questions.get(entry.name) : null;
    const title = q ? T(q.title_zh, q.title_en) : body(entry.query || "").replace(/^PREFIX[^\n]*\n/gim, "").split("\n")[0];
    const when = entry.at ? new Date(entry.at).toLocaleString(T("zh-CN", "en-GB")) : "";
    return el("li", {}, [
      el("button", {
        type: "button", class: "pk-link", "data-history": String(i), title: entry.query || entry.name,
        onclick: () => (entry.name ? openQuestion(entry.name, entry.params || {}) : (leaveQuestion(), setText(entry.query))),
      }, [title || "…"]),
      el("div", { class: "pk-note", text: when }),
    ]);
  }));
  $("pkq-history-empty").hidden = items.length > 0;
}

$("pkq-history-clear").addEventListener("click", () => {
  history.clear();
  drawHistory();
});
document.addEventListener("pk-lang", drawHistory);

// -- start ---------------------------------------------------------------------------------------

function start() {
  const params = new URLSearchParams(location.search);
  drawHistory();
  const name = params.get("name");
  if (name && questions.has(name)) {
    const values = {};
    for (const p of questions.get(name).params) if (params.has(p.name)) values[p.name] = params.get(p.name);
    openQuestion(name, values);
    if (complete(questions.get(name), values)) return runQuestion(name, values);
  } else if (params.get("query")) {
    setText(params.get("query"));
    return run();
  } else {
    const last = history.entries()[0];
    if (last && last.name && questions.has(last.name)) openQuestion(last.name, last.params || {});
    else setText(last && last.query ? last.query : data.default_query);
  }
  window.pkStable = true;
}

start();
window.pkQuery = { yasqe, yasr }; // for the page tests and the browser console
