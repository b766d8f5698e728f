// Company: profile, address, location, primary contact, logo, the security policy (two-step
// verification required of everyone), employees and their roles.
import { allItems, api, del, get, patch, post } from "./api.js";
import { h, mount } from "./dom.js";
import { field, form, onSubmit, showError, submitButton } from "./forms.js";
import { pagedList } from "./lists.js";
import { ROLES, can } from "./roles.js";
import { actionButton, badge, card, confirmDialog, pageHeader, toast } from "./ui.js";

export const name = "company";

const LOGO_LIMIT = 1024 * 1024;
const LOGO_TYPES = ["image/png", "image/jpeg", "image/gif"];

function orNull(value) {
  const text = (value || "").trim();
  return text === "" ? null : text;
}

function zones() {
  const list = h("datalist", { id: "time-zones" });
  for (const zone of Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : []) list.append(h("option", { value: zone }));
  return list;
}

function profileCard(ctx, employees) {
  const company = ctx.company;
  const address = company.address || {};
  const editable = can(ctx.me, "editCompany");
  const contacts = employees.filter((e) => e.active || e.id === company.primary_contact.id);
  const fieldset = h("fieldset", { disabled: !editable },
    h("legend", { class: "visually-hidden" }, "Company profile"),
    field({ name: "name", label: "Company name", value: company.name, autocomplete: "organization" }),
    h("div", { class: "grid two tight" },
      field({ name: "address.line1", label: "Address line 1", value: address.line1 || "", autocomplete: "address-line1" }),
      field({ name: "address.line2", label: "Address line 2", value: address.line2 || "", autocomplete: "address-line2" }),
      field({ name: "address.city", label: "City", value: address.city || "", autocomplete: "address-level2" }),
      field({ name: "address.region", label: "Region or state", value: address.region || "", autocomplete: "address-level1" }),
      field({ name: "address.postal_code", label: "Postal code", value: address.postal_code || "", autocomplete: "postal-code" }),
      field({ name: "address.country", label: "Country", value: address.country || "", autocomplete: "country",
        maxlength: 2, hint: "Two-letter code, like US or DE." })),
    field({ name: "location.timezone", label: "Time zone", value: company.location.timezone, list: "time-zones",
      hint: "Times in the portal are shown in this zone." }),
    zones(),
    field({ name: "primary_contact_id", label: "Primary contact", type: "select", value: company.primary_contact.id,
      options: contacts.map((e) => ({ value: e.id, label: `${e.name} (${e.email})` })) }),
    editable ? submitButton("Save profile") : h("p", { class: "hint" }, "Only an owner or admin can edit the profile."));
  const profile = form({ class: "stack", "aria-label": "Company profile" }, fieldset);
  onSubmit(profile, async (values) => {
    const body = {
      name: values.name.trim(),
      address: Object.fromEntries(Object.entries(values.address).map(([k, v]) => [k, orNull(v)])),
      location: { timezone: values.location.timezone.trim() },
      primary_contact_id: values.primary_contact_id,
    };
    if (body.address.country) body.address.country = body.address.country.toUpperCase();
    await patch("/v1/company", body);
    await ctx.refresh();
    toast("Company profile saved.");
  });
  return card("Profile", profile);
}

function logoCard(ctx) {
  const editable = can(ctx.me, "editCompany");
  const current = document.getElementById("brand-logo");
  const preview = h("img", { class: "logo-preview", alt: "Logo preview", hidden: true, "data-logo-preview": "" });
  const placeholder = h("div", { class: "logo-placeholder" }, "No logo");
  if (ctx.company.logo_url && !current.hidden) {
    preview.src = current.src;
    preview.hidden = false;
    placeholder.hidden = true;
  }
  let chosen = null;
  const upload = form({ class: "stack", "aria-label": "Company logo" },
    h("div", { class: "logo-box" }, preview, placeholder),
    field({ name: "logo", label: "Logo image", type: "file", accept: LOGO_TYPES.join(","),
      hint: "PNG, JPEG or GIF, at most 1 MB. It appears in the page header.", disabled: !editable }),
    editable ? h("div", { class: "button-row" }, submitButton("Upload logo"),
      ctx.company.logo_url ? actionButton("Remove logo", async () => {
        if (!(await confirmDialog({ title: "Remove the logo?", body: "The header shows the company name alone.", confirmLabel: "Remove", danger: true }))) return;
        await del("/v1/company/logo");
        await ctx.refresh();
        toast("Logo removed.");
        ctx.navigate("/company");
      }, { class: "button danger-outline" }) : null) : null);
  const input = upload.querySelector('input[type="file"]');
  input.addEventListener("change", () => {
    chosen = input.files[0] || null;
    if (!chosen) return;
    if (!LOGO_TYPES.includes(chosen.type)) {
      showError(upload, { message: "Choose a PNG, JPEG or GIF image.", details: { logo: ["Not a PNG, JPEG or GIF image."] } });
      chosen = null;
      return;
    }
    if (chosen.size > LOGO_LIMIT) {
      showError(upload, { message: "The logo is too large.", details: { logo: ["At most 1 MB."] } });
      chosen = null;
      return;
    }
    preview.src = URL.createObjectURL(chosen);
    preview.hidden = false;
    placeholder.hidden = true;
  });
  onSubmit(upload, async (values, node) => {
    if (!chosen) {
      showError(node, { message: "Choose an image first.", details: { logo: ["Choose an image file."] } });
      return;
    }
    await api("PUT", "/v1/company/logo", { raw: chosen, contentType: chosen.type });
    await ctx.refresh();
    toast("Logo uploaded.");
  }, { unsupported_media_type: "logo", payload_too_large: "logo", validation_error: "logo" });
  return card("Logo", upload);
}

const STATUS_LABEL = { active: ["Active", "ok"], invited: ["Invited", "info"], deactivated: ["Inactive", "muted"] };

function employeeStatus(e) {
  return e.status || (e.active ? "active" : "deactivated");
}

function employeesCard(ctx, reload) {
  const manage = can(ctx.me, "manageEmployees");
  const primary = ctx.company.primary_contact.id;
  const roleCell = (employee) => {
    if (!manage || employee.role === "owner" || employee.id === ctx.me.id) return badge(employee.role, "role");
    const select = h("select", { "aria-label": `Role of ${employee.name}` },
      ROLES.filter((r) => r !== "owner").map((r) => h("option", { value: r, selected: r === employee.role }, r)));
    select.addEventListener("change", async () => {
      select.disabled = true;
      try {
        await patch(`/v1/employees/${employee.id}`, { role: select.value });
        employee.role = select.value;
        toast(`${employee.name} is now ${select.value}.`);
      } catch (error) {
        toast(error.message, "bad");
        select.value = employee.role;
      } finally {
        select.disabled = false;
      }
    });
    return select;
  };
  const actions = (employee) => {
    if (!manage || employee.role === "owner" || employee.id === ctx.me.id) return "";
    if (employee.id === primary) {
      // The API refuses to deactivate or remove the primary contact: say why instead of offering it.
      return h("span", { class: "muted small", "data-primary-contact-note": "" }, "Make someone else the primary contact to deactivate or remove them.");
    }
    return h("div", { class: "button-row" },
      actionButton(employee.active ? "Deactivate" : "Activate", async () => {
        await patch(`/v1/employees/${employee.id}`, { active: !employee.active });
        await reload();
      }, { class: "button small" }),
      actionButton("Remove", async () => {
        if (!(await confirmDialog({ title: `Remove ${employee.name}?`, body: "They can no longer sign in.", confirmLabel: "Remove", danger: true }))) return;
        await del(`/v1/employees/${employee.id}`);
        await reload();
      }, { class: "button small danger-outline" }));
  };
  const list = pagedList({
    fetchPage: (page) => get("/v1/employees", page),
    columns: [
      { label: "Name", sort: (e) => e.name, cell: (e) => h("div", {},
        h("strong", {}, e.name), e.id === primary ? [" ", badge("Primary contact", "info")] : null,
        h("div", { class: "muted small" }, e.email)) },
      { label: "Role", sort: (e) => ROLES.indexOf(e.role), cell: roleCell },
      { label: "Two-step", sort: (e) => Number(e.two_factor_enabled), cell: (e) => (e.two_factor_enabled ? badge("On", "ok") : badge("Off", "muted")) },
      { label: "Status", sort: (e) => employeeStatus(e), cell: (e) => badge(...(STATUS_LABEL[employeeStatus(e)] || [employeeStatus(e), "muted"])) },
      { label: "", class: "actions", cell: actions },
    ],
    caption: "Employees",
    rowAttrs: (e) => ({ "data-employee": e.id }),
  });
  let add = null;
  if (manage) {
    add = form({ class: "stack", "aria-label": "Add an employee" },
      h("div", { class: "grid two tight" },
        field({ name: "name", label: "Name", autocomplete: "off" }),
        field({ name: "email", label: "Email", type: "email", autocomplete: "off" }),
        field({ name: "role", label: "Role", type: "select", value: "support",
          options: ROLES.filter((r) => r !== "owner").map((r) => ({ value: r, label: r })) }),
        field({ name: "password", label: "First password", type: "password", autocomplete: "new-password",
          hint: "10 to 128 characters; tell it to them in person." })),
      submitButton("Add employee"));
    onSubmit(add, async (values) => {
      await post("/v1/employees", values);
      toast(`${values.name} can now sign in.`);
      await reload();
    }, { email_taken: "email" });
  }
  return { node: card("Employees", list.node, add ? h("details", { class: "disclosure" }, h("summary", {}, "Add an employee"), add) : null),
    load: list.load };
}

/** The company's security policy: every employee signs in with a second factor. */
function policyCard(ctx, employees) {
  const editable = can(ctx.me, "editCompany");
  const on = Boolean(ctx.company.require_two_factor);
  const without = employees.filter((e) => employeeStatus(e) !== "deactivated" && !e.two_factor_enabled);
  const others = without.filter((e) => e.id !== ctx.me.id);
  const box = h("input", { type: "checkbox", id: "require-two-factor", class: "switch", checked: on, disabled: !editable,
    "data-require-two-factor": "" });
  const state = h("p", { class: "hint", "data-policy-state": on ? "on" : "off", "aria-live": "polite" });
  const describe = (enabled) => {
    state.dataset.policyState = enabled ? "on" : "off";
    state.textContent = enabled
      ? (without.length
        ? `On. ${without.length} employee${without.length === 1 ? " has" : "s have"} no second factor yet: `
          + "at their next sign-in they are walked through setting it up before anything else."
        : "On. Every employee signs in with a code from their authenticator app.")
      : "Off. Employees choose for themselves whether to use two-step verification.";
  };
  describe(on);
  box.addEventListener("change", async () => {
    const enabled = box.checked;
    if (enabled) box.checked = false;  // on only once confirmed: a cancelled question changes nothing
    if (enabled && !(await confirmDialog({
      title: "Require two-step verification?",
      body: [h("p", {}, "Every employee will need a code from an authenticator app to sign in."),
        others.length ? h("p", {}, `${others.map((e) => e.name).join(", ")} ${others.length === 1 ? "has" : "have"} none yet: `
          + "their next sign-in opens the set-up first, and nothing else until it is done.") : null,
        ctx.me.two_factor_enabled ? null : h("p", {}, h("strong", {}, "You have none yet either: "),
          "your next sign-in will require it. Set it up now on My security.")],
      confirmLabel: "Require it",
    }))) {
      return;
    }
    box.checked = enabled;
    box.disabled = true;
    try {
      const company = await patch("/v1/company", { require_two_factor: enabled });
      ctx.company = company;
      box.checked = Boolean(company.require_two_factor);
      describe(box.checked);
      toast(box.checked ? "Two-step verification is now required." : "Two-step verification is no longer required.");
    } catch (error) {
      box.checked = !enabled;
      toast(error.message, "bad");
    } finally {
      box.disabled = !editable;
    }
  });
  return h("section", { class: "card", "data-security-policy": "" },
    h("h2", {}, "Security policy"),
    h("div", { class: "switch-field big" }, box,
      h("label", { for: "require-two-factor" }, "Require two-step verification for every employee")),
    state,
    editable ? null : h("p", { class: "hint" }, "Only an owner or admin can change it."));
}

export async function render(ctx) {
  const root = h("div", { class: "page" });
  async function draw() {
    const employees = await allItems("/v1/employees");
    const team = employeesCard(ctx, draw);
    await team.load();
    mount(root,
      pageHeader(ctx.company.name, "Your company as your customers and your team see it."),
      h("div", { class: "grid sidebar" }, profileCard(ctx, employees), h("div", { class: "stack" }, logoCard(ctx), policyCard(ctx, employees))),
      team.node);
  }
  await draw();
  return root;
}
