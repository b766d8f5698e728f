// SUBSCRIPTIONS: every subscription of the partner, by status, sortable, more on demand, as CSV.
import { get } from "./api.js";
import { h } from "./dom.js";
import { catalog, plan as findPlan, planName } from "./catalog.js";
import { csvButton } from "./csv.js";
import { field } from "./forms.js";
import { date, number, years } from "./format.js";
import { pagedList, reloadOnFilters } from "./lists.js";
import { accountCell, accountNames, subscriptionsNav } from "./subscriptions-nav.js";
import { card, pageHeader, statusBadge } from "./ui.js";

export const name = "subscriptions";

const STATUSES = [
  { value: "", label: "All statuses" },
  { value: "active", label: "Active" },
  { value: "trial", label: "Trial" },
  { value: "available", label: "In inventory" },
  { value: "expired", label: "Expired" },
];

export async function render(ctx, params, query) {
  const [cat, names] = await Promise.all([catalog(), accountNames()]);
  const seats = (s) => s.quantity * (findPlan(cat, s.product, s.plan)?.computers_included || 1);
  const filters = h("form", { role: "search", class: "filters", "aria-label": "Filter subscriptions" },
    field({ name: "status", label: "Status", type: "select", value: query.get("status") || "", options: STATUSES }));
  const filterQuery = () => ({ status: filters.elements.status.value });
  const list = pagedList({
    fetchPage: (page) => get("/v1/subscriptions", { ...filterQuery(), ...page }),
    columns: [
      { label: "Account", sort: (s) => (s.account_id ? names.get(s.account_id) || "~" : ""), cell: (s) => accountCell(names, s) },
      { label: "Plan", sort: (s) => planName(cat, s.product, s.plan), cell: (s) => h("strong", {}, planName(cat, s.product, s.plan)) },
      { label: "Status", sort: (s) => s.status, cell: (s) => statusBadge(s.status) },
      { label: "Seats", class: "num", sort: seats, cell: (s) => number(seats(s)) },
      { label: "Term", sort: (s) => s.term_years, cell: (s) => (s.term_years ? years(s.term_years) : "Trial") },
      { label: "Started", sort: (s) => s.starts_at, cell: (s) => date(s.starts_at) },
      { label: "Expires", sort: (s) => s.expires_at, cell: (s) => date(s.expires_at) },
      { label: "Auto-renew", sort: (s) => Number(s.auto_renew), cell: (s) => (s.auto_renew ? "On" : "Off") },
    ],
    caption: "Subscriptions",
    empty: "No subscription matches.",
    rowAttrs: (s) => ({ "data-subscription": s.id, "data-status": s.status }),
  });
  reloadOnFilters(filters, list);
  await list.load();
  return h("div", { class: "page" },
    pageHeader("Subscriptions", "Everything your customers and your inventory hold.",
      csvButton("/v1/subscriptions", filterQuery, "subscriptions")),
    subscriptionsNav("all"),
    card(null, filters, h("div", { "aria-live": "polite" }, list.node)));
}
