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

  window.pk = {el: el, select: select, T: T, lang: lang, setLang: setLang, readData: readData, params: params, saveParams: saveParams};

  var wanted = params().get("lang"), saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { saved = null; }
  document.documentElement.lang = (wanted || saved) === "en" ? "en" : "zh";
  var button = document.getElementById("pk-lang");
  if (button) button.addEventListener("click", function () { setLang(lang() === "zh" ? "en" : "zh"); });
})();
