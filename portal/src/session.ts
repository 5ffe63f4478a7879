// The signed-in customer's session and where the page is: pure, so both are unit-tested (session.test.ts).
// The session is the API's bearer token with its expiry; it lives in localStorage so every tab of the portal
// (and every business's portal on this origin: the token is the person's, not one business's) shares it, and
// it is dropped as soon as it has expired or the API refuses it.
import type { SessionAnswer } from "./api";

export interface CustomerSession {
  accessToken: string;
  email: string;
  /** Epoch milliseconds after which the API no longer accepts the token. */
  expiresAt: number;
}

/** The storage the session is kept in (localStorage in the page, a Map in tests). */
export type SessionStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export const SESSION_KEY = "bookingaws.customer-session";

// A token this close to its expiry is treated as expired: a request started now could reach the API too late.
const MARGIN_MS = 30_000;

/** The session an answer opens, its expiry counted from when the answer arrived. */
export function sessionFrom(answer: SessionAnswer, now: number = Date.now()): CustomerSession {
  return { accessToken: answer.accessToken, email: answer.email, expiresAt: now + answer.expiresIn * 1000 };
}

/** The stored session while it is still good; an expired or unreadable one is removed. */
export function readSession(store: SessionStore, now: number = Date.now()): CustomerSession | undefined {
  const raw = store.getItem(SESSION_KEY);
  if (raw === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const s = parsed as Partial<CustomerSession> | undefined;
  if (!s || typeof s.accessToken !== "string" || s.accessToken === "" || typeof s.email !== "string"
    || typeof s.expiresAt !== "number" || s.expiresAt - MARGIN_MS <= now) {
    store.removeItem(SESSION_KEY);
    return undefined;
  }
  return { accessToken: s.accessToken, email: s.email, expiresAt: s.expiresAt };
}

export function saveSession(store: SessionStore, session: CustomerSession): void {
  store.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(store: SessionStore): void {
  store.removeItem(SESSION_KEY);
}

/** Milliseconds until the session must be dropped (at least 0), for a timer that signs the page out. */
export function msUntilExpiry(session: CustomerSession, now: number = Date.now()): number {
  return Math.max(0, session.expiresAt - MARGIN_MS - now);
}

export type AccountRoute = "sign-in" | "my-bookings";

/** The account screen the fragment names (`#sign-in`, `#my-bookings`); anything else is the booking flow. */
export function accountRoute(hash: string): AccountRoute | undefined {
  const name = hash.replace(/^#/, "").trim().toLowerCase();
  return name === "sign-in" || name === "my-bookings" ? name : undefined;
}

/** A code asked for and not yet entered: kept per tab (sessionStorage) so a reload on the code step goes on. */
export interface PendingCode {
  email: string;
  challenge: string;
  /** ISO instant after which the code no longer works. */
  expiresAt: string;
}

export const PENDING_KEY = "bookingaws.sign-in-pending";

export function readPendingCode(store: SessionStore, now: number = Date.now()): PendingCode | undefined {
  const raw = store.getItem(PENDING_KEY);
  if (raw === null) return undefined;
  let p: Partial<PendingCode> | undefined;
  try {
    p = JSON.parse(raw) as Partial<PendingCode>;
  } catch {
    p = undefined;
  }
  if (!p || typeof p.email !== "string" || typeof p.challenge !== "string" || typeof p.expiresAt !== "string"
    || !(Date.parse(p.expiresAt) > now)) {
    store.removeItem(PENDING_KEY);
    return undefined;
  }
  return { email: p.email, challenge: p.challenge, expiresAt: p.expiresAt };
}

export function savePendingCode(store: SessionStore, pending: PendingCode | undefined): void {
  if (pending) store.setItem(PENDING_KEY, JSON.stringify(pending));
  else store.removeItem(PENDING_KEY);
}
