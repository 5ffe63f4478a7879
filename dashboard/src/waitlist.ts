// The waiting-list view's logic: entries grouped per slot (start and package) in line order, and each entry's state
// in words. Pure, unit-tested in waitlist.test.ts.

export interface WaitlistEntryView {
  id: string;
  packageId: string;
  packageName: string;
  startsAt: string;
  /** The start on the business's clock, with its offset: its first ten characters are the local date. */
  startsAtLocal: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  seats: number;
  status: "waiting" | "offered" | "accepted" | "expired" | "cancelled" | "left" | "closed" | string;
  /** 1 is next in line; 0 once not waiting. */
  position: number;
  joinedAt: string;
  bookingId: string | null;
  offerExpiresAt: string | null;
}

export interface SlotWaitlist {
  key: string;
  startsAt: string;
  startsAtLocal: string;
  packageName: string;
  entries: WaitlistEntryView[];
  /** Seats still waiting (not offered, left or closed) for this slot. */
  waitingSeats: number;
}

/** Entries per slot and package, slots in time order, entries as the API gives them (line order, then the rest). */
export function groupBySlot(entries: WaitlistEntryView[]): SlotWaitlist[] {
  const groups = new Map<string, SlotWaitlist>();
  for (const e of entries) {
    const key = `${e.startsAt}|${e.packageId}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, startsAt: e.startsAt, startsAtLocal: e.startsAtLocal, packageName: e.packageName, entries: [], waitingSeats: 0 };
      groups.set(key, group);
    }
    group.entries.push(e);
    if (e.status === "waiting") group.waitingSeats += e.seats;
  }
  // Those still in line first, by place; then what is settled, in the order it was joined.
  for (const g of groups.values()) {
    g.entries.sort((a, b) => rank(a) - rank(b) || a.position - b.position || a.joinedAt.localeCompare(b.joinedAt));
  }
  return [...groups.values()].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.packageName.localeCompare(b.packageName));
}

const rank = (e: WaitlistEntryView) => (e.status === "offered" ? 0 : e.status === "waiting" ? 1 : 2);

const LABELS: Record<string, string> = {
  waiting: "Waiting",
  offered: "Offered a place",
  accepted: "Booked from the list",
  expired: "Offer expired",
  cancelled: "Offer cancelled",
  left: "Left the list",
  closed: "Closed (the time passed)",
};

export function waitlistStatusLabel(status: string): string {
  return LABELS[status] ?? status;
}

/** "1st", "2nd", "3rd", "11th": a place in line. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : n % 10 === 1 ? "st" : n % 10 === 2 ? "nd" : n % 10 === 3 ? "rd" : "th";
  return `${n}${suffix}`;
}
