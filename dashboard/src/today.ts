// The Today view's grouping: each inventory item with the bookings that use it, in time order. A booking
// whose package uses two items (a kayak and a guide) is listed under both, as both are taken.

export interface BookingView {
  id: string;
  status: string;
  packageId: string;
  customerId: string;
  seats: number;
  startsAt: string;
  /** The start on the business's clock, with its offset: its first ten characters are the local date. */
  startsAtLocal: string;
  endsAt: string;
  amountMinor: number;
  currency: string;
  paymentIntentId: string | null;
  awaitingEmailProof?: boolean;
  cancellableUntil?: string | null;
  reschedulableUntil?: string | null;
  refundIfCancelledMinor?: number | null;
  /** What staff marked on the day; absent from an API that predates attendance. */
  attendance?: string;
  attendanceMarkedAt?: string | null;
  /** When staff may mark it (a no-show from the start); null when its state allows no mark. */
  checkInFrom?: string | null;
  attendanceUntil?: string | null;
  /** What is left of the booking's own online payment to refund; null when it was not paid online. */
  refundableMinor?: number | null;
  refunds?: RefundView[] | null;
}

export interface RefundView {
  amountMinor: number;
  currency: string;
  reason: string;
  description: string;
  status: string;
  createdAt: string;
}

export type Attendance = "expected" | "checked-in" | "no-show";
export type Mark = "checked-in" | "no-show";

export function attendanceOf(b: BookingView): Attendance {
  return b.attendance === "checked-in" || b.attendance === "no-show" ? b.attendance : "expected";
}

export function attendanceLabel(a: Attendance): string {
  return a === "checked-in" ? "Checked in" : a === "no-show" ? "No-show" : "Expected";
}

/** A toggle: pressing the mark a booking has undoes it (back to expected); pressing the other one switches. */
export function nextAttendance(current: Attendance, pressed: Mark): Attendance {
  return current === pressed ? "expected" : pressed;
}

export interface AttendanceChoices {
  /** Whether the booking can be marked at all (confirmed, the API gave its window). */
  markable: boolean;
  /** Whether pressing each button now would be accepted; a pressed one always undoes while the day lasts. */
  checkIn: boolean;
  noShow: boolean;
  /** What is not open yet, or that the day is over: for the hint beside the buttons. */
  waitingFor: { mark: Mark; from: string } | null;
  closed: boolean;
}

/**
 * The API's rule, as far as the view needs it to enable buttons: check-in from `checkInFrom`, a no-show from the
 * start, any mark (or undo) until `attendanceUntil`. The API decides; this only saves a refused click.
 */
export function attendanceChoices(b: BookingView, now: number): AttendanceChoices {
  const none: AttendanceChoices = { markable: false, checkIn: false, noShow: false, waitingFor: null, closed: false };
  if (!b.checkInFrom || !b.attendanceUntil || (b.status !== "confirmed" && b.status !== "completed")) return none;
  const current = attendanceOf(b);
  if (now >= Date.parse(b.attendanceUntil)) return { ...none, markable: true, closed: true };
  const checkInOpen = now >= Date.parse(b.checkInFrom);
  const noShowOpen = now >= Date.parse(b.startsAt);
  return {
    markable: true,
    checkIn: current === "checked-in" || checkInOpen,
    noShow: current === "no-show" || noShowOpen,
    waitingFor: !checkInOpen ? { mark: "checked-in", from: b.checkInFrom } : !noShowOpen ? { mark: "no-show", from: b.startsAt } : null,
    closed: false,
  };
}

/** The next instant (ms) a button of these bookings turns on or off, so the view can redraw then; null if none ahead. */
export function nextAttendanceChange(bookings: BookingView[], now: number): number | null {
  const ahead = bookings
    .filter((b) => b.checkInFrom && b.attendanceUntil && (b.status === "confirmed" || b.status === "completed"))
    .flatMap((b) => [b.checkInFrom!, b.startsAt, b.attendanceUntil!].map((t) => Date.parse(t)))
    .filter((t) => t > now);
  return ahead.length === 0 ? null : Math.min(...ahead);
}

export interface PackageView {
  id: string;
  name: string;
  durationMinutes: number;
  priceMinor: number;
  currency: string;
  maxSeats: number;
  archived: boolean;
  inventory: { inventoryItemId: string; units: number; perSeat: boolean }[];
}

export interface InventoryView {
  id: string;
  name: string;
  quantity: number;
}

export interface ItemDay {
  item: InventoryView;
  bookings: BookingView[];
}

/** Bookings that still take a place: cancelled and expired holds are not coming. */
export function isActive(b: BookingView): boolean {
  return b.status === "held" || b.status === "confirmed" || b.status === "completed";
}

/** Paid means the money is in: a confirmed paid booking, or a free one. A hold has not been paid. */
export function isPaid(b: BookingView): boolean {
  return b.amountMinor === 0 ? b.status !== "held" : b.status === "confirmed" || b.status === "completed";
}

export function groupByItem(bookings: BookingView[], packages: PackageView[], items: InventoryView[]): ItemDay[] {
  const packagesById = new Map(packages.map((p) => [p.id, p]));
  const byItem = new Map<string, BookingView[]>(items.map((i) => [i.id, []]));
  for (const b of bookings.filter(isActive)) {
    for (const use of packagesById.get(b.packageId)?.inventory ?? []) {
      byItem.get(use.inventoryItemId)?.push(b);
    }
  }
  return items
    .map((item) => ({
      item,
      bookings: (byItem.get(item.id) ?? []).sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id)),
    }))
    .filter((d) => d.bookings.length > 0);
}
