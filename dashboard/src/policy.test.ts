import { describe, expect, it } from "vitest";
import { cancelConsequence, rescheduleConsequence } from "./policy";
import type { BookingView } from "./today";

const base: BookingView = {
  id: "b", status: "confirmed", packageId: "p", customerId: "c", seats: 2, startsAt: "2026-12-10T10:00:00Z", startsAtLocal: "2026-12-10T10:00:00+00:00",
  endsAt: "2026-12-10T12:00:00Z", amountMinor: 9000, currency: "GBP", paymentIntentId: "pi", cancellableUntil: "2026-12-09T10:00:00Z",
  reschedulableUntil: "2026-12-09T10:00:00Z", refundIfCancelledMinor: 9000, refundableMinor: 9000,
};
const now = new Date("2026-12-02T10:00:00Z");

describe("what a change would do, said before the click", () => {
  it("names the full refund a cancellation by the business gives, and the customer's window", () => {
    expect(cancelConsequence(base, "Europe/London", now, "en-GB")).toBe(
      "The customer is refunded in full: £90.00. The customer's own free cancellation ends 9 Dec 2026, 10:00.",
    );
  });

  it("refunds what is left in full even after the customer's window, not the customer's policy refund", () => {
    const late = { ...base, refundIfCancelledMinor: null, cancellableUntil: "2026-12-01T00:00:00Z" };
    expect(cancelConsequence(late, "Europe/London", now, "en-GB")).toBe(
      "The customer is refunded in full: £90.00. The customer's own free cancellation window has passed.",
    );
    expect(cancelConsequence({ ...late, refundableMinor: 1500 }, "Europe/London", now, "en-GB")).toContain("refunded the £15.00 not yet refunded of the £90.00 paid");
    expect(cancelConsequence({ ...late, refundableMinor: 0 }, "Europe/London", now, "en-GB")).toContain("Nothing paid online is left to refund");
  });

  it("says a hold is released with nothing to refund", () => {
    expect(cancelConsequence({ ...base, status: "held" }, "Europe/London", now)).toMatch(/released/);
  });

  it("says when moving is no longer allowed", () => {
    expect(rescheduleConsequence({ ...base, reschedulableUntil: "2026-12-01T00:00:00Z" }, "Europe/London", now, "en-GB")).toMatch(/will refuse a move now/);
    expect(rescheduleConsequence(base, "Europe/London", now, "en-GB")).toMatch(/until 9 Dec 2026, 10:00/);
  });
});
