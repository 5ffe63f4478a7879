import { describe, expect, it } from "vitest";
import { allowedActions, cancelConsequence, describeDeadline, describeLinkExpiry, linkRefusal, manageLinkFrom, sameInstant, statusInWords } from "./manage";

// ICU versions differ in spaces (NBSP vs space) and commas; compare what matters.
const plain = (s: string) => s.replace(/\s+/g, " ");

describe("manageLinkFrom", () => {
  it("needs both the booking and the token, the token from the fragment only", () => {
    expect(manageLinkFrom(new URLSearchParams("business=demo&booking=b1"), "#token=t1")).toEqual({ bookingId: "b1", token: "t1" });
    expect(manageLinkFrom(new URLSearchParams("business=demo&booking=b1"), "")).toBeUndefined();
    // A token in the query string (where servers would log it) is not accepted.
    expect(manageLinkFrom(new URLSearchParams("business=demo&booking=b1&token=t1"), "")).toBeUndefined();
    // Stripe's return to the booking flow carries a booking id but no token.
    expect(manageLinkFrom(new URLSearchParams("booking=b1&redirect_status=succeeded"), "")).toBeUndefined();
    expect(manageLinkFrom(new URLSearchParams("booking=b1"), "#token=%20")).toBeUndefined();
  });
});

describe("allowedActions", () => {
  // As the API sends a confirmed booking: both deadlines, from the booking's own policy.
  const confirmed = { cancellableUntil: "2026-03-10T09:00:00Z", reschedulableUntil: "2026-03-09T09:00:00Z" };
  const at = (iso: string) => new Date(iso);

  it("lets a booking be cancelled and moved until the API's deadlines", () => {
    expect(allowedActions(confirmed, at("2026-03-01T00:00:00Z"))).toEqual({ cancel: true, reschedule: true });
  });

  it("still counts the deadline instant itself, as the API does", () => {
    expect(allowedActions(confirmed, at(confirmed.reschedulableUntil))).toEqual({ cancel: true, reschedule: true });
    expect(allowedActions(confirmed, at("2026-03-09T09:00:00.001Z"))).toEqual({ cancel: true, reschedule: false });
    expect(allowedActions(confirmed, at("2026-03-10T09:00:01Z"))).toEqual({ cancel: false, reschedule: false });
  });

  it("follows whatever the API says, with no rules of its own: a hold it lets go until its expiry, never moved", () => {
    const held = { cancellableUntil: "2026-03-01T00:10:00Z", reschedulableUntil: null };
    expect(allowedActions(held, at("2026-03-01T00:00:00Z"))).toEqual({ cancel: true, reschedule: false });
    expect(allowedActions(held, at("2026-03-01T00:10:01Z"))).toEqual({ cancel: false, reschedule: false });
  });

  it("allows nothing when the API gives no deadline (a finished booking)", () => {
    expect(allowedActions({ cancellableUntil: null, reschedulableUntil: null }, at("2026-03-01T00:00:00Z"))).toEqual({ cancel: false, reschedule: false });
  });

  it("allows nothing when a deadline cannot be read", () => {
    expect(allowedActions({ cancellableUntil: "nonsense", reschedulableUntil: "" }, at("2026-03-01T00:00:00Z"))).toEqual({ cancel: false, reschedule: false });
  });
});

describe("describeDeadline", () => {
  const now = new Date("2026-11-30T00:00:00Z");

  it("shows the deadline in the business's zone", () => {
    // 1 Dec 01:00 UTC is 10:00 in Tokyo.
    expect(plain(describeDeadline("cancel", "2026-12-01T01:00:00Z", "Asia/Tokyo", now, "en-GB")))
      .toMatch(/^You can cancel until Tuesday,? 1 December 2026(,| at) 10:00\.$/);
    expect(plain(describeDeadline("reschedule", "2026-12-01T01:00:00Z", "America/New_York", now, "en-GB")))
      .toMatch(/^You can change the time until Monday,? 30 November 2026(,| at) 20:00\.$/);
  });

  it("says to contact the business once the deadline has passed", () => {
    expect(describeDeadline("cancel", "2026-11-29T23:59:59Z", "UTC", now)).toBe("You can no longer cancel online: the deadline has passed; contact the business.");
    expect(describeDeadline("reschedule", "2026-11-29T23:59:59Z", "UTC", now)).toBe("You can no longer change the time online: the deadline has passed; contact the business.");
  });
});

describe("statusInWords and sameInstant", () => {
  it("names known statuses and passes unknown ones through", () => {
    expect(statusInWords("confirmed")).toBe("Confirmed");
    expect(statusInWords("cancelled")).toBe("Cancelled");
    expect(statusInWords("held")).toMatch(/^Held/);
    expect(statusInWords("paused")).toBe("paused");
  });

  it("compares instants, not their spelling", () => {
    expect(sameInstant("2026-03-02T09:00:00+00:00", "2026-03-02T09:00:00Z")).toBe(true);
    expect(sameInstant("2026-03-02T18:00:00+09:00", "2026-03-02T09:00:00.000Z")).toBe(true);
    expect(sameInstant("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z")).toBe(false);
    expect(sameInstant("nonsense", "nonsense")).toBe(false);
  });
});

describe("linkRefusal", () => {
  it("tells a link that is not genuine from one that has expired", () => {
    expect(linkRefusal(404)).toMatch(/^This link is not valid/);
    expect(linkRefusal(410)).toMatch(/^This link has expired/);
  });

  it("leaves other problems to their own message", () => {
    expect(linkRefusal(500)).toBeUndefined();
    expect(linkRefusal(429)).toBeUndefined();
  });
});

describe("describeLinkExpiry", () => {
  it("says until when the link works, in the business's zone", () => {
    expect(plain(describeLinkExpiry("2027-01-01T01:30:00Z", "Asia/Tokyo", "en-GB")!)).toMatch(/^This link works until Friday,? 1 January 2027(,| at) 10:30\.$/);
  });

  it("says nothing when the API gave no readable expiry", () => {
    expect(describeLinkExpiry(undefined, "UTC")).toBeUndefined();
    expect(describeLinkExpiry("nonsense", "UTC")).toBeUndefined();
  });
});

describe("cancelConsequence", () => {
  const confirmed = { status: "confirmed", amountMinor: 9000, currency: "GBP", refundIfCancelledMinor: 9000 };

  it("says the refund the API worked out under the booking's policy, in full, in part or none", () => {
    expect(plain(cancelConsequence(confirmed, "en-GB"))).toBe("You will be refunded in full: £90.00.");
    expect(plain(cancelConsequence({ ...confirmed, refundIfCancelledMinor: 4500 }, "en-GB")))
      .toBe("Under the business's cancellation policy you will be refunded £45.00 of the £90.00 paid.");
    expect(plain(cancelConsequence({ ...confirmed, refundIfCancelledMinor: 0 }, "en-GB")))
      .toBe("Under the business's cancellation policy you get no refund of the £90.00 paid.");
  });

  it("has nothing to refund on a free booking or an unpaid hold", () => {
    expect(cancelConsequence({ ...confirmed, amountMinor: 0, refundIfCancelledMinor: 0 })).toBe("This booking is free, so there is nothing to refund.");
    expect(cancelConsequence({ ...confirmed, status: "held", refundIfCancelledMinor: 0 })).toMatch(/^Your held time is released\. Nothing has been paid/);
  });

  it("sends the customer to the business when the API gives no refund figure (no longer cancellable)", () => {
    expect(cancelConsequence({ ...confirmed, refundIfCancelledMinor: null })).toMatch(/no longer be cancelled online/);
  });
});
