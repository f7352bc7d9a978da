// The queries run on this computer, newest first, kept in the browser's localStorage (never sent
// anywhere). An entry is a SPARQL text, or a saved question's name with its parameter values.
const KEY = "policykg.query.history";
const KEEP = 30;

function read() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(list) ? list.filter((e) => e && (typeof e.query === "string" || typeof e.name === "string")) : [];
  } catch (e) {
    return []; // storage off (private window, file://) or damaged: start again
  }
}

function write(list) {
  try {
    localStorage.setItem(KEY, JSON.stringify(list.slice(0, KEEP)));
  } catch (e) {
    /* storage full or off: history is a convenience, the query still ran */
  }
}

function sameEntry(a, b) {
  return a.query === b.query && a.name === b.name && JSON.stringify(a.params || {}) === JSON.stringify(b.params || {});
}

/** Every entry, newest first. */
export function entries() {
  return read();
}

/** Put `entry` ({query} or {name, params}) first, dropping an older copy of it. */
export function remember(entry) {
  const item = { ...entry, at: new Date().toISOString() };
  write([item, ...read().filter((e) => !sameEntry(e, item))]);
}

export function clear() {
  write([]);
}
