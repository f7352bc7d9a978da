/* policykg ledger page: filter and sort the task rows in #pk-data; state lives in the address.
   Text from the graph reaches the page only through pk.el (text nodes), never as markup. */
(function () {
  "use strict";
  var D = pk.readData(), T = pk.T, el = pk.el;
  var ORGS = D.orgs, ROWS = D.rows;
  var RANK = {red: 0, yellow: 1, green: 2, open: 3};
  var state = {task: "", domain: "", org: "", role: "", month: "", status: "", q: "", sort: "number", dir: "asc"};
  var COLUMNS = [
    {key: "status", zh: "亮灯", en: "Light"}, {key: "number", zh: "序号", en: "No."},
    {key: "domain", zh: "领域", en: "Domain"}, {key: "title", zh: "任务", en: "Task"},
    {key: "lead", zh: "牵头单位", en: "Lead units"}, {key: "responsible", zh: "责任单位", en: "Responsible units"},
    {key: "deadline", zh: "完成时限", en: "Deadlines"}, {key: "next", zh: "下一时限", en: "Next deadline"},
    {key: "references", zh: "引用文件", en: "Cited documents", nosort: true},
    {key: "targets", zh: "量化指标", en: "Targets", nosort: true},
    {key: "higher", zh: "根据上级部署", en: "Waits on higher level"}
  ];

  function orgName(o) { var x = ORGS[o]; return x ? T(x.zh, x.en) : o; }
  function domainOf(r) { return D.domains.filter(function (d) { return d.id === r.domain; })[0]; }

  function matches(r) {
    if (state.task && r.task !== state.task) return false;
    if (state.domain && r.domain !== state.domain && String((domainOf(r) || {}).n) !== state.domain) return false;
    if (state.org) {
      var lead = r.lead.indexOf(state.org) >= 0, resp = r.responsible.indexOf(state.org) >= 0;
      if (state.role === "lead" ? !lead : state.role === "responsible" ? !resp : !(lead || resp)) return false;
    }
    if (state.month === "none" ? r.months.length : state.month && r.months.indexOf(state.month) < 0) return false;
    if (state.status && r.status !== state.status) return false;
    if (state.q && (r.title + " " + r.number + " " + r.deadlines).indexOf(state.q) < 0) return false;
    return true;
  }

  function sortKey(r) {
    switch (state.sort) {
      case "status": return [RANK[r.status], r.next || "9999", r.document, r.number];
      case "domain": return [r.document, (domainOf(r) || {}).n || 0, r.number];
      case "title": return [r.title];
      case "lead": return [r.lead.map(orgName).join("、") || "\uffff", r.document, r.number];
      case "responsible": return [r.responsible.map(orgName).join("、") || "\uffff", r.document, r.number];
      case "deadline": return [r.dates[0] || "9999", r.document, r.number];
      case "next": return [r.next || "9999", r.document, r.number];
      case "higher": return [r.higher ? 0 : 1, r.document, r.number];
      default: return [r.document, r.number];
    }
  }

  function compare(a, b) {
    var ka = sortKey(a), kb = sortKey(b);
    for (var i = 0; i < ka.length; i++) {
      if (ka[i] < kb[i]) return state.dir === "asc" ? -1 : 1;
      if (ka[i] > kb[i]) return state.dir === "asc" ? 1 : -1;
    }
    return 0;
  }

  function orgLinks(list) {
    var out = [];
    list.forEach(function (o, i) {
      if (i) out.push("、");
      out.push(el("a", {href: (ORGS[o] || {}).href || "#", text: orgName(o)}));
    });
    return el("td", {}, out);
  }

  function renderControls() {
    var box = document.getElementById("pk-filters");
    box.textContent = "";
    var domains = [["", T("全部领域", "All domains")]].concat(D.domains.map(function (d) {
      return [d.id, d.label + (D.severalDocs ? " · " + d.doc : "")]; }));
    var orgs = [["", T("全部单位", "All organisations")]].concat(Object.keys(ORGS).sort(function (a, b) {
      return orgName(a) < orgName(b) ? -1 : orgName(a) > orgName(b) ? 1 : 0; }).map(function (o) { return [o, orgName(o)]; }));
    var roles = [["", T("牵头或责任", "Lead or responsible")], ["lead", T("牵头", "Lead")], ["responsible", T("责任", "Responsible")]];
    var months = [["", T("全部月份", "All months")]].concat(D.months.map(function (m) { return [m, m]; }), [["none", T("无日期", "No date")]]);
    var lights = [["", T("全部", "All")]].concat(Object.keys(D.lights).map(function (k) { return [k, T(D.lights[k].zh, D.lights[k].en)]; }));
    var domainValue = state.domain;
    D.domains.forEach(function (d) { if (String(d.n) === state.domain && !D.severalDocs) domainValue = d.id; });
    box.appendChild(pk.select("domain", T("领域", "Domain"), domains, domainValue, set("domain")));
    box.appendChild(pk.select("org", T("单位", "Organisation"), orgs, state.org, set("org")));
    box.appendChild(pk.select("role", T("角色", "Role"), roles, state.role, set("role")));
    box.appendChild(pk.select("month", T("时限月份", "Deadline month"), months, state.month, set("month")));
    box.appendChild(pk.select("status", T("亮灯", "Light"), lights, state.status, set("status")));
    var search = el("input", {type: "search", name: "q", "data-control": "q", value: state.q,
      oninput: function () { state.q = search.value; render(); }});
    box.appendChild(el("label", {class: "pk-field"}, [el("span", {class: "caption", text: T("查找任务", "Find a task")}), search]));
    box.appendChild(el("button", {type: "button", class: "pk-btn", "data-control": "reset", text: T("清除筛选", "Clear filters"),
      onclick: function () { state.task = state.domain = state.org = state.role = state.month = state.status = state.q = ""; renderControls(); render(); }}));
  }

  function set(key) { return function (v) { state[key] = v; render(); }; }

  function renderHead() {
    var tr = document.querySelector("#pk-ledger-table thead tr");
    tr.textContent = "";
    COLUMNS.forEach(function (c) {
      var sorted = state.sort === c.key;
      var th = el("th", {scope: "col", "data-col": c.key, "aria-sort": sorted ? (state.dir === "asc" ? "ascending" : "descending") : null});
      if (c.nosort) th.appendChild(document.createTextNode(T(c.zh, c.en)));
      else th.appendChild(el("button", {type: "button", "data-sort": c.key, text: T(c.zh, c.en) + (sorted ? (state.dir === "asc" ? " ▲" : " ▼") : ""),
        onclick: function () {
          if (state.sort === c.key) state.dir = state.dir === "asc" ? "desc" : "asc"; else { state.sort = c.key; state.dir = "asc"; }
          render();
        }}));
      tr.appendChild(th);
    });
  }

  function render() {
    renderHead();
    var rows = ROWS.filter(matches).sort(compare);
    var body = document.querySelector("#pk-ledger-table tbody");
    body.textContent = "";
    rows.forEach(function (r) {
      var light = D.lights[r.status] || {zh: r.status, en: r.status};
      var next = r.next ? r.next + (r.daysLeft !== null ? " (" + T(r.daysLeft + " 天", r.daysLeft + " d") + ")" : "") : "";
      body.appendChild(el("tr", {"data-task": r.number, "data-status": r.status, "data-doc": r.document}, [
        el("td", {}, [el("span", {class: "pk-light pk-light-" + r.status, role: "img", "aria-label": T(light.zh, light.en), title: T(light.zh, light.en)})]),
        el("td", {class: "num"}, [el("a", {href: r.href, text: (D.severalDocs ? r.document + " #" : "") + r.number})]),
        el("td", {text: r.domainLabel}),
        el("td", {}, [el("a", {href: r.href, text: r.title})]),
        orgLinks(r.lead), orgLinks(r.responsible),
        el("td", {text: r.deadlines}), el("td", {text: next}),
        el("td", {text: r.references}), el("td", {text: r.targets}),
        el("td", {text: r.higher ? T("是", "yes") : ""})
      ]));
    });
    var status = document.getElementById("pk-ledger-status");
    status.setAttribute("data-count", rows.length);
    status.textContent = T("显示 " + rows.length + " / " + ROWS.length + " 项任务；亮灯截至 " + D.asOf,
                           rows.length + " of " + ROWS.length + " tasks; lights as of " + D.asOf);
    pk.saveParams({document: pk.params().get("document") || "", place: pk.params().get("place") || "",
                   as_of: pk.params().get("as_of") || "", task: state.task, domain: state.domain, org: state.org, role: state.role,
                   month: state.month, status: state.status, q: state.q,
                   sort: state.sort === "number" ? "" : state.sort, dir: state.dir === "asc" ? "" : state.dir});
  }

  var p = pk.params();
  Object.keys(state).forEach(function (k) { if (p.get(k)) state[k] = p.get(k); });
  document.addEventListener("pk-lang", function () { renderControls(); render(); });
  // A corpus's ledger shows one plan: choosing another reloads the page with it (the server reads it).
  var plan = document.getElementById("pk-plan");
  if (plan) plan.addEventListener("change", function () { plan.form.submit(); });
  renderControls();
  render();
  window.pkLedger = {state: state, render: render};
  window.pkReady = true;
})();
