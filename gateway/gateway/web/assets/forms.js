// Forms: labelled fields, the contract's `details` next to the fields they name, buttons disabled
// while a request runs.
import { ApiError } from "./api.js";
import { h, uniqueId } from "./dom.js";

/**
 * A labelled input. `name` may be dotted ("address.city"): `values()` nests it, and an error whose
 * `details` names that path shows under it.
 */
export function field({ name, label, type = "text", value = "", hint, options, required, ...attrs }) {
  const id = uniqueId("f-" + name.replace(/\W/g, "-"));
  const errorId = id + "-error";
  const hintId = hint ? id + "-hint" : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  let control;
  if (type === "select") {
    control = h("select", { id, name, required, "aria-describedby": describedBy, ...attrs },
      options.map((option) => h("option", { value: option.value, selected: String(option.value) === String(value) },
        option.label)));
  } else if (type === "checkbox") {
    control = h("input", { id, name, type, checked: Boolean(value), "aria-describedby": describedBy, ...attrs });
    return h("div", { class: "field checkbox" }, control, h("label", { for: id }, label),
      hint ? h("p", { class: "hint", id: hintId }, hint) : null,
      h("p", { class: "field-error", id: errorId, "data-error-for": name }));
  } else {
    control = h("input", { id, name, type, value, required, "aria-describedby": describedBy, ...attrs });
  }
  return h("div", { class: "field" }, h("label", { for: id }, label), control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, "data-error-for": name }));
}

export function submitButton(label, attrs = {}) {
  return h("button", { type: "submit", class: "button primary", ...attrs }, label);
}

export function form(attrs, ...children) {
  return h("form", { novalidate: true, ...attrs }, h("div", { class: "form-error", role: "alert" }), ...children);
}

/** The form's values, with dotted names nested and checkboxes as booleans. */
export function values(formNode) {
  const result = {};
  for (const element of formNode.elements) {
    if (!element.name || element.disabled) continue;
    if (element.type === "radio" && !element.checked) continue; // only the ticked one of a group
    const value = element.type === "checkbox" ? element.checked : element.value;
    const path = element.name.split(".");
    let target = result;
    for (const part of path.slice(0, -1)) target = target[part] = target[part] || {};
    target[path[path.length - 1]] = value;
  }
  return result;
}

/**
 * The field messages of `details`: `{"address": {"city": ["..."]}}` -> [["address.city", ["..."]]].
 * Only lists of messages count; other values (a conflict's `{"seats": 0}`) are data, not messages.
 */
export function flatten(details, prefix = "") {
  const out = [];
  for (const [key, value] of Object.entries(details || {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) out.push([path, value.map(String)]);
    else if (value && typeof value === "object") out.push(...flatten(value, path));
  }
  return out;
}

export function clearErrors(formNode) {
  for (const node of formNode.querySelectorAll(".field-error")) node.textContent = "";
  for (const node of formNode.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  const summary = formNode.querySelector(".form-error");
  if (summary) summary.replaceChildren();
}

function errorSlot(formNode, path) {
  // The most specific field that exists: "items.0.quantity", then "quantity", then "items".
  const parts = path.split(".");
  const candidates = [path, parts[parts.length - 1], parts[0]];
  for (const candidate of candidates) {
    const slot = formNode.querySelector(`[data-error-for="${CSS.escape(candidate)}"]`);
    if (slot) return slot;
  }
  return null;
}

function fieldMessage(slot, messages) {
  slot.textContent = messages.join(" ");
  const control = slot.parentElement.querySelector("input, select, textarea");
  if (control) control.setAttribute("aria-invalid", "true");
  return control;
}

/**
 * Show an ApiError on the form: each `details` message next to its field, and only what no field
 * takes above the form (a field's error is shown at the field alone). `codeFields` places an error
 * whose details name no field ({invalid_code: "code", no_free_seat: "name"}).
 */
export function showError(formNode, error, codeFields = {}) {
  clearErrors(formNode);
  const leftovers = [];
  const controls = [];
  for (const [path, messages] of flatten(error.details)) {
    const slot = errorSlot(formNode, path);
    if (slot) controls.push(fieldMessage(slot, messages));
    else leftovers.push(`${path}: ${messages.join(" ")}`);
  }
  let message = error.message;
  if (error.code === "rate_limited" && error.retryAfter) message += ` Try again in ${error.retryAfter} s.`;
  const placed = controls.length > 0;
  const codeSlot = !placed && codeFields[error.code] ? errorSlot(formNode, codeFields[error.code]) : null;
  if (codeSlot) controls.push(fieldMessage(codeSlot, [message]));
  const summary = formNode.querySelector(".form-error");
  const banner = summary && (leftovers.length || !controls.length);
  if (banner) {
    summary.append(h("p", {}, message), ...leftovers.map((text) => h("p", { class: "small" }, text)));
  }
  const first = controls.find(Boolean);
  (first || (banner ? summary : null))?.focus?.();
}

/** Run `work` with the buttons of `scope` disabled (and marked busy) until it settles. */
export async function busy(scope, work) {
  const buttons = scope instanceof HTMLButtonElement ? [scope] : [...scope.querySelectorAll("button")];
  const before = buttons.map((button) => button.disabled);
  for (const button of buttons) button.disabled = true;
  scope.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    buttons.forEach((button, index) => (button.disabled = before[index]));
    scope.removeAttribute("aria-busy");
  }
}

/** Run `work` for the form: errors cleared, buttons disabled meanwhile, an ApiError shown on it. */
export async function run(formNode, work, codeFields = {}) {
  if (formNode.getAttribute("aria-busy")) return;
  clearErrors(formNode);
  await busy(formNode, async () => {
    try {
      await work(values(formNode), formNode);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === "unauthenticated") return;
      showError(formNode, error, codeFields);
    }
  });
}

/** On submit (a button or Enter): `run` the handler with the form's values. */
export function onSubmit(formNode, handler, codeFields = {}) {
  formNode.addEventListener("submit", (event) => {
    event.preventDefault();
    run(formNode, handler, codeFields);
  });
  return formNode;
}
