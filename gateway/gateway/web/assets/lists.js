// A list the API pages: its first page, then "Load more" while `next_cursor` says there is more.
// Its columns sort what is loaded (ui.js's table); the order holds when more rows arrive.
import { h, mount } from "./dom.js";
import { actionButton, table } from "./ui.js";

/**
 * fetchPage({limit, cursor}) -> {items, next_cursor}. Answers {node, load(), items()}: `load()`
 * starts again from the first page (after a filter changed), and a slower answer to an older
 * `load()` is dropped.
 */
export function pagedList({ fetchPage, columns, caption, empty, rowAttrs, pageSize = 50, after }) {
  const node = h("div", { "data-list": caption || "" });
  const sorting = { key: null, dir: "ascending" };
  let items = [];
  let cursor = null;
  let asked = 0;

  function draw(focusMore) {
    const more = cursor ? actionButton("Load more", () => load(true), { class: "button", "data-action": "load-more" }) : null;
    mount(node,
      table(columns, items, { caption, empty: typeof empty === "function" ? empty() : empty, rowAttrs, sorting }),
      more ? h("div", { class: "list-more" }, more, h("span", { class: "muted small" }, `${items.length} shown`)) : null);
    if (focusMore) (more || node.querySelector("tbody tr:last-child a, tbody tr:last-child button"))?.focus();
    after?.(items);
  }

  async function load(more = false) {
    const ask = ++asked;
    const answer = await fetchPage({ limit: pageSize, cursor: more ? cursor : null });
    if (ask !== asked) return;
    items = more ? items.concat(answer.items) : answer.items;
    cursor = answer.next_cursor;
    draw(more);
  }

  return { node, load, items: () => items };
}

/** Load `list` again from its first page whenever `form`'s filters change or it is submitted. */
export function reloadOnFilters(form, list) {
  form.addEventListener("change", () => list.load());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    list.load();
  });
}
