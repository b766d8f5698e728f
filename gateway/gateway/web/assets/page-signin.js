// Sign in: email and password, then the two-step challenge when the employee has it.
import { post, trustedDevices } from "./api.js";
import { h, mount } from "./dom.js";
import { field, form, onSubmit, submitButton } from "./forms.js";

export const name = "signin";

function authPage(...children) {
  return h("div", { class: "auth" },
    h("div", { class: "auth-brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "P"), "Partner Portal"),
    h("div", { class: "card auth-card" }, children));
}

function finish(ctx, answer, email) {
  if (answer.device_token) {
    trustedDevices.remember(email, answer.device_token, answer.device_expires_at, answer.device_id || null);
  }
  ctx.signedIn(answer.token);
  ctx.navigate("/accounts");
}

function challengeStep(ctx, panel, challenge, email) {
  let recovery = false;
  const codeField = field({
    name: "code", label: "Authentication code", autocomplete: "one-time-code", inputmode: "numeric",
    hint: "The 6-digit code your authenticator app shows for Partner Portal.",
  });
  const input = codeField.querySelector("input");
  const label = codeField.querySelector("label");
  const hint = codeField.querySelector(".hint");
  const toggle = h("button", { type: "button", class: "link-button" }, "Use a recovery code instead");
  toggle.addEventListener("click", () => {
    recovery = !recovery;
    label.textContent = recovery ? "Recovery code" : "Authentication code";
    hint.textContent = recovery
      ? "One of the recovery codes you saved when you set up two-step verification. Each works once."
      : "The 6-digit code your authenticator app shows for Partner Portal.";
    input.setAttribute("inputmode", recovery ? "text" : "numeric");
    toggle.textContent = recovery ? "Use the authenticator app instead" : "Use a recovery code instead";
    input.focus();
  });
  const verify = form({ class: "stack", "aria-label": "Two-step verification" },
    codeField,
    field({ name: "remember_device", label: "Trust this device for 30 days", type: "checkbox" }),
    submitButton("Verify"),
    h("div", { class: "auth-links" }, toggle,
      h("a", { href: "#/signin", onclick: () => mount(panel, credentialsStep(ctx, panel)) }, "Start over")));
  onSubmit(verify, async (values) => {
    const answer = await post("/v1/sessions/verify", {
      challenge, code: values.code.replace(/\s+/g, ""), remember_device: values.remember_device,
    });
    finish(ctx, answer, email);
  }, { invalid_code: "code", validation_error: "code" });
  setTimeout(() => input.focus());
  return h("div", {},
    h("h1", { tabindex: "-1" }, "Two-step verification"),
    h("p", { class: "subtitle" }, `Signing in as ${email}.`),
    verify);
}

function credentialsStep(ctx, panel, notice) {
  const credentials = form({ class: "stack", "aria-label": "Sign in" },
    field({ name: "email", label: "Work email", type: "email", autocomplete: "username", required: true }),
    field({ name: "password", label: "Password", type: "password", autocomplete: "current-password", required: true }),
    submitButton("Sign in"));
  onSubmit(credentials, async (values) => {
    const body = { email: values.email.trim(), password: values.password };
    const deviceToken = body.email && trustedDevices.get(body.email);
    if (deviceToken) body.device_token = deviceToken;
    const answer = await post("/v1/sessions", body);
    if (answer.two_factor_required) mount(panel, challengeStep(ctx, panel, answer.challenge, body.email));
    else finish(ctx, answer, body.email);
  }, { invalid_credentials: "password", rate_limited: "password" });
  return h("div", {},
    h("h1", { tabindex: "-1" }, "Sign in"),
    notice ? h("p", { class: "notice info", role: "status" }, notice) : null,
    credentials,
    h("p", { class: "auth-links" }, h("a", { href: "#/reset-password" }, "Forgot your password?")),
    h("p", { class: "auth-links" }, "New partner? ", h("a", { href: "#/signup" }, "Create an account")));
}

export async function render(ctx, params, query) {
  const panel = h("div", {});
  const notice = query.get("ended") ? "Your session ended. Please sign in again."
    : query.get("reset") ? "Your password is changed. Sign in with the new one." : null;
  mount(panel, credentialsStep(ctx, panel, notice));
  return authPage(panel);
}

export { authPage };
