import type { ViewContext } from "../main";
import { ApiError } from "../api";
import { h, errorBox, statusLine } from "../dom";
import { addDays, formatLocalDate, formatMoney, formatTime, isLocalDate, statusLabel, todayIn } from "../format";
import { attendanceChoices, attendanceLabel, attendanceOf, groupByItem, isPaid, nextAttendance, nextAttendanceChange, type BookingView, type Mark } from "../today";
import { loadBookings, loadCatalogue, loadCustomers, watchWhileOpen } from "./common";

/** The day's bookings per inventory item, in time order: who is coming, paid or not. */
export async function renderToday(main: HTMLElement, ctx: ViewContext, args: string[], signal: AbortSignal): Promise<void> {
  const zone = ctx.business.timeZone;
  const today = todayIn(zone);
  const date = args[0] && isLocalDate(args[0]) ? args[0] : today;
  const heading = h("h1", { id: "view-title", tabindex: "-1" }, date === today ? "Today" : formatLocalDate(date, ctx.locale));
  const dayNav = h(
    "div",
    { class: "day-nav" },
    h("a", { href: `#/today/${addDays(date, -1)}`, class: "button secondary" }, "← Previous day"),
    h("span", { class: "range-label", "data-testid": "day" }, formatLocalDate(date, ctx.locale)),
    h("a", { href: `#/today/${addDays(date, 1)}`, class: "button secondary" }, "Next day →"),
  );
  const notice = h("p", { class: "notice", role: "status", id: "today-notice" });
  const body = h("div", {}, statusLine("Loading the day's bookings…"));
  const live = watchWhileOpen(ctx, signal, () => void fill(main, ctx, date, body, notice, signal));
  signal.addEventListener("abort", () => clearTimeout(redraw), { once: true });
  main.replaceChildren(heading, dayNav, live, notice, body);
  await fill(main, ctx, date, body, notice, signal);
}

/** The redraw planned for when a check-in or no-show button of the day turns on or off. */
let redraw: ReturnType<typeof setTimeout> | undefined;

async function fill(main: HTMLElement, ctx: ViewContext, date: string, body: HTMLElement, notice: HTMLElement, signal: AbortSignal): Promise<void> {
  const zone = ctx.business.timeZone;
  const again = () => void fill(main, ctx, date, body, notice, signal);

  const [{ packages, items }, bookings] = await Promise.all([loadCatalogue(ctx), loadBookings(ctx, { from: date, to: date })]);
  if (signal.aborted) return;
  const customers = await loadCustomers(ctx, bookings.map((b) => b.customerId));
  if (signal.aborted) return;
  const packageName = new Map(packages.map((p) => [p.id, p.name]));
  const groups = groupByItem(bookings, packages, items);
  const now = Date.now();
  clearTimeout(redraw);
  const change = nextAttendanceChange(bookings, now);
  // A timer longer than about 24.8 days fires at once; no day view stays open that long, so cap it at a day.
  if (change !== null) redraw = setTimeout(() => !signal.aborted && again(), Math.min(change - now + 500, 86_400_000));

  // A reload (after a mark, a live push or the timer) redraws the rows: keep the keyboard on the button it was on.
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const refocus = focused?.dataset.mark ? `[data-booking-id="${focused.closest("tr")?.dataset.bookingId}"] [data-mark="${focused.dataset.mark}"]` : null;
  if (groups.length === 0) {
    body.replaceChildren(statusLine("No bookings on this day.", "today-empty"));
    return;
  }

  const row = (b: BookingView): HTMLElement => {
    const customer = customers.get(b.customerId);
    const paid = isPaid(b);
    const actions = h("td", {});
    if (b.status === "held" && b.awaitingEmailProof) {
      actions.append(h("span", { class: "hint" }, "Waiting for the customer to enter the code we emailed"));
    } else if (b.status === "held" && b.amountMinor > 0) {
      const confirm = h("button", { type: "button", class: "secondary" }, "Confirm paid in person");
      confirm.setAttribute("aria-label", `Confirm ${customer?.name ?? "this booking"} paid in person`);
      confirm.addEventListener("click", async () => {
        confirm.disabled = true;
        try {
          await ctx.api.post(`${ctx.base}/bookings/${b.id}/confirm`);
          notice.textContent = `${customer?.name ?? "The booking"} is confirmed as paid in person.`;
          await fill(main, ctx, date, body, notice, signal);
        } catch (e) {
          confirm.disabled = false;
          actions.append(errorBox(e instanceof ApiError ? e.problem.message : (e as Error).message));
        }
      });
      actions.append(confirm);
    }
    return h(
      "tr",
      { "data-testid": "today-booking", "data-booking-id": b.id, "data-status": b.status, "data-attendance": attendanceOf(b) },
      h("td", {}, `${formatTime(b.startsAt, zone, ctx.locale)}–${formatTime(b.endsAt, zone, ctx.locale)}`),
      h("td", {}, h("span", { class: "who" }, customer?.name ?? "Unknown customer"), customer ? h("span", { class: "hint" }, customer.email) : null),
      h("td", {}, packageName.get(b.packageId) ?? "Package"),
      h("td", { class: "num" }, b.seats),
      h(
        "td",
        {},
        h("span", { class: paid ? "badge paid" : "badge unpaid", "data-testid": "paid" }, paid ? (b.amountMinor === 0 ? "Free" : "Paid") : "Not paid"),
        h("span", { class: "hint" }, `${formatMoney(b.amountMinor, b.currency, ctx.locale)} · ${statusLabel(b.status)}`),
      ),
      attendanceCell(b, customer?.name ?? "this booking"),
      actions,
    );
  };

  // Checked in / No-show as toggle buttons (aria-pressed): pressing the one that is on undoes it.
  const attendanceCell = (b: BookingView, who: string): HTMLElement => {
    const current = attendanceOf(b);
    const choices = attendanceChoices(b, now);
    const cell = h("td", {});
    if (!choices.markable) {
      cell.append(h("span", { class: "hint" }, "—"));
      return cell;
    }
    const at = b.attendanceMarkedAt && current !== "expected" ? ` ${formatTime(b.attendanceMarkedAt, zone, ctx.locale)}` : "";
    cell.append(h("span", { class: `badge attendance ${current}`, "data-testid": "attendance" }, `${attendanceLabel(current)}${at}`));
    const group = h("div", { class: "attendance-actions", role: "group", "aria-label": `Did ${who} come?` });
    for (const mark of ["checked-in", "no-show"] as Mark[]) {
      const pressed = current === mark;
      const allowed = !choices.closed && (mark === "checked-in" ? choices.checkIn : choices.noShow);
      const button = h(
        "button",
        { type: "button", class: "secondary toggle", "aria-pressed": String(pressed), "data-mark": mark, disabled: !allowed },
        mark === "checked-in" ? "Checked in" : "No-show",
      );
      button.setAttribute("aria-label", `${who} ${mark === "checked-in" ? "checked in" : "no-show"}`);
      // Busy rather than disabled while the mark is sent, so the keyboard stays on the button through the redraw.
      let busy = false;
      button.addEventListener("click", async () => {
        if (busy) return;
        busy = true;
        button.setAttribute("aria-busy", "true");
        const next = nextAttendance(current, mark);
        try {
          await ctx.api.post(`/api/v1/bookings/${b.id}/attendance`, { status: next });
          notice.textContent = next === "expected" ? `${who}: back to expected.` : `${who}: ${attendanceLabel(next).toLowerCase()}.`;
          await fill(main, ctx, date, body, notice, signal);
        } catch (e) {
          busy = false;
          button.removeAttribute("aria-busy");
          cell.append(errorBox(e instanceof ApiError ? e.problem.message : (e as Error).message));
        }
      });
      group.append(button);
    }
    cell.append(group);
    if (choices.closed) cell.append(h("span", { class: "hint" }, "Attendance closed for this day"));
    else if (choices.waitingFor) {
      const what = choices.waitingFor.mark === "checked-in" ? "Check-in" : "No-show";
      cell.append(h("span", { class: "hint" }, `${what} from ${formatTime(choices.waitingFor.from, zone, ctx.locale)}`));
    }
    return cell;
  };

  body.replaceChildren(
    ...groups.map((g) =>
      h(
        "section",
        { class: "item-day", "aria-labelledby": `item-${g.item.id}`, "data-testid": "item-day" },
        h("h2", { id: `item-${g.item.id}` }, `${g.item.name} (${g.item.quantity})`),
        h(
          "div",
          { class: "table-scroll", tabindex: 0, role: "region", "aria-label": `Bookings using ${g.item.name}` },
          h(
            "table",
            {},
            h("caption", { class: "visually-hidden" }, `Bookings using ${g.item.name}`),
            h(
              "thead",
              {},
              h("tr", {}, ...["Time", "Customer", "Package", "Seats", "Payment", "Attendance", "Actions"].map((t) => h("th", { scope: "col" }, t))),
            ),
            h("tbody", {}, ...g.bookings.map(row)),
          ),
        ),
      ),
    ),
  );
  if (refocus) body.querySelector<HTMLElement>(refocus)?.focus();
}
