// A saved question as a form: one field per declared parameter, typed as the question's header says
// (`# param: org: iri, optional: …`). IRI fields pick things by name from GET /query/lookup, limited
// to the class the question expects there when the server could tell it.
import { bi, debounce, el, T } from "./dom.js";

const INPUT_TYPES = { integer: "number", decimal: "number", date: "date" };

/** Expand a prefixed name (pk:ProvinceLevel) with the known prefixes; other text is returned as is. */
export function expandPrefixed(text, prefixes) {
  const m = /^([A-Za-z][\w-]*):([^/].*)?$/.exec(text.trim());
  if (m && prefixes[m[1]] !== undefined) return prefixes[m[1]] + (m[2] || "");
  return text.trim();
}

function field(question, p, value, { lookupUrl }) {
  const id = `pkq-param-${p.name}`;
  const caption = [el("code", { text: p.name }), " ", el("span", { class: "pk-tag", text: p.type }),
    p.required ? el("span", { class: "pk-tag", text: T("必填", "required") }) : null];
  let input;
  if (p.type === "boolean") {
    input = el("select", { id, name: p.name }, [
      el("option", { value: "", text: "—" }),
      el("option", { value: "true", text: T("是", "true"), selected: value === "true" }),
      el("option", { value: "false", text: T("否", "false"), selected: value === "false" }),
    ]);
  } else {
    input = el("input", {
      id, name: p.name, value: value || "", required: p.required,
      type: INPUT_TYPES[p.type] || "text",
      step: p.type === "decimal" ? "any" : p.type === "integer" ? "1" : null,
      autocomplete: "off",
      placeholder: p.type === "iri" ? T("输入名称查找，或粘贴 IRI", "Type a name to look up, or paste an IRI") : null,
    });
  }
  const children = [el("label", { for: id, class: "pkq-caption" }, caption), input];
  if (p.description) children.push(el("div", { class: "pk-note", text: p.description }));
  if (p.type === "iri") {
    const list = el("datalist", { id: `${id}-names` });
    input.setAttribute("list", list.id);
    const refresh = debounce(async () => {
      const q = input.value.trim();
      if (!q || /^[a-z][a-z0-9+.-]*:\/\//i.test(q)) return;
      const params = new URLSearchParams({ q, limit: "20" });
      if (p.kind) params.set("kind", p.kind);
      const resp = await fetch(`${lookupUrl}?${params}`, { headers: { Accept: "application/json" } });
      if (!resp.ok) return;
      const body = await resp.json();
      list.replaceChildren(...body.data.map((item) =>
        el("option", { value: item.iri, label: `${item.label} (${T(item.kind_zh, item.kind_en)})` })));
    }, 200);
    input.addEventListener("input", refresh);
    children.push(list);
  }
  return el("div", { class: "pkq-param", "data-param": p.name }, children);
}

/**
 * Draw the form of `question` into `box`, filled from `values`; `onRun(params)` gets the entered
 * values (prefixed names expanded) when the form is sent.
 */
export function drawForm(box, question, values, { prefixes, lookupUrl, onRun }) {
  const form = el("form", { class: "pkq-form", "data-question": question.name });
  form.append(el("p", { class: "pkq-description", text: question.description || "" }));
  for (const p of question.params) form.append(field(question, p, values[p.name], { lookupUrl }));
  form.append(el("button", { type: "submit", class: "pk-btn primary", id: "pkq-form-run" }, [bi("运行此问题", "Run this question")]));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    onRun(formValues(form, question, prefixes));
  });
  box.replaceChildren(form);
  return form;
}

/** The values entered in a question's form (empty fields left out, prefixed names expanded). */
export function formValues(form, question, prefixes) {
  const values = {};
  for (const p of question.params) {
    const raw = form.elements[p.name] ? form.elements[p.name].value : "";
    if (raw !== "") values[p.name] = p.type === "iri" ? expandPrefixed(raw, prefixes) : raw;
  }
  return values;
}

/** Whether every required parameter of `question` has a value in `values`. */
export function complete(question, values) {
  return question.params.every((p) => !p.required || (values[p.name] || "") !== "");
}
