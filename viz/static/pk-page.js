/* policykg pages: the 中/EN switch and safe DOM building.
   Text from the graph is only ever put into the page with textContent / text nodes, never as markup. */
(function () {
  "use strict";
  var KEY = "policykg.lang";

  function lang() { return document.documentElement.lang === "en" ? "en" : "zh"; }

  function setLang(value) {
    document.documentElement.lang = value === "en" ? "en" : "zh";
    try { localStorage.setItem(KEY, lang()); } catch (e) { /* storage may be off on file:// */ }
    document.dispatchEvent(new CustomEvent("pk-lang", {detail: lang()}));
  }

  /* el("li", {class: "x", text: "..."}, [child, "text"]) — attributes never take markup. */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null) return;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return e;
  }

  /* A labelled <select> of [value, text] items for the control panels; onchange gets the value. */
  function select(name, caption, items, value, onchange) {
    var s = el("select", {name: name, "data-control": name, onchange: function () { onchange(s.value); }},
      items.map(function (it) { var o = el("option", {value: it[0], text: it[1]}); if (it[0] === value) o.selected = true; return o; }));
    return el("label", {class: "pk-field"}, [el("span", {class: "caption", text: caption}), s]);
  }

  function T(zh, en) { return lang() === "en" && en ? en : zh; }

  function readData() {
    var node = document.getElementById("pk-data");
    return node ? JSON.parse(node.textContent) : {};
  }

  function params() { return new URLSearchParams(window.location.search); }

  /* Keep the page's state in its address so a view can be bookmarked or sent to a colleague; the
     scope the server drew the page for (?place=) stays, the page's own state is rewritten. */
  function saveParams(state) {
    var p = new URLSearchParams(), place = params().get("place");
    if (place && !("place" in state)) p.set("place", place);
    Object.keys(state).forEach(function (k) { if (state[k] !== "" && state[k] !== null && state[k] !== undefined) p.set(k, state[k]); });
    var q = p.toString();
    try { history.replaceState(null, "", q ? "?" + q : window.location.pathname); } catch (e) { /* file:// */ }
  }

  /* Sentences read on demand. A served page of several plans comes without its sentences:
     D.quoteDocs lists the plans, each task's d its plan, D.quoteUrl the saved questions. quotes(D)
     returns need(tasks) → {want: plans still to read, failed: a plan could not be read}, and
     load(i), which reads plan i's sentences once into D.orgs[o].sentences and D.tasks[t].deadlines
     (only the deadlines' with deadlinesOnly, for a page that quotes nothing else). */
  function quotes(D, deadlinesOnly) {
    var docs = D.quoteDocs || [], TASKS = D.tasks || {}, ORGS = D.orgs || {}, state = {}, reading = {};
    function rows(name, doc) {
      var out = [];
      function page(url) {
        return fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
          if (!r.ok) throw new Error(name + ": HTTP " + r.status);
          return r.json();
        }).then(function (j) { out = out.concat(j.rows || []); return j.next ? page(j.next) : out; });
      }
      return page(D.quoteUrl + name + "?doc=" + encodeURIComponent(doc) + "&limit=5000");
    }
    function load(i) {
      if (!reading[i]) {
        reading[i] = Promise.all([deadlinesOnly ? [] : rows("viz_assignment_sentences", docs[i]), rows("viz_deadline_sentences", docs[i])])
          .then(function (got) {
            got[0].forEach(function (r) {
              var o = ORGS[r.org];
              if (o && r.sentence && !o.sentences[r.task]) o.sentences[r.task] = r.sentence;
            });
            got[1].forEach(function (r) {
              var x = TASKS[r.task];
              if (!x || !r.sentence) return;
              var d = x.deadlines.filter(function (y) { return (y.label || "") === (r.label || "") && !y.sentence; })[0];
              if (d) d.sentence = r.sentence;
            });
            state[i] = "read";
          }, function () { state[i] = "failed"; });
      }
      return reading[i];
    }
    function need(ts) {
      var want = [], failed = false;
      if (!docs.length || !D.quoteUrl) return {want: want, failed: failed};
      ts.forEach(function (t) {
        var i = TASKS[t] ? TASKS[t].d : undefined;
        if (i === undefined) return;
        if (state[i] === "failed") failed = true;
        else if (!state[i] && want.indexOf(i) < 0) want.push(i);
      });
      return {want: want, failed: failed};
    }
    return {need: need, load: load};
  }

  window.pk = {el: el, select: select, T: T, lang: lang, setLang: setLang, readData: readData, params: params, saveParams: saveParams,
               quotes: quotes};

  var wanted = params().get("lang"), saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { saved = null; }
  document.documentElement.lang = (wanted || saved) === "en" ? "en" : "zh";
  var button = document.getElementById("pk-lang");
  if (button) button.addEventListener("click", function () { setLang(lang() === "zh" ? "en" : "zh"); });
})();
