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
