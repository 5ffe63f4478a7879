import type { ViewContext } from "../main";
import { h, statusLine } from "../dom";
import { addDays, formatDateTime, formatLocalDate, formatTime, isLocalDate, todayIn } from "../format";
import { groupBySlot, ordinal, waitlistStatusLabel, type SlotWaitlist, type WaitlistEntryView } from "../waitlist";
import { watchWhileOpen } from "./common";

/** How many days the view shows at a time. */
const DAYS = 14;

/** Who is waiting for full slots, two weeks at a time: per slot, the line in order and what became of each offer. */
export async function renderWaitlist(main: HTMLElement, ctx: ViewContext, args: string[], signal: AbortSignal): Promise<void> {
  const today = todayIn(ctx.business.timeZone);
  const from = args[0] && isLocalDate(args[0]) ? args[0] : today;
  const to = addDays(from, DAYS - 1);
  const nav = h(
    "div",
    { class: "day-nav" },
    h("a", { href: `#/waitlist/${addDays(from, -DAYS)}`, class: "button secondary" }, "← Earlier"),
    h("span", { class: "range-label", "data-testid": "waitlist-range" }, `${formatLocalDate(from, ctx.locale, "medium")} – ${formatLocalDate(to, ctx.locale, "medium")}`),
    h("a", { href: `#/waitlist/${addDays(from, DAYS)}`, class: "button secondary" }, "Later →"),
  );
  const body = h("div", {}, statusLine("Loading the waiting lists…"));
  const live = watchWhileOpen(ctx, signal, () => void fill(ctx, from, to, body, signal));
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Waiting list"), nav, live, body);
  await fill(ctx, from, to, body, signal);
}

async function fill(ctx: ViewContext, from: string, to: string, body: HTMLElement, signal: AbortSignal): Promise<void> {
  const entries = await ctx.api.get<WaitlistEntryView[]>(`${ctx.base}/waitlist?${new URLSearchParams({ from, to })}`);
  if (signal.aborted) return;
  const slots = groupBySlot(entries);
  if (slots.length === 0) {
    body.replaceChildren(statusLine("Nobody is on a waiting list for these days.", "waitlist-empty"));
    return;
  }
  body.replaceChildren(...slots.map((s) => slotSection(ctx, s)));
}

function slotSection(ctx: ViewContext, s: SlotWaitlist): HTMLElement {
  const zone = ctx.business.timeZone;
  const id = `waitlist-${s.key.replace(/[^A-Za-z0-9]/g, "")}`;
  const title = `${formatLocalDate(s.startsAtLocal.slice(0, 10), ctx.locale)} ${formatTime(s.startsAt, zone, ctx.locale)} · ${s.packageName}`;
  const row = (e: WaitlistEntryView) =>
    h(
      "tr",
      { "data-testid": "waitlist-entry", "data-entry-id": e.id, "data-status": e.status },
      h("td", {}, e.position > 0 ? ordinal(e.position) : "—"),
      h("td", {}, h("span", { class: "who" }, e.customerName), h("span", { class: "hint" }, e.customerEmail)),
      h("td", { class: "num" }, e.seats),
      h(
        "td",
        {},
        h("span", { class: "badge", "data-testid": "waitlist-status" }, waitlistStatusLabel(e.status)),
        e.status === "offered" && e.offerExpiresAt ? h("span", { class: "hint" }, `Held until ${formatTime(e.offerExpiresAt, zone, ctx.locale)}`) : null,
      ),
      h("td", {}, formatDateTime(e.joinedAt, zone, ctx.locale)),
    );
  return h(
    "section",
    { class: "item-day", "aria-labelledby": id, "data-testid": "waitlist-slot" },
    h("h2", { id }, title),
    h("p", { class: "hint" }, s.waitingSeats > 0 ? `${s.waitingSeats} ${s.waitingSeats === 1 ? "seat" : "seats"} waiting` : "Nobody waiting now"),
    h(
      "div",
      { class: "table-scroll", tabindex: 0, role: "region", "aria-label": `Waiting list for ${title}` },
      h(
        "table",
        {},
        h("caption", { class: "visually-hidden" }, `Waiting list for ${title}`),
        h("thead", {}, h("tr", {}, ...["Place", "Customer", "Seats", "Status", "Joined"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, ...s.entries.map(row)),
      ),
    ),
  );
}
