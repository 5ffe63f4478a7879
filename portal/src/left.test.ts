import { describe, expect, it } from "vitest";
import { canWait, countLeft, leftLabel, nounOf, plural, seatsHint } from "./left";
import type { Slot } from "./format";

const slot = (over: Partial<Slot>): Slot => ({
  startsAtLocal: "2030-01-01T10:00:00+00:00", startsAt: "2030-01-01T10:00:00Z", endsAt: "2030-01-01T11:00:00Z", remainingSeats: 8, ...over,
});

describe("leftLabel", () => {
  it("counts rooms, not people, for a package that takes a whole room per booking", () => {
    expect(leftLabel(slot({ remainingSeats: 8, remainingBookings: 1 }), "Meeting room")).toBe("1 room left");
    expect(leftLabel(slot({ remainingSeats: 8, remainingBookings: 2 }), "Meeting room")).toBe("2 rooms left");
    expect(leftLabel(slot({ remainingSeats: 4, remainingBookings: 3 }), "Sauna")).toBe("3 saunas left");
  });

  it("says just how many when the item's name gives no plain noun", () => {
    expect(leftLabel(slot({ remainingBookings: 1 }), "Court 2")).toBe("1 left");
    expect(leftLabel(slot({ remainingBookings: 2 }), "VIP")).toBe("2 left");
    expect(leftLabel(slot({ remainingBookings: 2 }), null)).toBe("2 left");
  });

  it("counts places across bookings for per-seat packages, even beyond what one booking may take", () => {
    expect(leftLabel(slot({ remainingSeats: 4, remainingPlaces: 7 }))).toBe("7 places left");
    expect(leftLabel(slot({ remainingSeats: 1, remainingPlaces: 1 }))).toBe("1 place left");
    // A guided tour counts places too: that is what each person takes.
    expect(leftLabel(slot({ remainingSeats: 2, remainingPlaces: 5, remainingBookings: 1 }), "Guide")).toBe("5 places left");
  });

  it("calls a slot with nothing left full, and says when people wait for it", () => {
    expect(leftLabel(slot({ remainingSeats: 0, remainingPlaces: 0 }))).toBe("Full");
    expect(leftLabel(slot({ remainingSeats: 0, remainingBookings: 0, waitlist: true }), "Meeting room")).toBe("Full · waiting list");
  });

  it("falls back to the seats one booking can take when the answer has neither count", () => {
    expect(leftLabel(slot({ remainingSeats: 3 }))).toBe("3 left");
  });
});

describe("nouns", () => {
  it("takes the last plain word of the item's name, lower-cased", () => {
    expect(nounOf("Meeting room")).toBe("room");
    expect(nounOf("  Kayak ")).toBe("kayak");
    expect(nounOf("Court 2")).toBeNull();
    expect(nounOf("")).toBeNull();
    expect(nounOf(undefined)).toBeNull();
  });

  it("makes regular English plurals", () => {
    expect(plural("room")).toBe("rooms");
    expect(plural("box")).toBe("boxes");
    expect(plural("bench")).toBe("benches");
    expect(plural("lobby")).toBe("lobbies");
    expect(plural("bay")).toBe("bays");
    expect(countLeft(1, "desk")).toBe("1 desk left");
    expect(countLeft(0, "desk")).toBe("0 desks left");
  });
});

describe("seatsHint", () => {
  it("tells the most people one booking may bring now", () => {
    expect(seatsHint(8, slot({ remainingSeats: 8, remainingBookings: 1 }))).toBe("1 to 8 people per booking.");
    expect(seatsHint(4, slot({ remainingSeats: 2, remainingPlaces: 2 }))).toBe("1 to 2 people per booking.");
    expect(seatsHint(1, slot({ remainingSeats: 5 }))).toBe("1 person per booking.");
    expect(seatsHint(4, slot({ remainingSeats: 0 }))).toBe("No seats are left at this time — please choose another.");
    expect(seatsHint(4, undefined)).toBe("No seats are left at this time — please choose another.");
  });
});

describe("canWait", () => {
  it("offers the waiting list on a full slot or one others wait for, not on one with room", () => {
    expect(canWait(slot({ remainingSeats: 0 }))).toBe(true);
    expect(canWait(slot({ remainingSeats: 0, waitlist: true }))).toBe(true);
    expect(canWait(slot({ remainingSeats: 1 }))).toBe(false);
  });
});
