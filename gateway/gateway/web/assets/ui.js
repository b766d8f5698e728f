// Small pieces every page uses: page titles, cards, tables that turn into cards on a phone,
// badges, toasts, a confirmation dialog, and buttons that run one request.
import { ApiError } from "./api.js";
import { busy } from "./forms.js";
import { h, mount } from "./dom.js";

export function pageHeader(title, subtitle, ...actions) {
  return h("div", { class: "page-header" },
    h("div", {}, h("h1", { tabindex: "-1" }, title), subtitle ? h("p", { class: "subtitle" }, subtitle) : null),
    actions.some(Boolean) ? h("div", { class: "page-actions" }, actions) : null);
}

export function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, children);
}

const blank = (value) => value === null || value === undefined || value === "";

function compare(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: "base" });
}

/** Rows ordered by `key` (blanks last either way), stable for equal keys. */
export function sortRows(rows, key, dir = "ascending") {
  const sign = dir === "descending" ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (blank(x) || blank(y)) return blank(x) - blank(y);
    return compare(x, y) * sign;
  });
}

/**
 * columns: [{label, cell(row) -> text|Node, class?, sort?(row) -> number|text}]. A column with `sort`
 * has a header button that orders the rows by it (again: the other way); `aria-sort` says how.
 * `sorting` ({key, dir}) keeps the order across redraws of the same list.
 */
export function table(columns, rows, { empty = "Nothing here yet.", caption, rowAttrs, sorting } = {}) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  const state = sorting || { key: null, dir: "ascending" };
  const tbody = h("tbody", {});
  const heads = columns.map((c) => {
    if (!c.sort) return h("th", { scope: "col", class: c.class }, c.label);
    const button = h("button", { type: "button", class: "sort", "data-sort": c.label },
      c.label, h("span", { class: "sort-mark", "aria-hidden": "true" }));
    button.addEventListener("click", () => {
      state.dir = state.key === c.label && state.dir === "ascending" ? "descending" : "ascending";
      state.key = c.label;
      draw();
    });
    return h("th", { scope: "col", class: c.class }, button);
  });
  function draw() {
    const by = columns.find((c) => c.sort && c.label === state.key);
    const ordered = by ? sortRows(rows, by.sort, state.dir) : rows;
    columns.forEach((c, i) => {
      if (!c.sort) return;
      if (c === by) heads[i].setAttribute("aria-sort", state.dir);
      else heads[i].removeAttribute("aria-sort");
    });
    mount(tbody, ordered.map((row) => h("tr", rowAttrs ? rowAttrs(row) : {},
      columns.map((c) => h("td", { class: c.class, "data-label": c.label }, c.cell(row))))));
  }
  draw();
  return h("div", { class: "table-wrap" }, h("table", { class: "data" },
    caption ? h("caption", { class: "visually-hidden" }, caption) : null,
    h("thead", {}, h("tr", {}, heads)), tbody));
}

const STATUS_TONE = {
  trial: "info", active: "ok", expired: "bad", none: "muted", available: "info",
  ok: "ok", not_backing_up: "bad", new: "muted", success: "ok", failed: "bad", partial: "warn",
  delivered: "ok", pending: "info", converted: "muted", ended: "muted", failing: "bad",
};
const STATUS_TEXT = {
  not_backing_up: "Not backing up", none: "No subscription", ok: "OK",
  converted: "Converted to paid", ended: "Trial ended", failing: "No successful backup",
};

export function statusBadge(status) {
  if (!status) return "—";
  const text = STATUS_TEXT[status] || status.charAt(0).toUpperCase() + status.slice(1);
  return h("span", { class: `badge ${STATUS_TONE[status] || "muted"}`, "data-status": status }, text);
}

export function badge(text, tone = "muted") {
  return h("span", { class: `badge ${tone}` }, text);
}

export function toast(message, tone = "ok") {
  const region = document.getElementById("toasts");
  const node = h("div", { class: `toast ${tone}` }, message);
  region.append(node);
  while (region.children.length > 3) region.firstElementChild.remove();
  setTimeout(() => node.remove(), 5000);
}

/** A button that runs `work` once per click, disabled while it runs; errors go to a toast. */
export function actionButton(label, work, attrs = {}) {
  const button = h("button", { type: "button", class: "button", ...attrs }, label);
  button.addEventListener("click", async () => {
    await busy(button, async () => {
      try {
        await work(button);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.code !== "unauthenticated") toast(error.message, "bad");
      }
    });
  });
  return button;
}

/** A modal question; resolves true when confirmed. Esc or Cancel answer false. */
export function confirmDialog({ title, body, confirmLabel = "Confirm", danger = false }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": "dialog-title" },
      h("h2", { id: "dialog-title" }, title),
      h("div", { class: "dialog-body" }, body),
      h("form", { method: "dialog", class: "dialog-actions" },
        h("button", { class: "button", value: "cancel" }, "Cancel"),
        h("button", { class: `button ${danger ? "danger" : "primary"}`, value: "confirm" }, confirmLabel)));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "confirm");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A line of text that can be copied (agent keys, secrets). */
export function copyable(value, label) {
  const code = h("code", { class: "copy-value", "data-copy-value": "" }, value);
  const button = h("button", { type: "button", class: "button small" }, "Copy");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Not a secure context: select it so that Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.execCommand?.("copy");
    }
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = "Copy"), 2000);
  });
  return h("div", { class: "copyable", "aria-label": label }, code, button);
}

export function loading() {
  return h("p", { class: "loading", role: "status" }, "Loading…");
}

export function failure(error) {
  return h("div", { class: "notice bad", role: "alert" }, error.message || String(error));
}
