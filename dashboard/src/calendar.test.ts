import { describe, expect, it } from "vitest";
import { hoursOfDay, startOfDay, unitsInUse, weekDays, weekStart } from "./calendar";
import type { BookingView, PackageView } from "./today";

const labels = (date: string, zone: string) => hoursOfDay(date, zone, "en-GB").map((s) => s.label);

describe("a day's hours on the business's clock", () => {
  it("has 24 hours on an ordinary day", () => {
    const hours = hoursOfDay("2027-01-12", "Europe/London", "en-GB");
    expect(hours).toHaveLength(24);
    expect(hours[0]).toMatchObject({ start: Date.parse("2027-01-12T00:00:00Z"), label: "00:00" });
    expect(hours[23].end).toBe(Date.parse("2027-01-13T00:00:00Z"));
  });

  it("has 23 hours when the clocks go forward, with no 01:00", () => {
    const hours = labels("2027-03-28", "Europe/London");
    expect(hours).toHaveLength(23);
    expect(hours.slice(0, 3)).toEqual(["00:00", "02:00", "03:00"]);
    expect(hours.at(-1)).toBe("23:00");
  });

  it("has 25 hours when the clocks go back, the repeated hour told apart by its zone", () => {
    const hours = labels("2027-10-31", "Europe/London");
    expect(hours).toHaveLength(25);
    expect(hours.slice(0, 4)).toEqual(["00:00", "01:00 BST", "01:00 GMT", "02:00"]);
  });

  it("starts a day whose midnight the clock skips at the first moment it has", () => {
    // Chile moves from 00:00 to 01:00 on the first Sunday of September.
    expect(startOfDay("2027-09-05", "America/Santiago")).toBe(Date.parse("2027-09-05T04:00:00Z"));
    expect(labels("2027-09-05", "America/Santiago")[0]).toBe("01:00");
    expect(labels("2027-09-05", "America/Santiago")).toHaveLength(23);
  });

  it("keeps half-hour offsets on their own hour marks", () => {
    const hours = hoursOfDay("2027-01-12", "Asia/Kolkata", "en-GB");
    expect(hours).toHaveLength(24);
    expect(hours[0].start).toBe(Date.parse("2027-01-11T18:30:00Z"));
    expect(hours[10].label).toBe("10:00");
  });
});

describe("weeks", () => {
  it("start on Monday", () => {
    expect(weekStart("2027-03-28")).toBe("2027-03-22");
    expect(weekStart("2027-03-22")).toBe("2027-03-22");
    expect(weekDays("2027-03-24")).toEqual(["2027-03-22", "2027-03-23", "2027-03-24", "2027-03-25", "2027-03-26", "2027-03-27", "2027-03-28"]);
  });
});

describe("units in use", () => {
  const tour: PackageView = {
    id: "tour", name: "Tour", durationMinutes: 90, priceMinor: 0, currency: "GBP", maxSeats: 4, archived: false,
    inventory: [{ inventoryItemId: "kayak", units: 1, perSeat: true }, { inventoryItemId: "guide", units: 1, perSeat: false }],
  };
  const booking = (startsAt: string, endsAt: string, seats: number): BookingView => ({
    id: startsAt, status: "confirmed", packageId: "tour", customerId: "c", seats, startsAt, startsAtLocal: startsAt, endsAt,
    amountMinor: 0, currency: "GBP", paymentIntentId: null,
  });
  const slot = { start: Date.parse("2027-01-12T10:00:00Z"), end: Date.parse("2027-01-12T11:00:00Z"), label: "10:00" };

  it("counts seats for per-seat items and one for the others, for every booking overlapping the hour", () => {
    const bookings = [
      booking("2027-01-12T09:30:00Z", "2027-01-12T11:00:00Z", 2),
      booking("2027-01-12T10:30:00Z", "2027-01-12T12:00:00Z", 3),
      booking("2027-01-12T11:00:00Z", "2027-01-12T12:30:00Z", 4),
    ];
    const packages = new Map([["tour", tour]]);
    expect(unitsInUse(bookings, packages, "kayak", slot)).toBe(5);
    expect(unitsInUse(bookings, packages, "guide", slot)).toBe(2);
  });
});
