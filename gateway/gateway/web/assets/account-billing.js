// An account's subscriptions: start a trial, upgrade a trial (inventory or purchase), upgrade a plan
// with the pro-rated quote first, add-ons, auto-renew.
import { allItems, get, newIdempotencyKey, post } from "./api.js";
import { autoRenewSwitch } from "./auto-renew.js";
import { h, mount } from "./dom.js";
import { addonName, plan as findPlan, planName, product as findProduct, termPrice } from "./catalog.js";
import { field, form, onSubmit, run, submitButton } from "./forms.js";
import { date, money, years } from "./format.js";
import { can } from "./roles.js";
import { card, statusBadge, table, toast } from "./ui.js";

function termOptions(cat, annualCents, quantity = 1) {
  return cat.terms.map((t) => ({
    value: t.years,
    label: `${years(t.years)} — ${money(termPrice(cat, annualCents, t.years) * quantity, cat.currency)}`
      + (t.discount_percent ? ` (${t.discount_percent}% off)` : ""),
  }));
}

function startTrialForm(cat, account, reload) {
  const productSelect = field({ name: "product", label: "Product", type: "select",
    options: cat.products.map((p) => ({ value: p.id, label: p.name })) });
  const planSlot = h("div", {});
  const drawPlans = () => {
    const chosen = findProduct(cat, productSelect.querySelector("select").value);
    mount(planSlot, field({ name: "plan", label: "Plan", type: "select",
      options: chosen.plans.map((p) => ({ value: p.id, label: p.name })) }));
  };
  productSelect.querySelector("select").addEventListener("change", drawPlans);
  drawPlans();
  const trial = form({ class: "stack", "aria-label": "Start a trial" },
    h("div", { class: "grid two tight" }, productSelect, planSlot),
    h("p", { class: "hint" }, `Free for ${cat.trial_days} days. Upgrade it any time before it ends.`),
    submitButton("Start trial"));
  onSubmit(trial, async (values) => {
    await post(`/v1/accounts/${account.id}/trials`, { product: values.product, plan: values.plan });
    toast("Trial started.");
    await reload();
  }, { already_subscribed: "product" });
  return trial;
}

/** "Safe Pro Power · 1 year · 10 computers": what an inventory subscription gives, not its quantity. */
function stockLabel(cat, s) {
  const chosen = findPlan(cat, s.product, s.plan);
  const computers = s.quantity * (chosen?.computers_included || 1);
  const servers = s.quantity * (chosen?.servers_included || 0);
  return `${planName(cat, s.product, s.plan)} · ${years(s.term_years)} · ${computers} computer${computers === 1 ? "" : "s"}`
    + (servers ? `, ${servers} server${servers === 1 ? "" : "s"}` : "");
}

function trialUpgradeForm(cat, account, sub, inventory, reload) {
  // The trial's own plan first (a matching one is pre-selected), then the rest, dearest first.
  const price = (s) => findPlan(cat, s.product, s.plan)?.annual_price_cents || 0;
  const stock = inventory.filter((s) => s.product === sub.product)
    .sort((a, b) => (b.plan === sub.plan) - (a.plan === sub.plan) || price(b) - price(a));
  const plans = findProduct(cat, sub.product).plans;
  let key = newIdempotencyKey();
  const fromStock = stock.length > 0;
  const how = h("fieldset", { class: "choice" },
    h("legend", {}, "How"),
    h("label", {}, h("input", { type: "radio", name: "how", value: "inventory", checked: fromStock, disabled: !fromStock }),
      ` From inventory (${stock.length} available)`),
    h("label", {}, h("input", { type: "radio", name: "how", value: "buy", checked: !fromStock }), " Buy now"));
  const inventoryFields = field({ name: "subscription_id", label: "Subscription from inventory", type: "select",
    options: stock.map((s) => ({ value: s.id, label: stockLabel(cat, s) })) });
  const planWarning = h("p", { class: "notice warn small", role: "status", "data-plan-warning": "", hidden: true });
  const inventorySelect = inventoryFields.querySelector("select");
  const warnOfPlan = () => {
    const chosen = stock.find((s) => s.id === inventorySelect.value);
    const differs = Boolean(chosen) && chosen.plan !== sub.plan;
    planWarning.hidden = !differs;
    if (differs) {
      const trialPlan = findPlan(cat, sub.product, sub.plan);
      const cheaper = price(chosen) < (trialPlan?.annual_price_cents || 0);
      planWarning.textContent = `This is ${planName(cat, chosen.product, chosen.plan)}, not the trial's `
        + `${planName(cat, sub.product, sub.plan)}: the account ${cheaper ? "moves down" : "moves up"} to it `
        + `(${stockLabel(cat, chosen).split(" · ").pop()}).`;
    }
  };
  inventorySelect.addEventListener("change", warnOfPlan);
  warnOfPlan();
  const planField = field({ name: "plan", label: "Plan", type: "select", value: sub.plan,
    options: plans.map((p) => ({ value: p.id, label: p.name })) });
  const termSlot = h("div", {});
  const drawTerms = () => {
    const chosen = findPlan(cat, sub.product, planField.querySelector("select").value);
    mount(termSlot, field({ name: "term_years", label: "Term", type: "select", options: termOptions(cat, chosen.annual_price_cents, sub.quantity) }));
  };
  planField.querySelector("select").addEventListener("change", drawTerms);
  drawTerms();
  const stockFields = h("div", { class: "stack tight" }, inventoryFields, planWarning);
  const buyFields = h("div", { class: "grid two tight" }, planField, termSlot);
  const upgrade = form({ class: "stack", "aria-label": "Upgrade the trial" }, how, stockFields, buyFields,
    submitButton("Upgrade trial"));
  const sync = () => {
    const buying = upgrade.elements.how.value === "buy";
    stockFields.hidden = buying;
    buyFields.hidden = !buying;
    for (const el of inventoryFields.querySelectorAll("select")) el.disabled = buying;
    for (const el of buyFields.querySelectorAll("select")) el.disabled = !buying;
  };
  how.addEventListener("change", sync);
  sync();
  onSubmit(upgrade, async (values) => {
    if (values.how === "inventory") {
      await post(`/v1/accounts/${account.id}/trial-upgrade`, { subscription_id: values.subscription_id });
    } else {
      const answer = await post(`/v1/accounts/${account.id}/trial-upgrade`,
        { product: sub.product, plan: values.plan, term_years: Number(values.term_years) }, { idempotencyKey: key });
      if (answer.order) toast(`Charged ${money(answer.order.total_cents, answer.order.currency)}.`);
    }
    key = newIdempotencyKey();
    toast("The trial is now a paid subscription.");
    await reload();
  }, { not_available: "subscription_id" });
  return upgrade;
}

function planUpgradeForm(cat, sub, reload) {
  const current = findPlan(cat, sub.product, sub.plan);
  const dearer = findProduct(cat, sub.product).plans.filter((p) => p.annual_price_cents > current.annual_price_cents);
  if (!dearer.length) return h("p", { class: "hint" }, "This is the product's top plan.");
  let key = newIdempotencyKey();
  let quote = null;
  const quoteSlot = h("div", { "aria-live": "polite" });
  const confirm = h("button", { type: "button", class: "button primary", hidden: true, "data-action": "confirm-upgrade" },
    "Confirm upgrade");
  const upgrade = form({ class: "stack", "aria-label": "Upgrade the plan" },
    field({ name: "plan", label: "New plan", type: "select",
      options: dearer.map((p) => ({ value: p.id, label: `${p.name} — ${money(p.annual_price_cents, cat.currency)}/year` })) }),
    quoteSlot,
    h("div", { class: "button-row" }, submitButton("See the price", { class: "button", "data-action": "quote" }), confirm));
  upgrade.elements.plan.addEventListener("change", () => {
    quote = null;
    confirm.hidden = true;
    mount(quoteSlot);
  });
  // First the quote (Enter or "See the price"), then an explicit confirmation of that amount.
  onSubmit(upgrade, async (values) => {
    quote = await get(`/v1/subscriptions/${sub.id}/upgrade-quote`, { plan: values.plan });
    mount(quoteSlot, h("div", { class: "quote", "data-quote": "" },
      h("div", { class: "quote-amount", "data-amount-cents": quote.amount_cents }, money(quote.amount_cents, quote.currency)),
      h("p", {}, `${planName(cat, sub.product, quote.from_plan)} → ${planName(cat, sub.product, quote.to_plan)}, `
        + `pro-rated: ${quote.remaining_days} of ${quote.term_days} days remain until ${date(sub.expires_at)}.`),
      h("p", { class: "hint" }, "The subscription keeps its expiry date.")));
    confirm.hidden = false;
    confirm.textContent = `Confirm upgrade — ${money(quote.amount_cents, quote.currency)}`;
    confirm.focus();
  }, { conflict: "plan" });
  confirm.addEventListener("click", () => run(upgrade, async () => {
    const answer = await post(`/v1/subscriptions/${sub.id}/upgrade`, { plan: quote.to_plan }, { idempotencyKey: key });
    key = newIdempotencyKey();
    toast(`Upgraded to ${planName(cat, sub.product, answer.to_plan)}: charged ${money(answer.amount_cents, answer.currency)}.`);
    await reload();
  }, { conflict: "plan" }));
  return upgrade;
}

function addonForm(cat, sub, reload) {
  let key = newIdempotencyKey();
  const buy = form({ class: "stack", "aria-label": "Buy an add-on" },
    h("div", { class: "grid two tight" },
      field({ name: "addon", label: "Add-on", type: "select",
        options: cat.addons.map((a) => ({ value: a.id, label: `${a.name} — ${money(a.annual_price_cents, cat.currency)}/year` })) }),
      field({ name: "quantity", label: "Quantity", type: "number", value: 1, min: 1, max: 1000, inputmode: "numeric" })),
    h("p", { class: "hint" }, `Charged pro rata until ${date(sub.expires_at)}.`),
    submitButton("Buy add-on"));
  onSubmit(buy, async (values) => {
    const answer = await post(`/v1/subscriptions/${sub.id}/addons`,
      { addon: values.addon, quantity: Number(values.quantity) }, { idempotencyKey: key });
    key = newIdempotencyKey();
    toast(`Add-on bought: charged ${money(answer.order.total_cents, answer.order.currency)}.`);
    await reload();
  });
  return buy;
}

/**
 * What a subscription is, as a person reads it: an expired trial that became a paid subscription
 * (`converted_to`) was converted, not lapsed; one that simply ran out has ended.
 */
export function subscriptionState(sub) {
  if (sub.term_years || sub.status !== "expired") return sub.status;
  return sub.converted_to ? "converted" : "ended";
}

function panel(summary, body, open = false) {
  return h("details", { class: "disclosure", open }, h("summary", {}, summary), body);
}

export async function subscriptionsCard(ctx, cat, account, reload) {
  const buyer = can(ctx.me, "purchase");
  const subs = account.subscriptions;
  const trials = subs.filter((s) => s.status === "trial");
  const active = subs.filter((s) => s.status === "active");
  const inventory = buyer && trials.length ? await allItems("/v1/subscriptions", { status: "available" }) : [];
  const list = table([
    { label: "Plan", cell: (s) => h("strong", {}, planName(cat, s.product, s.plan)) },
    { label: "Status", cell: (s) => statusBadge(subscriptionState(s)) },
    { label: "Seats", class: "num", cell: (s) => String(s.quantity * (findPlan(cat, s.product, s.plan)?.computers_included || 1)) },
    { label: "Term", cell: (s) => (s.term_years ? years(s.term_years) : "Trial") },
    { label: "Started", cell: (s) => date(s.starts_at) },
    { label: "Expires", cell: (s) => (["converted", "ended"].includes(subscriptionState(s))
      ? h("span", { class: "muted" }, `Ended ${date(s.expires_at)}`) : date(s.expires_at)) },
    { label: "Add-ons", cell: (s) => (s.addons.length
      ? h("ul", { class: "plain" }, s.addons.map((a) => h("li", {}, `${a.quantity} × ${addonName(cat, a.addon)}`)))
      : "—") },
    { label: "Auto-renew", cell: (s) => autoRenewSwitch(s, buyer) },
  ], subs, { caption: "Subscriptions", empty: "No subscription yet.", rowAttrs: (s) => ({ "data-subscription": s.id, "data-status": subscriptionState(s) }) });
  const actions = [];
  if (buyer) {
    for (const sub of trials) {
      actions.push(panel(`Upgrade the ${planName(cat, sub.product, sub.plan)} trial`,
        trialUpgradeForm(cat, account, sub, inventory, reload), true));
    }
    for (const sub of active) {
      actions.push(panel(`Upgrade ${planName(cat, sub.product, sub.plan)}`, planUpgradeForm(cat, sub, reload)));
      actions.push(panel(`Add-ons for ${planName(cat, sub.product, sub.plan)}`, addonForm(cat, sub, reload)));
    }
    actions.push(panel("Start a trial", startTrialForm(cat, account, reload), !subs.length));
    actions.push(h("p", {}, h("a", { href: `#/purchase?account=${account.id}` }, "Buy subscriptions for this account →")));
  }
  return card("Subscriptions", list, actions.length ? h("div", { class: "stack actions-panels" }, actions) : null,
    buyer ? null : h("p", { class: "hint" }, `Your role (${ctx.me.role}) cannot buy or change subscriptions.`));
}

