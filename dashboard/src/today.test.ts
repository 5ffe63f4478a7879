import { describe, expect, it } from "vitest";
import { groupByItem, isPaid, type BookingView, type PackageView } from "./today";

const kayak = { id: "kayak", name: "Kayak", quantity: 6 };
const guide = { id: "guide", name: "Guide", quantity: 2 };
const room = { id: "room", name: "Meeting room", quantity: 2 };
const tour: PackageView = {
  id: "tour", name: "Tour", durationMinutes: 120, priceMinor: 4500, currency: "GBP", maxSeats: 4, archived: false,
  inventory: [{ inventoryItemId: "kayak", units: 1, perSeat: true }, { inventoryItemId: "guide", units: 1, perSeat: false }],
};
const meeting: PackageView = { ...tour, id: "meeting", inventory: [{ inventoryItemId: "room", units: 1, perSeat: false }] };

function booking(id: string, packageId: string, startsAt: string, status = "confirmed", amountMinor = 4500): BookingView {
  return { id, status, packageId, customerId: "c", seats: 1, startsAt, startsAtLocal: startsAt, endsAt: startsAt, amountMinor, currency: "GBP", paymentIntentId: null };
}

describe("the day per inventory item", () => {
  it("lists each item's bookings in time order, a two-item booking under both, and leaves out the cancelled", () => {
    const days = groupByItem(
      [
        booking("late", "tour", "2026-12-02T14:00:00Z"),
        booking("early", "tour", "2026-12-02T09:00:00Z", "held"),
        booking("gone", "tour", "2026-12-02T10:00:00Z", "cancelled"),
        booking("meet", "meeting", "2026-12-02T11:00:00Z"),
      ],
      [tour, meeting],
      [kayak, guide, room],
    );
    expect(days.map((d) => [d.item.name, d.bookings.map((b) => b.id)])).toEqual([
      ["Kayak", ["early", "late"]],
      ["Guide", ["early", "late"]],
      ["Meeting room", ["meet"]],
    ]);
  });

  it("leaves out items nobody booked", () => {
    expect(groupByItem([booking("meet", "meeting", "2026-12-02T11:00:00Z")], [tour, meeting], [kayak, room]).map((d) => d.item.id)).toEqual(["room"]);
  });

  it("calls a hold not paid and a confirmed or free booking paid", () => {
    expect(isPaid(booking("a", "tour", "x", "held"))).toBe(false);
    expect(isPaid(booking("b", "tour", "x", "confirmed"))).toBe(true);
    expect(isPaid(booking("c", "tour", "x", "confirmed", 0))).toBe(true);
  });
});
