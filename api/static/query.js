// The query page: saved questions as examples, POST /sparql, results as a table. Plain JS, no CDN.
"use strict";
const $ = (id) => document.getElementById(id);
const PREFIXES = {
  "https://w3id.org/policykg/ontology#": "pk:",
  "https://w3id.org/policykg/id/": "id:",
  "http://www.w3.org/2004/02/skos/core#": "skos:",
  "http://www.w3.org/2001/XMLSchema#": "xsd:",
};
let examples = {};

function shorten(iri) {
  for (const [ns, p] of Object.entries(PREFIXES)) if (iri.startsWith(ns)) return p + iri.slice(ns.length);
  return iri;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") { td.className = "iri"; td.title = term.value; td.textContent = shorten(term.value); }
  else if (term.type === "bnode") { td.textContent = "_:" + term.value; }
  else {
    td.textContent = term.value;
    if (term.datatype && /#(integer|decimal|double|float)$/.test(term.datatype)) td.className = "num";
  }
  return td;
}

function showTable(data, rows, truncated) {
  const out = $("results");
  out.replaceChildren();
  if (data.boolean !== undefined) { out.textContent = "ASK → " + data.boolean; return; }
  const vars = data.head.vars;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
  const body = table.createTBody();
  for (const b of data.results.bindings) {
    const tr = body.insertRow();
    for (const v of vars) tr.appendChild(cell(b[v]));
  }
  const note = document.createElement("p");
  note.className = "note";
  note.textContent = rows + " 行 / rows" + (truncated ? "（已截断 / truncated at the row limit）" : "");
  out.append(note, table);
}

async function run() {
  const query = $("sparql").value;
  $("run").disabled = true;
  $("status").textContent = "…";
  const started = performance.now();
  try {
    const resp = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: new URLSearchParams({ query }),
    });
    const ms = Math.round(performance.now() - started);
    const type = resp.headers.get("Content-Type") || "";
    if (!resp.ok) {
      let message = resp.status + " " + resp.statusText;
      try { message = (await resp.json()).error; } catch (e) { /* not our JSON error shape */ }
      const p = document.createElement("p"); p.className = "error"; p.textContent = message;
      $("results").replaceChildren(p);
    } else if (type.startsWith("application/sparql-results+json")) {
      showTable(await resp.json(), resp.headers.get("X-Policykg-Rows"), resp.headers.get("X-Policykg-Truncated"));
    } else {
      const pre = document.createElement("pre"); pre.textContent = await resp.text();
      $("results").replaceChildren(pre);
    }
    $("status").textContent = ms + " ms";
  } catch (e) {
    $("status").textContent = String(e);
  } finally {
    $("run").disabled = false;
  }
}

function updateCsvLink() {
  $("csv").href = "/sparql?" + new URLSearchParams({ query: $("sparql").value, format: "csv" });
}

async function loadExamples() {
  const resp = await fetch("/queries");
  if (!resp.ok) return;
  const list = (await resp.json()).data;
  const select = $("examples");
  for (const q of list) {
    examples[q.name] = q;
    const opt = document.createElement("option");
    opt.value = q.name;
    opt.textContent = q.title + (q.params.some((p) => p.required) ? "  [参数 / params]" : "");
    select.appendChild(opt);
  }
}

$("examples").addEventListener("change", () => {
  const q = examples[$("examples").value];
  if (!q) return;
  // Strip the header comments: the editor shows the query itself.
  $("sparql").value = q.sparql.split("\n").filter((l) => !/^#\s*[a-z_]+\s*:/.test(l)).join("\n").trim();
  const params = q.params.map((p) => "?" + p.name + " (" + p.type + (p.required ? "" : ", optional") + ")").join(", ");
  $("example-description").textContent = q.description +
    (params ? "  参数 / parameters: " + params + " — 在此页中为自由变量 / free variables here; 用 " + q.url + "?name=value 绑定" : "");
  $("saved").hidden = false;
  $("saved").href = q.url;
  updateCsvLink();
});
$("sparql").addEventListener("input", updateCsvLink);
$("run").addEventListener("click", run);
$("sparql").addEventListener("keydown", (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run(); });
updateCsvLink();
loadExamples();
