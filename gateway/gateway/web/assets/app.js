// The shell: which page a hash names, the signed-in employee and company, the header.
import { api, del, get, session } from "./api.js";
import { can } from "./roles.js";
import { mount } from "./dom.js";
import { setTimeZone } from "./format.js";
import { failure, loading } from "./ui.js";
import * as signIn from "./page-signin.js";
import * as signUp from "./page-signup.js";
import { acceptInvitation, resetPassword } from "./page-links.js";
import * as accounts from "./page-accounts.js";
import * as account from "./page-account.js";
import * as purchase from "./page-purchase.js";
import * as order from "./page-order.js";
import * as monitoring from "./page-monitoring.js";
import * as company from "./page-company.js";
import * as notifications from "./page-notifications.js";
import * as security from "./page-security.js";
import * as computer from "./page-computer.js";
import * as subscriptions from "./page-subscriptions.js";
import * as renewals from "./page-renewals.js";
import * as activity from "./page-activity.js";
import * as twoFactorRequired from "./page-two-factor-required.js";

const ROUTES = [
  { pattern: /^\/signin$/, page: signIn, open: true, title: "Sign in" },
  { pattern: /^\/signup$/, page: signUp, open: true, title: "Sign up" },
  // A mailed link opens its page whoever is signed in on this browser.
  { pattern: /^\/accept-invitation$/, page: acceptInvitation, open: true, link: true, title: "Accept the invitation" },
  { pattern: /^\/reset-password$/, page: resetPassword, open: true, link: true, title: "Reset your password" },
  { pattern: /^\/accounts$/, page: accounts, tab: "accounts", title: "Accounts" },
  { pattern: /^\/accounts\/([\w-]+)$/, page: account, tab: "accounts", title: "Account" },
  { pattern: /^\/accounts\/([\w-]+)\/computers\/([\w-]+)$/, page: computer, tab: "accounts", title: "Computer" },
  { pattern: /^\/subscriptions$/, page: subscriptions, tab: "subscriptions", title: "Subscriptions" },
  { pattern: /^\/renewals$/, page: renewals, tab: "subscriptions", title: "Renewals" },
  { pattern: /^\/activity$/, page: activity, tab: "activity", title: "Activity" },
  // The one page a session limited by the company's two-step policy opens (no company, no header).
  { pattern: /^\/two-factor-required$/, page: twoFactorRequired, limited: true, title: "Set up two-step verification" },
  { pattern: /^\/purchase$/, page: purchase, tab: "purchase", title: "Purchase" },
  { pattern: /^\/orders\/([\w-]+)$/, page: order, tab: "purchase", title: "Order" },
  { pattern: /^\/monitoring$/, page: monitoring, tab: "monitoring", title: "Monitoring" },
  { pattern: /^\/company$/, page: company, tab: "company", title: "Company" },
  { pattern: /^\/notifications$/, page: notifications, tab: "notifications", title: "Notifications" },
  { pattern: /^\/security$/, page: security, tab: "security", title: "My security" },
];

let logoUrl = null;

const ctx = {
  me: null,
  company: null,
  navigate,
  /** Load the employee and the company again (after editing them) and redraw the header. */
  async refresh() {
    const [me, profile] = await Promise.all([get("/v1/me"), get("/v1/company")]);
    ctx.me = me;
    ctx.company = profile;
    setTimeZone(profile.location.timezone);
    await showHeader();
  },
  signedIn(token) {
    session.start(token);
    ctx.me = null;
  },
};

export function navigate(path) {
  const target = "#" + path;
  if (location.hash === target) route();
  else location.hash = target;
}

async function showHeader() {
  document.getElementById("brand-name").textContent = ctx.company.name;
  document.getElementById("whoami-name").textContent = ctx.me.name;
  document.getElementById("whoami-role").textContent = ctx.me.role;
  document.querySelector('[data-tab="activity"]').hidden = !can(ctx.me, "viewActivity");
  const image = document.getElementById("brand-logo");
  if (logoUrl) URL.revokeObjectURL(logoUrl);
  logoUrl = null;
  if (ctx.company.logo_url) {
    try {
      logoUrl = URL.createObjectURL(await api("GET", ctx.company.logo_url, { blob: true }));
    } catch {
      logoUrl = null;
    }
  }
  image.hidden = !logoUrl;
  document.getElementById("brand-mark").hidden = Boolean(logoUrl);
  if (logoUrl) {
    image.src = logoUrl;
    image.alt = `${ctx.company.name} logo`;
  }
}

function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return ""; // a hash mangled by hand (a stray "%"): the default page rather than a stuck one
  }
}

function where() {
  const raw = decoded(location.hash.replace(/^#/, "")) || "/accounts";
  const [path, search = ""] = raw.split("?");
  return { path, query: new URLSearchParams(search) };
}

let rendering = 0;

async function route() {
  const { path, query } = where();
  const found = ROUTES.map((r) => [r, path.match(r.pattern)]).find(([, m]) => m);
  if (!found) return navigate("/accounts");
  const [routeInfo, match] = found;
  if (!routeInfo.open && !session.token) return navigate("/signin");
  if (routeInfo.open && !routeInfo.link && session.token) return navigate("/accounts");
  const current = ++rendering;
  const main = document.getElementById("main");
  const topbar = document.getElementById("topbar");
  const bare = Boolean(routeInfo.open || routeInfo.limited);
  document.body.classList.toggle("signed-out", bare);
  topbar.hidden = bare;
  for (const tab of document.querySelectorAll("[data-tab]")) {
    if (tab.dataset.tab === routeInfo.tab) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  document.title = `${routeInfo.title} · Partner Portal`;
  main.removeAttribute("data-page");
  mount(main, loading());
  try {
    if (!bare && !ctx.me) await ctx.refresh();
    const node = await routeInfo.page.render(ctx, match.slice(1), query);
    if (current !== rendering) return;
    mount(main, node);
    main.setAttribute("data-page", routeInfo.page.name);
    (main.querySelector("h1") || main).focus({ preventScroll: true });
    window.scrollTo(0, 0);
  } catch (error) {
    if (current !== rendering) return;
    if (error.code === "unauthenticated" || error.code === "two_factor_required") return; // on its way elsewhere
    mount(main, failure(error));
  }
}

const signOut = document.getElementById("sign-out");
signOut.addEventListener("click", async () => {
  signOut.disabled = true;
  try {
    await del("/v1/sessions/current");
  } catch {
    // Signed out either way: the token is forgotten here.
  } finally {
    signOut.disabled = false;
  }
  session.end();
  ctx.me = null;
  navigate("/signin");
});

window.addEventListener("portal:session-ended", () => {
  ctx.me = null;
  navigate("/signin?ended=1");
});
window.addEventListener("portal:two-factor-required", () => {
  ctx.me = null;
  if (where().path !== "/two-factor-required") navigate("/two-factor-required");
});
window.addEventListener("hashchange", route);
route();
