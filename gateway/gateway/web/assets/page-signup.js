// Sign up a new partner and its owner, then sign in.
import { post } from "./api.js";
import { h } from "./dom.js";
import { field, form, onSubmit, submitButton } from "./forms.js";
import { authPage } from "./page-signin.js";
import { toast } from "./ui.js";

export const name = "signup";

export async function render(ctx) {
  const signup = form({ class: "stack", "aria-label": "Sign up" },
    field({ name: "company_name", label: "Company name", autocomplete: "organization", required: true }),
    field({ name: "name", label: "Your name", autocomplete: "name", required: true }),
    field({ name: "email", label: "Work email", type: "email", autocomplete: "email", required: true }),
    field({ name: "password", label: "Password", type: "password", autocomplete: "new-password", required: true,
      minlength: 10, maxlength: 128, hint: "10 to 128 characters. A few words make a strong one." }),
    submitButton("Create partner account"));
  onSubmit(signup, async (values) => {
    const body = { ...values, email: values.email.trim() };
    await post("/v1/signup", body);
    const answer = await post("/v1/sessions", { email: body.email, password: body.password });
    ctx.signedIn(answer.token);
    toast("Welcome! Next, protect your sign-in with two-step verification.");
    ctx.navigate("/security");
  }, { email_taken: "email" });
  return authPage(
    h("h1", { tabindex: "-1" }, "Create your partner account"),
    h("p", { class: "subtitle" }, "You will be its owner, and can invite your team afterwards."),
    signup,
    h("p", { class: "auth-links" }, "Already a partner? ", h("a", { href: "#/signin" }, "Sign in")));
}
