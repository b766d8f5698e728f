// My security: two-step verification (QR code, recovery codes once), password, trusted devices.
import { del, get, post, trustedDevices } from "./api.js";
import { h, mount } from "./dom.js";
import { field, form, onSubmit, showError, submitButton } from "./forms.js";
import { dateTime } from "./format.js";
import { actionButton, badge, card, copyable, pageHeader, table, toast } from "./ui.js";

export const name = "security";

function svgDataUrl(svg) {
  // Shown as an image: an SVG in <img> runs no script, and the policy allows data: images. A
  // standalone image needs the SVG namespace, which the API's `qr_svg` carries (added if ever not).
  const text = /^\s*<svg\b[^>]*\bxmlns=/.test(svg) ? svg : svg.replace(/<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
  return "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
}

function recoveryCodesPanel(codes, done) {
  const text = codes.join("\n") + "\n";
  const download = h("a", {
    class: "button", download: "partner-portal-recovery-codes.txt",
    href: URL.createObjectURL(new Blob([text], { type: "text/plain" })),
  }, "Download");
  return h("div", { class: "stack", "data-recovery-codes": "" },
    h("div", { class: "notice ok", role: "status" }, "Two-step verification is on."),
    h("h3", {}, "Your recovery codes"),
    h("p", {}, "Each code signs you in once if you lose your phone. Save them somewhere safe now: ",
      h("strong", {}, "they are shown only this once.")),
    h("ol", { class: "recovery-codes" }, codes.map((code) => h("li", {}, h("code", {}, code)))),
    h("div", { class: "button-row" }, copyable(text.trim(), "All recovery codes").querySelector("button"), download,
      h("button", { type: "button", class: "button primary", onclick: done }, "I have saved them")));
}

function setupPanel(ctx, slot, setup, reload) {
  const confirm = form({ class: "stack narrow", "aria-label": "Confirm two-step verification" },
    field({ name: "code", label: "Code from the app", autocomplete: "one-time-code", inputmode: "numeric",
      hint: "Enter the 6-digit code the app now shows, to prove it is set up." }),
    submitButton("Turn on two-step verification"));
  onSubmit(confirm, async (values) => {
    const answer = await post("/v1/me/2fa/confirm", { code: values.code.replace(/\s+/g, "") });
    ctx.me.two_factor_enabled = true;
    mount(slot, recoveryCodesPanel(answer.recovery_codes, reload));
  }, { invalid_code: "code", conflict: "code" });
  return h("div", { class: "setup-2fa" },
    h("div", { class: "qr" },
      h("img", { src: svgDataUrl(setup.qr_svg), alt: "QR code to scan with your authenticator app",
        width: 200, height: 200, "data-qr": "" })),
    h("div", { class: "stack" },
      h("h3", {}, "1. Scan the QR code"),
      h("p", {}, "Open an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password…) and scan it."),
      h("p", { class: "small" }, "Can't scan? Enter this key in the app:"),
      h("div", { "data-secret": "" }, copyable(setup.secret, "Secret key")),
      h("h3", {}, "2. Enter the code"),
      confirm));
}

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
      mount(slot, setupPanel(ctx, slot, setup, reload));
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

async function devicesCard() {
  const slot = h("div", {});
  async function load() {
    const devices = (await get("/v1/me/devices", { limit: 200 })).items;
    mount(slot, table([
      { label: "Device", cell: (d) => h("span", { title: d.user_agent || "" }, shortAgent(d.user_agent)) },
      { label: "Trusted since", cell: (d) => dateTime(d.created_at) },
      { label: "Last used", cell: (d) => dateTime(d.last_used_at) },
      { label: "Trusted until", cell: (d) => dateTime(d.expires_at) },
      { label: "", class: "actions", cell: (d) => actionButton("Revoke", async () => {
        await del(`/v1/me/devices/${d.id}`);
        toast("The device will be asked for a code next time.");
        await load();
      }, { class: "button small danger-outline", "aria-label": `Revoke ${shortAgent(d.user_agent)}` }) },
    ], devices, { empty: "No trusted devices. Tick “Trust this device” when you sign in with a code." }));
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
      await devicesCard());
  }
  mount(root, await draw());
  return root;
}
