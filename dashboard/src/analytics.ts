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

/** One package's figures over the range (GET …/analytics/packages), busiest first. */
export interface PackageFigures {
  packageId: string;
  name: string;
  archived: boolean;
  bookings: number;
  seats: number;
  revenueMinor: number;
  currency: string;
  cancellations: number;
  bookedMinutes: number;
}

/** One row per package; the name as the catalogue has it, "(archived)" when it is no longer sold. */
export function toPackageCsv(packages: PackageFigures[]): string {
  const header = ["package", "bookings", "seats", "revenue", "currency", "cancellations", "booked_minutes"];
  const rows = packages.map((p) => {
    const digits = fractionDigits(p.currency);
    return [packageLabel(p), p.bookings, p.seats, (p.revenueMinor / 10 ** digits).toFixed(digits), p.currency, p.cancellations, p.bookedMinutes];
  });
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function packageLabel(p: { name: string; archived: boolean }): string {
  return p.archived ? `${p.name} (archived)` : p.name;
}

/**
 * The units whose opening minutes a package could sell: those of the items it uses (every item when no package is
 * chosen), so a package's utilisation is measured against its own kayaks, not the whole business.
 */
export function unitsFor(
  pkg: { inventory: { inventoryItemId: string }[] } | undefined,
  items: { id: string; quantity: number }[],
): number {
  const used = pkg ? new Set(pkg.inventory.map((i) => i.inventoryItemId)) : null;
  return items.filter((i) => used === null || used.has(i.id)).reduce((sum, i) => sum + i.quantity, 0);
}

/** The export's file name: the range, and the package when the daily figures are one package's. */
export function csvFileName(kind: "daily" | "packages", from: string, to: string, packageName?: string): string {
  const slug = packageName
    ?.toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const what = kind === "packages" ? "analytics-packages" : slug ? `analytics-${slug}` : "analytics";
  return `${what}-${from}-to-${to}.csv`;
}
