// Monitoring: the overview, the computers not backing up across all customers first, the
// threshold, every computer, and a chart of data backed up per account.
import { allItems, get, patch } from "./api.js";
import { h, mount } from "./dom.js";
import { barChart } from "./chart.js";
import { field, form, onSubmit, submitButton } from "./forms.js";
import { bytes, dateTime, number, zoneName } from "./format.js";
import { can } from "./roles.js";
import { backupBadge, backupState, computerHref } from "./backup-state.js";
import { csvButton } from "./csv.js";
import { pagedList } from "./lists.js";
import { card, pageHeader, statusBadge, table, toast } from "./ui.js";

export const name = "monitoring";

const STATUS_FILTER = [
  { value: "", label: "All" },
  { value: "not_backing_up", label: "Not backing up" },
  { value: "ok", label: "OK" },
  { value: "new", label: "New" },
];

function overview(data) {
  const stat = (label, value, tone) => h("div", { class: `stat big ${tone || ""}` },
    h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, value));
  return h("div", { class: "stats", "data-overview": "" },
    stat("Computers not backing up", number(data.computers_not_backing_up), data.computers_not_backing_up ? "bad" : "ok"),
    stat("Computers", number(data.computers)),
    stat("Accounts", number(data.accounts)),
    stat("Data backed up", bytes(data.bytes_backed_up)));
}

function computerColumns() {
  return [
    { label: "Computer", sort: (c) => c.name, cell: (c) => h("div", {},
      h("a", { href: computerHref(c), class: "strong-link" }, c.name),
      h("div", { class: "muted small" }, c.kind === "server" ? "Server" : "Workstation")) },
    { label: "Account", sort: (c) => c.account_name, cell: (c) => h("a", { href: `#/accounts/${c.account_id}` }, c.account_name) },
    { label: "Status", sort: (c) => backupState(c), cell: (c) => backupBadge(c) },
    { label: "Last success", sort: (c) => c.last_success_at, cell: (c) => dateTime(c.last_success_at) },
    { label: "Last backup", sort: (c) => c.last_backup_at,
      cell: (c) => (c.last_backup_at ? h("span", {}, dateTime(c.last_backup_at), " ", statusBadge(c.last_status)) : "Never") },
    { label: "Data backed up", class: "num", sort: (c) => c.bytes_backed_up, cell: (c) => bytes(c.bytes_backed_up) },
  ];
}

function thresholdForm(ctx, hours, reload) {
  const editable = can(ctx.me, "editCompany");
  const settings = form({ class: "inline-form", "aria-label": "Not backing up threshold" },
    field({ name: "not_backing_up_after_hours", label: "Not backing up after (hours)", type: "number", hint: "From 1 to 720 hours without a successful backup.",
      value: hours, min: 1, max: 720, inputmode: "numeric", disabled: !editable }),
    editable ? submitButton("Save", { class: "button" }) : null);
  onSubmit(settings, async (values) => {
    const raw = values.not_backing_up_after_hours;
    const number = Number(raw);
    await patch("/v1/monitoring/settings", { not_backing_up_after_hours: raw !== "" && Number.isInteger(number) ? number : raw });
    toast("Threshold saved.");
    await reload();
  });
  return settings;
}

export async function render(ctx) {
  const root = h("div", { class: "page" });
  let filter = "";
  const query = () => ({ status: filter });
  const all = pagedList({
    fetchPage: (page) => get("/v1/monitoring/computers", { ...query(), ...page }),
    columns: computerColumns(),
    caption: "All computers",
    empty: "No computers match.",
    rowAttrs: (c) => ({ "data-computer": c.id }),
  });
  const drawAll = () => all.load();

  async function draw() {
    const [data, failing, accounts] = await Promise.all([
      get("/v1/monitoring/overview"),
      allItems("/v1/monitoring/computers", { status: "not_backing_up" }),
      allItems("/v1/accounts"),
    ]);
    const administered = accounts.filter((a) => a.role === "Administrator")
      .sort((a, b) => b.bytes_backed_up - a.bytes_backed_up);
    const statusSelect = field({ name: "status", label: "Show", type: "select", value: filter, options: STATUS_FILTER });
    statusSelect.querySelector("select").addEventListener("change", (event) => {
      filter = event.target.value;
      drawAll();
    });
    const refresh = h("button", { type: "button", class: "button", "data-action": "refresh" }, "Refresh");
    refresh.addEventListener("click", async () => {
      refresh.disabled = true;
      try {
        await draw();
      } finally {
        refresh.disabled = false;
      }
    });
    mount(root,
      pageHeader("Monitoring", `Backups of your administered customers' computers · times in ${zoneName()}`, refresh),
      overview(data),
      card(`Not backing up (${number(failing.length)})`,
        h("p", { class: "subtitle" }, `No successful backup within the last ${data.not_backing_up_after_hours === 1 ? "hour" : `${data.not_backing_up_after_hours} hours`}.`),
        h("div", { "data-not-backing-up-list": "" }, table(computerColumns(), failing, {
          caption: "Computers not backing up", empty: "Every computer has backed up recently.",
          rowAttrs: (c) => ({ "data-computer": c.id }),
        })),
        thresholdForm(ctx, data.not_backing_up_after_hours, draw)),
      h("div", { class: "stack" },
        card("Data backed up per account", administered.length
          ? barChart(administered.map((a) => ({ label: a.name, value: a.bytes_backed_up, href: `#/accounts/${a.id}` })), bytes,
            { title: "Data backed up per account" })
          : h("p", { class: "empty" }, "No administered accounts yet.")),
        card("All computers", h("div", { class: "filters" }, statusSelect,
          h("div", { class: "filters-actions" }, csvButton("/v1/monitoring/computers", query, "computers"))), all.node)));
    await drawAll();
  }
  await draw();
  return root;
}
