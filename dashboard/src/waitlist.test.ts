import { describe, expect, it } from "vitest";
import { groupBySlot, ordinal, waitlistStatusLabel, type WaitlistEntryView } from "./waitlist";

function entry(id: string, startsAt: string, status: string, position: number, over: Partial<WaitlistEntryView> = {}): WaitlistEntryView {
  return {
    id, packageId: "tour", packageName: "Tour", startsAt, startsAtLocal: startsAt, customerId: `c-${id}`, customerName: id, customerEmail: `${id}@example.test`,
    seats: 1, status, position, joinedAt: `2030-01-01T08:0${id.length}:00Z`, bookingId: null, offerExpiresAt: null, ...over,
  };
}

describe("the waiting list per slot", () => {
  it("groups entries by slot and package in time order, the offered first, then the line, then what is settled", () => {
    const groups = groupBySlot([
      entry("later", "2030-01-02T10:00:00Z", "waiting", 1),
      entry("gone", "2030-01-01T10:00:00Z", "left", 0),
      entry("second", "2030-01-01T10:00:00Z", "waiting", 2, { seats: 3 }),
      entry("first", "2030-01-01T10:00:00Z", "waiting", 1),
      entry("offer", "2030-01-01T10:00:00Z", "offered", 0),
      entry("room", "2030-01-01T10:00:00Z", "waiting", 1, { packageId: "room", packageName: "Room" }),
    ]);

    expect(groups.map((g) => [g.packageName, g.startsAt])).toEqual([
      ["Room", "2030-01-01T10:00:00Z"],
      ["Tour", "2030-01-01T10:00:00Z"],
      ["Tour", "2030-01-02T10:00:00Z"],
    ]);
    expect(groups[1].entries.map((e) => e.id)).toEqual(["offer", "first", "second", "gone"]);
    expect(groups[1].waitingSeats).toBe(4);
  });

  it("says what became of each entry and its place in line", () => {
    expect(waitlistStatusLabel("offered")).toBe("Offered a place");
    expect(waitlistStatusLabel("accepted")).toBe("Booked from the list");
    expect(waitlistStatusLabel("expired")).toBe("Offer expired");
    expect(waitlistStatusLabel("something-new")).toBe("something-new");
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]);
  });
});
