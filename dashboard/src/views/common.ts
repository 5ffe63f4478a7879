import type { ViewContext } from "../main";
import type { BookingView, InventoryView, PackageView } from "../today";
import { h } from "../dom";
import { debounce, watchBusiness, type LiveState } from "../live";

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface CustomerView {
  id: string;
  email: string;
  name: string;
  phone: string | null;
}

export async function loadCatalogue(ctx: ViewContext): Promise<{ packages: PackageView[]; items: InventoryView[] }> {
  const [packages, items] = await Promise.all([
    ctx.api.get<PackageView[] | Paged<PackageView>>(`${ctx.base}/packages`),
    ctx.api.get<InventoryView[] | Paged<InventoryView>>(`${ctx.base}/inventory`),
  ]);
  return { packages: listOf(packages), items: listOf(items) };
}

export function listOf<T>(value: T[] | Paged<T>): T[] {
  return Array.isArray(value) ? value : value.items;
}

/** All bookings starting in from..to (local dates, inclusive), every page. */
export async function loadBookings(ctx: ViewContext, query: Record<string, string>): Promise<BookingView[]> {
  const all: BookingView[] = [];
  for (let page = 1; ; page++) {
    const params = new URLSearchParams({ ...query, page: String(page), pageSize: "100" });
    const result = await ctx.api.get<Paged<BookingView>>(`${ctx.base}/bookings?${params}`);
    all.push(...result.items);
    if (all.length >= result.total || result.items.length === 0) return all;
  }
}

/** The customers behind these bookings, one request each (a day's list is short). */
export async function loadCustomers(ctx: ViewContext, ids: string[]): Promise<Map<string, CustomerView>> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map((id) => ctx.api.get<CustomerView>(`${ctx.base}/customers/${id}`).catch(() => null)));
  return new Map(found.filter((c): c is CustomerView => c !== null).map((c) => [c.id, c]));
}

/**
 * The "Live updates" line of a view, and the business watched through the hub while the view is open: a push
 * reloads the view (bursts collapsed into one); leaving the view (its signal aborts) closes the connection.
 */
export function watchWhileOpen(ctx: ViewContext, signal: AbortSignal, reload: () => void): HTMLElement {
  const line = h("p", { class: "muted live", "data-testid": "live-status", "data-state": "connecting" }, "Live updates: connecting");
  const setState = (s: LiveState) => {
    line.dataset.state = s;
    line.textContent = s === "live" ? "Live updates: on" : s === "offline" ? "Live updates: off (reload for the latest)" : "Live updates: connecting";
  };
  if (signal.aborted) return line;
  const handle = watchBusiness(ctx.business.slug, debounce(() => {
    if (!signal.aborted) reload();
  }, 300), setState);
  signal.addEventListener("abort", () => void handle.stop());
  return line;
}
