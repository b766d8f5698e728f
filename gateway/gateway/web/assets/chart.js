// A horizontal bar chart drawn from data with plain elements (no library): one bar per row, widths
// relative to the largest value, crisp at any width.
import { h } from "./dom.js";

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
