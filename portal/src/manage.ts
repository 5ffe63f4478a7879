// Pure rules of the "manage your booking" view: what the customer may still do, and how the
// deadlines read. Nothing here touches the DOM or the network (tested in manage.test.ts).
import { formatInZone } from "./format";

export interface ManageLink {
  bookingId: string;
  token: string;
}

/**
 * The booking and token from an email's manage link (`?booking=…#token=…`); both are needed, else it is
 * the booking flow. The token travels in the fragment, which browsers never send to servers or in
 * Referer headers, so it stays out of CDN and API logs.
 */
export function manageLinkFrom(params: URLSearchParams, hash: string): ManageLink | undefined {
  const bookingId = params.get("booking")?.trim();
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token")?.trim();
  return bookingId && token ? { bookingId, token } : undefined;
}

export interface ManageActions {
  cancel: boolean;
  reschedule: boolean;
}

// The API refuses only when now is after the deadline, so the deadline itself still counts.
const before = (now: Date, until: string) => now.getTime() <= Date.parse(until);

/**
 * Mirrors the API: a held booking (not paid yet) can always be let go; a confirmed one only until
 * the cancellation deadline. Only confirmed bookings can move, until the reschedule deadline.
 */
export function allowedActions(status: string, cancelUntil: string, rescheduleUntil: string, now: Date = new Date()): ManageActions {
  return {
    cancel: status === "held" || (status === "confirmed" && before(now, cancelUntil)),
    reschedule: status === "confirmed" && before(now, rescheduleUntil),
  };
}

export type DeadlineKind = "cancel" | "reschedule";

const VERB: Record<DeadlineKind, string> = { cancel: "cancel", reschedule: "change the time" };

/** "You can cancel until …" in the business's zone, or why it is no longer possible online. */
export function describeDeadline(kind: DeadlineKind, until: string, timeZone: string, now: Date = new Date(), locale?: string): string {
  if (Number.isNaN(Date.parse(until))) return `To ${VERB[kind]}, contact the business.`;
  return before(now, until)
    ? `You can ${VERB[kind]} until ${formatInZone(until, timeZone, locale)}.`
    : `You can no longer ${VERB[kind]} online: the deadline has passed; contact the business.`;
}

const STATUS_WORDS: Record<string, string> = {
  held: "Held — waiting for payment",
  confirmed: "Confirmed",
  completed: "Completed",
  cancelled: "Cancelled",
  expired: "Expired — the hold ran out before payment",
};

export function statusInWords(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

/** Whether two ISO instants are the same moment, however each is written (Z or +00:00, fractions). */
export function sameInstant(a: string, b: string): boolean {
  const x = Date.parse(a);
  return !Number.isNaN(x) && x === Date.parse(b);
}
