import type { ViewContext } from "../main";
import { h, statusLine } from "../dom";
import { addDays, formatLocalDate, formatTime, isLocalDate, statusLabel, todayIn, type LocalDate } from "../format";
import { hoursOfDay, localDateOf, startsIn, unitsInUse, weekDays, type HourSlot } from "../calendar";
import { isActive, type BookingView, type InventoryView, type PackageView } from "../today";
import { loadBookings, loadCatalogue, loadCustomers, watchWhileOpen, type CustomerView } from "./common";

type Mode = "day" | "week";

interface Loaded {
  items: InventoryView[];
  packages: Map<string, PackageView>;
  bookings: BookingView[];
  customers: Map<string, CustomerView>;
}

/** Bookings per inventory item over a day (hour by hour) or a week, on the business's clock; live. */
export async function renderCalendar(main: HTMLElement, ctx: ViewContext, args: string[], signal: AbortSignal): Promise<void> {
  const mode: Mode = args[0] === "week" ? "week" : "day";
  const today = todayIn(ctx.business.timeZone);
  const date = args[1] && isLocalDate(args[1]) ? args[1] : today;
  const days = mode === "week" ? weekDays(date) : [date];
  const step = mode === "week" ? 7 : 1;
  const range =
    mode === "week"
      ? `${formatLocalDate(days[0], ctx.locale, "medium")} – ${formatLocalDate(days[6], ctx.locale, "medium")}`
      : formatLocalDate(date, ctx.locale);
  const link = (m: Mode, d: LocalDate, text: string, current = false) =>
    h("a", { href: `#/calendar/${m}/${d}`, class: "button secondary", "aria-current": current ? "page" : undefined }, text);
  const jump = h("input", { id: "calendar-date", type: "date", value: date });
  jump.addEventListener("change", () => {
    if (isLocalDate(jump.value)) location.hash = `#/calendar/${mode}/${jump.value}`;
  });

  const body = h("div", {}, statusLine("Loading the calendar…"));
  const fill = async () => {
    const loaded = await load(ctx, days[0], days[days.length - 1]);
    if (signal.aborted) return;
    body.replaceChildren(mode === "week" ? week(ctx, days, loaded) : day(ctx, date, loaded));
  };
  main.replaceChildren(
    h("h1", { id: "view-title", tabindex: "-1" }, "Calendar"),
    h(
      "div",
      { class: "day-nav" },
      h("div", { class: "segmented", role: "group", "aria-label": "Show" }, link("day", date, "Day", mode === "day"), link("week", date, "Week", mode === "week")),
      link(mode, addDays(date, -step), mode === "week" ? "← Previous week" : "← Previous day"),
      h("span", { class: "range-label", "data-testid": "calendar-range" }, range),
      link(mode, addDays(date, step), mode === "week" ? "Next week →" : "Next day →"),
      h("div", { class: "field inline" }, h("label", { for: "calendar-date" }, "Go to date"), jump),
    ),
    h("p", { class: "muted" }, `Times in ${ctx.business.timeZone}.`),
    watchWhileOpen(ctx, signal, () => void fill()),
    body,
  );
  await fill();
}

async function load(ctx: ViewContext, from: LocalDate, to: LocalDate): Promise<Loaded> {
  const [{ packages, items }, all] = await Promise.all([loadCatalogue(ctx), loadBookings(ctx, { from, to })]);
  const bookings = all.filter(isActive).sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
  const customers = await loadCustomers(ctx, bookings.map((b) => b.customerId));
  return { items, packages: new Map(packages.map((p) => [p.id, p])), bookings, customers };
}

function uses(loaded: Loaded, b: BookingView, itemId: string): boolean {
  return loaded.packages.get(b.packageId)?.inventory.some((i) => i.inventoryItemId === itemId) ?? false;
}

function entry(ctx: ViewContext, loaded: Loaded, b: BookingView): HTMLElement {
  const zone = ctx.business.timeZone;
  const who = loaded.customers.get(b.customerId)?.name ?? "Unknown customer";
  return h(
    "li",
    { class: `booking-chip ${b.status}`, "data-testid": "calendar-booking", "data-booking-id": b.id },
    h("span", { class: "when" }, `${formatTime(b.startsAt, zone, ctx.locale)}–${formatTime(b.endsAt, zone, ctx.locale)}`),
    " ",
    h("span", { class: "who" }, who),
    h("span", { class: "hint" }, `${loaded.packages.get(b.packageId)?.name ?? "Package"} · ${b.seats} ${b.seats === 1 ? "seat" : "seats"} · ${statusLabel(b.status)}`),
  );
}

function scroll(label: string, table: HTMLElement): HTMLElement {
  return h("div", { class: "table-scroll", tabindex: 0, role: "region", "aria-label": label }, table);
}

/** Hour by hour, one column per item: what starts in each hour, and how much of the item is taken then. */
function day(ctx: ViewContext, date: LocalDate, loaded: Loaded): HTMLElement {
  if (loaded.items.length === 0) return statusLine("No inventory yet: add items in the catalogue first.", "calendar-empty");
  const hours = hoursOfDay(date, ctx.business.timeZone, ctx.locale);
  const cell = (item: InventoryView, slot: HourSlot) => {
    const mine = loaded.bookings.filter((b) => uses(loaded, b, item.id));
    const inUse = unitsInUse(mine, loaded.packages, item.id, slot);
    const starting = mine.filter((b) => startsIn(b, slot));
    return h(
      "td",
      { class: inUse > 0 ? "busy" : undefined, "data-testid": "calendar-cell", "data-item-id": item.id },
      starting.length > 0 ? h("ul", { class: "chips" }, ...starting.map((b) => entry(ctx, loaded, b))) : null,
      inUse > 0 ? h("span", { class: "hint" }, `Up to ${inUse} of ${item.quantity} in use`) : null,
    );
  };
  return h(
    "div",
    {},
    h("p", { class: "muted", "data-testid": "calendar-summary" }, summary(loaded.bookings.length, hours.length)),
    scroll(
      `Bookings on ${formatLocalDate(date, ctx.locale)}, hour by hour`,
      h(
        "table",
        { class: "calendar" },
        h("caption", { class: "visually-hidden" }, `Bookings per item on ${formatLocalDate(date, ctx.locale)}`),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Hour"), ...loaded.items.map((i) => h("th", { scope: "col" }, `${i.name} (${i.quantity})`)))),
        h(
          "tbody",
          {},
          ...hours.map((slot) =>
            h(
              "tr",
              { "data-testid": "calendar-hour", "data-start": new Date(slot.start).toISOString() },
              h("th", { scope: "row" }, slot.label),
              ...loaded.items.map((item) => cell(item, slot)),
            ),
          ),
        ),
      ),
    ),
  );
}

function summary(bookings: number, hours: number): string {
  const count = bookings === 0 ? "No bookings" : bookings === 1 ? "1 booking" : `${bookings} bookings`;
  return hours === 24 ? `${count}.` : `${count}. The clocks change this day: it has ${hours} hours.`;
}

/** Seven days, one row per item: each day's bookings in time order, each day opening its hour-by-hour view. */
function week(ctx: ViewContext, days: LocalDate[], loaded: Loaded): HTMLElement {
  if (loaded.items.length === 0) return statusLine("No inventory yet: add items in the catalogue first.", "calendar-empty");
  const dayName = (d: LocalDate) => {
    const [y, m, n] = d.split("-").map(Number);
    return new Intl.DateTimeFormat(ctx.locale, { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(new Date(Date.UTC(y, m - 1, n)));
  };
  return h(
    "div",
    {},
    loaded.bookings.length === 0 ? statusLine("No bookings this week.", "calendar-empty") : null,
    scroll(
      `Bookings in the week of ${formatLocalDate(days[0], ctx.locale)}`,
      h(
        "table",
        { class: "calendar week" },
        h("caption", { class: "visually-hidden" }, `Bookings per item, week of ${formatLocalDate(days[0], ctx.locale)}`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Item"),
            ...days.map((d) => h("th", { scope: "col" }, h("a", { href: `#/calendar/day/${d}`, "aria-label": `${formatLocalDate(d, ctx.locale)}, hour by hour` }, dayName(d)))),
          ),
        ),
        h(
          "tbody",
          {},
          ...loaded.items.map((item) =>
            h(
              "tr",
              { "data-testid": "calendar-item", "data-item-id": item.id },
              h("th", { scope: "row" }, `${item.name} (${item.quantity})`),
              ...days.map((d) => {
                const list = loaded.bookings.filter((b) => localDateOf(b) === d && uses(loaded, b, item.id));
                return h(
                  "td",
                  { "data-testid": "calendar-cell", "data-date": d },
                  list.length > 0 ? h("ul", { class: "chips" }, ...list.map((b) => entry(ctx, loaded, b))) : null,
                );
              }),
            ),
          ),
        ),
      ),
    ),
  );
}
