// One computer of an administered account: its backup state, a chart of the data each backup saved
// over time, and every report with its status and error text (newest first, more on demand).
import { get } from "./api.js";
import { h, mount } from "./dom.js";
import { backupBadge, neverSucceeded } from "./backup-state.js";
import { timeChart } from "./chart.js";
import { bytes, date, dateTime, number, zoneName } from "./format.js";
import { pagedList } from "./lists.js";
import { card, pageHeader, statusBadge } from "./ui.js";

export const name = "computer";

const TONE = { success: "ok", partial: "warn", failed: "bad" };

function took(report) {
  const seconds = Math.max(0, (Date.parse(report.finished_at) - Date.parse(report.started_at)) / 1000);
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function summary(computer) {
  const item = (label, value) => h("div", { class: "stat" }, h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, value));
  return h("div", { class: "stats" },
    item("Backup", backupBadge(computer)),
    item("Kind", computer.kind === "server" ? "Server" : "Workstation"),
    item("Last success", computer.last_success_at ? dateTime(computer.last_success_at) : "Never"),
    item("Last backup", computer.last_backup_at ? dateTime(computer.last_backup_at) : "Never"),
    item("Data backed up", bytes(computer.bytes_backed_up)));
}

/** What needs saying first: no backup ever succeeded, or none lately. */
function verdict(computer, reports, complete) {
  if (!computer || !reports.length) return null;
  const failed = reports.filter((r) => r.status !== "success");
  const lastError = reports.find((r) => r.error)?.error;
  if (neverSucceeded(computer) && failed.length === reports.length) {
    const count = complete ? `All ${number(reports.length)} of its backups` : `Its latest ${number(reports.length)} backups`;
    return h("div", { class: "notice bad", role: "alert", "data-verdict": "never-succeeded" },
      h("p", {}, h("strong", {}, `No backup of ${computer.name} has succeeded yet. `),
        `${count} ${reports.length === 1 ? "has" : "have"} failed or stopped short: its data is not protected.`),
      lastError ? h("p", { class: "small" }, "Last error: ", h("code", {}, lastError)) : null);
  }
  if (computer.status === "not_backing_up") {
    return h("div", { class: "notice bad", role: "alert", "data-verdict": "not-backing-up" },
      h("p", {}, h("strong", {}, "Not backing up: "), `the last successful backup finished ${dateTime(computer.last_success_at)}.`),
      lastError && reports[0].status !== "success" ? h("p", { class: "small" }, "Last error: ", h("code", {}, lastError)) : null);
  }
  return null;
}

function chart(reports) {
  if (!reports.length) return h("p", { class: "empty" }, "No backups reported yet.");
  const points = [...reports].reverse().map((r) => ({
    time: Date.parse(r.finished_at),
    value: r.status === "failed" ? 0 : r.bytes_backed_up,
    tone: TONE[r.status] || "ok",
    label: `${dateTime(r.finished_at)}: ${r.status}, ${bytes(r.bytes_backed_up)}${r.error ? ` (${r.error})` : ""}`,
  }));
  return h("div", {},
    timeChart(points, bytes, { title: "Data backed up by each backup, oldest to newest", timeLabel: (t) => date(new Date(t).toISOString()) }),
    h("p", { class: "chart-legend small muted" },
      h("span", { class: "legend ok" }, "Succeeded"), h("span", { class: "legend warn" }, "Partial"),
      h("span", { class: "legend bad" }, "Failed")));
}

const COLUMNS = [
  { label: "Finished", sort: (r) => r.finished_at, cell: (r) => dateTime(r.finished_at) },
  { label: "Status", sort: (r) => r.status, cell: (r) => statusBadge(r.status) },
  { label: "Backed up", class: "num", sort: (r) => r.bytes_backed_up,
    cell: (r) => h("span", {}, bytes(r.bytes_backed_up), h("span", { class: "muted small" }, ` of ${bytes(r.bytes_selected)}`)) },
  { label: "Files", class: "num", sort: (r) => r.files, cell: (r) => number(r.files) },
  { label: "Took", class: "num", sort: (r) => Date.parse(r.finished_at) - Date.parse(r.started_at), cell: took },
  { label: "Error", sort: (r) => r.error, cell: (r) => (r.error ? h("span", { class: "error-text" }, r.error) : "—") },
];

export async function render(ctx, [accountId, computerId]) {
  const backup = await get(`/v1/accounts/${accountId}/backup-status`);
  const computer = backup.computers.find((c) => c.id === computerId) || null;
  const verdictSlot = h("div", { "aria-live": "polite" });
  const chartSlot = h("div", {});
  let complete = false;
  const reports = pagedList({
    fetchPage: async (page) => {
      const answer = await get(`/v1/monitoring/computers/${computerId}/reports`, page);
      complete = !answer.next_cursor;
      return answer;
    },
    columns: COLUMNS,
    caption: "Backup reports",
    empty: "No backups reported yet. Once the agent is installed with its key, each backup appears here.",
    rowAttrs: (r) => ({ "data-report": r.id, "data-status": r.status }),
    after: (items) => {
      mount(verdictSlot, verdict(computer, items, complete));
      mount(chartSlot, chart(items));
    },
  });
  await reports.load();
  const title = computer ? computer.name : "Computer";
  return h("div", { class: "page" },
    h("p", { class: "breadcrumb" }, h("a", { href: `#/accounts/${accountId}` },
      `← ${computer ? computer.account_name : "Account"}`)),
    pageHeader(title, `Backup history · times in ${zoneName()}`),
    computer ? summary(computer)
      : h("div", { class: "notice info" }, "This computer is no longer on the account. Its backup history is kept."),
    verdictSlot,
    card("Data backed up over time", chartSlot),
    card("Backups", reports.node));
}
