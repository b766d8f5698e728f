// The company requires two-step verification and this employee has none: the session opens only
// this page until it is set up (QR code and key, a code, the recovery codes), then the portal.
import { del, get, post, session } from "./api.js";
import { h, mount } from "./dom.js";
import { authPage } from "./page-signin.js";
import { recoveryCodesPanel, setupPanel } from "./two-factor-setup.js";
import { actionButton } from "./ui.js";

export const name = "two-factor-required";

function steps(current) {
  const labels = ["Scan the QR code", "Enter a code", "Save the recovery codes"];
  return h("ol", { class: "steps", "aria-label": "Steps" }, labels.map((label, i) =>
    h("li", { class: i === current ? "current" : i < current ? "done" : null, "aria-current": i === current ? "step" : null }, label)));
}

export async function render(ctx) {
  const me = await get("/v1/me");
  const enter = () => {
    ctx.me = null;
    ctx.navigate("/accounts");
  };
  if (me.two_factor_enabled || me.two_factor_setup_required === false) { // set up, or no longer required
    setTimeout(enter);
    return h("p", { class: "loading", role: "status" }, "Loading…");
  }
  const panel = h("div", { class: "stack" });
  const signOut = h("button", { type: "button", class: "link-button" }, "Sign out");
  signOut.addEventListener("click", async () => {
    try {
      await del("/v1/sessions/current");
    } catch {
      // Signed out either way.
    }
    session.end();
    ctx.navigate("/signin");
  });
  const start = actionButton("Set up two-step verification", async () => {
    const setup = await post("/v1/me/2fa/setup");
    mount(panel, steps(0), setupPanel(setup, (codes) => {
      mount(panel, steps(2), recoveryCodesPanel(codes, enter, "Continue to the portal"));
      panel.querySelector("h3")?.setAttribute("tabindex", "-1");
      panel.querySelector("h3")?.focus();
    }));
    panel.querySelector("input[name=code]")?.focus();
  }, { class: "button primary", "data-action": "setup-2fa" });
  mount(panel,
    h("div", { class: "notice info", role: "status" },
      h("p", {}, h("strong", {}, "Your company requires two-step verification. "),
        "Before you go on, protect your sign-in with a code from an authenticator app on your phone.")),
    h("p", {}, "It takes a minute: scan a QR code, type the code the app shows, and keep your recovery codes."),
    start);
  const page = authPage(
    h("h1", { tabindex: "-1" }, "Set up two-step verification"),
    h("p", { class: "subtitle" }, `Signed in as ${me.name} (${me.email}).`),
    panel,
    h("p", { class: "auth-links" }, signOut));
  page.classList.add("wide");
  return page;
}
