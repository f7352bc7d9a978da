/* policykg network views: the control panel, tooltips and details panel around pyvis's global `network`.
   Filters work on the payload (#pk-data): a task passes the domain and month filters; an organisation's
   part in a task is "active" when the task passes and the role matches; a node shows when it has an
   active part, a line when its two ends share an active task. Every text from the graph goes into
   the page through pk.el (text nodes only). */
(function () {
  "use strict";
  var el = pk.el, T = pk.T, select = pk.select;
  var D = pk.readData();
  var VIEW = D.view;
  var TASKS = D.tasks || {}, ORGS = D.orgs || {}, LEGEND = D.legend || {};
  var STR = {
    filters: ["筛选", "Filters"], domain: ["领域", "Domain"], month: ["完成月份", "Deadline month"],
    role: ["角色", "Role"], all: ["全部", "All"], undated: ["无具体日期（长期坚持等）", "No date (ongoing)"],
    lead: ["牵头", "Lead"], responsible: ["责任", "Responsible"], org: ["单位", "Organisation"],
    search: ["搜索名称", "Search by name"], searchHint: ["输入单位或任务名称", "Type a unit or task name"],
    focus: ["聚焦单位", "Focus on"], none: ["（不聚焦）", "(no focus)"], hops: ["范围", "Reach"],
    hop1: ["直接相连（1 步）", "Direct links (1 hop)"], hop2: ["两步之内（2 步）", "Within 2 hops"],
    reset: ["清除全部筛选", "Clear all filters"], color: ["着色", "Colour by"], community: ["协作社区", "Community"],
    kind: ["单位类型", "Kind of body"], legend: ["图例", "Legend"], ranking: ["任务最多的单位（当前筛选）", "Busiest organisations (current filters)"],
    collectives: ["集合单位（不参与排名）", "Collective units (not ranked)"], shown: ["显示", "Showing"],
    orgs: ["个单位", "organisations"], tasks: ["项任务", "tasks"], lines: ["条连线", "lines"], others: ["个其他节点", "other nodes"],
    partners: ["协作单位", "Works with"], leadTasks: ["牵头任务", "Tasks it leads"], respTasks: ["责任任务", "Tasks it supports"],
    domainLead: ["领域牵头", "Leads domains"], shared: ["项共同任务", "shared tasks"], deadline: ["完成时限", "Deadline"],
    noDeadline: ["未写明时限", "No deadline stated"], leads: ["牵头单位", "Lead units"], resps: ["责任单位", "Responsible units"],
    source: ["原文", "Source sentence"], waits: ["等待", "Waits for"], focusBtn: ["聚焦此单位", "Focus on it"],
    calendarBtn: ["在截止日历中查看", "See in the calendar"], more: ["另有", "and"], moreTail: ["项", "more"],
    help: ["点击圆点查看单位的任务和协作单位；点击连线查看共同任务及其原文；双击单位聚焦。",
           "Click a dot for the organisation's tasks and partners; click a line for the shared tasks and the sentences they come from; double-click to focus."],
    matches: ["匹配", "matches"], noMatch: ["没有匹配的名称", "No name matches"], collective: ["集合单位", "collective"],
    members: ["成员单位", "Members"], task: ["任务", "Task"], domainNode: ["领域", "Domain"], ctx: ["当前筛选下", "under current filters"],
    linked: ["相关任务", "Tasks linked"], why: ["原因", "Why"], document: ["文件", "Document"], relayout: ["整理布局", "Tidy layout"],
    relayoutHint: ["只重新排列当前显示的节点", "Re-arrange only what is shown"], groups: ["个社区", "communities"],
    quoting: ["正在读取原文…", "Reading the sentences…"], noQuotes: ["原文未能读取。", "The sentences could not be read."]
  };
  function S(k) { return T(STR[k][0], STR[k][1]); }
  var RELATION = {
    waits_for_deployment: ["等待上级部署", "waits for higher-level deployment"],
    waits_for_event: ["等待外部条件", "waits for an outside event"],
    uses_system: ["使用同一系统/平台", "uses the same system"],
    precedes: ["正文先后", "ordered by the text"],
    domain_of: ["所属领域", "domain of the task"], domain_lead: ["领域牵头", "leads the domain"]
  };

  var allNodes = nodes.get(), allEdges = edges.get();
  var nodeIndex = {}, edgeIndex = {}, taskOrgs = {};
  allNodes.forEach(function (n) { nodeIndex[n.id] = n; });
  allEdges.forEach(function (e) { edgeIndex[e.id] = e; });
  Object.keys(ORGS).forEach(function (o) {
    Object.keys(ORGS[o].roles).forEach(function (t) { (taskOrgs[t] = taskOrgs[t] || {})[o] = ORGS[o].roles[t]; });
  });
  var byName = Object.keys(ORGS).sort(function (a, b) { return ORGS[a].zh.localeCompare(ORGS[b].zh, "zh-CN"); });

  var state = {domain: "", month: "", role: "", org: "", hops: String(D.defaultHops || 1),
               color: (LEGEND.colorModes || [""])[0], q: ""};
  var visible = {}, visibleEdge = {}, edgeActive = {};
  var lastDetails = null;

  // -- reading the payload --------------------------------------------------------------------------
  function orgName(o) { return ORGS[o] ? T(ORGS[o].zh, ORGS[o].en) : o; }
  function taskLine(t) { var x = TASKS[t]; return x ? x.ref + ". " + x.title : t; }
  function monthLabel(m) {
    if (m === "none") return S("undated");
    var p = m.split("-"), names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    return T(p[0] + "年" + Number(p[1]) + "月", names[Number(p[1]) - 1] + " " + p[0]);
  }
  function domainLabel(d) {
    return "（" + d.n + "）" + d.zh + (d.doc ? " · " + d.doc : "");
  }
  function deadlineText(x) {
    return x.label ? x.label + (x.date ? " (" + x.date + ")" : "") : (x.date || "");
  }

  function passTask(t) {
    var x = TASKS[t];
    if (!x) return false;
    if (state.domain && x.domain !== state.domain) return false;
    if (state.month === "none") return !x.deadlines.some(function (d) { return d.date; });
    if (state.month) return x.deadlines.some(function (d) { return d.date && d.date.slice(0, 7) === state.month; });
    return true;
  }
  function active(o, t) {
    var r = ORGS[o] && ORGS[o].roles[t];
    return !!r && (!state.role || r === state.role) && passTask(t);
  }
  function filtering() { return !!(state.domain || state.month || state.role); }
  function byOrder(a, b) { return (TASKS[a] ? TASKS[a].o : 0) - (TASKS[b] ? TASKS[b].o : 0); }
  function activeTasks(o) { return ORGS[o] ? Object.keys(ORGS[o].roles).filter(function (t) { return active(o, t); }).sort(byOrder) : []; }

  // -- deciding what shows ------------------------------------------------------------------------
  function ownVisible(n) {
    if (n.pk_type === "org") {
      var ts = ORGS[n.pk_ref] ? Object.keys(ORGS[n.pk_ref].roles) : [];
      return ts.length ? ts.some(function (t) { return active(n.pk_ref, t); }) : !filtering();
    }
    if (n.pk_type === "task") {
      if (!passTask(n.pk_ref)) return false;
      if (!state.role) return true;
      var os = taskOrgs[n.pk_ref] || {};
      return Object.keys(os).some(function (o) { return os[o] === state.role; });
    }
    if (n.pk_type === "group") {
      return (n.pk_members || []).some(function (o) { return ownVisible({pk_type: "org", pk_ref: o}); });
    }
    return null; // a hub (domain, deployment, system …) shows when one of its lines does
  }
  function endOk(n, t, vis) {
    if (n.pk_type === "org") return active(n.pk_ref, t);
    if (n.pk_type === "group") return (n.pk_members || []).some(function (o) { return active(o, t); });
    if (n.pk_type === "task") return vis[n.id] === true;
    return true;
  }

  function compute() {
    var vis = {}, hub = {}, cand = {}, count = {};
    allNodes.forEach(function (n) { var v = ownVisible(n); if (v === null) hub[n.id] = true; else vis[n.id] = v; });
    allEdges.forEach(function (e) {
      var a = nodeIndex[e.from], b = nodeIndex[e.to];
      if ((!hub[a.id] && !vis[a.id]) || (!hub[b.id] && !vis[b.id])) return;
      if (!e.pk_tasks || !e.pk_tasks.length) { cand[e.id] = true; count[e.id] = null; return; }
      var n = e.pk_tasks.filter(function (t) { return endOk(a, t, vis) && endOk(b, t, vis); }).length;
      if (n) { cand[e.id] = true; count[e.id] = n; }
    });
    Object.keys(hub).forEach(function (id) { vis[id] = false; });
    allEdges.forEach(function (e) {
      if (!cand[e.id] || e.pk_secondary) return;
      if (hub[e.from] && !hub[e.to] && vis[e.to]) vis[e.from] = true;
      if (hub[e.to] && !hub[e.from] && vis[e.from]) vis[e.to] = true;
    });
    var evis = {};
    allEdges.forEach(function (e) { evis[e.id] = !!cand[e.id] && vis[e.from] && vis[e.to]; });
    if (state.org) focusOn(state.org, Number(state.hops) || 1, vis, evis);
    return {vis: vis, evis: evis, count: count};
  }

  function focusOn(org, hops, vis, evis) {
    var starts = [];
    if (nodeIndex[org]) starts = [org];
    else allNodes.forEach(function (n) {
      if (n.pk_type === "group" && (n.pk_members || []).indexOf(org) >= 0) starts.push(n.id);
      else if (n.pk_type === "task" && vis[n.id] && active(org, n.pk_ref)) starts.push(n.id);
    });
    var reached = {}, frontier = starts.slice(), adj = {};
    starts.forEach(function (s) { reached[s] = true; });
    allEdges.forEach(function (e) {
      if (!evis[e.id]) return;
      (adj[e.from] = adj[e.from] || []).push(e.to);
      (adj[e.to] = adj[e.to] || []).push(e.from);
    });
    var steps = nodeIndex[org] ? hops : hops - 1;
    for (var i = 0; i < steps; i++) {
      var next = [];
      frontier.forEach(function (id) {
        (adj[id] || []).forEach(function (m) { if (!reached[m]) { reached[m] = true; next.push(m); } });
      });
      frontier = next;
    }
    Object.keys(vis).forEach(function (id) { vis[id] = !!reached[id] && (vis[id] || starts.indexOf(id) >= 0); });
    Object.keys(evis).forEach(function (id) { var e = edgeIndex[id]; evis[id] = evis[id] && vis[e.from] && vis[e.to]; });
  }

  function apply(opts) {
    var r = compute();
    visible = r.vis; visibleEdge = r.evis; edgeActive = r.count;
    var nu = [], eu = [];
    allNodes.forEach(function (n) {
      var hidden = !visible[n.id];
      // hidden nodes leave the physics too, so "tidy layout" arranges only what is shown
      if (n.hidden !== hidden) { n.hidden = hidden; nu.push({id: n.id, hidden: hidden, physics: !hidden}); }
    });
    // Focused one step out, the lines between the neighbours fade: the focus's own ties are the answer.
    var star = state.org && nodeIndex[state.org] && String(state.hops) === "1" ? state.org : null;
    allEdges.forEach(function (e) {
      var hidden = !visibleEdge[e.id], upd = null;
      if (e.hidden !== hidden) { e.hidden = hidden; upd = {id: e.id, hidden: hidden}; }
      var dim = !!star && e.from !== star && e.to !== star;
      if (!!e.pk_dim !== dim) {
        e.pk_dim = dim; upd = upd || {id: e.id};
        upd.color = dim ? {color: "rgba(160, 170, 180, 0.18)"} : (e.color || {color: "#a7b1bd"});
      }
      if (e.pk_weighted && r.count[e.id]) {
        var w = widthFor(r.count[e.id]);
        if (e.width !== w) { e.width = w; upd = upd || {id: e.id}; upd.width = w; }
      }
      if (upd) eu.push(upd);
    });
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
    pk.saveParams(state);
    renderStatus(); renderRanking();
    if (!opts || opts.fit !== false) {
      var ids = visibleNodeIds();
      if (ids.length) network.fit({nodes: ids, animation: false});
    }
    if (lastDetails) details_(lastDetails);
  }
  /* Settle the visible nodes again (seeded, so the same view gives the same picture), then freeze. */
  function relayout() {
    window.pkStable = false;
    network.setOptions({physics: {enabled: true}});
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      var ids = visibleNodeIds();
      if (ids.length) network.fit({nodes: ids, animation: false});
      window.pkStable = true;
    });
    network.stabilize(200);
  }
  function widthFor(n) { return Math.round((1 + 1.3 * Math.sqrt(Math.max(n, 1) - 1)) * 100) / 100; }
  function visibleNodeIds() { return allNodes.filter(function (n) { return visible[n.id]; }).map(function (n) { return n.id; }); }

  // -- the control panel ----------------------------------------------------------------------------
  var controls = document.getElementById("pk-controls");
  var details = document.getElementById("pk-details");
  var tip = document.getElementById("pk-tip");


  function renderControls() {
    controls.textContent = "";
    if (D.documents && D.documents.length > 1 && D.server) {
      controls.appendChild(select("doc", S("document"), D.documents.map(function (d) { return [d.id, d.label + " (" + d.tasks + ")"]; }),
        D.document, function (v) { window.location.search = "?doc=" + encodeURIComponent(v); }));
    }
    controls.appendChild(el("h2", {text: S("filters")}));
    controls.appendChild(select("domain", S("domain"), [["", S("all")]].concat((D.domains || []).map(function (d) { return [d.id, domainLabel(d)]; })),
      state.domain, function (v) { state.domain = v; apply(); }));
    var months = [["", S("all")]].concat((D.months || []).map(function (m) { return [m, monthLabel(m)]; }));
    if (D.hasUndated) months.push(["none", S("undated")]);
    controls.appendChild(select("month", S("month"), months, state.month, function (v) { state.month = v; apply(); }));
    controls.appendChild(select("role", S("role"), [["", S("all")], ["lead", S("lead")], ["responsible", S("responsible")]],
      state.role, function (v) { state.role = v; apply(); }));

    controls.appendChild(el("h2", {text: S("org")}));
    var input = el("input", {type: "search", name: "q", "data-control": "search", placeholder: S("searchHint"), list: "pk-names", value: state.q, autocomplete: "off"});
    var list = el("datalist", {id: "pk-names"}, byName.map(function (o) { return el("option", {value: orgName(o)}); }));
    var found = el("div", {class: "pk-note", id: "pk-matches"});
    input.addEventListener("input", function () { state.q = input.value; search(input.value, found, false); });
    input.addEventListener("change", function () { search(input.value, found, true); });
    input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") search(input.value, found, true); });
    controls.appendChild(el("label", {class: "pk-field"}, [el("span", {class: "caption", text: S("search")}), input, list]));
    controls.appendChild(found);
    controls.appendChild(select("org", S("focus"), [["", S("none")]].concat(byName.map(function (o) { return [o, orgName(o)]; })),
      state.org, function (v) { setFocus(v); }));
    controls.appendChild(select("hops", S("hops"), [["1", S("hop1")], ["2", S("hop2")]], state.hops,
      function (v) { state.hops = v; apply(); }));
    controls.appendChild(el("div", {class: "pk-row"}, [el("button", {type: "button", class: "pk-btn", "data-control": "reset", text: S("reset"),
      onclick: function () { state.domain = state.month = state.role = state.org = state.q = ""; renderControls(); apply(); showHelp(); }}),
      el("button", {type: "button", class: "pk-btn", "data-control": "relayout", text: S("relayout"), title: S("relayoutHint"), onclick: relayout})]));
    if ((LEGEND.colorModes || []).length > 1) {
      controls.appendChild(select("color", S("color"), LEGEND.colorModes.map(function (m) { return [m, S(m)]; }), state.color,
        function (v) { state.color = v; recolor(); renderLegend(); pk.saveParams(state); }));
    }
    controls.appendChild(el("div", {class: "pk-status", id: "pk-status"}));
    controls.appendChild(el("h2", {text: S("legend")}));
    controls.appendChild(el("div", {class: "pk-legend", id: "pk-legend"}));
    if (Object.keys(ORGS).length && VIEW !== "dependencies") {
      controls.appendChild(el("h2", {text: S("ranking")}));
      controls.appendChild(el("div", {id: "pk-ranking"}));
    }
    renderLegend(); renderStatus(); renderRanking();
    if (state.q) search(state.q, found, false);
  }

  function search(text, out, choose) {
    var q = (text || "").trim().toLowerCase();
    out.textContent = "";
    if (!q) { network.unselectAll(); return; }
    var hits = allNodes.filter(function (n) {
      return visible[n.id] && [n.pk_zh, n.pk_en, n.label].some(function (s) { return s && String(s).toLowerCase().indexOf(q) >= 0; });
    });
    var exact = hits.filter(function (n) { return [n.pk_zh, n.pk_en].some(function (s) { return s && s.toLowerCase() === q; }); });
    if (choose && (exact.length || hits.length === 1)) { chooseNode((exact[0] || hits[0]).id); return; }
    network.selectNodes(hits.map(function (n) { return n.id; }));
    if (!hits.length) { out.textContent = S("noMatch"); return; }
    out.appendChild(el("div", {text: hits.length + " " + S("matches")}));
    out.appendChild(el("ul", {class: "pk-list"}, hits.slice(0, 8).map(function (n) {
      return el("li", {}, [el("button", {type: "button", class: "pk-link", text: T(n.pk_zh || n.label, n.pk_en), onclick: function () { chooseNode(n.id); }})]);
    })));
  }

  function chooseNode(id) {
    var n = nodeIndex[id];
    if (n && n.pk_type === "org") { setFocus(n.pk_ref); return; }
    if (n) { network.selectNodes([id]); network.focus(id, {scale: 1.2, animation: false}); showNode(id); }
  }

  function setFocus(org) {
    if (org && D.aggregated && D.server) {  // the server draws the organisation's own neighbourhood
      window.location.search = "?focus=" + encodeURIComponent(org) + "&hops=" + state.hops;
      return;
    }
    state.org = org || "";
    var s = controls.querySelector('select[name="org"]');
    if (s) s.value = state.org;
    apply();
    if (state.org) {
      if (nodeIndex[state.org]) network.selectNodes([state.org]);
      showOrg(state.org);
    }
  }

  function renderStatus() {
    var box = document.getElementById("pk-status");
    if (!box) return;
    var c = {org: [0, 0], task: [0, 0], group: [0, 0], other: [0, 0]}, lines = 0;
    allNodes.forEach(function (n) {
      var k = c[n.pk_type] && n.pk_type !== "other" ? n.pk_type : "other";
      c[k][1]++; if (visible[n.id]) c[k][0]++;
    });
    Object.keys(visibleEdge).forEach(function (id) { if (visibleEdge[id]) lines++; });
    var parts = [];
    if (c.org[1]) parts.push(c.org[0] + " / " + c.org[1] + " " + S("orgs"));
    if (c.task[1]) parts.push(c.task[0] + " / " + c.task[1] + " " + S("tasks"));
    if (c.group[1]) parts.push(c.group[0] + " / " + c.group[1] + " " + S("groups"));
    if (c.other[1]) parts.push(c.other[0] + " " + S("others"));
    parts.push(lines + " " + S("lines"));
    box.textContent = S("shown") + " " + parts.join(" · ");
    box.setAttribute("data-orgs", c.org[0]); box.setAttribute("data-tasks", c.task[0]); box.setAttribute("data-lines", lines);
  }

  function renderLegend() {
    var box = document.getElementById("pk-legend");
    if (!box) return;
    box.textContent = "";
    ((LEGEND.colors || {})[state.color] || []).forEach(function (c) {
      box.appendChild(el("div", {class: "item"}, [el("span", {class: "swatch", style: "background:" + c.color}), T(c.zh, c.en)]));
    });
    (LEGEND.shapes || []).forEach(function (s) {
      box.appendChild(el("div", {class: "item"}, [el("span", {class: "swatch", style: "background:" + s.color + ";border-radius:" + (s.round ? "50%" : "2px")}), T(s.zh, s.en)]));
    });
    (LEGEND.edges || []).forEach(function (e) {
      box.appendChild(el("div", {class: "item"}, [el("span", {class: "line " + e.style, style: "border-top-color:" + e.color + ";border-top-width:" + (e.width || 3) + "px"}), T(e.zh, e.en)]));
    });
    if (LEGEND.note) box.appendChild(el("div", {class: "pk-note", text: T(LEGEND.note.zh, LEGEND.note.en)}));
  }

  function renderRanking() {
    var box = document.getElementById("pk-ranking");
    if (!box) return;
    box.textContent = "";
    var rows = Object.keys(ORGS).map(function (o) { return [o, activeTasks(o).length]; })
      .filter(function (r) { return r[1] > 0 && (!state.org || visible[r[0]] || !nodeIndex[r[0]]); });
    var real = rows.filter(function (r) { return !ORGS[r[0]].collective; });
    real.sort(function (a, b) { return b[1] - a[1] || ORGS[a[0]].zh.localeCompare(ORGS[b[0]].zh, "zh-CN"); });
    box.appendChild(el("ol", {class: "pk-list", id: "pk-ranking-list"}, real.slice(0, 10).map(function (r) {
      return el("li", {"data-org": r[0]}, [el("button", {type: "button", class: "pk-link", text: orgName(r[0]), onclick: function () { showOrg(r[0]); if (nodeIndex[r[0]]) network.selectNodes([r[0]]); }}),
        el("span", {class: "pk-count", text: String(r[1])})]);
    })));
    var coll = rows.filter(function (r) { return ORGS[r[0]].collective; });
    if (coll.length) {
      box.appendChild(el("div", {class: "pk-note", text: S("collectives") + "："}));
      box.appendChild(el("ul", {class: "pk-list"}, coll.map(function (r) {
        return el("li", {}, [el("button", {type: "button", class: "pk-link", text: orgName(r[0]), onclick: function () { showOrg(r[0]); }}), el("span", {class: "pk-count", text: String(r[1])})]);
      })));
    }
  }

  function recolor() {
    nodes.update(allNodes.filter(function (n) { return n.pk_colors && n.pk_colors[state.color]; })
      .map(function (n) { return {id: n.id, color: n.pk_colors[state.color]}; }));
  }
  function relabel() {
    nodes.update(allNodes.map(function (n) { return {id: n.id, label: pk.lang() === "en" && n.pk_en ? n.pk_en : n.label}; }));
  }

  // -- sentences read on demand ----------------------------------------------------------------------
  // A page of several plans comes without its sentences (D.quoteDocs lists the plans, each task's d
  // its plan): opening a task or a line reads that plan's sentences once from the saved questions.
  var QUOTES = pk.quotes(D);
  /* Inside a details renderer: when the tasks' sentences are not here yet, say so, read them, and
     draw the panel again if it still shows the same thing. */
  function quotesFor(ts) {
    var n = QUOTES.need(ts), want = n.want;
    if (n.failed && !want.length) details.appendChild(el("div", {class: "pk-note", "data-quotes": "failed", text: S("noQuotes")}));
    if (!want.length) return;
    var render = lastDetails;
    details.appendChild(el("div", {class: "pk-note", "data-quotes": "reading", text: S("quoting")}));
    Promise.all(want.map(QUOTES.load)).then(function () { if (lastDetails === render) details_(render); });
  }

  // -- details panel --------------------------------------------------------------------------------
  function details_(render) { lastDetails = render; details.textContent = ""; render(); }
  function showHelp() {
    lastDetails = null; details.textContent = "";
    details.appendChild(el("p", {class: "pk-note", text: D.help ? T(D.help.zh, D.help.en) : S("help")}));
  }
  function orgLink(o) { return el("button", {type: "button", class: "pk-link", "data-org": o, text: orgName(o), onclick: function () { showOrg(o); if (nodeIndex[o]) network.selectNodes([o]); }}); }
  function taskLink(t) { return el("button", {type: "button", class: "pk-link", "data-task": t, text: taskLine(t), onclick: function () { showTask(t); }}); }
  function deadlineTags(t) {
    var x = TASKS[t];
    if (!x || !x.deadlines.length) return [el("span", {class: "pk-tag", text: S("noDeadline")})];
    return x.deadlines.map(function (d) { return el("span", {class: "pk-tag deadline", text: deadlineText(d)}); });
  }
  function roleTag(r) { return el("span", {class: "pk-tag " + (r === "lead" ? "lead" : ""), text: S(r)}); }
  function more(n) { return n > 0 ? el("li", {class: "pk-note", text: S("more") + " " + n + " " + S("moreTail")}) : null; }

  function showOrg(o) {
    details_(function () {
      var x = ORGS[o];
      if (!x) return;
      var ts = activeTasks(o);
      var lead = ts.filter(function (t) { return x.roles[t] === "lead"; }), resp = ts.filter(function (t) { return x.roles[t] === "responsible"; });
      details.appendChild(el("h3", {text: orgName(o)}));
      details.appendChild(el("div", {class: "sub"}, [pk.lang() === "en" ? x.zh + " · " : "", T(x.kindLabel.zh, x.kindLabel.en),
        x.collective ? el("span", {class: "pk-tag collective", text: S("collective")}) : null]));
      details.appendChild(el("div", {}, [S("lead") + " " + lead.length + " · " + S("responsible") + " " + resp.length + " " + S("tasks") + (filtering() ? "（" + S("ctx") + "）" : "")]));
      var row = el("div", {class: "pk-row", style: "margin:6px 0"});
      if (state.org !== o) row.appendChild(el("button", {type: "button", class: "pk-btn primary", "data-action": "focus", text: S("focusBtn"), onclick: function () { setFocus(o); }}));
      if (D.links && D.links.calendar) row.appendChild(el("a", {class: "pk-btn", href: D.links.calendar + "?org=" + encodeURIComponent(x.zh), text: S("calendarBtn")}));
      details.appendChild(row);
      var partners = {};
      ts.forEach(function (t) {
        Object.keys(taskOrgs[t] || {}).forEach(function (p) { if (p !== o && active(p, t)) (partners[p] = partners[p] || []).push(t); });
      });
      var ps = Object.keys(partners).sort(function (a, b) { return partners[b].length - partners[a].length || ORGS[a].zh.localeCompare(ORGS[b].zh, "zh-CN"); });
      details.appendChild(el("h2", {text: S("partners") + " (" + ps.length + ")"}));
      details.appendChild(el("ul", {class: "pk-list", id: "pk-partners"}, ps.map(function (p) {
        return el("li", {"data-org": p}, [
          el("button", {type: "button", class: "pk-link", text: orgName(p), onclick: function () { showPair(o, p, partners[p]); }}),
          el("span", {class: "pk-count", text: partners[p].length + " " + S("shared")}),
          el("div", {class: "pk-note", text: partners[p].map(function (t) { return TASKS[t].ref + ". " + TASKS[t].title; }).join("；")})]);
      })));
      [[lead, "leadTasks"], [resp, "respTasks"]].forEach(function (g) {
        if (!g[0].length) return;
        details.appendChild(el("h2", {text: S(g[1]) + " (" + g[0].length + ")"}));
        details.appendChild(el("ul", {class: "pk-list"}, g[0].map(function (t) { return el("li", {}, [taskLink(t), " "].concat(deadlineTags(t))); })));
      });
      if (x.domainLead.length) {
        details.appendChild(el("h2", {text: S("domainLead")}));
        details.appendChild(el("ul", {class: "pk-list"}, x.domainLead.map(function (d) {
          var dom = (D.domains || []).filter(function (y) { return y.id === d; })[0];
          return el("li", {text: dom ? domainLabel(dom) : d});
        })));
      }
    });
  }

  function showPair(a, b, ts) {
    details_(function () {
      ts = (ts || Object.keys(ORGS[a].roles).filter(function (t) { return active(a, t) && active(b, t); })).slice().sort(byOrder);
      details.appendChild(el("h3", {}, [orgLink(a), " ↔ ", orgLink(b)]));
      details.appendChild(el("div", {class: "sub", text: ts.length + " " + S("shared") + (filtering() ? "（" + S("ctx") + "）" : "")}));
      quotesFor(ts);
      details.appendChild(el("ul", {class: "pk-list", id: "pk-shared"}, ts.map(function (t) {
        var sentences = [ORGS[a].sentences[t], ORGS[b].sentences[t]].filter(function (s, i, arr) { return s && arr.indexOf(s) === i; });
        var dls = TASKS[t].deadlines.map(function (d) { return d.sentence; }).filter(function (s, i, arr) { return s && arr.indexOf(s) === i; });
        return el("li", {"data-task": t}, [taskLink(t), el("div", {}, [orgName(a) + "：", roleTag(ORGS[a].roles[t]), "  " + orgName(b) + "：", roleTag(ORGS[b].roles[t]), " "].concat(deadlineTags(t)))]
          .concat(sentences.concat(dls).map(function (s) { return el("blockquote", {class: "pk-quote", text: s}); })));
      })));
    });
  }

  function showTask(t) {
    details_(function () {
      var x = TASKS[t];
      if (!x) return;
      details.appendChild(el("h3", {text: x.ref + ". " + x.title}));
      quotesFor([t]);
      var dom = (D.domains || []).filter(function (d) { return d.id === x.domain; })[0];
      if (dom) details.appendChild(el("div", {class: "sub", text: S("domain") + "：" + domainLabel(dom)}));
      details.appendChild(el("h2", {text: S("deadline")}));
      if (!x.deadlines.length) details.appendChild(el("div", {class: "pk-note", text: S("noDeadline")}));
      x.deadlines.forEach(function (d) {
        details.appendChild(el("div", {}, [el("span", {class: "pk-tag deadline", text: deadlineText(d)})]));
        if (d.sentence) details.appendChild(el("blockquote", {class: "pk-quote", text: d.sentence}));
      });
      var os = taskOrgs[t] || {};
      [["lead", "leads"], ["responsible", "resps"]].forEach(function (g) {
        var list = Object.keys(os).filter(function (o) { return os[o] === g[0]; });
        if (!list.length) return;
        details.appendChild(el("h2", {text: S(g[1])}));
        details.appendChild(el("ul", {class: "pk-list"}, list.map(function (o) { return el("li", {}, [orgLink(o)]); })));
      });
      var sent = Object.keys(os).map(function (o) { return ORGS[o].sentences[t]; }).filter(function (s, i, arr) { return s && arr.indexOf(s) === i; });
      if (sent.length) {
        details.appendChild(el("h2", {text: S("source")}));
        sent.forEach(function (s) { details.appendChild(el("blockquote", {class: "pk-quote", text: s})); });
      }
      if (x.waits.length) {
        details.appendChild(el("h2", {text: S("waits")}));
        details.appendChild(el("ul", {class: "pk-list"}, x.waits.map(function (w) { return el("li", {text: w.label}); })));
      }
    });
  }

  function showHub(id) {
    details_(function () {
      var n = nodeIndex[id];
      details.appendChild(el("h3", {text: T(n.pk_zh || n.label, n.pk_en)}));
      if (n.pk_kind_zh) details.appendChild(el("div", {class: "sub", text: T(n.pk_kind_zh, n.pk_kind_en)}));
      if (n.pk_members) {
        details.appendChild(el("h2", {text: S("members") + " (" + n.pk_members.length + ")"}));
        details.appendChild(el("ul", {class: "pk-list"}, n.pk_members.map(function (o) { return el("li", {}, [orgLink(o)]); })));
        return;
      }
      var linked = allEdges.filter(function (e) { return visibleEdge[e.id] && (e.from === id || e.to === id); });
      details.appendChild(el("h2", {text: S("linked") + " (" + linked.length + ")"}));
      details.appendChild(el("ul", {class: "pk-list"}, linked.map(function (e) {
        var other = nodeIndex[e.from === id ? e.to : e.from];
        var item = other.pk_type === "task" ? taskLink(other.pk_ref) : other.pk_type === "org" ? orgLink(other.pk_ref) : el("span", {text: other.label});
        return el("li", {}, [item, e.pk_reason ? el("div", {class: "pk-note", text: e.pk_reason}) : null]);
      })));
    });
  }

  function showNode(id) {
    var n = nodeIndex[id];
    if (!n) return;
    if (n.pk_type === "org") showOrg(n.pk_ref);
    else if (n.pk_type === "task") showTask(n.pk_ref);
    else showHub(id);
  }

  function showEdge(id) {
    var e = edgeIndex[id], a = nodeIndex[e.from], b = nodeIndex[e.to];
    if (a.pk_type === "org" && b.pk_type === "org") { showPair(a.pk_ref, b.pk_ref); return; }
    if (a.pk_type === "task" && b.pk_type !== "task") { showTask(a.pk_ref); return; }
    if (b.pk_type === "task" && a.pk_type !== "task") { showTask(b.pk_ref); return; }
    details_(function () {
      var rel = RELATION[e.pk_relation] || ["", ""];
      details.appendChild(el("h3", {text: T(rel[0], rel[1]) || S("linked")}));
      [a, b].forEach(function (n) { details.appendChild(el("div", {}, [n.pk_type === "task" ? taskLink(n.pk_ref) : el("span", {text: n.label})])); });
      if (e.pk_reason) details.appendChild(el("blockquote", {class: "pk-quote", text: e.pk_reason}));
      if (a.pk_type === "group" && e.pk_tasks) {
        details.appendChild(el("ul", {class: "pk-list"}, e.pk_tasks.filter(passTask).map(function (t) { return el("li", {}, [taskLink(t)]); })));
      }
    });
  }

  // -- tooltips (built from text, never from HTML strings) --------------------------------------------
  function tipFor(params, node, edge) {
    tip.textContent = "";
    if (node) {
      var n = nodeIndex[node];
      if (n.pk_type === "org") {
        var o = n.pk_ref, x = ORGS[o], ts = activeTasks(o);
        tip.appendChild(el("b", {text: orgName(o)}));
        tip.appendChild(el("div", {class: "pk-note", text: T(x.kindLabel.zh, x.kindLabel.en) + (x.collective ? " · " + S("collective") : "")}));
        ["lead", "responsible"].forEach(function (r) {
          var list = ts.filter(function (t) { return x.roles[t] === r; });
          if (!list.length) return;
          tip.appendChild(el("div", {text: S(r) + " (" + list.length + ")"}));
          tip.appendChild(el("ul", {}, list.slice(0, 8).map(function (t) {
            var dl = TASKS[t].deadlines.map(deadlineText).join("、");
            return el("li", {text: taskLine(t) + (dl ? " — " + dl : "")});
          }).concat([more(list.length - 8)])));
        });
      } else if (n.pk_type === "task") {
        var t = n.pk_ref, y = TASKS[t], os = taskOrgs[t] || {};
        tip.appendChild(el("b", {text: taskLine(t)}));
        tip.appendChild(el("div", {text: S("deadline") + "：" + (y.deadlines.map(deadlineText).join("、") || S("noDeadline"))}));
        tip.appendChild(el("div", {text: S("leads") + "：" + Object.keys(os).filter(function (k) { return os[k] === "lead"; }).map(orgName).join("、")}));
      } else {
        tip.appendChild(el("b", {text: T(n.pk_zh || n.label, n.pk_en)}));
        if (n.pk_kind_zh) tip.appendChild(el("div", {class: "pk-note", text: T(n.pk_kind_zh, n.pk_kind_en)}));
      }
    } else if (edge) {
      var e = edgeIndex[edge], a = nodeIndex[e.from], b = nodeIndex[e.to];
      tip.appendChild(el("b", {text: T(a.pk_zh || a.label, a.pk_en) + " — " + T(b.pk_zh || b.label, b.pk_en)}));
      if (e.pk_relation && RELATION[e.pk_relation]) tip.appendChild(el("div", {text: T(RELATION[e.pk_relation][0], RELATION[e.pk_relation][1])}));
      if (e.pk_reason) tip.appendChild(el("div", {class: "pk-note", text: e.pk_reason}));
      if (e.pk_tasks && e.pk_tasks.length && a.pk_type !== "task" && b.pk_type !== "task") {
        var shared = e.pk_tasks.filter(function (t) { return endOk(a, t, visible) && endOk(b, t, visible); });
        tip.appendChild(el("div", {text: shared.length + " " + S("shared")}));
        tip.appendChild(el("ul", {}, shared.slice(0, 6).map(function (t) { return el("li", {text: taskLine(t)}); }).concat([more(shared.length - 6)])));
      }
    }
    var box = tip.parentNode.getBoundingClientRect();
    var x0 = params.pointer.DOM.x + 14, y0 = params.pointer.DOM.y + 14;
    tip.style.display = "block";
    if (x0 + tip.offsetWidth > box.width) x0 = Math.max(4, params.pointer.DOM.x - tip.offsetWidth - 14);
    if (y0 + tip.offsetHeight > box.height) y0 = Math.max(4, box.height - tip.offsetHeight - 4);
    tip.style.left = x0 + "px"; tip.style.top = y0 + "px";
  }
  function hideTip() { tip.style.display = "none"; }

  network.on("hoverNode", function (p) { tipFor(p, p.node, null); });
  network.on("hoverEdge", function (p) { tipFor(p, null, p.edge); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
  });
  network.on("doubleClick", function (p) {
    if (p.nodes.length && nodeIndex[p.nodes[0]].pk_type === "org") setFocus(nodeIndex[p.nodes[0]].pk_ref);
  });

  document.addEventListener("pk-stable", function () {
    var ids = visibleNodeIds();
    if (ids.length && ids.length < allNodes.length) network.fit({nodes: ids, animation: false});
  });
  document.addEventListener("pk-lang", function () { relabel(); renderControls(); if (lastDetails) details_(lastDetails); else showHelp(); });

  // -- start from the address (?domain=&month=&role=&org=&hops=&color=&q=) -----------------------
  var p = pk.params();
  ["domain", "month", "role", "hops", "color", "q"].forEach(function (k) { if (p.get(k)) state[k] = p.get(k); });
  var wanted = p.get("org") || p.get("focus") || (D.initial || {}).org;
  if (wanted) {
    var match = ORGS[wanted] ? wanted : byName.filter(function (o) { return ORGS[o].zh === wanted || ORGS[o].en === wanted; })[0];
    if (match) state.org = match;
  }
  if (pk.lang() === "en") relabel();
  if (state.color) recolor();
  renderControls();
  apply();
  if (state.org) { showOrg(state.org); if (nodeIndex[state.org]) network.selectNodes([state.org]); } else showHelp();
  window.pkViz = {state: state, apply: apply, visibleNodeIds: visibleNodeIds, showNode: showNode, showEdge: showEdge,
                  showOrg: showOrg, showTask: showTask, setFocus: setFocus,
                  set: function (patch) { Object.keys(patch).forEach(function (k) { state[k] = patch[k]; }); renderControls(); apply(); }};
  window.pkReady = true;
})();
