// Company: profile, address, location, primary contact, logo, employees and their roles.
import { allItems, api, del, patch, post } from "./api.js";
import { h, mount } from "./dom.js";
import { field, form, onSubmit, showError, submitButton } from "./forms.js";
import { ROLES, can } from "./roles.js";
import { actionButton, badge, card, confirmDialog, pageHeader, table, toast } from "./ui.js";

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

function employeesCard(ctx, employees, reload) {
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
    return h("div", { class: "button-row" },
      actionButton(employee.active ? "Deactivate" : "Activate", async () => {
        await patch(`/v1/employees/${employee.id}`, { active: !employee.active });
        await reload();
      }, { class: "button small" }),
      employee.id === primary ? null : actionButton("Remove", async () => {
        if (!(await confirmDialog({ title: `Remove ${employee.name}?`, body: "They can no longer sign in.", confirmLabel: "Remove", danger: true }))) return;
        await del(`/v1/employees/${employee.id}`);
        await reload();
      }, { class: "button small danger-outline" }));
  };
  const list = table([
    { label: "Name", cell: (e) => h("div", {}, h("strong", {}, e.name), h("div", { class: "muted small" }, e.email)) },
    { label: "Role", cell: roleCell },
    { label: "Two-step", cell: (e) => (e.two_factor_enabled ? badge("On", "ok") : badge("Off", "muted")) },
    { label: "Status", cell: (e) => (e.active ? badge("Active", "ok") : badge("Inactive", "muted")) },
    { label: "", class: "actions", cell: actions },
  ], employees, { caption: "Employees" });
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
  return card("Employees", list, add ? h("details", { class: "disclosure" }, h("summary", {}, "Add an employee"), add) : null);
}

export async function render(ctx) {
  const root = h("div", { class: "page" });
  async function draw() {
    const employees = await allItems("/v1/employees");
    mount(root,
      pageHeader(ctx.company.name, "Your company as your customers and your team see it."),
      h("div", { class: "grid sidebar" }, profileCard(ctx, employees), logoCard(ctx)),
      employeesCard(ctx, employees, draw));
  }
  await draw();
  return root;
}
