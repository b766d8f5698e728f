// Notifications: which alerts are mailed to whom, and webhook endpoints with their deliveries.
import { del, get, patch, post, put } from "./api.js";
import { h, mount } from "./dom.js";
import { field, form, onSubmit, submitButton } from "./forms.js";
import { can } from "./roles.js";
import { actionButton, badge, card, confirmDialog, copyable, pageHeader, statusBadge, table, toast } from "./ui.js";

export const name = "notifications";

const ALERTS = [
  ["computer.not_backing_up", "A computer stops backing up"],
  ["computer.backup_failed", "A backup fails"],
  ["computer.backing_up_again", "A computer backs up again"],
  ["subscription.expiring", "A subscription without auto-renew expires in 30 and in 7 days"],
  ["trial.ending", "A trial ends in 3 days"],
];
const WEBHOOK_EVENTS = [
  ...ALERTS,
  ["order.placed", "An order is placed (renewals too)"],
  ["account.created", "A customer account is opened"],
  ["account.released", "A customer account is released"],
  ["subscription.renewed", "A subscription renews"],
  ["webhook.test", "A test event"],
];

function checkboxes(prefix, choices, chosen) {
  return h("fieldset", { class: "stack tight" }, h("legend", {}, "Events"),
    choices.map(([type, label], n) => field({ name: `${prefix}${n}`, label, type: "checkbox",
      value: chosen.includes(type), "data-event": type })));
}

function chosenEvents(formNode) {
  return [...formNode.querySelectorAll("input[data-event]")].filter((box) => box.checked)
    .map((box) => box.dataset.event);
}

function settingsCard(ctx, settings) {
  const editable = can(ctx.me, "editCompany");
  const fieldset = h("fieldset", { disabled: !editable },
    h("legend", { class: "visually-hidden" }, "Alert settings"),
    field({ name: "email.enabled", label: "Mail alerts", type: "checkbox", value: settings.email.enabled }),
    field({ name: "email.recipients", label: "Recipients", value: settings.email.recipients.join(", "),
      hint: "Addresses separated by commas, up to 20." }),
    checkboxes("alert-", ALERTS, settings.events),
    editable ? submitButton("Save alert settings") : h("p", { class: "hint" }, "Only an owner or admin can change them."));
  const settingsForm = form({ class: "stack", "aria-label": "Alert settings" }, fieldset);
  onSubmit(settingsForm, async (values) => {
    const recipients = values.email.recipients.split(/[,;\s]+/).map((r) => r.trim()).filter(Boolean);
    await put("/v1/notifications/settings", {
      email: { enabled: values.email.enabled, recipients }, events: chosenEvents(settingsForm),
    });
    toast("Alert settings saved.");
  });
  return card("Alerts by mail", settingsForm);
}

function deliveriesOf(webhook, into) {
  return actionButton("Deliveries", async () => {
    const answer = await get(`/v1/webhooks/${webhook.id}/deliveries`);
    mount(into, table([
      { label: "Event", cell: (d) => d.type },
      { label: "Status", cell: (d) => statusBadge(d.status) },
      { label: "Tries", cell: (d) => String(d.attempts) },
      { label: "Answer", cell: (d) => (d.response_status === null ? "—" : String(d.response_status)) },
      { label: "Created", cell: (d) => d.created_at },
    ], answer.items, { empty: "No deliveries yet.", caption: `Deliveries to ${webhook.url}` }));
  }, { class: "button small" });
}

function secretNotice(made) {
  return h("div", { class: "notice info", role: "status", "data-webhook-secret": "" },
    h("p", {}, `The signing secret of ${made.url}, shown this once: keep it where your endpoint checks signatures.`),
    copyable(made.secret, "Signing secret"));
}

function webhooksCard(webhooks, redraw, made) {
  const details = h("div", { "data-deliveries": "" });
  const list = table([
    { label: "URL", cell: (w) => h("code", {}, w.url) },
    { label: "Events", cell: (w) => w.events.join(", ") },
    { label: "State", cell: (w) => (w.active ? badge("On", "ok") : badge("Off", "bad")) },
    { label: "", cell: (w) => h("div", { class: "row-actions" },
      actionButton("Send a test", async () => {
        await post(`/v1/webhooks/${w.id}/test`);
        toast("A webhook.test event is on its way.");
      }, { class: "button small" }),
      deliveriesOf(w, details),
      actionButton(w.active ? "Switch off" : "Switch on", async () => {
        await patch(`/v1/webhooks/${w.id}`, { active: !w.active });
        await redraw();
      }, { class: "button small" }),
      actionButton("Remove", async () => {
        if (!(await confirmDialog({ title: "Remove this webhook?", body: w.url, confirmLabel: "Remove",
          danger: true }))) return;
        await del(`/v1/webhooks/${w.id}`);
        await redraw();
      }, { class: "button small danger-outline" })) },
  ], webhooks, { empty: "No webhooks yet.", caption: "Webhook endpoints" });
  const secret = made ? secretNotice(made) : null;
  const add = form({ class: "stack", "aria-label": "Add a webhook" },
    field({ name: "url", label: "URL", type: "url", required: true, hint: "An https address, where your tools listen." }),
    field({ name: "description", label: "Description", hint: "Optional: what it feeds." }),
    checkboxes("webhook-", WEBHOOK_EVENTS, []),
    submitButton("Add webhook"));
  onSubmit(add, async (values) => {
    const created = await post("/v1/webhooks", {
      url: values.url.trim(), events: chosenEvents(add), description: values.description.trim() || null,
    });
    add.before(secretNotice(created));  // shown at once, whatever becomes of the refresh
    await redraw(created);
  });
  return card("Webhooks", list, details, secret, h("h3", {}, "Add a webhook"), add);
}

export async function render(ctx) {
  const root = h("div", { class: "page" });
  async function draw(made = null) {
    const settings = await get("/v1/notifications/settings");
    const webhooks = can(ctx.me, "editCompany") ? (await get("/v1/webhooks")).items : null;
    mount(root,
      pageHeader("Notifications", "Be told when a customer's backups need you, by mail or in your own tools."),
      settingsCard(ctx, settings),
      webhooks ? webhooksCard(webhooks, draw, made) : null);
  }
  await draw();
  return root;
}
