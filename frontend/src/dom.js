// Small DOM helpers for the query page. Text (from the graph, the user or the server) only ever
// reaches the page as text nodes or attribute values, never as markup.

/** el("li", {class: "x", text: "…", onclick: f}, [child, "text"]) */
export function el(tag, attrs, children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children || []) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return e;
}

/** Both languages as spans; the page's stylesheet shows the one of the current language. */
export function bi(zh, en) {
  const f = document.createDocumentFragment();
  f.append(el("span", { class: "zh", text: zh }), el("span", { class: "en", text: en }));
  return f;
}

/** The current page language ("zh" or "en"), as the shared 中/EN switch sets it. */
export function lang() {
  return document.documentElement.lang === "en" ? "en" : "zh";
}

/** One string in the current language, for attributes that cannot hold two spans. */
export function T(zh, en) {
  return lang() === "en" ? en : zh;
}

/** An inline SVG icon from a path, decorative (screen readers get the button's own label). */
export function icon(path, size = 16) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", size);
  svg.setAttribute("height", size);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", path);
  p.setAttribute("fill", "currentColor");
  svg.append(p);
  return svg;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
