// A Yasr plugin drawing SELECT results as a bar or line chart: one column gives the labels, the
// numeric columns the values. Offered whenever the result has a column whose every value is a number.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip,
} from "chart.js";
import { bi, el, icon, T } from "./dom.js";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip);

const MAX_POINTS = 500; // past this a chart is unreadable; the table shows every row
const COLOURS = ["#1f5fa8", "#d9822b", "#2f8f4e", "#8e44ad", "#c0392b", "#16a085"];
const CHART_ICON = "M4 20h16v2H2V2h2v18zm3-3V9h3v8H7zm5 0V4h3v13h-3zm5 0v-6h3v6h-3z";

export function cellText(binding) {
  return binding ? binding.value : "";
}

/** Whether every bound value of `variable` in `bindings` is a number (and at least one is bound). */
export function isNumeric(bindings, variable) {
  let seen = 0;
  for (const b of bindings) {
    const t = b[variable];
    if (!t) continue;
    if (t.type !== "literal" && t.type !== "typed-literal") return false;
    if (t.value.trim() === "" || !Number.isFinite(Number(t.value))) return false;
    seen += 1;
  }
  return seen > 0;
}

export default class ChartPlugin {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
    this.chart = null;
    this.settings = { type: "bar", x: null, y: null };
  }

  bindings() {
    const r = this.yasr.results;
    return r && r.getType && r.getType() === "json" && r.getBindings ? r.getBindings() || [] : [];
  }

  numericVariables() {
    const r = this.yasr.results;
    const bindings = this.bindings();
    if (!bindings.length) return [];
    return r.getVariables().filter((v) => isNumeric(bindings, v));
  }

  canHandleResults() {
    return this.numericVariables().length > 0;
  }

  getIcon() {
    return icon(CHART_ICON);
  }

  draw() {
    const variables = this.yasr.results.getVariables();
    const numeric = this.numericVariables();
    const labelled = variables.filter((v) => !numeric.includes(v));
    const s = this.settings;
    if (!variables.includes(s.x)) s.x = labelled[0] || variables[0];
    if (!numeric.includes(s.y)) s.y = numeric.find((v) => v !== s.x) || numeric[0];

    const select = (name, caption, options, value) => {
      const id = `pkq-chart-${name}`;
      const box = el("select", {
        id, "data-chart": name,
        onchange: (e) => { s[name] = e.target.value; this.draw(); },
      }, options.map(([v, text]) => el("option", { value: v, text, selected: v === value })));
      return el("label", { for: id, class: "pkq-field" }, [caption, " ", box]);
    };
    const controls = el("div", { class: "pkq-chart-controls" }, [
      select("type", bi("图形", "Chart"), [["bar", T("柱状图", "Bar")], ["line", T("折线图", "Line")]], s.type),
      select("x", bi("标签列", "Labels"), variables.map((v) => [v, v]), s.x),
      select("y", bi("数值列", "Values"), numeric.map((v) => [v, v]), s.y),
    ]);
    const bindings = this.bindings().slice(0, MAX_POINTS);
    const canvas = el("canvas", {
      role: "img",
      "aria-label": T(`${s.y} 按 ${s.x} 的${s.type === "bar" ? "柱状图" : "折线图"}`,
        `${s.type === "bar" ? "Bar" : "Line"} chart of ${s.y} by ${s.x}`),
    });
    const note = this.bindings().length > MAX_POINTS
      ? el("p", { class: "pk-note" }, [bi(`图中只画出前 ${MAX_POINTS} 行；表格中有全部结果。`,
        `The chart shows the first ${MAX_POINTS} rows; the table has them all.`)])
      : null;
    this.destroy();
    this.yasr.resultsEl.replaceChildren(el("div", { class: "pkq-chart" }, [controls, note,
      el("div", { class: "pkq-chart-canvas" }, [canvas])]));
    this.chart = new Chart(canvas, {
      type: s.type,
      data: {
        labels: bindings.map((b) => cellText(b[s.x])),
        datasets: [{
          label: s.y,
          data: bindings.map((b) => (b[s.y] ? Number(b[s.y].value) : null)),
          backgroundColor: COLOURS[0],
          borderColor: COLOURS[0],
        }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true } },
      },
    });
    this.yasr.resultsEl.dataset.chartPoints = String(bindings.length);
  }

  destroy() {
    if (this.chart) this.chart.destroy();
    this.chart = null;
    delete this.yasr.resultsEl.dataset.chartPoints;
  }
}
