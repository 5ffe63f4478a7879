// Pure presentation of the "manage your booking" view: what the customer may still do, read from the
// deadlines the API computed (the portal holds no booking rules of its own), and how they read. Nothing
// here touches the DOM or the network (tested in manage.test.ts).
import { formatInZone, formatMoney } from "./format";

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

/** What the page says when the link itself is refused: 404 (not genuine, or no such booking) or 410 (expired). */
export function linkRefusal(status: number): string | undefined {
  if (status === 404) return "This link is not valid or the booking no longer exists.";
  if (status === 410) return "This link has expired: the booking ended some time ago. Contact the business for anything about it.";
  return undefined;
}

/** Until when the emailed link opens this page, in the business's zone; nothing if the API gave no readable instant. */
export function describeLinkExpiry(linkExpiresAt: string | undefined, timeZone: string, locale?: string): string | undefined {
  if (!linkExpiresAt || Number.isNaN(Date.parse(linkExpiresAt))) return undefined;
  return `This link works until ${formatInZone(linkExpiresAt, timeZone, locale)}.`;
}

export interface ManageActions {
  cancel: boolean;
  reschedule: boolean;
}

// The API refuses only when now is after the deadline, so the deadline itself still counts.
const before = (now: Date, until: string) => now.getTime() <= Date.parse(until);

/** The deadlines as the API sends them on every booking: null when the booking's state allows the action not at all. */
export interface BookingDeadlines {
  cancellableUntil: string | null;
  reschedulableUntil: string | null;
}

/** An action is open while its deadline from the API has not passed; no deadline, or an unreadable one, means no. */
export function allowedActions(deadlines: BookingDeadlines, now: Date = new Date()): ManageActions {
  const open = (until: string | null) => until !== null && before(now, until);
  return { cancel: open(deadlines.cancellableUntil), reschedule: open(deadlines.reschedulableUntil) };
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

/** The facts a cancellation's consequence is read from, as the API sends them on every booking. */
export interface CancelFacts {
  status: string;
  amountMinor: number;
  currency: string;
  /** What cancelling now would refund (the booking's own policy, worked out by the API); null: not cancellable now. */
  refundIfCancelledMinor: number | null;
}

/** What cancelling would mean for the customer's money, shown before they confirm. */
export function cancelConsequence(b: CancelFacts, locale?: string): string {
  const money = (minor: number) => formatMoney(minor, b.currency, locale);
  if (b.status === "held") return "Your held time is released. Nothing has been paid, so nothing is refunded.";
  if (b.amountMinor === 0) return "This booking is free, so there is nothing to refund.";
  const refund = b.refundIfCancelledMinor;
  if (refund === null) return "This booking can no longer be cancelled online; contact the business.";
  if (refund <= 0) return `Under the business's cancellation policy you get no refund of the ${money(b.amountMinor)} paid.`;
  if (refund >= b.amountMinor) return `You will be refunded in full: ${money(refund)}.`;
  return `Under the business's cancellation policy you will be refunded ${money(refund)} of the ${money(b.amountMinor)} paid.`;
}
