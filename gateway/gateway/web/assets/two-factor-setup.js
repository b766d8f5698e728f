// Setting up two-step verification, wherever it starts (My security, or the set-up a company's
// policy requires): the QR code and key, the confirming code, then the recovery codes once.
import { post } from "./api.js";
import { h } from "./dom.js";
import { field, form, onSubmit, submitButton } from "./forms.js";
import { copyable } from "./ui.js";

function svgDataUrl(svg) {
  // Shown as an image: an SVG in <img> runs no script, and the policy allows data: images. A
  // standalone image needs the SVG namespace, which the API's `qr_svg` carries (added if ever not).
  const text = /^\s*<svg\b[^>]*\bxmlns=/.test(svg) ? svg : svg.replace(/<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
  return "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
}

/** The recovery codes, shown once; `done` when the employee says they are saved. */
export function recoveryCodesPanel(codes, done, doneLabel = "I have saved them") {
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
      h("button", { type: "button", class: "button primary", onclick: done }, doneLabel)));
}

/** The QR code and the key of `setup` (POST /v1/me/2fa/setup), and the code that confirms it. */
export function setupPanel(setup, confirmed) {
  const confirm = form({ class: "stack narrow", "aria-label": "Confirm two-step verification" },
    field({ name: "code", label: "Code from the app", autocomplete: "one-time-code", inputmode: "numeric",
      hint: "Enter the 6-digit code the app now shows, to prove it is set up." }),
    submitButton("Turn on two-step verification"));
  onSubmit(confirm, async (values) => {
    const answer = await post("/v1/me/2fa/confirm", { code: values.code.replace(/\s+/g, "") });
    confirmed(answer.recovery_codes);
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

