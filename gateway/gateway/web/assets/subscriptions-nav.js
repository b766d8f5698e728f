// The two views of the SUBSCRIPTIONS tab, and the account names its lists show.
import { allItems } from "./api.js";
import { h } from "./dom.js";

export function subscriptionsNav(current) {
  const link = (href, label, key) => h("a", { href, class: "segment", "aria-current": key === current ? "page" : null }, label);
  return h("nav", { class: "segments", "aria-label": "Subscriptions views" },
    link("#/subscriptions", "All subscriptions", "all"), link("#/renewals", "Renewals", "renewals"));
}

/** id -> name of the partner's accounts (a subscription names only its account's id). */
export async function accountNames() {
  return new Map((await allItems("/v1/accounts")).map((a) => [a.id, a.name]));
}

export function accountCell(names, sub) {
  if (!sub.account_id) return h("span", { class: "muted" }, "Inventory");
  const label = names.get(sub.account_id);
  return label ? h("a", { href: `#/accounts/${sub.account_id}` }, label) : h("span", { class: "muted" }, "Released account");
}
