// One customer account: its summary, subscriptions, users and computers (the agent key shown once),
// and releasing it.
import { del, get, post } from "./api.js";
import { h, mount } from "./dom.js";
import { subscriptionsCard } from "./account-billing.js";
import { backupBadge, backupState, computerHref } from "./backup-state.js";
import { catalog, plan as findPlan, planName } from "./catalog.js";
import { field, form, onSubmit, submitButton } from "./forms.js";
import { bytes, date, dateTime, number } from "./format.js";
import { can } from "./roles.js";
import { actionButton, badge, card, confirmDialog, copyable, pageHeader, statusBadge, table, toast } from "./ui.js";

export const name = "account";

function summary(cat, account) {
  const item = (label, value) => h("div", { class: "stat" }, h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, value));
  return h("div", { class: "stats" },
    item("Status", statusBadge(account.status)),
    item("Plan", planName(cat, account.product, account.plan)),
    item("Expires", date(account.expires_at)),
    item("Computers", number(account.computer_count ?? account.computers.length)),
    item("Data backed up", bytes(account.bytes_backed_up)),
    item("Not backing up", account.computers_not_backing_up
      ? h("span", { class: "badge bad" }, number(account.computers_not_backing_up)) : "0"));
}

function usersCard(ctx, account, reload) {
  const manage = can(ctx.me, "manageAccounts");
  const list = table([
    { label: "Name", cell: (u) => h("strong", {}, u.name) },
    { label: "Email", cell: (u) => u.email },
    { label: "Added", cell: (u) => date(u.created_at) },
    { label: "", class: "actions", cell: (u) => (manage ? actionButton("Remove", async () => {
      if (!(await confirmDialog({ title: `Remove ${u.name}?`, body: `${u.email} will no longer be a user of ${account.name}.`, confirmLabel: "Remove", danger: true }))) return;
      await del(`/v1/accounts/${account.id}/users/${u.id}`);
      toast(`${u.name} removed.`);
      await reload();
    }, { class: "button small danger-outline", "aria-label": `Remove ${u.name}` }) : "") },
  ], account.users, { caption: "Users", empty: "No users yet." });
  let add = null;
  if (manage) {
    add = form({ class: "stack", "aria-label": "Add a user" },
      h("div", { class: "grid two tight" },
        field({ name: "name", label: "User name", autocomplete: "off" }),
        field({ name: "email", label: "User email", type: "email", autocomplete: "off" })),
      submitButton("Add user"));
    onSubmit(add, async (values) => {
      await post(`/v1/accounts/${account.id}/users`, { name: values.name.trim(), email: values.email.trim() });
      toast(`${values.name} added.`);
      await reload();
    });
  }
  return card("Users", list, add ? h("details", { class: "disclosure" }, h("summary", {}, "Add a user"), add) : null);
}

function keyPanel(computer, slot) {
  return h("div", { class: "notice key-panel", role: "status", "data-agent-key": "" },
    h("h3", {}, `Agent key for ${computer.name}`),
    h("p", {}, "Paste it into the backup agent on that computer. ", h("strong", {}, "It is shown only now:"),
      " the portal keeps no copy. Lost it? Remove the computer and add it again."),
    copyable(computer.agent_key, `Agent key for ${computer.name}`),
    h("button", { type: "button", class: "button small", onclick: () => mount(slot) }, "Done"));
}

/** Seats the account's trial and active subscriptions give (API.md), and whether it has any. */
function seats(cat, account) {
  const running = account.subscriptions.filter((sub) => sub.status === "trial" || sub.status === "active");
  let total = 0;
  for (const sub of running) {
    total += sub.quantity * (findPlan(cat, sub.product, sub.plan)?.computers_included || 0);
    for (const addon of sub.addons || []) {
      total += addon.quantity * (cat.addons.find((a) => a.id === addon.addon)?.computers_included || 0);
    }
  }
  return { running: running.length, total };
}

function computersCard(ctx, cat, account, backup, keySlot, reload) {
  const manage = can(ctx.me, "manageAccounts");
  const states = new Map((backup?.computers || []).map((c) => [c.id, c]));
  const state = (c) => states.get(c.id);
  const list = table([
    { label: "Computer", sort: (c) => c.name,
      cell: (c) => h("a", { href: computerHref({ ...c, account_id: account.id }), class: "strong-link" }, c.name) },
    { label: "Kind", sort: (c) => c.kind, cell: (c) => (c.kind === "server" ? "Server" : "Workstation") },
    { label: "Backup", sort: (c) => backupState(state(c)), cell: (c) => backupBadge(state(c)) },
    { label: "Last success", sort: (c) => state(c)?.last_success_at, cell: (c) => dateTime(state(c)?.last_success_at) },
    { label: "Data backed up", class: "num", sort: (c) => state(c)?.bytes_backed_up ?? 0, cell: (c) => bytes(state(c)?.bytes_backed_up ?? 0) },
    { label: "", class: "actions", cell: (c) => (manage ? actionButton("Remove", async () => {
      if (!(await confirmDialog({ title: `Remove ${c.name}?`, body: "Its agent key stops working at once. Its backup history is kept.", confirmLabel: "Remove", danger: true }))) return;
      await del(`/v1/accounts/${account.id}/computers/${c.id}`);
      toast(`${c.name} removed.`);
      await reload();
    }, { class: "button small danger-outline", "aria-label": `Remove ${c.name}` }) : "") },
  ], account.computers, { caption: "Computers", empty: "No computers yet.", rowAttrs: (c) => ({ "data-computer": c.id }) });
  const { running, total } = seats(cat, account);
  const used = h("p", { class: "hint", "data-seats": total }, running
    ? `${number(account.computers.length)} of ${number(total)} seat${total === 1 ? "" : "s"} taken.` : null);
  let add = null;
  if (manage && !running) {
    // No trial and no active subscription: no seat to offer, so no form that can only be refused.
    add = h("div", { class: "notice info", "data-no-subscription": "" },
      "Computers take seats of the account's trial or active subscription, and it has none. ",
      can(ctx.me, "purchase") ? "Start a trial or buy a subscription above, then add its computers here."
        : "Ask a colleague who buys to start a trial or buy a subscription first.");
  } else if (manage) {
    const addForm = form({ class: "stack", "aria-label": "Add a computer" },
      h("div", { class: "grid two tight" },
        field({ name: "name", label: "Computer name", autocomplete: "off" }),
        field({ name: "kind", label: "Kind", type: "select",
          options: [{ value: "workstation", label: "Workstation" }, { value: "server", label: "Server" }] })),
      h("p", { class: "hint" }, "Each computer takes a seat of the account's trial or active subscription; a server needs a plan with servers."),
      submitButton("Add computer"));
    onSubmit(addForm, async (values, node) => {
      const computer = await post(`/v1/accounts/${account.id}/computers`, { name: values.name.trim(), kind: values.kind });
      node.reset();
      mount(keySlot, keyPanel(computer, keySlot));
      await reload();
    }, { no_free_seat: "name", conflict: "name", name_taken: "name", computer_name_taken: "name" });
    add = h("details", { class: "disclosure", open: !account.computers.length }, h("summary", {}, "Add a computer"), addForm);
  }
  return card("Computers", keySlot, used, list, add);
}

async function release(ctx, account) {
  const ok = await confirmDialog({
    title: `Release ${account.name}?`,
    body: [
      h("p", {}, `${account.name} leaves your portal: you will no longer see or manage it.`),
      h("p", {}, h("strong", {}, "The customer keeps its data."), " Its users, computers and backup history stay as they are, "
        + "and its subscriptions run until they expire, without renewal by you."),
    ],
    confirmLabel: "Release account",
    danger: true,
  });
  if (!ok) return;
  await post(`/v1/accounts/${account.id}/release`);
  toast(`${account.name} released. The customer keeps its data.`);
  ctx.navigate("/accounts");
}

export async function render(ctx, [id]) {
  const cat = await catalog();
  const root = h("div", { class: "page" });
  const keySlot = h("div", {});
  async function draw() {
    const account = await get(`/v1/accounts/${id}`);
    const administered = account.role === "Administrator";
    const backup = administered ? await get(`/v1/accounts/${id}/backup-status`) : null;
    const actions = [];
    if (can(ctx.me, "viewActivity")) {
      actions.push(h("a", { class: "button", href: `#/activity?target_id=${encodeURIComponent(id)}` }, "Activity"));
    }
    if (can(ctx.me, "release")) {
      actions.push(actionButton("Release account", () => release(ctx, account), { class: "button danger-outline" }));
    }
    mount(root,
      h("p", { class: "breadcrumb" }, h("a", { href: "#/accounts" }, "← Accounts")),
      pageHeader(account.name, h("span", {}, account.contact_email, " · ",
        administered ? badge("Administrator", "admin") : badge("Reseller", "muted")), ...actions),
      summary(cat, account),
      await subscriptionsCard(ctx, cat, account, draw),
      administered
        ? [computersCard(ctx, cat, account, backup, keySlot, draw), usersCard(ctx, account, draw)]
        : h("div", { class: "notice info" }, "You resell this account: the customer administers its own users, computers and backups."));
  }
  await draw();
  return root;
}
