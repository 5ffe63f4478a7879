// Analytics figures as the API gives them (GET …/analytics/daily), turned into chart series and CSV.

import { fractionDigits } from "./format";

export interface DailyFigures {
  date: string;
  bookings: number;
  seats: number;
  revenueMinor: number;
  currency: string;
  cancellations: number;
  bookedMinutes: number;
}

/**
 * Utilisation of a day: minutes booked over minutes the business could sell (open minutes × units).
 * Null when the business was closed, so the chart shows a gap rather than 0 %.
 */
export function utilisation(day: DailyFigures, sellableMinutes: number): number | null {
  if (sellableMinutes <= 0) return null;
  return Math.round((day.bookedMinutes / sellableMinutes) * 1000) / 10;
}

function csvCell(value: string | number): string {
  const text = String(value);
  // Quote what would break the row, and what a spreadsheet would run as a formula.
  const guarded = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(guarded) || guarded !== text ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** One row per day; revenue in major units with the currency's own number of decimals. */
export function toCsv(days: DailyFigures[]): string {
  const header = ["date", "bookings", "seats", "revenue", "currency", "cancellations", "booked_minutes"];
  const rows = days.map((d) => {
    const digits = fractionDigits(d.currency);
    return [d.date, d.bookings, d.seats, (d.revenueMinor / 10 ** digits).toFixed(digits), d.currency, d.cancellations, d.bookedMinutes];
  });
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export interface Totals {
  bookings: number;
  seats: number;
  revenueMinor: number;
  cancellations: number;
}

export function totals(days: DailyFigures[]): Totals {
  return days.reduce(
    (t, d) => ({
      bookings: t.bookings + d.bookings,
      seats: t.seats + d.seats,
      revenueMinor: t.revenueMinor + d.revenueMinor,
      cancellations: t.cancellations + d.cancellations,
    }),
    { bookings: 0, seats: 0, revenueMinor: 0, cancellations: 0 },
  );
}

/** Every day of the range, with zeros where the projection has no row (a day with no bookings). */
export function fillDays(days: DailyFigures[], from: string, to: string, currency: string): DailyFigures[] {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const out: DailyFigures[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    out.push(byDate.get(date) ?? { date, bookings: 0, seats: 0, revenueMinor: 0, currency, cancellations: 0, bookedMinutes: 0 });
  }
  return out;
}

export interface OpeningInterval {
  day: string; // "Monday" … as the API writes days of the week
  opens: string; // "09:00:00"
  closes: string;
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

/**
 * Minutes the business could sell on a date: its opening minutes that weekday times the units it has
 * (six kayaks open eight hours offer 2,880 kayak-minutes). Closures are not known here; a closed day with
 * no bookings just shows 0 %.
 */
export function sellableMinutes(date: string, hours: OpeningInterval[], units: number): number {
  const weekday = WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
  const open = hours.filter((h) => h.day === weekday).reduce((sum, h) => sum + minutesOf(h.closes) - minutesOf(h.opens), 0);
  return open * units;
}
