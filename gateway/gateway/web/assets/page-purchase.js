// Purchase: the catalog, an order (terms and their discounts, quantity, to an account or to
// inventory), the inventory of available subscriptions, and past orders.
import { allItems, get, newIdempotencyKey, post } from "./api.js";
import { h, mount } from "./dom.js";
import { catalog, plan as findPlan, planName, product as findProduct, termPrice } from "./catalog.js";
import { field, form, onSubmit, showError, submitButton } from "./forms.js";
import { dateTime, money, years } from "./format.js";
import { can } from "./roles.js";
import { card, pageHeader, table } from "./ui.js";

export const name = "purchase";

function catalogCard(cat) {
  return card("Catalog",
    h("p", { class: "subtitle" }, "Prices per unit and year. ",
      cat.terms.filter((t) => t.discount_percent).map((t) => `${years(t.years)}: ${t.discount_percent}% off`).join(" · ")),
    h("div", { class: "catalog" }, cat.products.map((p) => h("div", { class: "product" },
      h("h3", {}, p.name),
      h("ul", { class: "plans" }, p.plans.map((pl) => h("li", {},
        h("span", { class: "plan-name" }, pl.name),
        h("span", { class: "plan-price" }, money(pl.annual_price_cents, cat.currency), h("small", {}, "/year")),
        h("span", { class: "plan-seats muted small" },
          `${pl.computers_included} computer${pl.computers_included === 1 ? "" : "s"}`
          + (pl.servers_included ? `, ${pl.servers_included} server` : "")))))))));
}

function orderCard(ctx, cat, accounts, preselected) {
  const lines = [];
  let key = newIdempotencyKey();
  const productField = field({ name: "product", label: "Product", type: "select",
    options: cat.products.map((p) => ({ value: p.id, label: p.name })) });
  const planSlot = h("div", {});
  const termSlot = h("div", {});
  const priceSlot = h("p", { class: "line-price", "aria-live": "polite" });
  const cart = h("div", {});
  const builder = form({ class: "stack", "aria-label": "Add a line to the order" },
    h("div", { class: "grid three tight" }, productField, planSlot, termSlot),
    h("div", { class: "grid two tight" },
      field({ name: "quantity", label: "Quantity", type: "number", value: 1, min: 1, max: 1000, inputmode: "numeric" }),
      field({ name: "account_id", label: "For", type: "select", value: preselected || "",
        options: [{ value: "", label: "Inventory (apply to an account later)" },
          ...accounts.map((a) => ({ value: a.id, label: `${a.name} (starts now)` }))] })),
    priceSlot,
    submitButton("Add to order", { class: "button" }));
  const el = builder.elements;

  const chosenPlan = () => findPlan(cat, el.product.value, el.plan.value);
  const updatePrice = () => {
    const quantity = Math.max(0, Math.floor(Number(el.quantity.value) || 0));
    const unit = termPrice(cat, chosenPlan().annual_price_cents, Number(el.term_years.value));
    priceSlot.textContent = `${quantity} × ${money(unit, cat.currency)} for ${years(Number(el.term_years.value))} = ${money(unit * quantity, cat.currency)}`;
  };
  const drawTerms = () => {
    mount(termSlot, field({ name: "term_years", label: "Term", type: "select",
      options: cat.terms.map((t) => ({ value: t.years, label: years(t.years) + (t.discount_percent ? ` (−${t.discount_percent}%)` : "") })) }));
    updatePrice();
  };
  const drawPlans = () => {
    mount(planSlot, field({ name: "plan", label: "Plan", type: "select",
      options: findProduct(cat, el.product.value).plans.map((p) => ({ value: p.id, label: p.name })) }));
    drawTerms();
  };
  builder.addEventListener("change", (event) => {
    if (event.target.name === "product") drawPlans();
    else if (event.target.name === "plan") drawTerms();
    else updatePrice();
  });
  builder.addEventListener("input", (event) => {
    if (event.target.name === "quantity") updatePrice();
  });
  drawPlans();

  const accountName = (id) => accounts.find((a) => a.id === id)?.name || "—";
  const total = () => lines.reduce((sum, line) => sum + line.amount, 0);
  const editor = h("div", { class: "stack" }, builder, h("h3", { class: "section-title" }, "Your order"), cart);
  const review = form({ class: "stack", "aria-label": "Place the order", hidden: true });

  const drawCart = () => {
    mount(cart, table([
      { label: "Plan", cell: (l) => planName(cat, l.product, l.plan) },
      { label: "Term", cell: (l) => years(l.term_years) },
      { label: "Quantity", class: "num", cell: (l) => String(l.quantity) },
      { label: "For", cell: (l) => (l.account_id ? accountName(l.account_id) : "Inventory") },
      { label: "Amount", class: "num", cell: (l) => money(l.amount, cat.currency) },
      { label: "", class: "actions", cell: (l) => h("button", { type: "button", class: "button small",
        onclick: () => { lines.splice(lines.indexOf(l), 1); key = newIdempotencyKey(); drawCart(); } }, "Remove") },
    ], lines, { caption: "Order lines", empty: "Add a line above to start an order.", rowAttrs: () => ({ "data-cart-line": "" }) }),
    lines.length ? h("div", { class: "order-total" }, h("span", {}, "Total"), h("strong", { "data-total": "" }, money(total(), cat.currency))) : null,
    lines.length ? h("button", { type: "button", class: "button primary", "data-action": "review-order", onclick: showReview },
      "Review order") : null);
  };

  // The last step before money is spent: every line as it will be charged, the total, then Place order.
  function showReview() {
    mount(review, h("div", { class: "form-error", role: "alert" }),
      h("h3", { tabindex: "-1", class: "review-title" }, "Review your order"),
      h("p", { class: "subtitle" }, "Nothing is charged until you place it."),
      table([
        { label: "Item", cell: (l) => h("strong", {}, planName(cat, l.product, l.plan)) },
        { label: "Term", cell: (l) => years(l.term_years) },
        { label: "For", cell: (l) => (l.account_id ? `${accountName(l.account_id)} (starts now)` : "Inventory") },
        { label: "Quantity", class: "num", cell: (l) => String(l.quantity) },
        { label: "Unit price", class: "num", cell: (l) => money(l.unit, cat.currency) },
        { label: "Amount", class: "num", cell: (l) => money(l.amount, cat.currency) },
      ], lines, { caption: "Order lines to place", rowAttrs: () => ({ "data-review-line": "" }) }),
      h("div", { class: "order-total" }, h("span", {}, "Total to pay"),
        h("strong", { "data-review-total": total() }, money(total(), cat.currency))),
      h("div", { class: "button-row" },
        h("button", { type: "button", class: "button", "data-action": "edit-order", onclick: hideReview }, "Back to edit"),
        submitButton(`Place order — ${money(total(), cat.currency)}`, { "data-action": "place-order" })));
    editor.hidden = true;
    review.hidden = false;
    review.querySelector("h3").focus();
  }

  function hideReview() {
    review.hidden = true;
    editor.hidden = false;
    drawCart();
    cart.querySelector('[data-action="review-order"]')?.focus();
  }
  drawCart();

  onSubmit(builder, async (values, node) => {
    const quantity = Number(values.quantity);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) {
      showError(node, { message: "Check the quantity.", details: { quantity: ["A whole number from 1 to 1000."] } });
      return;
    }
    const line = { product: values.product, plan: values.plan, term_years: Number(values.term_years), quantity };
    if (values.account_id) line.account_id = values.account_id;
    line.unit = termPrice(cat, chosenPlan().annual_price_cents, line.term_years);
    line.amount = line.unit * quantity;
    lines.push(line);
    key = newIdempotencyKey();
    drawCart();
  });
  onSubmit(review, async () => {
    const items = lines.map(({ amount, unit, ...item }) => item);
    const order = await post("/v1/orders", { items }, { idempotencyKey: key });
    ctx.navigate(`/orders/${order.id}`);
  });
  return card("New order", editor, review);
}

function inventoryCard(cat, inventory) {
  return card("Inventory",
    h("p", { class: "subtitle" }, "Subscriptions bought for later: apply one when you upgrade an account's trial."),
    table([
      { label: "Plan", cell: (s) => planName(cat, s.product, s.plan) },
      { label: "Term", cell: (s) => years(s.term_years) },
      { label: "Quantity", class: "num", cell: (s) => String(s.quantity) },
    ], inventory, { caption: "Available subscriptions", empty: "Nothing in inventory." }));
}

function ordersCard(orders) {
  return card("Recent orders", table([
    { label: "Order", cell: (o) => h("a", { href: `#/orders/${o.id}` }, dateTime(o.created_at)) },
    { label: "Kind", cell: (o) => o.kind.charAt(0).toUpperCase() + o.kind.slice(1) },
    { label: "Lines", class: "num", cell: (o) => String(o.lines.length) },
    { label: "Total", class: "num", cell: (o) => money(o.total_cents, o.currency) },
  ], orders, { caption: "Orders", empty: "No orders yet." }));
}

export async function render(ctx, params, query) {
  const cat = await catalog();
  const [accounts, inventory, orders] = await Promise.all([
    allItems("/v1/accounts"),
    allItems("/v1/subscriptions", { status: "available" }),
    get("/v1/orders", { limit: 10 }),
  ]);
  const buyer = can(ctx.me, "purchase");
  return h("div", { class: "page" },
    pageHeader("Purchase", `Prices in ${cat.currency}. Subscriptions start when applied to an account.`),
    h("div", { class: "grid sidebar" },
      h("div", { class: "stack" },
        buyer ? orderCard(ctx, cat, accounts, query.get("account")) : card("New order", h("p", { class: "hint" }, `Your role (${ctx.me.role}) cannot buy.`)),
        ordersCard(orders.items)),
      h("div", { class: "stack" }, catalogCard(cat), inventoryCard(cat, inventory))));
}

