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
