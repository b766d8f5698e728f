// Money from cents, times in the company's time zone, sizes in bytes: one place for each.
let zone = "UTC";
const locale = navigator.language || "en-US";

export function setTimeZone(timeZone) {
  try {
    new Intl.DateTimeFormat(locale, { timeZone });
    zone = timeZone;
  } catch {
    zone = "UTC";
  }
}

export function timeZone() {
  return zone;
}

/** 1234567 cents of USD -> "$12,345.67" (minor units as the currency has them). */
export function money(cents, currency = "USD") {
  if (cents === null || cents === undefined) return "—";
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(cents / 10 ** digits);
}

function parse(iso) {
  return iso ? new Date(iso) : null;
}

export function dateTime(iso) {
  const when = parse(iso);
  if (!when) return "—";
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone, dateStyle: "medium", timeStyle: "short",
  }).format(when);
}

export function date(iso) {
  const when = parse(iso);
  if (!when) return "—";
  return new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: "medium" }).format(when);
}

/** The zone's short name as the company sees it now ("CET", "GMT+2"). */
export function zoneName() {
  const part = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "short" })
    .formatToParts(new Date()).find((p) => p.type === "timeZoneName");
  return part ? part.value : zone;
}

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

export function bytes(count) {
  if (count === null || count === undefined) return "—";
  let value = count;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

export function number(value) {
  return new Intl.NumberFormat(locale).format(value);
}

export function years(count) {
  return count === 1 ? "1 year" : `${count} years`;
}

/** The contract's way of writing a time: ISO-8601 in UTC with a `Z`, to the second. */
export function isoTime(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function zoneOffset(ms) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) - ms;
}

/** "2026-12-02" (a date field) -> the moment that day begins in the company's zone, as ISO UTC. */
export function dayStart(day, plusDays = 0) {
  const [y, m, d] = day.split("-").map(Number);
  const midnight = Date.UTC(y, m - 1, d + plusDays);
  const first = midnight - zoneOffset(midnight);
  return isoTime(midnight - zoneOffset(first)); // again from the first guess: right across a DST change
}

/** Whole days from now until `iso` (0 when it is today or past). */
export function daysUntil(iso) {
  return Math.max(0, Math.ceil((Date.parse(iso) - Date.now()) / 86_400_000));
}
