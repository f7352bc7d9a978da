/* policykg deadline calendar: organisation × month heat map, timeline of tasks by deadline, task lists.
   Counts follow the analysis's crunch matrix: a task counts once in each month it has a deadline in,
   once per organisation taking part (lead or responsible). Text from the graph goes in as text only. */
(function () {
  "use strict";
  var el = pk.el, T = pk.T, select = pk.select, SVG = "http://www.w3.org/2000/svg";
  var D = pk.readData();
  var TASKS = D.tasks || {}, ORGS = D.orgs || {};
  var MONTHS = (D.months || []).slice();
  var CRUNCH = {};
  (D.crunch || []).forEach(function (c) { CRUNCH[c.month] = c.crunch; });
  var STR = {
    filters: ["筛选", "Filters"], domain: ["领域", "Domain"], role: ["角色", "Role"], all: ["全部", "All"],
    lead: ["牵头", "Lead"], responsible: ["责任", "Responsible"], name: ["单位名称", "Organisation name"],
    nameHint: ["输入名称筛选行", "Type to filter rows"], month: ["重点月份（排序）", "Month to sort by"],
    total: ["合计", "Total"], none: ["无日期", "No date"], org: ["单位", "Organisation"], rank: ["排名", "Rank"],
    allTasks: ["全部任务（每项计一次）", "All tasks (each once)"], collectives: ["集合单位（不参与排名）", "Collective units (not ranked)"],
    tasks: ["项任务", "tasks"], reset: ["清除筛选", "Clear filters"], noDeadline: ["未写明时限", "No deadline stated"],
    crunch: ["▲ = 到期任务多于月平均", "▲ = more tasks due than the average month"],
    clickCell: ["点击格子列出该单位该月到期的任务。", "Click a cell to list the organisation's tasks due that month."],
    network: ["在协作网络中查看", "See in the collaboration network"], legendLow: ["少", "few"], legendHigh: ["多", "many"],
    undatedNote: ["“无日期”列为长期坚持等未写明日期的任务，不计入合计。", "“No date” counts ongoing tasks without a date; not in the total."],
    quoting: ["正在读取原文…", "Reading the sentences…"], noQuotes: ["原文未能读取。", "The sentences could not be read."]
  };
  function S(k) { return T(STR[k][0], STR[k][1]); }
  var state = {domain: "", role: "", q: "", month: "", sort: "total"};
  var selected = null; // {org, month} or {task}

  function monthLabel(m) {
    if (m === "none") return S("none");
    var p = m.split("-"), names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    return T(p[0] + "年" + Number(p[1]) + "月", names[Number(p[1]) - 1] + " " + p[0]);
  }
  function deadlineText(x) { return x.label ? x.label + (x.date ? " (" + x.date + ")" : "") : (x.date || ""); }
  function orgName(o) { return T(ORGS[o].zh, ORGS[o].en); }
  function taskMonths(t) {
    var ms = {};
    TASKS[t].deadlines.forEach(function (d) { if (d.date) ms[d.date.slice(0, 7)] = true; });
    var list = Object.keys(ms).sort();
    return list.length ? list : ["none"];
  }
  function passTask(t) { return !state.domain || TASKS[t].domain === state.domain; }
  function columns() { return MONTHS.concat(D.hasUndated ? ["none"] : []); }

  /* org → month → [tasks]; the numbers on the page. */
  function counts() {
    var out = {};
    Object.keys(ORGS).forEach(function (o) {
      var byMonth = {};
      Object.keys(ORGS[o].roles).forEach(function (t) {
        if (!passTask(t) || (state.role && ORGS[o].roles[t] !== state.role)) return;
        taskMonths(t).forEach(function (m) { (byMonth[m] = byMonth[m] || []).push(t); });
      });
      if (Object.keys(byMonth).length) out[o] = byMonth;
    });
    return out;
  }
  function total(byMonth) { return MONTHS.reduce(function (s, m) { return s + (byMonth[m] ? byMonth[m].length : 0); }, 0); }

  // -- controls ---------------------------------------------------------------------------------------
  var controls = document.getElementById("pk-controls");
  function renderControls() {
    controls.textContent = "";
    controls.appendChild(el("h2", {text: S("filters")}));
    controls.appendChild(select("month", S("month"), [["", S("total")]].concat(columns().map(function (m) { return [m, monthLabel(m)]; })),
      state.month, function (v) { state.month = v; state.sort = v || "total"; render(); }));
    controls.appendChild(select("domain", S("domain"), [["", S("all")]].concat((D.domains || []).map(function (d) { return [d.id, "（" + d.n + "）" + d.zh]; })),
      state.domain, function (v) { state.domain = v; render(); }));
    controls.appendChild(select("role", S("role"), [["", S("all")], ["lead", S("lead")], ["responsible", S("responsible")]],
      state.role, function (v) { state.role = v; render(); }));
    var input = el("input", {type: "search", name: "q", "data-control": "search", placeholder: S("nameHint"), value: state.q});
    input.addEventListener("input", function () { state.q = input.value; render(); });
    controls.appendChild(el("label", {class: "pk-field"}, [el("span", {class: "caption", text: S("name")}), input]));
    controls.appendChild(el("div", {class: "pk-row"}, [el("button", {type: "button", class: "pk-btn", "data-control": "reset", text: S("reset"),
      onclick: function () { state = {domain: "", role: "", q: "", month: "", sort: "total"}; selected = null; renderControls(); render(); }})]));
    controls.appendChild(el("p", {class: "pk-note", text: S("clickCell")}));
    controls.appendChild(el("p", {class: "pk-note", text: S("crunch")}));
    if (D.hasUndated) controls.appendChild(el("p", {class: "pk-note", text: S("undatedNote")}));
  }

  // -- heat map -----------------------------------------------------------------------------------
  function shade(v, max) {
    if (!v) return "";
    var a = 0.12 + 0.83 * v / max;
    return "background: rgba(209, 73, 91, " + a.toFixed(2) + ");" + (a > 0.55 ? "color: #fff;" : "");
  }
  function renderHeat(c) {
    var box = document.getElementById("pk-heat");
    box.textContent = "";
    var cols = columns(), q = state.q.trim().toLowerCase();
    var orgs = Object.keys(c).filter(function (o) {
      return !q || ORGS[o].zh.toLowerCase().indexOf(q) >= 0 || (ORGS[o].en || "").toLowerCase().indexOf(q) >= 0;
    });
    var key = function (o) { return state.sort === "total" ? total(c[o]) : (c[o][state.sort] || []).length; };
    var cmp = function (a, b) { return key(b) - key(a) || total(c[b]) - total(c[a]) || ORGS[a].zh.localeCompare(ORGS[b].zh, "zh-CN"); };
    var real = orgs.filter(function (o) { return !ORGS[o].collective; }).sort(cmp);
    var coll = orgs.filter(function (o) { return ORGS[o].collective; }).sort(cmp);
    var max = 1;
    orgs.forEach(function (o) { cols.forEach(function (m) { if (c[o][m]) max = Math.max(max, c[o][m].length); }); });

    var head = el("tr", {}, [el("th", {class: "rank", text: S("rank")}), el("th", {class: "org", text: S("org")})].concat(cols.map(function (m) {
      var cls = (state.sort === m ? "sorted " : "") + (state.month === m ? "month-hl " : "") + (CRUNCH[m] ? "crunch" : "");
      return el("th", {class: cls, "data-month": m, text: monthLabel(m), onclick: function () { sortBy(m); }});
    })).concat([el("th", {class: state.sort === "total" ? "sorted" : "", "data-month": "total", text: S("total"), onclick: function () { sortBy(""); }})]));
    var body = el("tbody");
    // one row for the plan as a whole: each task once, whoever carries it
    var perMonth = {};
    Object.keys(TASKS).forEach(function (t) {
      if (!passTask(t)) return;
      if (state.role && !Object.keys(ORGS).some(function (o) { return ORGS[o].roles[t] === state.role; })) return;
      taskMonths(t).forEach(function (m) { (perMonth[m] = perMonth[m] || []).push(t); });
    });
    body.appendChild(el("tr", {class: "all"}, [el("td"), el("th", {class: "org", text: S("allTasks")})].concat(cols.map(function (m) {
      var n = perMonth[m] ? perMonth[m].length : 0;
      return el("td", {class: "cell" + (n ? "" : " zero") + (state.month === m ? " month-hl" : ""), text: String(n),
        onclick: n ? function () { selected = {org: null, month: m, tasks: perMonth[m]}; renderCell(); } : null});
    })).concat([el("td", {class: "total", text: String(MONTHS.reduce(function (s, m) { return s + (perMonth[m] ? perMonth[m].length : 0); }, 0))})])));

    var rank = 0, prev = null;
    function row(o, i, ranked) {
      var k = key(o);
      if (ranked && k !== prev) { rank = i + 1; prev = k; }
      var tr = el("tr", {class: (ORGS[o].collective ? "collective" : "") + (selected && selected.org === o ? " selected" : ""), "data-org": o}, [
        el("td", {class: "rank", text: ranked && k ? String(rank) : ""}),
        el("th", {class: "org", text: orgName(o)})]);
      cols.forEach(function (m) {
        var n = c[o][m] ? c[o][m].length : 0;
        var active = selected && selected.org === o && selected.month === m;
        tr.appendChild(el("td", {class: "cell" + (n ? "" : " zero") + (state.month === m ? " month-hl" : "") + (active ? " active" : ""),
          "data-month": m, style: m === "none" ? "" : shade(n, max), text: String(n),
          onclick: n ? function () { selected = {org: o, month: m, tasks: c[o][m]}; render(); } : null}));
      });
      tr.appendChild(el("td", {class: "total", text: String(total(c[o]))}));
      return tr;
    }
    real.forEach(function (o, i) { body.appendChild(row(o, i, true)); });
    if (coll.length) {
      body.appendChild(el("tr", {class: "group"}, [el("th", {colspan: String(cols.length + 3), text: S("collectives")})]));
      coll.forEach(function (o, i) { body.appendChild(row(o, i, false)); });
    }
    box.appendChild(el("table", {class: "pk-heat", id: "pk-heat-table"}, [el("thead", {}, [head]), body]));
  }
  function sortBy(m) { state.month = m; state.sort = m || "total"; renderControls(); render(); }

  // -- timeline ---------------------------------------------------------------------------------------
  function svg(tag, attrs, children) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  var DOMAIN_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6"];
  function renderTimeline() {
    var box = document.getElementById("pk-timeline");
    box.textContent = "";
    var domainIndex = {};
    (D.domains || []).forEach(function (d, i) { domainIndex[d.id] = i; });
    var shown = Object.keys(TASKS).filter(function (t) {
      if (!passTask(t)) return false;
      var os = Object.keys(ORGS).filter(function (o) { return ORGS[o].roles[t] && (!state.role || ORGS[o].roles[t] === state.role); });
      if (!os.length && state.role) return false;
      if (selected && selected.org) return os.indexOf(selected.org) >= 0;
      var q = state.q.trim().toLowerCase();
      return !q || os.some(function (o) { return ORGS[o].zh.toLowerCase().indexOf(q) >= 0; });
    });
    var dated = [];
    shown.forEach(function (t) { TASKS[t].deadlines.forEach(function (d) { if (d.date) dated.push([d.date, t, d]); }); });
    if (!MONTHS.length) return;
    var first = new Date(MONTHS[0] + "-01T00:00:00Z"), lastM = MONTHS[MONTHS.length - 1].split("-");
    var last = new Date(Date.UTC(Number(lastM[0]), Number(lastM[1]), 1));
    var width = Math.max(600, box.clientWidth || 900), left = 20, right = 20, step = 9;
    var x = function (iso) { var d = new Date(iso + "T00:00:00Z"); return left + (width - left - right) * (d - first) / (last - first); };
    var stack = {};
    dated.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : TASKS[a[1]].o - TASKS[b[1]].o; });
    dated.forEach(function (r) { stack[r[0]] = (stack[r[0]] || 0) + 1; });
    var tallest = Object.keys(stack).reduce(function (m, k) { return Math.max(m, stack[k]); }, 1);
    var height = 40 + tallest * step + 10, base = height - 28;
    var g = svg("svg", {width: String(width), height: String(height), role: "img", "aria-label": "timeline"});
    MONTHS.forEach(function (m) {
      var p = m.split("-"), x0 = x(m + "-01");
      g.appendChild(svg("line", {x1: x0, x2: x0, y1: 8, y2: base + 6, stroke: "#d9e2ec"}));
      g.appendChild(svg("text", {x: x0 + 4, y: base + 20}, [monthLabel(m)]));
      if (CRUNCH[m]) g.appendChild(svg("rect", {x: x0, y: 8, width: x(nextMonth(p)) - x0, height: base - 8, fill: "#fdecd8", opacity: "0.5"}));
    });
    g.appendChild(svg("line", {x1: left, x2: width - right, y1: base + 6, y2: base + 6, stroke: "#9aa5b1"}));
    var level = {};
    dated.forEach(function (r) {
      var t = r[1], n = level[r[0]] = (level[r[0]] || 0) + 1;
      var c = svg("circle", {cx: x(r[0]).toFixed(1), cy: base - (n - 1) * step, r: "4",
        fill: DOMAIN_COLORS[(domainIndex[TASKS[t].domain] || 0) % DOMAIN_COLORS.length], "data-task": t},
        [svg("title", {}, [TASKS[t].ref + ". " + TASKS[t].title + " — " + deadlineText(r[2])])]);
      c.addEventListener("click", function () { selected = {org: selected && selected.org, month: null, tasks: [t]}; renderCell(); });
      g.appendChild(c);
    });
    box.appendChild(g);
  }
  function nextMonth(p) { var y = Number(p[0]), m = Number(p[1]) + 1; if (m > 12) { m = 1; y++; } return y + "-" + (m < 10 ? "0" : "") + m + "-01"; }

  // -- the tasks of a cell ------------------------------------------------------------------------------
  function renderCell() {
    var box = document.getElementById("pk-cell");
    box.textContent = "";
    if (!selected) { box.appendChild(el("p", {class: "pk-note", text: S("clickCell")})); return; }
    var title = (selected.org ? orgName(selected.org) + " · " : "") + (selected.month ? monthLabel(selected.month) + " · " : "") + selected.tasks.length + " " + S("tasks");
    box.appendChild(el("h2", {class: "pk-section", id: "pk-cell-title", text: title}));
    if (selected.org && D.links && D.links.collaboration) {
      box.appendChild(el("a", {class: "pk-btn", href: D.links.collaboration + "?org=" + encodeURIComponent(ORGS[selected.org].zh), text: S("network")}));
    }
    box.appendChild(el("ul", {class: "pk-list", id: "pk-cell-tasks"}, selected.tasks.slice().sort(function (a, b) { return TASKS[a].o - TASKS[b].o; }).map(function (t) {
      var x = TASKS[t], role = selected.org ? ORGS[selected.org].roles[t] : null;
      var leads = Object.keys(ORGS).filter(function (o) { return ORGS[o].roles[t] === "lead"; }).map(orgName).join("、");
      return el("li", {"data-task": t}, [el("b", {text: x.ref + ". " + x.title}), " ",
        role ? el("span", {class: "pk-tag" + (role === "lead" ? " lead" : ""), text: S(role)}) : null]
        .concat(x.deadlines.length ? x.deadlines.map(function (d) { return el("span", {class: "pk-tag deadline", text: deadlineText(d)}); })
                                   : [el("span", {class: "pk-tag", text: S("noDeadline")})])
        .concat([el("div", {class: "pk-note", text: S("lead") + "：" + leads})])
        .concat(x.deadlines.filter(function (d) { return d.sentence; }).map(function (d) { return el("blockquote", {class: "pk-quote", text: d.sentence}); })));
    })));
    quotesFor(selected.tasks);
  }
  /* A place's page comes without its sentences: read the listed tasks' plans, then list them again
     if the same tasks are still shown. */
  var QUOTES = pk.quotes(D, true);
  function quotesFor(ts) {
    var box = document.getElementById("pk-cell"), n = QUOTES.need(ts), shown = selected;
    if (n.failed && !n.want.length) box.appendChild(el("p", {class: "pk-note", "data-quotes": "failed", text: S("noQuotes")}));
    if (!n.want.length) return;
    box.appendChild(el("p", {class: "pk-note", "data-quotes": "reading", text: S("quoting")}));
    Promise.all(n.want.map(QUOTES.load)).then(function () { if (selected === shown) renderCell(); });
  }

  function render() {
    var c = counts();
    renderHeat(c); renderTimeline(); renderCell();
    pk.saveParams({month: state.month, domain: state.domain, role: state.role, org: state.q});
  }

  var p = pk.params();
  state.month = p.get("month") || ""; state.sort = state.month || "total";
  state.domain = p.get("domain") || ""; state.role = p.get("role") || ""; state.q = p.get("org") || p.get("q") || "";
  document.addEventListener("pk-lang", function () { renderControls(); render(); });
  renderControls();
  render();
  window.pkCalendar = {state: state, counts: counts, render: render, sortBy: sortBy};
  window.pkReady = true;
})();
