// What is left of a slot, in the customer's terms. A meeting room of which the business has two is "1 room left"
// even if eight people may come in one booking; kayaks taken per seat are "5 places left". Pure, so every wording
// is a unit test (left.test.ts).
import type { Slot } from "./format";

/**
 * The noun to count an item by, from the name the business gave it: the last word, lower-cased ("Meeting room" →
 * "room"). Null when that word is not a plain word (a number, "Court 2"; an acronym, "VIP"): better "1 left" than
 * a wrong noun.
 */
export function nounOf(itemName: string | null | undefined): string | null {
  const last = itemName?.trim().split(/\s+/).pop() ?? "";
  if (!/^[A-Za-z]{2,}$/.test(last) || last === last.toUpperCase()) return null;
  return last.toLowerCase();
}

/** English plural of a plain noun: rooms, boxes, benches, lobbies. */
export function plural(noun: string): string {
  if (/(s|x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

export function countLeft(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : plural(noun)} left`;
}

/**
 * The line under a slot's time. Per-seat packages count places across bookings; packages that take a whole item
 * count the bookings that still fit, by the item's noun when it has a usable one; older answers without either
 * fall back to the seats one booking can take.
 */
export function leftLabel(s: Slot, wholeItemName?: string | null): string {
  if (s.remainingSeats <= 0) return s.waitlist ? "Full · waiting list" : "Full";
  if (s.remainingPlaces != null) return countLeft(s.remainingPlaces, "place");
  if (s.remainingBookings != null) {
    const noun = nounOf(wholeItemName);
    return noun ? countLeft(s.remainingBookings, noun) : `${s.remainingBookings} left`;
  }
  return `${s.remainingSeats} left`;
}

/** The seats field's hint: how many people one booking may bring at this time. */
export function seatsHint(maxSeats: number, s: Slot | undefined): string {
  const remaining = s?.remainingSeats ?? 0;
  if (remaining <= 0) return "No seats are left at this time — please choose another.";
  const max = Math.max(1, Math.min(maxSeats, remaining));
  return max === 1 ? "1 person per booking." : `1 to ${max} people per booking.`;
}

/** A slot with nothing left for a newcomer: full, or held back for the people already waiting. */
export function canWait(s: Slot): boolean {
  return s.remainingSeats <= 0;
}
