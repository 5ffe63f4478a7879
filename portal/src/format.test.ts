import { describe, expect, it } from "vitest";

// ICU versions differ in spaces (NBSP vs space) and commas; compare what matters.
const plain = (s: string) => s.replace(/\s+/g, " ");
import {
  addDays, formatDayLabel, formatDuration, formatInZone, formatLocalDateTime, formatLocalTime, formatMoney, fractionDigits,
  changedDaysIn, groupByDay, pushOverlapsRange, replaceDays, runsOf, shiftWeek, todayIn, weekFrom, type Slot,
} from "./format";

describe("formatMoney", () => {
  it("divides by the currency's own minor-unit exponent", () => {
    expect(fractionDigits("USD")).toBe(2);
    expect(fractionDigits("JPY")).toBe(0);
    expect(fractionDigits("BHD")).toBe(3);
    expect(formatMoney(2500, "USD", "en-US")).toBe("$25.00");
    expect(formatMoney(2500, "JPY", "en-US")).toBe("¥2,500");
    expect(plain(formatMoney(12345, "BHD", "en-US"))).toBe("BHD 12.345");
    expect(plain(formatMoney(1999, "EUR", "de-DE"))).toBe("19,99 €");
  });

  it("calls zero Free", () => {
    expect(formatMoney(0, "USD", "en-US")).toBe("Free");
    expect(formatMoney(1, "USD", "en-US")).toBe("$0.01");
  });
});

describe("formatDuration", () => {
  it("uses hours and minutes", () => {
    expect(formatDuration(45)).toBe("45 min");
    expect(formatDuration(60)).toBe("1 h");
    expect(formatDuration(90)).toBe("1 h 30 min");
  });
});

describe("tenant-local today and ranges", () => {
  // 2026-03-01 23:30 UTC is already 2 March in Tokyo and still 1 March in New York.
  const now = new Date("2026-03-01T23:30:00Z");

  it("takes today from the tenant's zone, not the browser's", () => {
    expect(todayIn("Asia/Tokyo", now)).toBe("2026-03-02");
    expect(todayIn("America/New_York", now)).toBe("2026-03-01");
    expect(todayIn("UTC", now)).toBe("2026-03-01");
  });

  it("adds calendar days across month, year and DST boundaries", () => {
    expect(addDays("2026-02-27", 3)).toBe("2026-03-02");
    expect(addDays("2026-12-30", 7)).toBe("2027-01-06");
    expect(addDays("2026-03-29", 1)).toBe("2026-03-30"); // EU DST starts 29 March
    expect(addDays("2026-03-02", -7)).toBe("2026-02-23");
  });

  it("builds inclusive 7-day weeks that never start before today", () => {
    expect(weekFrom("2026-03-02")).toEqual({ from: "2026-03-02", to: "2026-03-08" });
    const today = "2026-03-02";
    expect(shiftWeek(weekFrom(today), 1, today)).toEqual({ from: "2026-03-09", to: "2026-03-15" });
    expect(shiftWeek({ from: "2026-03-09", to: "2026-03-15" }, -1, today)).toEqual({ from: "2026-03-02", to: "2026-03-08" });
    expect(shiftWeek({ from: "2026-03-05", to: "2026-03-11" }, -1, today)).toEqual({ from: "2026-03-02", to: "2026-03-08" });
  });
});

describe("groupByDay", () => {
  const slot = (startsAtLocal: string, startsAt: string, remainingSeats = 1): Slot => ({ startsAtLocal, startsAt, endsAt: startsAt, remainingSeats });

  it("groups by the tenant-local date of startsAtLocal and keeps empty days", () => {
    // 09:00 on 2 March in Tokyo is 1 March in UTC: it belongs to 2 March.
    const slots = [
      slot("2026-03-02T14:00:00+09:00", "2026-03-02T05:00:00+00:00"),
      slot("2026-03-02T09:00:00+09:00", "2026-03-02T00:00:00+00:00"),
      slot("2026-03-03T00:30:00+09:00", "2026-03-02T15:30:00+00:00"),
      slot("2026-03-09T10:00:00+09:00", "2026-03-09T01:00:00+00:00"), // outside the range
    ];
    const groups = groupByDay(slots, weekFrom("2026-03-02"));
    expect(groups.map((g) => g.date)).toEqual(["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"]);
    expect(groups[0].slots.map((s) => s.startsAtLocal.slice(11, 16))).toEqual(["09:00", "14:00"]);
    expect(groups[1].slots.map((s) => s.startsAt)).toEqual(["2026-03-02T15:30:00+00:00"]);
    expect(groups.slice(2).every((g) => g.slots.length === 0)).toBe(true);
  });
});

describe("local display", () => {
  it("shows the wall-clock time from startsAtLocal, ignoring the offset", () => {
    expect(formatLocalTime("2026-03-02T09:05:00+09:00", "en-GB")).toBe("9:05");
    expect(plain(formatLocalTime("2026-03-02T21:30:00-05:00", "en-US"))).toBe("9:30 PM");
  });

  it("shows the full wall-clock date and time from startsAtLocal, like formatInZone does for the instant", () => {
    const local = plain(formatLocalDateTime("2026-12-01T10:00:00+09:00", "en-GB"));
    expect(local).toMatch(/^Tuesday,? 1 December 2026(,| at) 10:00$/);
    expect(local).toBe(plain(formatInZone("2026-12-01T01:00:00Z", "Asia/Tokyo", "en-GB")));
    // Late evening in New York is the next day in UTC: the local date must win.
    expect(plain(formatLocalDateTime("2026-03-02T21:30:00-05:00", "en-US"))).toMatch(/^Monday, March 2, 2026(,| at) 9:30 PM$/);
  });

  it("labels days and shows instants in the tenant's zone", () => {
    expect(formatDayLabel("2026-12-01", "en-GB")).toBe("Tue 1 Dec");
    expect(formatInZone("2026-12-01T01:00:00Z", "Asia/Tokyo", "en-GB", false)).toBe("10:00");
    expect(plain(formatInZone("2026-12-01T01:00:00Z", "Asia/Tokyo", "en-GB"))).toMatch(/^Tuesday,? 1 December 2026(,| at) 10:00$/);
  });
});

describe("changedDaysIn", () => {
  const range = { from: "2026-03-02", to: "2026-03-08" };
  const push = (...spans: [string, string][]) => ({ tenantId: "t", changes: spans.map(([startsAt, endsAt]) => ({ startsAt, endsAt })) });

  it("names the displayed tenant-local days the changed times fall on, and only those", () => {
    expect(changedDaysIn(push(["2026-03-04T10:00:00Z", "2026-03-04T11:00:00Z"], ["2026-03-06T09:00:00Z", "2026-03-06T10:00:00Z"]), range, "UTC"))
      .toEqual(["2026-03-04", "2026-03-06"]);
  });

  it("ignores times wholly before or after the range", () => {
    expect(changedDaysIn(push(["2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"], ["2026-03-09T00:00:00Z", "2026-03-09T01:00:00Z"]), range, "UTC")).toEqual([]);
    // Ending exactly at the first displayed midnight does not touch the range.
    expect(changedDaysIn(push(["2026-03-01T23:00:00Z", "2026-03-02T00:00:00Z"]), range, "UTC")).toEqual([]);
    expect(pushOverlapsRange(push(["2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z"]), range, "UTC")).toBe(false);
  });

  it("maps times to days in the tenant's zone", () => {
    // 1 March 16:00 UTC is 2 March 01:00 in Tokyo: inside.
    expect(changedDaysIn(push(["2026-03-01T16:00:00Z", "2026-03-01T17:00:00Z"]), range, "Asia/Tokyo")).toEqual(["2026-03-02"]);
    // 8 March 16:00 UTC is 9 March 01:00 in Tokyo: outside, though inside in UTC.
    expect(changedDaysIn(push(["2026-03-08T16:00:00Z", "2026-03-08T17:00:00Z"]), range, "Asia/Tokyo")).toEqual([]);
    expect(changedDaysIn(push(["2026-03-08T16:00:00Z", "2026-03-08T17:00:00Z"]), range, "UTC")).toEqual(["2026-03-08"]);
  });

  it("names both days of a time across midnight, and the day of a shown slot that runs into the changed time", () => {
    expect(changedDaysIn(push(["2026-03-03T22:00:00Z", "2026-03-04T02:00:00Z"]), range, "UTC")).toEqual(["2026-03-03", "2026-03-04"]);
    const lateSlot = { startsAtLocal: "2026-03-04T23:00:00+00:00", startsAt: "2026-03-04T23:00:00Z", endsAt: "2026-03-05T01:00:00Z", remainingSeats: 2 };
    expect(changedDaysIn(push(["2026-03-05T00:30:00Z", "2026-03-05T01:30:00Z"]), range, "UTC", [lateSlot])).toEqual(["2026-03-04", "2026-03-05"]);
  });

  it("names every shown day when the push cannot be read", () => {
    expect(changedDaysIn(push(["nonsense", "2026-03-09T02:00:00Z"]), range, "UTC")).toHaveLength(7);
    expect(changedDaysIn({ tenantId: "t" }, range, "UTC")).toHaveLength(7);
  });
});

describe("runsOf", () => {
  it("groups changed days into runs of consecutive days, one request each", () => {
    expect(runsOf(["2026-03-06", "2026-03-02", "2026-03-03", "2026-03-03", "2026-03-08"])).toEqual([
      { from: "2026-03-02", to: "2026-03-03" }, { from: "2026-03-06", to: "2026-03-06" }, { from: "2026-03-08", to: "2026-03-08" },
    ]);
    expect(runsOf([])).toEqual([]);
  });
});

describe("replaceDays", () => {
  const slot = (local: string, seats: number) => ({ startsAtLocal: `${local}+00:00`, startsAt: `${local}Z`, endsAt: `${local}Z`, remainingSeats: seats });

  it("replaces only the refetched days, keeping the others as shown", () => {
    const shown = [slot("2026-03-02T10:00:00", 4), slot("2026-03-03T10:00:00", 4), slot("2026-03-03T12:00:00", 4)];
    // The day's fresh answer no longer has the 12:00 slot and 10:00 has fewer seats.
    expect(replaceDays(shown, [slot("2026-03-03T10:00:00", 1)], ["2026-03-03"])).toEqual([slot("2026-03-02T10:00:00", 4), slot("2026-03-03T10:00:00", 1)]);
  });
});
