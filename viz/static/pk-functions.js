/* policykg corpus view: government functions working together across places (viz/corpus.py).
   The controls choose a place to compare (the page reloads with ?compare=, the server counts) and
   hide rare pairs; the details panel explains a function or a pair in words. Every text from the
   graph goes into the page through pk.el (text nodes only). */
(function () {
  "use strict";
  var el = pk.el, T = pk.T, select = pk.select;
  var D = pk.readData();
  var STR = {
    compare: ["对比地方", "Compare a place"], none: ["（不对比）", "(no comparison)"],
    minPlaces: ["至少在多少个地方出现", "Shown when found in at least"], places: ["个地方", "places"],
    legend: ["图例", "Legend"], typical: ["常见的职能协作（至少一半地方）", "Typical pairs (half the places or more)"],
    shared: ["该地也有的协作", "Pairs this place has"], rare_here: ["该地特有（少见）的协作", "Rare pairs this place has"],
    missing_here: ["常见但该地没有的协作", "Typical pairs this place lacks"],
    faded: ["其他协作", "Other pairs"], help: ["点击职能查看它的协作；点击连线查看两种职能在多少个地方共同承担任务。",
      "Click a function for its partners; click a line for how many places have those functions working together."],
    leads: ["牵头任务", "tasks led"], supports: ["配合任务", "tasks supported"], inPlaces: ["出现于", "in"],
    tasks: ["项任务", "tasks"], together: ["共同承担", "Tasks together"], leadLead: ["共同牵头", "both lead"],
    aLeads: ["牵头，另一方配合", "leads, the other supports"], share: ["地方占比", "Share of places"],
    here: ["在该地", "In this place"], orgs: ["查看该地的单位协作网络", "Open this place's own organisation network"],
    rareList: ["该地特有的协作", "What this place does differently"], missingList: ["该地缺少的常见协作", "Typical pairs it lacks"],
    partners: ["主要协作职能", "Works most with"], shown: ["显示", "Showing"], lines: ["条连线", "lines"],
    functions: ["个职能", "functions"]
  };
  function S(k) { return T(STR[k][0], STR[k][1]); }
  var allNodes = nodes.get(), allEdges = edges.get(), byId = {};
  allNodes.forEach(function (n) { byId[n.id] = n; });
  var state = {compare: D.compare || "", min: pk.params().get("min") || "1"};
  var controls = document.getElementById("pk-controls"), details = document.getElementById("pk-details");

  function fname(id) { var n = byId[id]; return n ? T(n.pk_zh || n.label, n.pk_en) : id; }
  function visibleEdges() { return allEdges.filter(function (e) { return e.pk_places >= Number(state.min) || e.pk_here; }); }

  function apply() {
    var shown = visibleEdges(), ids = {}, used = {};
    shown.forEach(function (e) { ids[e.id] = true; used[e.from] = used[e.to] = true; });
    edges.update(allEdges.map(function (e) { return {id: e.id, hidden: !ids[e.id]}; }));
    nodes.update(allNodes.map(function (n) { return {id: n.id, hidden: !used[n.id] && allEdges.length > 0}; }));
    var status = document.getElementById("pk-status");
    if (status) {
      status.textContent = S("shown") + " " + Object.keys(used).length + " " + S("functions") + "，" + shown.length + " " + S("lines");
      status.setAttribute("data-lines", String(shown.length));
    }
    pk.saveParams({compare: state.compare, min: state.min === "1" ? "" : state.min});
  }

  function renderControls() {
    controls.textContent = "";
    var places = [["", S("none")]].concat((D.places || []).map(function (p) { return [p.iri, p.name + "（" + p.plans + "）"]; }));
    controls.appendChild(select("compare", S("compare"), places, state.compare, function (v) {
      var q = new URLSearchParams(window.location.search);
      if (v) q.set("compare", v); else q.delete("compare");
      window.location.search = q.toString();
    }));
    var steps = [1, 2, 5, 10, 20, 50].filter(function (k) { return k <= Math.max(D.placeCount, 1); });
    controls.appendChild(select("min", S("minPlaces"), steps.map(function (k) { return [String(k), k + " " + S("places")]; }),
      state.min, function (v) { state.min = v; apply(); }));
    controls.appendChild(el("div", {class: "pk-status", id: "pk-status"}));
    var legend = el("div", {class: "pk-legend"}, [el("h2", {text: S("legend")})]);
    (D.compare ? ["shared", "rare_here", "missing_here", "faded"] : ["typical"]).forEach(function (k) {
      legend.appendChild(el("div", {class: "item"}, [el("span", {class: "swatch", style: "background:" + D.colors[k]}), el("span", {text: S(k)})]));
    });
    controls.appendChild(legend);
  }

  function pairLine(e) {
    return el("li", {"data-edge": e.id}, [el("button", {type: "button", class: "pk-link", text: fname(e.from) + " — " + fname(e.to),
      onclick: function () { showEdge(e.id); network.selectEdges([e.id]); }}), el("span", {class: "pk-count", text: e.pk_places + " " + S("places")})]);
  }

  function showSummary() {
    details.textContent = "";
    if (!D.compare) { details.appendChild(el("p", {class: "pk-note", text: S("help")})); return; }
    details.appendChild(el("h3", {text: D.compareName || D.compare}));
    var here = D.links && D.links.collaboration ? D.links.collaboration + "?place=" + encodeURIComponent(D.compare) : null;
    if (here && D.server) details.appendChild(el("p", {}, [el("a", {href: here, id: "pk-place-orgs", text: S("orgs")})]));
    [["rare_here", "rareList", "pk-rare"], ["missing_here", "missingList", "pk-missing"]].forEach(function (g) {
      var list = allEdges.filter(function (e) { return e.pk_state === g[0]; }).sort(function (a, b) { return b.pk_places - a.pk_places; });
      details.appendChild(el("h2", {text: S(g[1]) + "（" + list.length + "）"}));
      details.appendChild(el("ul", {class: "pk-list", id: g[2]}, list.slice(0, 15).map(pairLine)));
    });
  }

  function showEdge(id) {
    var e = edges.get(id);
    details.textContent = "";
    details.appendChild(el("h3", {text: fname(e.from) + " — " + fname(e.to)}));
    var rows = [[S("inPlaces"), e.pk_places + " / " + D.placeCount + " " + S("places") + "（" + Math.round(e.pk_share * 100) + "%）"],
                [S("together"), e.pk_tasks + " " + S("tasks")], [S("leadLead"), String(e.pk_lead_lead)],
                [fname(e.from) + " " + S("aLeads"), String(e.pk_a_leads)], [fname(e.to) + " " + S("aLeads"), String(e.pk_b_leads)]];
    if (D.compare) rows.push([S("here") + "（" + (D.compareName || "") + "）", e.pk_here + " " + S("tasks")]);
    details.appendChild(el("ul", {class: "pk-list", id: "pk-pair"}, rows.map(function (r) {
      return el("li", {}, [el("span", {text: r[0]}), el("span", {class: "pk-count", text: r[1]})]);
    })));
  }

  function showNode(id) {
    var n = byId[id];
    details.textContent = "";
    details.appendChild(el("h3", {text: fname(id)}));
    details.appendChild(el("p", {class: "sub", text: n.pk_lead + " " + S("leads") + "，" + n.pk_resp + " " + S("supports") + "；" + S("inPlaces") + " " + n.pk_places + " " + S("places")}));
    var mine = visibleEdges().filter(function (e) { return e.from === id || e.to === id; }).sort(function (a, b) { return b.pk_places - a.pk_places; });
    details.appendChild(el("h2", {text: S("partners")}));
    details.appendChild(el("ul", {class: "pk-list", id: "pk-function-partners"}, mine.slice(0, 20).map(pairLine)));
  }

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else showSummary();
  });
  document.addEventListener("pk-lang", function () {
    nodes.update(allNodes.map(function (n) { return {id: n.id, label: pk.lang() === "en" && n.pk_en ? n.pk_en : n.label}; }));
    renderControls(); apply(); showSummary();
  });
  if (pk.lang() === "en") nodes.update(allNodes.map(function (n) { return {id: n.id, label: n.pk_en || n.label}; }));
  renderControls();
  apply();
  showSummary();
  window.pkViz = {showEdge: showEdge, showNode: showNode, visibleEdges: visibleEdges};
  window.pkReady = true;
})();
