// The calendar's arithmetic on the business's clock. A local day is not 24 hours everywhere: on a clock change it
// has 23 or 25, and an hour may be passed twice. Hours are found from instants, never by counting 0..23.
import { addDays, todayIn, type LocalDate } from "./format";
import type { BookingView, PackageView } from "./today";

export interface HourSlot {
  /** Instants, ms since the epoch: [start, end). */
  start: number;
  end: number;
  /** "10:00", or "01:00 BST" / "01:00 GMT" when the clock shows the same hour twice that day. */
  label: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The instant a local date begins in the zone: its midnight, or the first moment after a gap over midnight. */
export function startOfDay(date: LocalDate, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number);
  // No zone is more than 14 hours from UTC; search that window a minute at a time for the first local moment of the date.
  let low = Date.UTC(y, m - 1, d) - 15 * HOUR;
  let high = Date.UTC(y, m - 1, d) + 15 * HOUR;
  while (high - low > MINUTE) {
    const mid = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (todayIn(timeZone, new Date(mid)) < date) low = mid;
    else high = mid;
  }
  return high;
}

/** The day's hours on the business's clock, each from one local hour mark to the next. */
export function hoursOfDay(date: LocalDate, timeZone: string, locale?: string): HourSlot[] {
  const start = startOfDay(date, timeZone);
  const end = startOfDay(addDays(date, 1), timeZone);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit" });
  const slots: HourSlot[] = [];
  for (let at = start; at < end; ) {
    // The next hour mark: whole hours from the day's start on the local clock, which is whole hours in UTC too
    // for every zone whose offset changes by whole hours (all but Lord Howe's half-hour shift).
    const next = Math.min(end, at + HOUR - ((at - start) % HOUR));
    slots.push({ start: at, end: next, label: time.format(new Date(at)) });
    at = next;
  }
  const seen = new Map<string, number>();
  for (const s of slots) seen.set(s.label, (seen.get(s.label) ?? 0) + 1);
  const withZone = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  return slots.map((s) => ((seen.get(s.label) ?? 0) > 1 ? { ...s, label: withZone.format(new Date(s.start)) } : s));
}

/** The Monday of the week the date is in (ISO weeks, as most businesses plan). */
export function weekStart(date: LocalDate): LocalDate {
  const [y, m, d] = date.split("-").map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

export function weekDays(date: LocalDate): LocalDate[] {
  const monday = weekStart(date);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** How many units of the item one booking takes: the package's units, per seat where the package says so. */
export function unitsTaken(b: BookingView, pkg: PackageView | undefined, itemId: string): number {
  const use = pkg?.inventory.find((i) => i.inventoryItemId === itemId);
  return use ? use.units * (use.perSeat ? b.seats : 1) : 0;
}

/** Units of the item in use at some moment of the slot: the most that overlap at once is at most this. */
export function unitsInUse(bookings: BookingView[], packages: Map<string, PackageView>, itemId: string, slot: HourSlot): number {
  return bookings
    .filter((b) => Date.parse(b.startsAt) < slot.end && Date.parse(b.endsAt) > slot.start)
    .reduce((sum, b) => sum + unitsTaken(b, packages.get(b.packageId), itemId), 0);
}

export function startsIn(b: BookingView, slot: HourSlot): boolean {
  const at = Date.parse(b.startsAt);
  return at >= slot.start && at < slot.end;
}

/** The local date a booking starts on: the API gives the start on the business's clock, date first. */
export function localDateOf(b: BookingView): LocalDate {
  return b.startsAtLocal.slice(0, 10);
}
