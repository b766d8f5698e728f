// Charts drawn from data with plain elements (no library): horizontal bars, one per row, widths
// relative to the largest value; and columns over time in an SVG. Crisp at any width.
import { h, s } from "./dom.js";

/** rows: [{label, value, href?}]; format(value) -> text. */
export function barChart(rows, format, { title } = {}) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return h("figure", { class: "bars" },
    h("figcaption", { class: "visually-hidden" }, title),
    h("ul", { class: "bar-list" }, rows.map((row) => {
      const fill = h("span", { class: "bar-fill" });
      // Set through the CSSOM: the page's policy allows no inline style attributes.
      fill.style.width = `${row.value > 0 ? Math.max(0.5, (row.value / max) * 100) : 0}%`;
      return h("li", { class: "bar-row", "data-value": row.value },
        row.href ? h("a", { class: "bar-label", href: row.href, title: row.label }, row.label)
          : h("span", { class: "bar-label", title: row.label }, row.label),
        h("span", { class: "bar-track", "aria-hidden": "true" }, fill),
        h("span", { class: "bar-value" }, format(row.value)));
    })));
}

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 64 };

/**
 * Columns over time in an SVG: points [{time (ms), value, tone: "ok"|"bad"|"warn", label}], each
 * at its time; a point without a value (a failed backup) is a red mark on the axis. format(value)
 * names the axis. Readers without sight get `title` and the table the page shows beside it.
 */
export function timeChart(points, format, { title, timeLabel } = {}) {
  const inner = { w: WIDTH - PAD.left - PAD.right, h: HEIGHT - PAD.top - PAD.bottom };
  const times = points.map((p) => p.time);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = Math.max(last - first, 1);
  const max = Math.max(1, ...points.map((p) => p.value || 0));
  const barWidth = Math.max(3, Math.min(24, inner.w / Math.max(points.length, 1) * 0.6));
  const x = (time) => PAD.left + (points.length === 1 ? inner.w / 2 : ((time - first) / span) * (inner.w - barWidth) + barWidth / 2);
  const y = (value) => PAD.top + inner.h - (value / max) * inner.h;
  const grid = [0, 0.5, 1].map((f) => s("g", { class: "chart-grid" },
    s("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(max * f), y2: y(max * f) }),
    s("text", { x: PAD.left - 8, y: y(max * f) + 4, "text-anchor": "end" }, format(Math.round(max * f)))));
  const marks = points.map((p) => {
    const height = p.value ? Math.max(1, inner.h - (y(p.value) - PAD.top)) : 0;
    const mark = p.value
      ? s("rect", { class: `chart-bar ${p.tone || "ok"}`, x: x(p.time) - barWidth / 2, y: y(p.value), width: barWidth, height })
      : s("rect", { class: `chart-bar ${p.tone || "bad"} empty`, x: x(p.time) - barWidth / 2, y: PAD.top + inner.h - 6,
        width: barWidth, height: 6 });
    mark.append(s("title", {}, p.label));
    return s("g", { "data-point": p.tone || "ok" }, mark);
  });
  const axis = [first, last].filter((t, i) => i === 0 || last !== first).map((t, i) => s("text",
    { class: "chart-axis", x: i === 0 ? PAD.left : WIDTH - PAD.right, y: HEIGHT - 8, "text-anchor": i === 0 ? "start" : "end" },
    timeLabel ? timeLabel(t) : new Date(t).toISOString().slice(0, 10)));
  return h("figure", { class: "time-chart" },
    s("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": title },
      grid, marks, axis),
    h("figcaption", { class: "visually-hidden" }, title));
}
