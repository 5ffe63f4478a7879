import { describe, expect, it } from "vitest";
import { allowedActions, describeDeadline, manageLinkFrom, sameInstant, statusInWords } from "./manage";

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
  const cancelUntil = "2026-03-10T09:00:00Z";
  const rescheduleUntil = "2026-03-09T09:00:00Z";
  const at = (iso: string) => new Date(iso);

  it("lets a confirmed booking be cancelled and moved before the deadlines", () => {
    expect(allowedActions("confirmed", cancelUntil, rescheduleUntil, at("2026-03-01T00:00:00Z"))).toEqual({ cancel: true, reschedule: true });
  });

  it("still counts the deadline instant itself, as the API does", () => {
    expect(allowedActions("confirmed", cancelUntil, rescheduleUntil, at(rescheduleUntil))).toEqual({ cancel: true, reschedule: true });
    expect(allowedActions("confirmed", cancelUntil, rescheduleUntil, at("2026-03-09T09:00:00.001Z"))).toEqual({ cancel: true, reschedule: false });
    expect(allowedActions("confirmed", cancelUntil, rescheduleUntil, at("2026-03-10T09:00:01Z"))).toEqual({ cancel: false, reschedule: false });
  });

  it("lets a held booking go at any time but never move", () => {
    expect(allowedActions("held", cancelUntil, rescheduleUntil, at("2026-03-01T00:00:00Z"))).toEqual({ cancel: true, reschedule: false });
    expect(allowedActions("held", cancelUntil, rescheduleUntil, at("2026-03-11T00:00:00Z"))).toEqual({ cancel: true, reschedule: false });
  });

  it("allows nothing on finished bookings", () => {
    for (const status of ["cancelled", "expired", "completed", "something-new"]) {
      expect(allowedActions(status, cancelUntil, rescheduleUntil, at("2026-03-01T00:00:00Z"))).toEqual({ cancel: false, reschedule: false });
    }
  });

  it("allows nothing when a deadline cannot be read", () => {
    expect(allowedActions("confirmed", "nonsense", "", at("2026-03-01T00:00:00Z"))).toEqual({ cancel: false, reschedule: false });
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
