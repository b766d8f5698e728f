// The pages a mailed link opens: accepting an invitation (choose a password, signed in at once), and
// resetting a forgotten password (ask for a link; then choose a new password, with a code if needed).
import { post } from "./api.js";
import { h, mount } from "./dom.js";
import { field, form, onSubmit, submitButton } from "./forms.js";
import { authPage } from "./page-signin.js";

const NEW_PASSWORD_HINT = "10 to 128 characters, and not one of the most common passwords.";

function newPasswordField(name) {
  return field({ name, label: "New password", type: "password", autocomplete: "new-password", required: true,
    hint: NEW_PASSWORD_HINT });
}

function linkGone() {
  return h("p", { class: "notice error", role: "alert" },
    "This link is wrong, used or expired. ", h("a", { href: "#/reset-password" }, "Ask for a new one"), ".");
}

export const acceptInvitation = {
  name: "accept-invitation",
  async render(ctx, params, query) {
    const token = query.get("token") || "";
    const accept = form({ class: "stack", "aria-label": "Accept the invitation" },
      newPasswordField("password"), submitButton("Set my password and sign in"));
    onSubmit(accept, async (values) => {
      const answer = await post("/v1/invitations/accept", { token, password: values.password });
      ctx.signedIn(answer.token);
      ctx.navigate("/accounts");
    }, { validation_error: "password", invalid_token: "password" });
    return authPage(h("div", {},
      h("h1", { tabindex: "-1" }, "Welcome to Partner Portal"),
      h("p", { class: "subtitle" }, "Choose the password you will sign in with."),
      token ? accept : linkGone()));
  },
};

function requestStep() {
  const panel = h("div", {});
  const ask = form({ class: "stack", "aria-label": "Reset your password" },
    field({ name: "email", label: "Work email", type: "email", autocomplete: "username", required: true }),
    submitButton("Mail me a link"));
  onSubmit(ask, async (values) => {
    await post("/v1/password-reset", { email: values.email.trim() });
    mount(panel, h("p", { class: "notice info", role: "status" },
      "If that address belongs to an employee, a link is on its way. It works for one hour."));
  }, { validation_error: "email", rate_limited: "email" });
  mount(panel, ask);
  return h("div", {}, h("h1", { tabindex: "-1" }, "Forgot your password?"),
    h("p", { class: "subtitle" }, "We mail you a link to choose a new one."), panel,
    h("p", { class: "auth-links" }, h("a", { href: "#/signin" }, "Back to sign in")));
}

function confirmStep(ctx, token) {
  const confirm = form({ class: "stack", "aria-label": "Choose a new password" },
    newPasswordField("new_password"),
    field({ name: "code", label: "Authentication code (if you use two-step verification)",
      autocomplete: "one-time-code", hint: "Or one of your recovery codes." }),
    submitButton("Set the new password"));
  onSubmit(confirm, async (values) => {
    const body = { token, new_password: values.new_password };
    if (values.code.trim()) body.code = values.code.replace(/\s+/g, "");
    await post("/v1/password-reset/confirm", body);
    ctx.navigate("/signin?reset=1");
  }, { validation_error: "new_password", invalid_token: "new_password", invalid_code: "code",
    rate_limited: "code" });
  return h("div", {}, h("h1", { tabindex: "-1" }, "Choose a new password"),
    h("p", { class: "subtitle" }, "You will be signed out everywhere, and sign in again with it."), confirm);
}

export const resetPassword = {
  name: "reset-password",
  async render(ctx, params, query) {
    const token = query.get("token");
    return authPage(token ? confirmStep(ctx, token) : requestStep());
  },
};
