// ACCOUNTS: the customer accounts with search and status filter, and a new account.
import { get, post } from "./api.js";
import { h } from "./dom.js";
import { catalog, planName } from "./catalog.js";
import { field, form, onSubmit, submitButton } from "./forms.js";
import { bytes, date, number } from "./format.js";
import { can } from "./roles.js";
import { csvButton } from "./csv.js";
import { pagedList } from "./lists.js";
import { badge, card, pageHeader, statusBadge, toast } from "./ui.js";

export const name = "accounts";

const STATUSES = [
  { value: "", label: "All statuses" },
  { value: "trial", label: "Trial" },
  { value: "active", label: "Active" },
  { value: "expired", label: "Expired" },
  { value: "none", label: "No subscription" },
];

function newAccountForm(ctx) {
  const create = form({ class: "stack", "aria-label": "New customer account" },
    h("div", { class: "grid two tight" },
      field({ name: "name", label: "Customer name", autocomplete: "off" }),
      field({ name: "contact_email", label: "Contact email", type: "email", autocomplete: "off" })),
    field({ name: "administered", label: "We administer this account (users, computers, monitoring)", type: "checkbox",
      value: true, hint: "Untick for an account you only resell to." }),
    submitButton("Create account"));
  onSubmit(create, async (values) => {
    const account = await post("/v1/accounts", { ...values, name: values.name.trim(), contact_email: values.contact_email.trim() });
    toast(`${account.name} created.`);
    ctx.navigate(`/accounts/${account.id}`);
  });
  return create;
}

function columns(cat) {
  return [
    { label: "Account", sort: (a) => a.name, cell: (a) => h("div", {},
      h("a", { href: `#/accounts/${a.id}`, class: "strong-link" }, a.name),
      h("div", { class: "muted small" }, a.contact_email)) },
    { label: "Role", sort: (a) => a.role, cell: (a) => (a.role === "Administrator" ? badge("Administrator", "admin") : badge("Reseller", "muted")) },
    { label: "Status", sort: (a) => a.status, cell: (a) => statusBadge(a.status) },
    { label: "Plan", sort: (a) => (a.product ? planName(cat, a.product, a.plan) : null), cell: (a) => planName(cat, a.product, a.plan) },
    { label: "Expires", sort: (a) => a.expires_at, cell: (a) => date(a.expires_at) },
    { label: "Data backed up", class: "num", sort: (a) => a.bytes_backed_up, cell: (a) => bytes(a.bytes_backed_up) },
    { label: "Not backing up", class: "num", sort: (a) => a.computers_not_backing_up, cell: (a) => (a.computers_not_backing_up
      ? h("span", { class: "badge bad", "data-not-backing-up": a.computers_not_backing_up },
        `${number(a.computers_not_backing_up)} of ${number(a.computers)}`)
      : h("span", { class: "muted" }, a.computers ? `0 of ${number(a.computers)}` : "—")) },
  ];
}

export async function render(ctx) {
  const cat = await catalog();
  const filters = h("form", { role: "search", class: "filters", "aria-label": "Filter accounts" },
    field({ name: "q", label: "Search", type: "search", placeholder: "Name or contact email", autocomplete: "off" }),
    field({ name: "status", label: "Status", type: "select", options: STATUSES }));
  const q = filters.elements.q;
  const status = filters.elements.status;
  const query = () => ({ q: q.value.trim(), status: status.value });
  const list = pagedList({
    fetchPage: (page) => get("/v1/accounts", { ...query(), ...page }),
    columns: columns(cat),
    caption: "Customer accounts",
    empty: () => (q.value.trim() || status.value ? "No account matches." : "No customer accounts yet. Create the first one."),
    rowAttrs: (a) => ({ "data-account": a.id }),
  });
  const load = () => list.load();
  const results = h("div", { "aria-live": "polite" }, list.node);

  let timer = null;
  filters.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(), 250);
  });
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  await load();

  const canCreate = can(ctx.me, "manageAccounts");
  const create = canCreate ? card("New customer account", newAccountForm(ctx)) : null;
  let toggle = null;
  if (create) {
    create.hidden = true;
    toggle = h("button", { type: "button", class: "button primary", "aria-expanded": "false", "aria-controls": "new-account" }, "New account");
    create.id = "new-account";
    toggle.addEventListener("click", () => {
      create.hidden = !create.hidden;
      toggle.setAttribute("aria-expanded", String(!create.hidden));
      if (!create.hidden) create.querySelector("input").focus();
    });
  }
  return h("div", { class: "page" },
    pageHeader("Accounts", "Your customers, their subscriptions and their backups.", toggle,
      csvButton("/v1/accounts", query, "accounts"),
      can(ctx.me, "purchase") ? h("a", { class: "button", href: "#/purchase" }, "Buy subscriptions") : null),
    create,
    card(null, filters, results));
}
