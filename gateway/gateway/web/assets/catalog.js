// The catalog (loaded once per session) and the contract's price of a term.
import { get } from "./api.js";

let cached = null;

export async function catalog() {
  cached = cached || (await get("/v1/catalog"));
  return cached;
}

export function forget() {
  cached = null;
}

export function product(cat, productId) {
  return cat.products.find((p) => p.id === productId);
}

export function plan(cat, productId, planId) {
  return product(cat, productId)?.plans.find((p) => p.id === planId);
}

export function planName(cat, productId, planId) {
  if (!productId) return "—";
  return plan(cat, productId, planId)?.name || `${productId} ${planId}`;
}

export function addonName(cat, addonId) {
  return cat.addons.find((a) => a.id === addonId)?.name || addonId;
}

/** term_price = annual × years × (100 − discount) / 100, rounded half up to a cent (API.md). */
export function termPrice(cat, annualCents, years) {
  const term = cat.terms.find((t) => t.years === years);
  const discount = term ? term.discount_percent : 0;
  const hundredths = annualCents * years * (100 - discount);
  return Math.floor((hundredths + 50) / 100);
}
