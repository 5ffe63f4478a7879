import { describe, expect, it } from "vitest";
import { paidInWords, refundsInWords, splitBookings } from "./my-bookings";

// ICU versions differ in spaces (NBSP vs space); compare what matters.
const plain = (s: string) => s.replace(/\s+/g, " ");

const booking = (id: string, status: string, startsAt: string, extra: Partial<{ packageId: string; amountMinor: number; refunds: { amountMinor: number; currency: string; reason: string; description: string; status: string; createdAt: string }[] }> = {}) => ({
  id,
  status,
  packageId: extra.packageId ?? "p1",
  startsAt,
  endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
  amountMinor: extra.amountMinor ?? 4500,
  currency: "GBP",
  refunds: extra.refunds ?? [],
});

describe("splitBookings", () => {
  const now = new Date("2026-12-03T12:00:00Z");

  it("puts bookings still to come and still on first, soonest first; the rest latest first", () => {
    const split = splitBookings([
      booking("later", "confirmed", "2026-12-10T10:00:00Z"),
      booking("held", "held", "2026-12-05T10:00:00Z"),
      booking("done", "completed", "2026-12-01T10:00:00Z"),
      booking("cancelled-future", "cancelled", "2026-12-08T10:00:00Z"),
      booking("yesterday", "confirmed", "2026-12-02T10:00:00Z"),
      booking("expired", "expired", "2026-11-20T10:00:00Z"),
    ], now);
    expect(split.upcoming.map((b) => b.id)).toEqual(["held", "later"]);
    expect(split.past.map((b) => b.id)).toEqual(["cancelled-future", "yesterday", "done", "expired"]);
  });

  it("keeps a booking under way (started, not ended) as upcoming", () => {
    expect(splitBookings([booking("now", "confirmed", "2026-12-03T11:30:00Z")], now).upcoming).toHaveLength(1);
  });
});

describe("money", () => {
  const refund = { amountMinor: 4500, currency: "GBP", reason: "customer_cancelled_in_window", description: "Cancelled in time for a full refund", createdAt: "2026-12-03T10:00:00Z" };

  it("says what was paid", () => {
    expect(paidInWords(booking("f", "confirmed", "2026-12-04T10:00:00Z", { amountMinor: 0 }), "en-GB")).toBe("Nothing to pay");
    expect(plain(paidInWords(booking("p", "confirmed", "2026-12-04T10:00:00Z"), "en-GB"))).toBe("£45.00 paid");
    expect(plain(paidInWords(booking("h", "held", "2026-12-04T10:00:00Z"), "en-GB"))).toBe("£45.00 — not paid yet");
    expect(plain(paidInWords(booking("e", "expired", "2026-12-04T10:00:00Z"), "en-GB"))).toBe("£45.00 — not paid");
    expect(plain(paidInWords(booking("c", "cancelled", "2026-12-04T10:00:00Z"), "en-GB"))).toBe("£45.00 — nothing refunded");
    expect(plain(paidInWords(booking("r", "cancelled", "2026-12-04T10:00:00Z", { refunds: [{ ...refund, status: "succeeded" }] }), "en-GB"))).toBe("£45.00 paid");
  });

  it("lists each refund with why and where it stands", () => {
    const b = booking("r", "cancelled", "2026-12-04T10:00:00Z", { refunds: [{ ...refund, status: "succeeded" }, { ...refund, amountMinor: 500, status: "pending" }, { ...refund, status: "failed" }] });
    expect(refundsInWords(b, "en-GB").map(plain)).toEqual([
      "Refunded £45.00 — Cancelled in time for a full refund",
      "Refunded £5.00 — Cancelled in time for a full refund (on its way)",
      "Refunded £45.00 — Cancelled in time for a full refund (did not go through; contact the business)",
    ]);
    expect(refundsInWords(booking("n", "confirmed", "2026-12-04T10:00:00Z"))).toEqual([]);
  });
});
