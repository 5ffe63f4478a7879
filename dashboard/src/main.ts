import "./style.css";
import {
  AuthFieldError,
  checkNewPassword,
  newPasswordResponse,
  passwordSignIn,
  PASSWORD_RULES,
  readAuthResult,
  readNewPasswordChallenge,
  readNewPasswordResult,
  type AuthRequest,
  type DashboardConfig,
  type NewPasswordChallenge,
} from "./auth";
import { Api, ApiError, loadConfig, loadSession, saveSession } from "./api";
import { h, errorBox, statusLine } from "./dom";
import { renderToday } from "./views/today";
import { renderCalendar } from "./views/calendar";
import { renderCatalogue } from "./views/catalogue";
import { renderHours } from "./views/hours";
import { renderBookings } from "./views/bookings";
import { renderAnalytics } from "./views/analytics";
import { renderCustomers } from "./views/customers";
import { renderPolicy } from "./views/policy";
import { renderIntegrations } from "./views/integrations";
import { renderWaitlist } from "./views/waitlist";
import { renderStaff } from "./views/staff";
import { FieldErrors } from "./views/forms";

export interface Business {
  slug: string;
  name: string;
  role: string;
  timeZone: string;
  currency: string;
}

export interface ViewContext {
  api: Api;
  business: Business;
  base: string; // /api/v1/tenants/{slug}
  locale: string | undefined;
}

const main = document.getElementById("main")!;
const nav = document.getElementById("nav")!;
const account = document.getElementById("account")!;
const businessName = document.getElementById("business-name")!;

let config: DashboardConfig;

async function boot(): Promise<void> {
  try {
    config = await loadConfig();
  } catch (e) {
    main.replaceChildren(errorBox(`The dashboard cannot start: ${(e as Error).message}`));
    return;
  }
  const session = loadSession();
  if (session && session.expiresAt > Date.now()) await start(new Api(config, session, signOut));
  else showSignIn();
}

function signOut(message?: string): void {
  saveSession(null);
  nav.hidden = true;
  account.hidden = true;
  businessName.textContent = "Business dashboard";
  showSignIn(message);
}

function showSignIn(message?: string, knownEmail = ""): void {
  const error = h("div", { class: "error-box", role: "alert", id: "sign-in-error", hidden: !message }, message ?? "");
  const email = h("input", { id: "email", name: "email", type: "email", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const button = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h(
    "form",
    { class: "sign-in", "aria-labelledby": "sign-in-title", novalidate: true },
    h("h1", { id: "sign-in-title" }, "Sign in to your business"),
    h("div", { class: "field" }, h("label", { for: "email" }, "Email"), email),
    h("div", { class: "field" }, h("label", { for: "password" }, "Password"), password),
    error,
    button,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!email.value.trim() || !password.value) {
      error.textContent = "Enter your email and password.";
      error.hidden = false;
      return;
    }
    button.disabled = true;
    button.textContent = "Signing in…";
    try {
      const { status, body } = await send(passwordSignIn(config, email.value, password.value));
      const challenge = readNewPasswordChallenge(status, body, email.value);
      if (challenge) {
        showNewPassword(email.value.trim(), challenge);
        return;
      }
      const session = readAuthResult(status, body, email.value.trim(), null);
      saveSession(session);
      await start(new Api(config, session, signOut));
    } catch (err) {
      error.textContent = (err as Error).message;
      error.hidden = false;
      button.disabled = false;
      button.textContent = "Sign in";
      password.focus();
    }
  });
  main.replaceChildren(form);
  email.value = knownEmail;
  if (knownEmail) password.focus();
  else email.focus();
}

/** Cognito's answer; status 0 when it cannot be reached. */
async function send({ url, init }: AuthRequest): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(url, init);
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

/** First sign-in with a temporary password: the person chooses their own, then goes on as after any sign-in. */
function showNewPassword(email: string, challenge: NewPasswordChallenge): void {
  const errors = new FieldErrors();
  const password = h("input", { name: "new-password", type: "password", autocomplete: "new-password", required: true });
  const confirm = h("input", { name: "confirm-password", type: "password", autocomplete: "new-password", required: true });
  const button = h("button", { type: "submit", class: "primary" }, "Save password and sign in");
  const form = h(
    "form",
    { class: "sign-in", "aria-labelledby": "new-password-title", novalidate: true, "data-testid": "new-password" },
    h("h1", { id: "new-password-title" }, "Choose a new password"),
    h("p", {}, `You signed in as ${email} with a temporary password. Choose your own to continue.`),
    errors.field("newPassword", "new-password", "New password", password, PASSWORD_RULES),
    errors.field("confirm", "confirm-password", "New password again", confirm),
    errors.summary,
    button,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const refused = checkNewPassword(password.value, confirm.value);
    if (refused) {
      errors.showFields({ [refused.field ?? ""]: [refused.message] }, refused.message);
      return;
    }
    errors.clear();
    button.disabled = true;
    button.textContent = "Saving…";
    try {
      const { status, body } = await send(newPasswordResponse(config, challenge, password.value));
      const session = readNewPasswordResult(status, body, email);
      saveSession(session);
      await start(new Api(config, session, signOut));
    } catch (err) {
      button.disabled = false;
      button.textContent = "Save password and sign in";
      if (err instanceof AuthFieldError && err.field === "session") {
        showSignIn(err.message, email);
        return;
      }
      const field = err instanceof AuthFieldError ? err.field : null;
      errors.showFields(field ? { [field]: [(err as Error).message] } : {}, (err as Error).message);
      if (!field) button.focus();
    }
  });
  main.replaceChildren(form);
  password.focus();
}

async function start(api: Api): Promise<void> {
  main.replaceChildren(statusLine("Loading your businesses…"));
  let businesses: Business[];
  try {
    businesses = await api.get<Business[]>("/api/v1/me/businesses");
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 401) return;
    main.replaceChildren(errorBox((e as Error).message));
    return;
  }
  account.hidden = false;
  document.getElementById("signed-in-as")!.textContent = api.email;
  document.getElementById("sign-out")!.onclick = () => signOut();
  if (businesses.length === 0) {
    main.replaceChildren(
      h("h1", {}, "No business yet"),
      h("p", { "data-testid": "no-business" }, "This account is not the owner or staff of any business. Ask the owner to invite you."),
    );
    return;
  }
  const wanted = new URLSearchParams(location.search).get("business");
  const business = businesses.find((b) => b.slug === wanted) ?? businesses[0];
  businessName.textContent = business.name;
  for (const entry of nav.querySelectorAll<HTMLElement>("[data-owner-only]")) entry.hidden = business.role !== "owner";
  nav.hidden = false;
  const context: ViewContext = {
    api,
    business,
    base: `/api/v1/tenants/${encodeURIComponent(business.slug)}`,
    locale: navigator.language || undefined,
  };
  window.onhashchange = () => void route(context, true);
  await route(context, false);
}

let current: AbortController | null = null;

async function route(context: ViewContext, moved: boolean): Promise<void> {
  current?.abort();
  current = new AbortController();
  const [, view = "today", ...rest] = location.hash.replace(/^#/, "").split("/");
  for (const link of nav.querySelectorAll<HTMLAnchorElement>("a[data-view]")) {
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const render =
    view === "calendar" ? renderCalendar
    : view === "bookings" ? renderBookings
    : view === "customers" ? renderCustomers
    : view === "analytics" ? renderAnalytics
    : view === "policy" ? renderPolicy
    : view === "catalogue" ? renderCatalogue
    : view === "hours" ? renderHours
    : view === "integrations" ? renderIntegrations
    : view === "waitlist" ? renderWaitlist
    : view === "staff" ? renderStaff
    : renderToday;
  try {
    const signal = current.signal;
    const origin = document.activeElement;
    await render(main, context, rest, signal);
    // A new view is announced by moving focus to its heading, as a page load would; not if the person has
    // moved on meanwhile (tabbed elsewhere, or opened another view).
    if (moved && !signal.aborted && document.activeElement === origin) document.getElementById("view-title")?.focus();
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 401) return;
    main.replaceChildren(errorBox((e as Error).message));
  }
}

void boot();
