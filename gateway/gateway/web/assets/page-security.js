// My security: two-step verification (QR code, recovery codes once), password, trusted devices.
import { del, get, post, trustedDevices } from "./api.js";
import { h, mount } from "./dom.js";
import { field, form, onSubmit, showError, submitButton } from "./forms.js";
import { dateTime } from "./format.js";
import { recoveryCodesPanel, setupPanel } from "./two-factor-setup.js";
import { actionButton, badge, card, confirmDialog, pageHeader, table, toast } from "./ui.js";

export const name = "security";

function twoFactorCard(ctx, reload) {
  const slot = h("div", {});
  if (ctx.me.two_factor_enabled) {
    const off = form({ class: "stack narrow", "aria-label": "Turn off two-step verification" },
      field({ name: "password", label: "Password", type: "password", autocomplete: "current-password" }),
      field({ name: "code", label: "Code from the app or a recovery code", autocomplete: "one-time-code" }),
      h("button", { type: "submit", class: "button danger" }, "Turn off two-step verification"));
    onSubmit(off, async (values) => {
      await del("/v1/me/2fa", { password: values.password, code: values.code.replace(/\s+/g, "") });
      trustedDevices.forget(ctx.me.email);
      toast("Two-step verification is off.", "warn");
      await reload();
    }, { invalid_code: "code", invalid_credentials: "password" });
    mount(slot,
      h("p", {}, "Status: ", badge("On", "ok"), " You enter a code from your authenticator app when you sign in."),
      h("details", { class: "disclosure" }, h("summary", {}, "Turn it off"), off));
  } else {
    const start = actionButton("Set up two-step verification", async () => {
      const setup = await post("/v1/me/2fa/setup");
      mount(slot, setupPanel(setup, (codes) => {
        ctx.me.two_factor_enabled = true;
        mount(slot, recoveryCodesPanel(codes, reload));
      }));
    }, { class: "button primary", "data-action": "setup-2fa" });
    mount(slot,
      h("p", {}, "Status: ", badge("Off", "bad"),
        " Anyone with your password can sign in. Add a code from your phone to every sign-in."),
      start);
  }
  return card("Two-step verification", slot);
}

function passwordCard(ctx) {
  const change = form({ class: "stack narrow", "aria-label": "Change password" },
    h("input", { type: "text", name: "username", value: ctx.me.email, autocomplete: "username", hidden: true,
      disabled: true }),
    field({ name: "current_password", label: "Current password", type: "password", autocomplete: "current-password" }),
    field({ name: "new_password", label: "New password", type: "password", autocomplete: "new-password",
      hint: "10 to 128 characters." }),
    field({ name: "confirm_password", label: "New password again", type: "password", autocomplete: "new-password" }),
    ctx.me.two_factor_enabled
      ? field({ name: "code", label: "Code from the app", autocomplete: "one-time-code", inputmode: "numeric" })
      : null,
    submitButton("Change password"));
  onSubmit(change, async (values, node) => {
    if (values.new_password !== values.confirm_password) {
      showError(node, { message: "The new passwords differ.", details: { confirm_password: ["Type the same new password twice."] } });
      return;
    }
    const body = { current_password: values.current_password, new_password: values.new_password };
    if (ctx.me.two_factor_enabled) body.code = values.code.replace(/\s+/g, "");
    await post("/v1/me/password", body);
    trustedDevices.forget(ctx.me.email);
    node.reset();
    toast("Password changed. Your other sessions and trusted devices were signed out.");
  }, { invalid_code: "code", invalid_credentials: "current_password" });
  return card("Password", change);
}

function shortAgent(agent) {
  if (!agent) return "Unknown browser";
  const browser = agent.match(/(Edg|Firefox|Chrome|Safari)\/[\d.]+/);
  const system = agent.match(/\(([^;)]+)/);
  return [browser ? browser[0].replace("Edg", "Edge") : agent.slice(0, 40), system ? `on ${system[1]}` : ""].join(" ");
}

/** Whether `device` is this browser's: the id sign-in gave, else the expiry it answered (to the second). */
function isThisBrowser(device, mine) {
  if (!mine) return false;
  if (mine.id) return mine.id === device.id;
  return Boolean(mine.expires_at) && Date.parse(mine.expires_at) === Date.parse(device.expires_at);
}

async function devicesCard(ctx) {
  const slot = h("div", {});
  async function load() {
    const devices = (await get("/v1/me/devices", { limit: 200 })).items;
    const mine = trustedDevices.entry(ctx.me.email);
    const here = (d) => isThisBrowser(d, mine);
    mount(slot, table([
      { label: "Device", cell: (d) => h("span", {}, h("span", { title: d.user_agent || "" }, shortAgent(d.user_agent)),
        here(d) ? [" ", h("span", { class: "badge info", "data-this-browser": "" }, "This browser")] : null) },
      { label: "Trusted since", cell: (d) => dateTime(d.created_at) },
      { label: "Last used", cell: (d) => dateTime(d.last_used_at) },
      { label: "Trusted until", cell: (d) => dateTime(d.expires_at) },
      { label: "", class: "actions", cell: (d) => actionButton("Revoke", async () => {
        const ok = await confirmDialog({
          title: here(d) ? "Revoke this browser?" : `Revoke ${shortAgent(d.user_agent)}?`,
          body: here(d)
            ? "This browser will ask for a code from your authenticator app at your next sign-in."
            : `Signing in on it will need a code from your authenticator app again. Trusted since ${dateTime(d.created_at)}.`,
          confirmLabel: "Revoke",
          danger: true,
        });
        if (!ok) return;
        await del(`/v1/me/devices/${d.id}`);
        if (here(d)) trustedDevices.forget(ctx.me.email);
        toast("The device will be asked for a code next time.");
        await load();
      }, { class: "button small danger-outline", "aria-label": `Revoke ${here(d) ? "this browser" : shortAgent(d.user_agent)}` }) },
    ], devices, {
      empty: "No trusted devices. Tick “Trust this device” when you sign in with a code.",
      rowAttrs: (d) => ({ "data-device": d.id, "data-this-browser": here(d) ? "true" : null }),
    }));
  }
  await load();
  return card("Trusted devices", h("p", { class: "subtitle" },
    "Devices that skip the code for 30 days. Revoke one you no longer use or do not recognise."), slot);
}

export async function render(ctx) {
  const root = h("div", {});
  async function reload() {
    await ctx.refresh();
    mount(root, await draw());
  }
  async function draw() {
    return h("div", { class: "page" },
      pageHeader("My security", `${ctx.me.name} · ${ctx.me.email}`),
      h("div", { class: "grid two" }, twoFactorCard(ctx, reload), passwordCard(ctx)),
      await devicesCard(ctx));
  }
  mount(root, await draw());
  return root;
}
