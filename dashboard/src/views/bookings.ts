import type { ViewContext } from "../main";
import { ApiError } from "../api";
import { h, errorBox, statusLine } from "../dom";
import { addDays, formatDateTime, formatLocalDate, formatMoney, formatTime, minorToInput, parseMoney, statusLabel, todayIn } from "../format";
import { cancelConsequence, rescheduleConsequence } from "../policy";
import { attendanceLabel, attendanceOf, type BookingView, type PackageView } from "../today";
import { loadCatalogue, loadCustomers, type Paged } from "./common";
import { FieldErrors } from "./forms";

interface Filters {
  from: string;
  to: string;
  status: string;
  packageId: string;
}

let remembered: Filters | null = null;

/** Bookings filtered by date, status and package; open one to cancel or move it. */
export async function renderBookings(main: HTMLElement, ctx: ViewContext, _args: string[], signal: AbortSignal): Promise<void> {
  const today = todayIn(ctx.business.timeZone);
  const filters: Filters = remembered ?? { from: today, to: addDays(today, 13), status: "", packageId: "" };
  const { packages } = await loadCatalogue(ctx);
  if (signal.aborted) return;

  const field = (id: string, label: string, control: HTMLElement) => h("div", { class: "field" }, h("label", { for: id }, label), control);
  const from = h("input", { id: "filter-from", type: "date", value: filters.from });
  const to = h("input", { id: "filter-to", type: "date", value: filters.to });
  const status = h(
    "select",
    { id: "filter-status" },
    h("option", { value: "" }, "Any status"),
    ...["held", "confirmed", "completed", "cancelled", "expired"].map((s) => h("option", { value: s, selected: s === filters.status }, statusLabel(s))),
  );
  const pkg = h(
    "select",
    { id: "filter-package" },
    h("option", { value: "" }, "Any package"),
    ...packages.map((p) => h("option", { value: p.id, selected: p.id === filters.packageId }, p.name)),
  );
  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter bookings" },
    field("filter-from", "From", from),
    field("filter-to", "To", to),
    field("filter-status", "Status", status),
    field("filter-package", "Package", pkg),
    h("button", { type: "submit", class: "primary" }, "Show"),
  );
  const results = h("div", { id: "booking-results" });
  const detail = h("section", { id: "booking-detail", "aria-labelledby": "detail-title", hidden: true });
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Bookings"), form, results, detail);

  const show = async () => {
    Object.assign(filters, { from: from.value, to: to.value, status: status.value, packageId: pkg.value });
    remembered = { ...filters };
    results.replaceChildren(statusLine("Loading bookings…"));
    const params = new URLSearchParams({ pageSize: "100" });
    if (filters.from) params.set("from", filters.from);
    if (filters.to) params.set("to", filters.to);
    if (filters.status) params.set("status", filters.status);
    if (filters.packageId) params.set("packageId", filters.packageId);
    let page: Paged<BookingView>;
    try {
      page = await ctx.api.get<Paged<BookingView>>(`${ctx.base}/bookings?${params}`);
    } catch (e) {
      results.replaceChildren(errorBox(e instanceof ApiError ? e.problem.message : (e as Error).message));
      return;
    }
    const customers = await loadCustomers(ctx, page.items.map((b) => b.customerId));
    if (page.items.length === 0) {
      results.replaceChildren(statusLine("No bookings match these filters.", "bookings-empty"));
      return;
    }
    const zone = ctx.business.timeZone;
    results.replaceChildren(
      h("p", { class: "muted", role: "status" }, page.total > page.items.length ? `Showing the first ${page.items.length} of ${page.total}.` : `${page.total} bookings.`),
      h(
        "div",
        { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Bookings found" },
        h(
          "table",
          {},
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ...["When", "Customer", "Package", "Seats", "Amount", "Status"].map((t) => h("th", { scope: "col" }, t)),
              h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")),
            ),
          ),
          h(
            "tbody",
            {},
            ...page.items.map((b) =>
              h(
                "tr",
                { "data-testid": "booking-row", "data-booking-id": b.id },
                h("td", {}, formatDateTime(b.startsAt, zone, ctx.locale)),
                h("td", {}, customers.get(b.customerId)?.name ?? "—"),
                h("td", {}, packages.find((p) => p.id === b.packageId)?.name ?? "—"),
                h("td", { class: "num" }, b.seats),
                h("td", { class: "num" }, formatMoney(b.amountMinor, b.currency, ctx.locale)),
                h("td", {}, statusLabel(b.status), attendanceOf(b) === "expected" ? null : h("span", { class: "hint" }, attendanceLabel(attendanceOf(b)))),
                h("td", {}, h("button", { type: "button", class: "secondary", onclick: () => void open(b.id) }, "Open")),
              ),
            ),
          ),
        ),
      ),
    );
  };

  const open = async (id: string, said?: string) => {
    detail.hidden = false;
    detail.replaceChildren(statusLine("Loading the booking…"));
    const b = await ctx.api.get<BookingView>(`/api/v1/bookings/${id}`);
    const customers = await loadCustomers(ctx, [b.customerId]);
    renderDetail(detail, ctx, b, customers.get(b.customerId)?.name ?? "Unknown customer", packages, async (next?: string) => {
      await show();
      await open(id, next);
    }, said);
    detail.querySelector<HTMLElement>("#detail-title")?.focus();
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void show();
  });
  await show();
}

function renderDetail(
  detail: HTMLElement,
  ctx: ViewContext,
  b: BookingView,
  customer: string,
  packages: PackageView[],
  reload: (said?: string) => Promise<void>,
  said?: string,
): void {
  const zone = ctx.business.timeZone;
  const now = new Date();
  const message = h("p", { role: "status", class: "notice", "data-testid": "detail-notice" }, said ?? "");
  const fail = (e: unknown) => message.replaceChildren(errorBox(e instanceof ApiError ? e.problem.message : (e as Error).message));
  const pkg = packages.find((p) => p.id === b.packageId);

  const cancel = h("button", { type: "button", class: "danger" }, "Cancel booking");
  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    try {
      await ctx.api.post(`/api/v1/bookings/${b.id}/cancel`, { reason: "Cancelled by the business" });
      await reload();
    } catch (e) {
      cancel.disabled = false;
      fail(e);
    }
  });

  const moveDate = h("input", { id: "move-date", type: "date", value: b.startsAtLocal.slice(0, 10) });
  const slots = h("div", { class: "slots", id: "move-slots" });
  const findSlots = async () => {
    slots.replaceChildren(statusLine("Looking for free times…"));
    try {
      const a = await ctx.api.get<{ slots: { startsAt: string; remainingSeats: number }[] }>(
        `${ctx.base}/packages/${b.packageId}/availability?from=${moveDate.value}&to=${moveDate.value}`,
      );
      const free = a.slots.filter((s) => s.remainingSeats >= b.seats && s.startsAt !== b.startsAt);
      slots.replaceChildren(
        ...(free.length === 0
          ? [statusLine("No free time on that day for this many seats.")]
          : free.map((s) =>
              h(
                "button",
                {
                  type: "button",
                  class: "secondary",
                  "data-testid": "move-slot",
                  onclick: async () => {
                    try {
                      await ctx.api.post(`/api/v1/bookings/${b.id}/reschedule`, { startsAt: s.startsAt });
                      await reload();
                    } catch (e) {
                      fail(e);
                    }
                  },
                },
                `Move to ${formatTime(s.startsAt, zone, ctx.locale)}`,
              ),
            )),
      );
    } catch (e) {
      slots.replaceChildren(errorBox(e instanceof ApiError ? e.problem.message : (e as Error).message));
    }
  };

  const changeable = b.status === "held" || b.status === "confirmed";
  detail.replaceChildren(
    h("h2", { id: "detail-title", tabindex: "-1" }, `${customer}, ${formatDateTime(b.startsAt, zone, ctx.locale)}`),
    h(
      "dl",
      { class: "facts", "data-testid": "booking-detail", "data-status": b.status },
      h("dt", {}, "Package"),
      h("dd", {}, pkg?.name ?? "—"),
      h("dt", {}, "Time"),
      h("dd", {}, `${formatLocalDate(b.startsAtLocal.slice(0, 10), ctx.locale, "medium")}, ${formatTime(b.startsAt, zone, ctx.locale)}–${formatTime(b.endsAt, zone, ctx.locale)}`),
      h("dt", {}, "Seats"),
      h("dd", {}, b.seats),
      h("dt", {}, "Amount"),
      h("dd", {}, formatMoney(b.amountMinor, b.currency, ctx.locale)),
      h("dt", {}, "Status"),
      h("dd", { "data-testid": "detail-status" }, statusLabel(b.status)),
    ),
    refundsList(ctx, b),
    message,
    ctx.business.role === "owner" && (b.refundableMinor ?? 0) > 0 ? refundForm(ctx, b, reload) : "",
    changeable
      ? h(
          "div",
          { class: "change" },
          h("h3", {}, "Cancel"),
          h("p", { "data-testid": "cancel-consequence" }, cancelConsequence(b, zone, now, ctx.locale)),
          cancel,
          h("h3", {}, "Move to another time"),
          h("p", { "data-testid": "reschedule-consequence" }, rescheduleConsequence(b, zone, now, ctx.locale)),
          h("div", { class: "field" }, h("label", { for: "move-date" }, "New date"), moveDate),
          h("button", { type: "button", class: "secondary", onclick: () => void findSlots() }, "Find free times"),
          slots,
        )
      : "",
  );
}

/** The booking's refunds so far: the platform's (cancellation, late payment…) and the owner's own. */
function refundsList(ctx: ViewContext, b: BookingView): HTMLElement | string {
  const refunds = b.refunds ?? [];
  if (refunds.length === 0) return "";
  return h(
    "div",
    {},
    h("h3", {}, "Refunds"),
    h(
      "ul",
      { "data-testid": "refunds" },
      ...refunds.map((r) =>
        h(
          "li",
          { "data-testid": "refund" },
          `${formatMoney(r.amountMinor, r.currency, ctx.locale)}: `,
          r.reason.startsWith("owner:") ? `refunded by the business (${r.reason.slice("owner:".length)})` : r.description,
          r.status === "succeeded" ? "" : ` (${r.status})`,
          `, ${formatDateTime(r.createdAt, ctx.business.timeZone, ctx.locale)}`,
        ),
      ),
    ),
  );
}

/** The owner gives back all or part of what is left of the booking's online payment; the amount left shows first. */
function refundForm(ctx: ViewContext, b: BookingView, reload: (said?: string) => Promise<void>): HTMLElement {
  const left = b.refundableMinor ?? 0;
  const errors = new FieldErrors();
  const amount = h("input", { type: "text", inputmode: "decimal", value: minorToInput(left, b.currency), autocomplete: "off" });
  const reason = h("input", { type: "text", autocomplete: "off", maxlength: 50 });
  const button = h("button", { type: "submit", class: "danger" }, "Refund");
  const form = h(
    "form",
    { class: "change", novalidate: true, "aria-labelledby": "refund-title" },
    h("h3", { id: "refund-title" }, "Refund"),
    h("p", { "data-testid": "refundable" }, `Up to ${formatMoney(left, b.currency, ctx.locale)} of the online payment can still be refunded, to the card it came from.`),
    errors.field("amountMinor", "refund-amount", `Amount (${b.currency})`, amount, "All that is left, or less."),
    errors.field("reason", "refund-reason", "Reason", reason, "Told to the customer, such as “goodwill after the late cancellation”."),
    errors.summary,
    button,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const amountMinor = parseMoney(amount.value, b.currency);
    if (amountMinor === null || amountMinor === 0) {
      errors.showFields({ amountMinor: [`Enter an amount in ${b.currency}, such as ${minorToInput(Math.min(left, 1000), b.currency)}.`] }, "");
      return;
    }
    if (amountMinor > left) {
      errors.showFields({ amountMinor: [`At most ${formatMoney(left, b.currency, ctx.locale)} is left to refund.`] }, "");
      return;
    }
    errors.clear();
    button.disabled = true;
    try {
      await ctx.api.post(`/api/v1/bookings/${b.id}/refund`, { amountMinor, reason: reason.value });
      await reload(`Refunded ${formatMoney(amountMinor, b.currency, ctx.locale)}.`);
    } catch (err) {
      errors.show(err);
      button.disabled = false;
    }
  });
  return form;
}
