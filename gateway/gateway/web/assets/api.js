// The one client of the /v1 JSON API: the session token, JSON in and out, the contract's errors.
const TOKEN_KEY = "portal.token";
const DEVICES_KEY = "portal.devices";

export class ApiError extends Error {
  constructor(status, code, message, details = {}, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
    this.retryAfter = retryAfter;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  start(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  end() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

// "Trust this device": the device token outlives the tab, one per email.
export const trustedDevices = {
  all() {
    try {
      return JSON.parse(localStorage.getItem(DEVICES_KEY)) || {};
    } catch {
      return {};
    }
  },
  get(email) {
    const entry = this.all()[email.trim().toLowerCase()];
    if (!entry || Date.parse(entry.expires_at) <= Date.now()) return null;
    return entry.token;
  },
  /** This browser's device of `email`, as sign-in answered it: {token, expires_at, id?} or null. */
  entry(email) {
    return this.all()[email.trim().toLowerCase()] || null;
  },
  remember(email, token, expiresAt, id = null) {
    const all = this.all();
    all[email.trim().toLowerCase()] = { token, expires_at: expiresAt, id };
    localStorage.setItem(DEVICES_KEY, JSON.stringify(all));
  },
  forget(email) {
    const all = this.all();
    delete all[email.trim().toLowerCase()];
    localStorage.setItem(DEVICES_KEY, JSON.stringify(all));
  },
};

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; this does not). */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function url(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, value);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The file name of a `Content-Disposition: attachment; filename="accounts-2026-12-02.csv"`. */
function fileName(disposition) {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition || "");
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]).replace(/[\\/]/g, "_");
  } catch {
    return match[1];
  }
}

/**
 * api("POST", "/v1/accounts", {body}) -> the answer's JSON (null for 204), or throws ApiError.
 * `raw` sends bytes as they are with `contentType`; `blob` answers the body as a Blob; `file` asks
 * for `accept` (say text/csv) and answers {blob, filename} with the name the API gives it.
 */
export async function api(method, path, { body, query, raw, contentType, idempotencyKey, blob, file, accept } = {}) {
  const headers = { Accept: accept || "application/json" };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let payload;
  if (raw !== undefined) {
    payload = raw;
    headers["Content-Type"] = contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(url(path, query), { method, headers, body: payload, cache: "no-store" });
  } catch {
    throw new ApiError(0, "network_error", "The portal could not be reached. Check the connection and try again.");
  }
  if (response.ok && blob) return response.blob();
  if (response.ok && file) return { blob: await response.blob(), filename: fileName(response.headers.get("Content-Disposition")) };
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;
  const error = (data && data.error) || {};
  const failure = new ApiError(
    response.status,
    error.code || "http_" + response.status,
    error.message || `The portal answered ${response.status}.`,
    error.details,
    response.headers.get("Retry-After"),
  );
  if (failure.code === "unauthenticated" && token) {
    session.end();
    window.dispatchEvent(new CustomEvent("portal:session-ended"));
  }
  if (failure.code === "two_factor_required") {
    // The company requires a second factor and this employee has none yet: only its set-up is open.
    window.dispatchEvent(new CustomEvent("portal:two-factor-required"));
  }
  throw failure;
}

export const get = (path, query) => api("GET", path, { query });
export const post = (path, body, options = {}) => api("POST", path, { body, ...options });
export const patch = (path, body) => api("PATCH", path, { body });
export const put = (path, body) => api("PUT", path, { body });
export const del = (path, body) => api("DELETE", path, { body });

/** Every item of a list, following `next_cursor` (at most `maxPages` pages of 200). */
export async function allItems(path, query = {}, maxPages = 10) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const answer = await get(path, { ...query, limit: 200, cursor });
    items.push(...answer.items);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return items;
}
