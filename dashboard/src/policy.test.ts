import { describe, expect, it } from "vitest";
import { cancelConsequence, rescheduleConsequence } from "./policy";
import type { BookingView } from "./today";

const base: BookingView = {
  id: "b", status: "confirmed", packageId: "p", customerId: "c", seats: 2, startsAt: "2026-12-10T10:00:00Z", startsAtLocal: "2026-12-10T10:00:00+00:00",
  endsAt: "2026-12-10T12:00:00Z", amountMinor: 9000, currency: "GBP", paymentIntentId: "pi", cancellableUntil: "2026-12-09T10:00:00Z",
  reschedulableUntil: "2026-12-09T10:00:00Z", refundIfCancelledMinor: 9000,
};
const now = new Date("2026-12-02T10:00:00Z");

describe("what a change would do, said before the click", () => {
  it("names a full refund and when free cancellation ends", () => {
    expect(cancelConsequence(base, "Europe/London", now, "en-GB")).toBe(
      "The customer is refunded in full: £90.00. Free cancellation ends 9 Dec 2026, 10:00.",
    );
  });

  it("names a partial refund and no refund", () => {
    expect(cancelConsequence({ ...base, refundIfCancelledMinor: 4500 }, "Europe/London", now, "en-GB")).toContain("refunded £45.00 of the £90.00 paid");
    expect(cancelConsequence({ ...base, refundIfCancelledMinor: 0, cancellableUntil: "2026-12-01T00:00:00Z" }, "Europe/London", now, "en-GB")).toBe(
      "The customer gets no refund of the £90.00 paid. The free cancellation window has passed.",
    );
  });

  it("says a hold is released with nothing to refund", () => {
    expect(cancelConsequence({ ...base, status: "held" }, "Europe/London", now)).toMatch(/released/);
  });

  it("says when moving is no longer allowed", () => {
    expect(rescheduleConsequence({ ...base, reschedulableUntil: "2026-12-01T00:00:00Z" }, "Europe/London", now, "en-GB")).toMatch(/will refuse a move now/);
    expect(rescheduleConsequence(base, "Europe/London", now, "en-GB")).toMatch(/until 9 Dec 2026, 10:00/);
  });
});
