// Activity: the audit log (who did what, when, to what), newest first, with filters, more on
// demand and the filtered list as CSV. Owners and admins only: the API decides, the tab hides.
import { allItems, get } from "./api.js";
import { h } from "./dom.js";
import { csvButton } from "./csv.js";
import { field } from "./forms.js";
import { dateTime, dayStart, zoneName } from "./format.js";
import { pagedList, reloadOnFilters } from "./lists.js";
import { can } from "./roles.js";
import { card, pageHeader } from "./ui.js";

export const name = "activity";

// API.md's audit types, as a person says them.
export const TYPES = [
  ["employee.invited", "Employee invited"],
  ["employee.created", "Employee added"],
  ["employee.updated", "Employee changed"],
  ["employee.removed", "Employee removed"],
  ["session.created", "Signed in"],
  ["session.refused", "Sign-in refused"],
  ["session.ended", "Signed out"],
  ["password.changed", "Password changed"],
  ["password.reset", "Password reset"],
  ["two_factor.enabled", "Two-step verification on"],
  ["two_factor.disabled", "Two-step verification off"],
  ["device.revoked", "Trusted device revoked"],
  ["company.updated", "Company changed"],
  ["company.logo_changed", "Logo changed"],
  ["account.created", "Account created"],
  ["account.released", "Account released"],
  ["account_user.added", "Account user added"],
  ["account_user.removed", "Account user removed"],
  ["computer.added", "Computer added"],
  ["computer.removed", "Computer removed"],
  ["order.placed", "Order placed"],
  ["trial.started", "Trial started"],
  ["trial.upgraded", "Trial upgraded"],
  ["subscription.upgraded", "Plan upgraded"],
  ["subscription.addon_added", "Add-on bought"],
  ["subscription.auto_renew_changed", "Auto-renew switched"],
  ["subscription.renewed", "Subscription renewed"],
  ["subscription.expired", "Subscription expired"],
  ["monitoring.settings_changed", "Monitoring threshold changed"],
  ["webhook.created", "Webhook added"],
  ["webhook.updated", "Webhook changed"],
  ["webhook.deleted", "Webhook removed"],
  ["notifications.settings_changed", "Alert settings changed"],
];
const TYPE_LABEL = new Map(TYPES);

function targetLink(target) {
  if (!target) return null;
  if (target.kind === "account") return `#/accounts/${target.id}`;
  if (target.kind === "order") return `#/orders/${target.id}`;
  return null;
}

function targetCell(target) {
  if (!target) return "—";
  const kind = target.kind.replace(/_/g, " ");
  if (!target.name) return h("span", { class: "muted", title: target.id }, kind); // a setting, say: its kind names it
  const href = targetLink(target);
  return h("div", {}, href ? h("a", { href }, target.name) : h("span", {}, target.name),
    h("div", { class: "muted small" }, kind));
}

const COLUMNS = [
  { label: "When", class: "nowrap", sort: (e) => e.occurred_at,
    cell: (e) => h("time", { datetime: e.occurred_at }, dateTime(e.occurred_at)) },
  { label: "What", sort: (e) => TYPE_LABEL.get(e.type) || e.type,
    cell: (e) => h("strong", { title: e.type }, TYPE_LABEL.get(e.type) || e.type) },
  { label: "Who", sort: (e) => e.actor?.name, cell: (e) => (e.actor
    ? h("div", {}, e.actor.name, h("div", { class: "muted small" }, e.actor.email))
    : h("span", { class: "muted" }, "The system")) },
  { label: "Target", sort: (e) => e.target?.name || e.target?.kind, cell: (e) => targetCell(e.target) },
  { label: "Summary", cell: (e) => h("div", { class: "summary-text" }, e.summary,
    e.request_id ? h("div", { class: "muted small" }, "Request ", h("code", { class: "request-id", title: e.request_id }, e.request_id)) : null) },
];

export async function render(ctx, params, query) {
  if (!can(ctx.me, "viewActivity")) {
    return h("div", { class: "page" }, pageHeader("Activity"),
      h("div", { class: "notice info" }, "Only owners and admins see the company's activity."));
  }
  const employees = await allItems("/v1/employees");
  const filters = h("form", { role: "search", class: "filters", "aria-label": "Filter activity" },
    field({ name: "type", label: "What", type: "select", value: query.get("type") || "",
      options: [{ value: "", label: "Everything" }, ...TYPES.map(([value, label]) => ({ value, label }))] }),
    field({ name: "actor_id", label: "Who", type: "select", value: query.get("actor_id") || "",
      options: [{ value: "", label: "Anyone" }, ...employees.map((e) => ({ value: e.id, label: `${e.name} (${e.email})` }))] }),
    field({ name: "since", label: "From", type: "date", value: query.get("since") || "" }),
    field({ name: "until", label: "To", type: "date", value: query.get("until") || "" }));
  const targetId = query.get("target_id") || "";
  const el = filters.elements;
  const filterQuery = () => ({
    type: el.type.value,
    actor_id: el.actor_id.value,
    target_id: targetId,
    since: el.since.value ? dayStart(el.since.value) : "",
    until: el.until.value ? dayStart(el.until.value, 1) : "", // the whole of that day
  });
  const list = pagedList({
    fetchPage: (page) => get("/v1/audit-events", { ...filterQuery(), ...page }),
    columns: COLUMNS,
    caption: "Activity",
    empty: "Nothing recorded matches.",
    rowAttrs: (e) => ({ "data-event": e.id, "data-type": e.type }),
  });
  reloadOnFilters(filters, list);
  await list.load();
  return h("div", { class: "page" },
    pageHeader("Activity", `Every change, sign-in and sign-out in your portal · times in ${zoneName()}`,
      csvButton("/v1/audit-events", filterQuery, "audit-events")),
    card(null, filters,
      targetId ? h("p", { class: "notice info small" }, "Only what concerns one item. ",
        h("a", { href: "#/activity" }, "Show everything")) : null,
      h("div", { "aria-live": "polite" }, list.node)));
}
