// What cancelling or moving a booking would do under its policy, in words, from the facts the API's
// booking view carries (deadlines and the refund a cancellation now would give).

import { formatDateTime, formatMoney } from "./format";
import type { BookingView } from "./today";

// Said for the business's own cancellation, which always refunds in full what was paid online and not yet
// refunded (refundableMinor); the customer's policy window is named only as context. Not the customer's
// refund (refundIfCancelledMinor), which is 0 or absent once their window has passed.
export function cancelConsequence(b: BookingView, zone: string, now: Date, locale?: string): string {
  if (b.status === "held") return "The hold is released and the places go back on sale. Nothing was paid, so nothing is refunded.";
  if (b.status !== "confirmed") return "This booking can no longer be cancelled.";
  const money = (minor: number) => formatMoney(minor, b.currency, locale);
  const until = b.cancellableUntil ? new Date(b.cancellableUntil) : null;
  const window = until && until > now
    ? ` The customer's own free cancellation ends ${formatDateTime(b.cancellableUntil!, zone, locale)}.`
    : until ? " The customer's own free cancellation window has passed." : "";
  if (b.amountMinor === 0) return `The places go back on sale; the booking was free.${window}`;
  const left = b.refundableMinor;
  if (left === undefined || left === null) return `The places go back on sale. A cancellation by the business refunds in full what was paid online.${window}`;
  if (left <= 0) return `The places go back on sale. Nothing paid online is left to refund.${window}`;
  if (left >= b.amountMinor) return `The customer is refunded in full: ${money(left)}.${window}`;
  return `The customer is refunded the ${money(left)} not yet refunded of the ${money(b.amountMinor)} paid.${window}`;
}

export function rescheduleConsequence(b: BookingView, zone: string, now: Date, locale?: string): string {
  if (b.status !== "held" && b.status !== "confirmed") return "This booking can no longer be moved.";
  const until = b.reschedulableUntil ? new Date(b.reschedulableUntil) : null;
  if (until && until <= now) return `The policy allowed moves until ${formatDateTime(b.reschedulableUntil!, zone, locale)}; the API will refuse a move now.`;
  const limit = until ? ` It can be moved until ${formatDateTime(b.reschedulableUntil!, zone, locale)}.` : "";
  return `The booking keeps its payment and seats; only the time changes.${limit}`;
}
