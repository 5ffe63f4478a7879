// Rules of "my bookings": how the person's bookings at this business split into
// upcoming and past, and how their money reads. Nothing here touches the DOM or the network (tested in
// my-bookings.test.ts); the deadlines and refund figures are the API's, never computed here.
import type { CustomerBooking } from "./api";
import { formatMoney } from "./format";

export interface SplitBookings<T> {
  /** Still to come and still on (held or confirmed), soonest first. */
  upcoming: T[];
  /** Over, cancelled or lapsed, latest first. */
  past: T[];
}

const LIVE = new Set(["held", "confirmed"]);

export function splitBookings<T extends Pick<CustomerBooking, "status" | "startsAt" | "endsAt">>(bookings: T[], now: Date = new Date()): SplitBookings<T> {
  const at = (iso: string) => Date.parse(iso);
  const upcoming = bookings.filter((b) => LIVE.has(b.status) && at(b.endsAt) > now.getTime());
  const past = bookings.filter((b) => !upcoming.includes(b));
  upcoming.sort((a, b) => at(a.startsAt) - at(b.startsAt));
  past.sort((a, b) => at(b.startsAt) - at(a.startsAt));
  return { upcoming, past };
}

type MoneyFacts = Pick<CustomerBooking, "status" | "amountMinor" | "currency" | "refunds">;

/** What was paid: free, paid, waiting for payment, or never paid (a hold that was cancelled or lapsed). */
export function paidInWords(b: MoneyFacts, locale?: string): string {
  const amount = formatMoney(b.amountMinor, b.currency, locale);
  if (b.amountMinor === 0) return "Nothing to pay";
  if (b.status === "held") return `${amount} — not paid yet`;
  if (b.status === "expired") return `${amount} — not paid`;
  // A cancelled booking with no refunds on record may never have been paid (a hold cancelled before payment).
  if (b.status === "cancelled" && (b.refunds ?? []).length === 0) return `${amount} — nothing refunded`;
  return `${amount} paid`;
}

const REFUND_STATE: Record<string, string> = {
  succeeded: "",
  pending: " (on its way)",
  requires_action: " (on its way)",
  failed: " (did not go through; contact the business)",
  canceled: " (did not go through; contact the business)",
};

/** One line per refund: "Refunded £45.00 — Cancelled in time for a full refund (on its way)". */
export function refundsInWords(b: MoneyFacts, locale?: string): string[] {
  return (b.refunds ?? []).map((r) => {
    const state = REFUND_STATE[r.status] ?? ` (${r.status})`;
    return `Refunded ${formatMoney(r.amountMinor, r.currency || b.currency, locale)}${r.description ? ` — ${r.description}` : ""}${state}`;
  });
}
