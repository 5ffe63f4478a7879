// Thin client for the public API. All URLs are same-origin and relative: Vite proxies them
// in development and CloudFront routes them to the API in production.
import type { Slot } from "./format";
import { parseProblem, type Problem } from "./problem";

export interface CatalogPackage {
  id: string;
  name: string;
  description: string | null;
  durationMinutes: number;
  priceMinor: number;
  currency: string;
  maxSeats: number;
}

export interface Catalog {
  slug: string;
  name: string;
  timeZone: string;
  currency: string;
  packages: CatalogPackage[];
  /** How long a place that comes free is held for the first person waiting. */
  waitlistOfferMinutes?: number;
}

export interface Availability {
  packageId: string;
  timeZone: string;
  from: string;
  to: string;
  slots: Slot[];
  /** The item each booking takes whole ("Meeting room"), to word what is left; null for per-seat packages. */
  wholeItemName?: string | null;
}

export interface Payment {
  status: "ready" | "unavailable" | string;
  paymentIntentId: string | null;
  clientSecret: string | null;
  retryUrl: string | null;
}

export interface Booking {
  id: string;
  status: "confirmed" | "held" | string;
  packageId: string;
  seats: number;
  startsAt: string;
  endsAt: string;
  startsAtLocal: string;
  timeZone: string;
  expiresAt: string | null;
  amountMinor: number;
  currency: string;
  payment?: Payment | null;
  /** A guest's hold waiting for the code emailed to the address given; it cannot be paid or confirmed before. */
  awaitingEmailProof?: boolean;
}

export interface BookingRequest {
  packageId: string;
  startsAt: string;
  seats: number;
  customer: { name: string; email: string };
}

/** The server answered with an error; `problem` is ready to show. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** No answer at all (offline, connection reset): the request may or may not have happened. */
export class NetworkError extends Error {}

async function request<T>(url: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { Accept: "application/json", ...init.headers } });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new NetworkError("Could not reach the server. Check your connection and try again.");
  }
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => undefined);
    throw new ApiError(parseProblem(res.status, body));
  }
  return (await res.json()) as T;
}

const tenant = (slug: string) => `/api/v1/tenants/${encodeURIComponent(slug)}`;

/** A signed-in customer's session token, as the API takes it. */
const bearer = (accessToken?: string): Record<string, string> => (accessToken ? { Authorization: `Bearer ${accessToken}` } : {});

export function getCatalog(slug: string): Promise<Catalog> {
  return request(`${tenant(slug)}/catalog`);
}

/**
 * Availability is cacheable for a few seconds (`max-age`), which suits browsing. A refetch because something changed
 * (a push, a reconnect, a refused hold) passes `revalidate`: the browser then asks the server, which answers 304 when
 * its ETag still matches, instead of reusing the copy it was told had changed.
 */
export function getAvailability(slug: string, packageId: string, from: string, to: string, signal?: AbortSignal, revalidate = false): Promise<Availability> {
  const q = new URLSearchParams({ from, to });
  return request(`${tenant(slug)}/packages/${encodeURIComponent(packageId)}/availability?${q}`, { signal, cache: revalidate ? "no-cache" : "default" });
}

/** A place on a full slot's waiting list. `token` (only in the answer to joining) opens it later: keep it to leave. */
export interface WaitlistEntry {
  id: string;
  packageId: string;
  startsAt: string;
  seats: number;
  status: "waiting" | "offered" | "left" | "closed" | string;
  /** 1 is next in line; 0 once not waiting. */
  position: number;
  createdAt: string;
  token: string | null;
}

export function joinWaitlist(slug: string, body: { packageId: string; startsAt: string; seats: number; customer: { name: string; email: string } }): Promise<WaitlistEntry> {
  return request(`${tenant(slug)}/waitlist`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

export function leaveWaitlist(entryId: string, token: string): Promise<WaitlistEntry> {
  return request(`/api/v1/waitlist/${encodeURIComponent(entryId)}/leave`, { method: "POST", headers: { "X-Waitlist-Token": token } });
}

/**
 * A signed-in customer's session token goes along (`accessToken`): the API then books as them, and a booking under
 * their own, already proven address needs no emailed code.
 */
export function createBooking(slug: string, body: string, idempotencyKey: string, accessToken?: string): Promise<Booking> {
  return request(`${tenant(slug)}/bookings`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey, ...bearer(accessToken) },
    body,
  });
}

/** Enters the code emailed to a guest: the answer is the booking, confirmed (free) or with its payment (paid). */
export function proveEmail(bookingId: string, code: string): Promise<Booking> {
  return request(`/api/v1/bookings/${encodeURIComponent(bookingId)}/email-proof`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code }),
  });
}

export function retryPayment(retryUrl: string): Promise<Payment> {
  return request(retryUrl, { method: "POST" });
}

/**
 * A booking as its manage link shows it: no internal ids (booking, package, customer, payment), since
 * whoever holds the email sees it; `reference` is the one printed in the emails.
 */
export interface ManagedBookingRecord {
  reference: string;
  status: "confirmed" | "held" | string;
  seats: number;
  startsAt: string;
  endsAt: string;
  startsAtLocal: string;
  timeZone: string;
  expiresAt: string | null;
  amountMinor: number;
  currency: string;
  createdAt: string;
  cancelledAt: string | null;
  receiptNumber: number | null;
  /** The API's deadlines (the booking's own policy): null when its state allows the action not at all; past when the window closed. */
  cancellableUntil: string | null;
  reschedulableUntil: string | null;
  /** What cancelling now would refund, in minor units, as of the response; null when the customer can no longer cancel. */
  refundIfCancelledMinor: number | null;
}

export interface ManagedBooking {
  booking: ManagedBookingRecord;
  businessSlug: string;
  businessName: string;
  packageName: string;
  /** After this the link answers 410: the booking ended longer ago than the grace period. */
  linkExpiresAt: string;
}

/** Times the booked service could move to, asked for through the link (the page never learns the package's id). */
export interface ManagedAvailability {
  timeZone: string;
  from: string;
  to: string;
  slots: Slot[];
  /** As on {@link Availability}: the item each booking takes whole, to word what is left. */
  wholeItemName?: string | null;
}

// The link's token is the only credential: it goes in a header; a wrong one is a 404, an expired one a 410.
const manage = (bookingId: string) => `/api/v1/bookings/${encodeURIComponent(bookingId)}/manage`;

export function getManagedBooking(bookingId: string, token: string): Promise<ManagedBooking> {
  return request(manage(bookingId), { headers: { "X-Booking-Token": token } });
}

export function getManagedAvailability(bookingId: string, token: string, from: string, to: string, signal?: AbortSignal): Promise<ManagedAvailability> {
  const q = new URLSearchParams({ from, to });
  return request(`${manage(bookingId)}/availability?${q}`, { headers: { "X-Booking-Token": token }, signal });
}

export function cancelManagedBooking(bookingId: string, token: string, reason: string | null): Promise<ManagedBooking> {
  return request(`${manage(bookingId)}/cancel`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Booking-Token": token },
    body: JSON.stringify({ reason }),
  });
}

export function rescheduleManagedBooking(bookingId: string, token: string, startsAt: string): Promise<ManagedBooking> {
  return request(`${manage(bookingId)}/reschedule`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Booking-Token": token },
    body: JSON.stringify({ startsAt }),
  });
}

// ---- Customer sign-in and "my bookings" ----------------------------------------------------------

/** What the page keeps until the customer types the code: the challenge goes back with it. */
export interface SignInCodeSent {
  challenge: string;
  expiresAt: string;
}

/** The API's answer to a right code: a bearer token for `/me/bookings` and the booking changes. */
export interface SessionAnswer {
  accessToken: string;
  tokenType: string;
  /** Seconds from the answer. */
  expiresIn: number;
  email: string;
}

/** Emails a sign-in code to the address, from this business; the answer is the same whoever the address belongs to. */
export function requestSignInCode(slug: string, email: string): Promise<SignInCodeSent> {
  return request(`${tenant(slug)}/sign-in/code`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email }),
  });
}

export function verifySignInCode(email: string, challenge: string, code: string): Promise<SessionAnswer> {
  return request("/api/v1/sign-in/verify", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, challenge, code }),
  });
}

/** Money given back for a booking: `description` is what the customer is told, `status` where it stands with Stripe. */
export interface Refund {
  amountMinor: number;
  currency: string;
  reason: string;
  description: string;
  status: string;
  createdAt: string;
}

/** A booking as its signed-in customer sees it, with the deadlines and refund consequence of its own policy. */
export interface CustomerBooking extends Booking {
  customerId: string;
  createdAt: string;
  cancelledAt: string | null;
  receiptNumber: number | null;
  cancellableUntil: string | null;
  reschedulableUntil: string | null;
  refundIfCancelledMinor: number | null;
  refunds?: Refund[] | null;
  /** The package's name as the API has it (also for a package the business has since archived). */
  packageName?: string | null;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** The signed-in person's bookings at this business (its slug), latest start first. */
export function getMyBookings(accessToken: string, business: string, page: number, pageSize: number, signal?: AbortSignal): Promise<Page<CustomerBooking>> {
  const q = new URLSearchParams({ business, page: String(page), pageSize: String(pageSize) });
  return request(`/api/v1/me/bookings?${q}`, { headers: bearer(accessToken), signal, cache: "no-store" });
}

export function cancelMyBooking(accessToken: string, bookingId: string, reason: string | null): Promise<CustomerBooking> {
  return request(`/api/v1/bookings/${encodeURIComponent(bookingId)}/cancel`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...bearer(accessToken) },
    body: JSON.stringify({ reason }),
  });
}

export function rescheduleMyBooking(accessToken: string, bookingId: string, startsAt: string): Promise<CustomerBooking> {
  return request(`/api/v1/bookings/${encodeURIComponent(bookingId)}/reschedule`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...bearer(accessToken) },
    body: JSON.stringify({ startsAt }),
  });
}
