// "Download CSV": the same list the page shows, with its filters, as the API writes it for
// `Accept: text/csv` (fetched with the session's token, then saved under the API's file name).
import { api } from "./api.js";
import { h } from "./dom.js";
import { actionButton, toast } from "./ui.js";

function save(blob, filename) {
  const href = URL.createObjectURL(blob);
  const link = h("a", { href, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** query() -> the page's current filters. `fallback`: the file's name should the API give none. */
export function csvButton(path, query, fallback) {
  return actionButton("Download CSV", async () => {
    const { blob, filename } = await api("GET", path, { query: query(), accept: "text/csv", file: true });
    const name = filename || `${fallback}-${new Date().toISOString().slice(0, 10)}.csv`;
    save(blob, name);
    toast(`${name} downloaded.`);
  }, { class: "button", "data-action": "download-csv" });
}
