// The order confirmation: its lines and total.
import { allItems, get } from "./api.js";
import { h } from "./dom.js";
import { catalog, planName, addonName } from "./catalog.js";
import { dateTime, money, years } from "./format.js";
import { card, pageHeader, table } from "./ui.js";

export const name = "order";

export async function render(ctx, [id]) {
  const cat = await catalog();
  const [order, accounts] = await Promise.all([get(`/v1/orders/${id}`), allItems("/v1/accounts")]);
  const accountName = (accountId) => accounts.find((a) => a.id === accountId)?.name || "Released account";
  return h("div", { class: "page" },
    h("p", { class: "breadcrumb" }, h("a", { href: "#/purchase" }, "← Purchase")),
    pageHeader("Order confirmed", `Placed ${dateTime(order.created_at)} · ${order.id}`),
    card(null,
      h("div", { class: "notice ok", role: "status" }, "Thank you: the order is placed and its subscriptions exist now."),
      table([
        { label: "Item", cell: (l) => (l.addon ? addonName(cat, l.addon) : planName(cat, l.product, l.plan)) },
        { label: "Term", cell: (l) => years(l.term_years) },
        { label: "For", cell: (l) => (l.account_id ? h("a", { href: `#/accounts/${l.account_id}` }, accountName(l.account_id)) : "Inventory") },
        { label: "Quantity", class: "num", cell: (l) => String(l.quantity) },
        { label: "Unit price", class: "num", cell: (l) => money(l.unit_price_cents, order.currency) },
        { label: "Amount", class: "num", cell: (l) => money(l.amount_cents, order.currency) },
      ], order.lines, { caption: "Order lines", rowAttrs: () => ({ "data-order-line": "" }) }),
      h("div", { class: "order-total" }, h("span", {}, "Total"),
        h("strong", { "data-total": order.total_cents }, money(order.total_cents, order.currency))),
      h("div", { class: "button-row" },
        h("a", { class: "button", href: "#/purchase" }, "Buy more"),
        h("a", { class: "button primary", href: "#/accounts" }, "Back to accounts"))));
}
