// Pure formatting and date logic. Nothing here touches the DOM or the network,
// so it is all unit-tested in format.test.ts.

/** A calendar date in the tenant's zone, "YYYY-MM-DD". */
export type LocalDate = string;

export interface Slot {
  startsAtLocal: string;
  startsAt: string;
  endsAt: string;
  /** The most seats one booking can take now (0 while people wait for the slot). */
  remainingSeats: number;
  /** People wait for this slot: a newcomer may only join the waiting list. */
  waitlist?: boolean;
  /** Packages that take a whole item per booking (a room): bookings that still fit. */
  remainingBookings?: number | null;
  /** Per-seat packages: places left across bookings. */
  remainingPlaces?: number | null;
}

export interface DayGroup {
  date: LocalDate;
  slots: Slot[];
}

/** How many minor units make one major unit (USD 2, JPY 0, BHD 3), as ISO 4217 via Intl says. */
export function fractionDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Formats an amount kept in minor units (cents, yen...) in its own currency; 0 is "Free". */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  if (minor === 0) return "Free";
  const digits = fractionDigits(currency);
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(minor / 10 ** digits);
}

export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Today's date in the given IANA zone — the business's today, not the browser's. */
export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  // en-CA formats dates as YYYY-MM-DD; formatToParts keeps us independent of that anyway.
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Calendar arithmetic on a local date (done in UTC so no DST can shift the day). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export interface DateRange {
  from: LocalDate;
  to: LocalDate; // inclusive, as the availability API takes it
}

/** The 7-day window starting at `from`. */
export function weekFrom(from: LocalDate): DateRange {
  return { from, to: addDays(from, 6) };
}

/** Moves a week window by whole weeks, never starting before `today`. */
export function shiftWeek(range: DateRange, weeks: number, today: LocalDate): DateRange {
  const from = addDays(range.from, weeks * 7);
  return weekFrom(from < today ? today : from);
}

export function datesIn(range: DateRange): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * Groups slots by the tenant-local day. The date part of startsAtLocal is already the
 * tenant's calendar day (it carries the tenant's offset), so no zone conversion is needed —
 * and converting with the browser's zone would be wrong. Every day of the range is present,
 * empty ones included, so the page can say "No times".
 */
export function groupByDay(slots: Slot[], range: DateRange): DayGroup[] {
  const groups = new Map<LocalDate, Slot[]>(datesIn(range).map((d) => [d, []]));
  for (const slot of slots) groups.get(slot.startsAtLocal.slice(0, 10))?.push(slot);
  for (const list of groups.values()) list.sort((a, b) => a.startsAtLocal.localeCompare(b.startsAtLocal));
  return [...groups].map(([date, list]) => ({ date, slots: list }));
}

/** "10:00" (or "10:00 AM") from the wall-clock part of startsAtLocal, whatever the browser's zone. */
export function formatLocalTime(startsAtLocal: string, locale?: string): string {
  const [h, m] = startsAtLocal.slice(11, 16).split(":").map(Number);
  return new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit", timeZone: "UTC" }).format(new Date(Date.UTC(2000, 0, 1, h, m)));
}

/** "Tue 1 Dec" style label for a local date. */
export function formatDayLabel(date: LocalDate, locale?: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** An instant shown as the business's wall-clock date and time. */
export function formatInZone(instant: string, timeZone: string, locale?: string, withDate = true): string {
  const opts: Intl.DateTimeFormatOptions = withDate
    ? { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "numeric", minute: "2-digit" }
    : { timeZone, hour: "numeric", minute: "2-digit" };
  return new Intl.DateTimeFormat(locale, opts).format(new Date(instant));
}

/** The wall-clock "YYYY-MM-DDTHH:mm:ss" of an instant in a zone; sorts as strings. */
export function wallClock(instant: string | Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).formatToParts(typeof instant === "string" ? new Date(instant) : instant);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}`;
}

/** A changed span of time [startsAt, endsAt), as instants (UTC). */
export interface ChangedTime {
  startsAt: string;
  endsAt: string;
}

/**
 * An `availabilityChanged` push: every booking time that changed since the business's previous push
 * (the workers send at most one push per business per 250 ms). No package: packages can share
 * inventory, so any booking may change this package's seats.
 */
export interface AvailabilityPush {
  tenantId?: string;
  changes?: ChangedTime[];
}

const day = (s: Slot): LocalDate => s.startsAtLocal.slice(0, 10);

/**
 * The displayed tenant-local days a push touches: the days a changed span covers in the tenant's zone,
 * plus the day of any shown slot the span overlaps (a slot running past midnight belongs to the day it
 * starts). A push that cannot be read might still matter, so it touches every shown day.
 */
export function changedDaysIn(push: AvailabilityPush, range: DateRange, timeZone: string, shown: Slot[] = []): LocalDate[] {
  const all = datesIn(range);
  if (!push || !Array.isArray(push.changes)) return all;
  const touched = new Set<LocalDate>();
  for (const change of push.changes) {
    const from = Date.parse(change?.startsAt);
    const to = Date.parse(change?.endsAt);
    if (Number.isNaN(from) || Number.isNaN(to)) return all;
    const start = wallClock(change.startsAt, timeZone);
    const end = wallClock(change.endsAt, timeZone);
    for (const d of all) if (start < `${addDays(d, 1)}T00:00:00` && end > `${d}T00:00:00`) touched.add(d);
    for (const s of shown) if (Date.parse(s.startsAt) < to && Date.parse(s.endsAt) > from) touched.add(day(s));
  }
  return all.filter((d) => touched.has(d));
}

/** Whether a push touches any displayed day (see changedDaysIn). */
export function pushOverlapsRange(push: AvailabilityPush, range: DateRange, timeZone: string): boolean {
  return changedDaysIn(push, range, timeZone).length > 0;
}

/** Sorted days as runs of consecutive days: one availability request per run. */
export function runsOf(days: LocalDate[]): DateRange[] {
  const runs: DateRange[] = [];
  for (const d of [...new Set(days)].sort()) {
    const last = runs[runs.length - 1];
    if (last && addDays(last.to, 1) === d) last.to = d;
    else runs.push({ from: d, to: d });
  }
  return runs;
}

/** The shown slots with those of `days` replaced by `fresh` (refetched for exactly those days), in time order. */
export function replaceDays(slots: Slot[], fresh: Slot[], days: LocalDate[]): Slot[] {
  const replaced = new Set(days);
  return [...slots.filter((s) => !replaced.has(day(s))), ...fresh.filter((s) => replaced.has(day(s)))]
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

/** "Tuesday, 1 December 2026 at 10:00" from the wall-clock part of startsAtLocal, whatever the browser's zone. */
export function formatLocalDateTime(startsAtLocal: string, locale?: string): string {
  const [y, mo, d] = startsAtLocal.slice(0, 10).split("-").map(Number);
  const [h, mi] = startsAtLocal.slice(11, 16).split(":").map(Number);
  return new Intl.DateTimeFormat(locale, {
    timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "numeric", minute: "2-digit",
  }).format(new Date(Date.UTC(y, mo - 1, d, h, mi)));
}
