// Dates, times and money as the business keeps them: times in its zone, amounts in its currency, written in
// the reader's language. Pure functions, unit-tested in format.test.ts.

export type LocalDate = string; // YYYY-MM-DD in the business's zone

/** How many minor units make one major unit (GBP 2, JPY 0), as ISO 4217 via Intl says. */
export function fractionDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(minor: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(minor / 10 ** fractionDigits(currency));
}

/** "14:30" (or "2:30 PM") for an instant, on the business's clock. */
export function formatTime(iso: string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: "numeric", minute: "2-digit" }).format(new Date(iso));
}

export function formatDateTime(iso: string, timeZone: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** A local date written out ("Wednesday 2 December 2026"), without any zone shifting it. */
export function formatLocalDate(date: LocalDate, locale?: string, style: "full" | "medium" = "full"): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { timeZone: "UTC", dateStyle: style }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** The business's today, not the browser's. */
export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Calendar arithmetic on a local date (in UTC, so no clock change can move the day). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function isLocalDate(value: string): value is LocalDate {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

const STATUS_LABELS: Record<string, string> = {
  held: "Held, not paid",
  confirmed: "Confirmed",
  completed: "Completed",
  cancelled: "Cancelled",
  expired: "Expired",
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** What an owner types as a price ("45", "45.5", "45,50") in minor units; null if it is not an amount of the currency. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = fractionDigits(currency);
  const normal = text.trim().replace(",", ".");
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(normal)) return null;
  const [whole, part = ""] = normal.split(".");
  return Number(whole) * 10 ** digits + Number(part.padEnd(digits, "0") || 0);
}

/** Minor units as an owner would type them back ("45.50"; "1200" for yen). */
export function minorToInput(minor: number, currency: string): string {
  const digits = fractionDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}
