// What cancelling or moving a booking would do under its policy, in words, from the facts the API's
// booking view carries (deadlines and the refund a cancellation now would give).

import { formatDateTime, formatMoney } from "./format";
import type { BookingView } from "./today";

export function cancelConsequence(b: BookingView, zone: string, now: Date, locale?: string): string {
  if (b.status === "held") return "The hold is released and the places go back on sale. Nothing was paid, so nothing is refunded.";
  if (b.status !== "confirmed") return "This booking can no longer be cancelled.";
  const money = (minor: number) => formatMoney(minor, b.currency, locale);
  const refund = b.refundIfCancelledMinor;
  const until = b.cancellableUntil ? new Date(b.cancellableUntil) : null;
  const window = until && until > now ? ` Free cancellation ends ${formatDateTime(b.cancellableUntil!, zone, locale)}.` : until ? " The free cancellation window has passed." : "";
  if (b.amountMinor === 0) return `The places go back on sale; the booking was free.${window}`;
  if (refund === undefined || refund === null) return `The places go back on sale. The refund is worked out when you cancel.${window}`;
  if (refund === 0) return `The customer gets no refund of the ${money(b.amountMinor)} paid.${window}`;
  if (refund >= b.amountMinor) return `The customer is refunded in full: ${money(refund)}.${window}`;
  return `The customer is refunded ${money(refund)} of the ${money(b.amountMinor)} paid.${window}`;
}

export function rescheduleConsequence(b: BookingView, zone: string, now: Date, locale?: string): string {
  if (b.status !== "held" && b.status !== "confirmed") return "This booking can no longer be moved.";
  const until = b.reschedulableUntil ? new Date(b.reschedulableUntil) : null;
  if (until && until <= now) return `The policy allowed moves until ${formatDateTime(b.reschedulableUntil!, zone, locale)}; the API will refuse a move now.`;
  const limit = until ? ` It can be moved until ${formatDateTime(b.reschedulableUntil!, zone, locale)}.` : "";
  return `The booking keeps its payment and seats; only the time changes.${limit}`;
}
