// Renewals: active subscriptions expiring in the next 30, 60 or 90 days, soonest first, with
// auto-renew switched for one at a time or for a selection at once.
import { get } from "./api.js";
import { h } from "./dom.js";
import { autoRenewSwitch, setAutoRenew } from "./auto-renew.js";
import { catalog, planName } from "./catalog.js";
import { csvButton } from "./csv.js";
import { field } from "./forms.js";
import { date, daysUntil, isoTime, number } from "./format.js";
import { pagedList } from "./lists.js";
import { can } from "./roles.js";
import { accountCell, accountNames, subscriptionsNav } from "./subscriptions-nav.js";
import { actionButton, card, pageHeader, toast } from "./ui.js";

export const name = "renewals";

const WINDOWS = [30, 60, 90];
const RENEWING = [
  { value: "", label: "Either" },
  { value: "false", label: "Off: will expire" },
  { value: "true", label: "On: will renew" },
];

/** Run `work` for each item, a few at a time; answers how many failed. */
async function eachOf(items, work, width = 4) {
  let failed = 0;
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(width, queue.length) }, async () => {
    while (queue.length) {
      const item = queue.shift();
      try {
        await work(item);
      } catch {
        failed += 1;
      }
    }
  }));
  return failed;
}

export async function render(ctx, params, query) {
  const [cat, names] = await Promise.all([catalog(), accountNames()]);
  const allowed = can(ctx.me, "purchase");
  const chosenWindow = WINDOWS.includes(Number(query.get("days"))) ? Number(query.get("days")) : 30;
  const filters = h("form", { role: "search", class: "filters", "aria-label": "Filter renewals" },
    field({ name: "days", label: "Expiring within", type: "select", value: chosenWindow,
      options: WINDOWS.map((d) => ({ value: d, label: `${d} days` })) }),
    field({ name: "auto_renew", label: "Auto-renew", type: "select", value: query.get("auto_renew") || "", options: RENEWING }));
  const el = filters.elements;
  const filterQuery = () => ({
    status: "active",
    expires_before: isoTime(Date.now() + Number(el.days.value) * 86_400_000),
    auto_renew: el.auto_renew.value,
  });
  const selected = new Set();
  const count = h("span", { class: "muted small", "data-selected-count": "", "aria-live": "polite" });
  let list = null;
  const shown = () => list.items();

  const bulk = (on) => actionButton(`Turn auto-renew ${on ? "on" : "off"} for selected`, async () => {
    const chosen = shown().filter((s) => selected.has(s.id) && s.auto_renew !== on);
    if (!chosen.length) {
      toast(`Every selected subscription already has auto-renew ${on ? "on" : "off"}.`, "warn");
      return;
    }
    const failed = await eachOf(chosen, (s) => setAutoRenew(s, on));
    const done = chosen.length - failed;
    toast(`Auto-renew ${on ? "on" : "off"} for ${number(done)} subscription${done === 1 ? "" : "s"}.`
      + (failed ? ` ${number(failed)} could not be changed.` : ""), failed ? "bad" : "ok");
    selected.clear();
    await list.load();
  }, { class: "button", "data-action": on ? "renew-on" : "renew-off", disabled: true });
  const turnOn = bulk(true);
  const turnOff = bulk(false);
  const all = h("input", { type: "checkbox", id: "select-all-renewals", "data-select-all": "" });
  const syncSelection = () => {
    const items = shown();
    for (const id of [...selected]) if (!items.some((s) => s.id === id)) selected.delete(id);
    count.textContent = selected.size ? `${number(selected.size)} selected` : "None selected";
    turnOn.disabled = turnOff.disabled = !selected.size;
    all.checked = items.length > 0 && selected.size === items.length;
    all.indeterminate = selected.size > 0 && selected.size < items.length;
  };
  all.addEventListener("change", () => {
    for (const s of shown()) (all.checked ? selected.add(s.id) : selected.delete(s.id));
    for (const box of list.node.querySelectorAll("input[data-select]")) box.checked = all.checked;
    syncSelection();
  });

  const pick = (s) => {
    const id = `pick-${s.id}`;
    const box = h("input", { type: "checkbox", id, checked: selected.has(s.id), "data-select": s.id,
      "aria-label": `Select ${planName(cat, s.product, s.plan)} of ${names.get(s.account_id) || "a released account"}` });
    box.addEventListener("change", () => {
      if (box.checked) selected.add(s.id);
      else selected.delete(s.id);
      syncSelection();
    });
    return box;
  };
  const columns = [
    ...(allowed ? [{ label: "", class: "pick", cell: pick }] : []),
    { label: "Account", sort: (s) => names.get(s.account_id) || "~", cell: (s) => accountCell(names, s) },
    { label: "Plan", sort: (s) => planName(cat, s.product, s.plan), cell: (s) => h("strong", {}, planName(cat, s.product, s.plan)) },
    { label: "Quantity", class: "num", sort: (s) => s.quantity, cell: (s) => number(s.quantity) },
    { label: "Expires", sort: (s) => s.expires_at, cell: (s) => h("span", {}, date(s.expires_at),
      h("span", { class: `small ${daysUntil(s.expires_at) <= 7 ? "soon" : "muted"}` }, ` in ${daysUntil(s.expires_at)} days`)) },
    { label: "Auto-renew", sort: (s) => Number(s.auto_renew), cell: (s) => autoRenewSwitch(s, allowed,
      { name: `Renew ${planName(cat, s.product, s.plan)} of ${names.get(s.account_id) || "a released account"} automatically` }) },
  ];
  list = pagedList({
    fetchPage: (page) => get("/v1/subscriptions", { ...filterQuery(), ...page }),
    columns,
    caption: "Subscriptions expiring soon",
    empty: () => `No active subscription expires within ${el.days.value} days${el.auto_renew.value ? " with auto-renew " + (el.auto_renew.value === "true" ? "on" : "off") : ""}.`,
    rowAttrs: (s) => ({ "data-subscription": s.id, "data-auto-renew-state": s.auto_renew ? "on" : "off" }),
    after: syncSelection,
  });
  filters.addEventListener("change", () => {
    selected.clear();
    list.load();
  });
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    list.load();
  });
  await list.load();
  const toolbar = allowed ? h("div", { class: "bulk-bar", "aria-label": "Selected subscriptions", role: "group" },
    h("span", { class: "switch-field" }, all, h("label", { for: "select-all-renewals" }, "Select all shown")),
    count, turnOn, turnOff) : h("p", { class: "hint" }, `Your role (${ctx.me.role}) cannot change auto-renew.`);
  return h("div", { class: "page" },
    pageHeader("Renewals", "Active subscriptions expiring soon, soonest first: renew them or let them go.",
      csvButton("/v1/subscriptions", filterQuery, "subscriptions")),
    subscriptionsNav("renewals"),
    card(null, filters, toolbar, h("div", { "aria-live": "polite" }, list.node)));
}
