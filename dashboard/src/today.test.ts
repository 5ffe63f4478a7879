import { describe, expect, it } from "vitest";
import { attendanceChoices, attendanceOf, groupByItem, isPaid, nextAttendance, nextAttendanceChange, type BookingView, type PackageView } from "./today";

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

describe("check-in and no-show", () => {
  // 10:00–11:00 UTC; check-in from 09:00, marks until midnight.
  const day = (over: Partial<BookingView> = {}): BookingView => ({
    ...booking("b", "tour", "2026-12-02T10:00:00Z"),
    endsAt: "2026-12-02T11:00:00Z",
    checkInFrom: "2026-12-02T09:00:00Z",
    attendanceUntil: "2026-12-03T00:00:00Z",
    attendance: "expected",
    ...over,
  });
  const at = (iso: string) => Date.parse(iso);

  it("opens check-in an hour before the start and the no-show at the start, and says what waits", () => {
    expect(attendanceChoices(day(), at("2026-12-02T08:59:00Z"))).toMatchObject({ markable: true, checkIn: false, noShow: false, waitingFor: { mark: "checked-in", from: "2026-12-02T09:00:00Z" } });
    expect(attendanceChoices(day(), at("2026-12-02T09:00:00Z"))).toMatchObject({ checkIn: true, noShow: false, waitingFor: { mark: "no-show", from: "2026-12-02T10:00:00Z" } });
    expect(attendanceChoices(day(), at("2026-12-02T10:00:00Z"))).toMatchObject({ checkIn: true, noShow: true, waitingFor: null, closed: false });
  });

  it("closes every mark at the end of the day, and marks nothing that is not confirmed", () => {
    expect(attendanceChoices(day(), at("2026-12-03T00:00:00Z"))).toMatchObject({ markable: true, closed: true, checkIn: false, noShow: false });
    expect(attendanceChoices(day({ status: "held", checkInFrom: null, attendanceUntil: null }), at("2026-12-02T10:00:00Z")).markable).toBe(false);
    expect(attendanceChoices(day({ status: "cancelled" }), at("2026-12-02T10:00:00Z")).markable).toBe(false);
  });

  it("lets a mark be undone even before the other one opens", () => {
    expect(attendanceChoices(day({ attendance: "checked-in" }), at("2026-12-02T09:30:00Z"))).toMatchObject({ checkIn: true, noShow: false });
  });

  it("toggles: the pressed mark goes back to expected, the other one switches", () => {
    expect(nextAttendance("expected", "checked-in")).toBe("checked-in");
    expect(nextAttendance("checked-in", "checked-in")).toBe("expected");
    expect(nextAttendance("checked-in", "no-show")).toBe("no-show");
    expect(attendanceOf(day({ attendance: undefined }))).toBe("expected");
  });

  it("plans the next redraw at the next instant a button turns on or off", () => {
    const bookings = [day(), day({ id: "later", startsAt: "2026-12-02T15:00:00Z", checkInFrom: "2026-12-02T14:00:00Z" })];
    expect(nextAttendanceChange(bookings, at("2026-12-02T09:30:00Z"))).toBe(at("2026-12-02T10:00:00Z"));
    expect(nextAttendanceChange(bookings, at("2026-12-02T10:30:00Z"))).toBe(at("2026-12-02T14:00:00Z"));
    expect(nextAttendanceChange(bookings, at("2026-12-03T00:00:00Z"))).toBeNull();
  });
});
