// A computer's backup state as a person reads it, from a monitoring item: "New" only while nothing
// has been tried yet; a computer that reported and never once succeeded says so in red.
import { statusBadge } from "./ui.js";

export function computerHref(c) {
  return `#/accounts/${c.account_id}/computers/${c.id}`;
}

/** Reports came, and none succeeded (monitoring still calls it `new` within the threshold). */
export function neverSucceeded(c) {
  return Boolean(c && c.last_backup_at && !c.last_success_at);
}

export function backupState(c) {
  if (!c) return null;
  return c.status === "new" && neverSucceeded(c) ? "failing" : c.status;
}

export function backupBadge(c) {
  return statusBadge(backupState(c));
}
