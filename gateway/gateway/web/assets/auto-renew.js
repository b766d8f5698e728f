// Auto-renew of an active subscription: one switch (PATCH at once, put back if refused), and the
// same change for many at once.
import { patch } from "./api.js";
import { h } from "./dom.js";
import { toast } from "./ui.js";

export function setAutoRenew(sub, on) {
  return patch(`/v1/subscriptions/${sub.id}`, { auto_renew: on });
}

/** `name`: the switch's accessible name where many are listed (which subscription it is). */
export function autoRenewSwitch(sub, allowed, { name, onChange } = {}) {
  if (sub.status !== "active") return sub.auto_renew ? "On" : "—";
  const id = `renew-${sub.id}`;
  const box = h("input", { type: "checkbox", id, class: "switch", checked: sub.auto_renew, disabled: !allowed,
    "data-auto-renew": sub.id, "aria-label": name });
  box.addEventListener("change", async () => {
    box.disabled = true;
    try {
      const updated = await setAutoRenew(sub, box.checked);
      box.checked = updated.auto_renew;
      sub.auto_renew = updated.auto_renew;
      toast(updated.auto_renew ? "It will renew itself when it expires." : "It will expire at the end of its term.");
      onChange?.(updated);
    } catch (error) {
      box.checked = !box.checked;
      toast(error.message, "bad");
    } finally {
      box.disabled = !allowed;
    }
  });
  return h("span", { class: "switch-field" }, box, h("label", { for: id }, "Renew automatically"));
}
