// The "manage your booking" view, opened from the link in confirmation, reschedule and reminder
// emails: shows the booking and lets the customer cancel it or move it to another time.
import { refetchDelayMs } from "./refetch";
import { ApiError, cancelManagedBooking, getManagedAvailability, getManagedBooking, rescheduleManagedBooking, type ManagedBooking } from "./api";
import { $, el, slotButton, weekColumns } from "./dom";
import {
  formatDayLabel, formatLocalDateTime, formatMoney, pushOverlapsRange, shiftWeek, todayIn, weekFrom,
  type DateRange, type LocalDate, type Slot,
} from "./format";
import { leftLabel } from "./left";
import { startLive, type LiveStatus } from "./live";
import { allowedActions, describeDeadline, describeLinkExpiry, linkRefusal, sameInstant, statusInWords, type ManageLink } from "./manage";

export interface ManageViewOptions {
  link: ManageLink;
  /** `?business=` if the link had one; otherwise the booking's own business is watched. */
  setLiveStatus: (status: LiveStatus) => void;
}

const CANCELLED = "Your booking is cancelled. A confirmation email is on its way.";

const errorText = (err: unknown, fallback: string) => (err instanceof Error ? err.message : fallback);

export async function startManageView({ link, setLiveStatus }: ManageViewOptions) {
  let data: ManagedBooking;
  try {
    data = await getManagedBooking(link.bookingId, link.token);
  } catch (err) {
    $("business-name").textContent = "Your booking";
    setLiveStatus("offline");
    const box = $("page-error");
    box.textContent = (err instanceof ApiError ? linkRefusal(err.problem.status) : undefined) ?? errorText(err, "Something went wrong.");
    box.hidden = false;
    return;
  }

  // The booking's own business, never the URL's (which nobody signed).
  const slug = data.businessSlug;
  const view = new ManageView(link, data);
  document.title = `Your booking — ${data.businessName}`;
  $("business-name").textContent = data.businessName;
  const section = $("manage-section");
  section.replaceChildren(view.root);
  section.hidden = false;

  startLive({
    slug,
    onStatus: setLiveStatus,
    onChange: (push) => view.onPush(push),
    // Pushes sent while disconnected are lost, so catch up whenever watching (re)starts.
    onWatching: () => view.onWatching(),
  });
}

class ManageView {
  readonly root: HTMLElement;
  private readonly title = el("h2", { id: "manage-title", tabindex: -1 }, "Your booking");
  private readonly details = el("div", { class: "manage-details" });
  private readonly message = el("p", { class: "notice", "data-testid": "manage-message", role: "status", hidden: true });
  private readonly alert = el("div", { class: "error-box", role: "alert", hidden: true });
  private readonly actions = el("div", { class: "manage-actions" });
  private readonly panel = el("div", { class: "manage-panel" });

  private mode: "none" | "cancel" | "reschedule" = "none";
  private panelMode: "none" | "cancel" | "reschedule" = "none";
  private busy = false;

  // Availability of the reschedule panel.
  private today: LocalDate = "";
  private range: DateRange = { from: "", to: "" };
  private slots: Slot[] = [];
  private wholeItem: string | null | undefined;
  private selected: Slot | undefined;
  private inFlight: AbortController | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly days = el("div", { class: "days" });
  private readonly availabilityStatus = el("p", { class: "muted", role: "status" });
  private readonly rangeLabel = el("span", { class: "range-label" });
  private readonly prevWeek = el("button", { type: "button", class: "secondary" }, "← Previous week");
  private readonly nextWeek = el("button", { type: "button", class: "secondary" }, "Next week →");
  private readonly moveHint = el("p", { class: "summary" });
  private readonly moveButton = el("button", { type: "button", class: "primary", disabled: true }, "Move booking");
  private readonly keepTime = el("button", { type: "button", class: "secondary" }, "Keep the current time");
  private readonly reason = el("textarea", { id: "cancel-reason", rows: 2, maxlength: 500 });
  private readonly confirmCancel = el("button", { type: "button", class: "primary danger" }, "Yes, cancel");
  private readonly keepBooking = el("button", { type: "button", class: "secondary" }, "Keep my booking");

  constructor(private readonly link: ManageLink, private data: ManagedBooking) {
    this.root = el(
      "div",
      // The booking id comes from the link's own URL: the API's answer carries no internal ids.
      { class: "result manage", "data-testid": "manage-booking", "data-booking-id": link.bookingId, "aria-labelledby": "manage-title" },
      this.title, this.message, this.details, this.alert, this.actions, this.panel,
    );
    this.prevWeek.addEventListener("click", () => this.moveWeek(-1));
    this.nextWeek.addEventListener("click", () => this.moveWeek(1));
    this.moveButton.addEventListener("click", () => void this.reschedule());
    this.keepTime.addEventListener("click", () => this.close());
    this.confirmCancel.addEventListener("click", () => void this.cancel(this.reason.value.trim() || null));
    this.keepBooking.addEventListener("click", () => this.close());
    this.render();
  }

  // ---- Booking --------------------------------------------------------------------

  private render() {
    const { booking } = this.data;
    const now = new Date();
    const allowed = allowedActions(booking, now);
    // A panel whose action is no longer allowed (e.g. after cancelling) closes.
    if ((this.mode === "cancel" && !allowed.cancel) || (this.mode === "reschedule" && !allowed.reschedule)) this.mode = "none";

    this.root.dataset.status = booking.status;
    this.root.classList.toggle("inactive", booking.status !== "confirmed" && booking.status !== "held");
    const row = (term: string, value: string, testid?: string) => [el("dt", {}, term), el("dd", { "data-testid": testid }, value)];
    const seats = `${booking.seats} ${booking.seats === 1 ? "seat" : "seats"}`;
    // Each deadline the API gave for this booking (none on a finished one; a hold's cancel deadline is its expiry).
    const deadlines: string[] = [];
    if (booking.cancellableUntil !== null) deadlines.push(describeDeadline("cancel", booking.cancellableUntil, booking.timeZone, now));
    if (booking.reschedulableUntil !== null) deadlines.push(describeDeadline("reschedule", booking.reschedulableUntil, booking.timeZone, now));
    this.details.replaceChildren(
      el(
        "dl",
        {},
        ...row("Business", this.data.businessName),
        ...row("Service", this.data.packageName),
        ...row("When", formatLocalDateTime(booking.startsAtLocal), "manage-when"),
        ...row("Seats", seats),
        ...row("Amount", formatMoney(booking.amountMinor, booking.currency)),
        ...row("Status", statusInWords(booking.status), "manage-status"),
        ...row("Reference", booking.reference, "manage-reference"),
      ),
      ...deadlines.map((text) => el("p", { class: "deadline" }, text)),
      ...[describeLinkExpiry(this.data.linkExpiresAt, booking.timeZone)].filter((t) => t !== undefined).map((text) => el("p", { class: "muted", "data-testid": "manage-link-expiry" }, text)),
    );

    const buttons: HTMLElement[] = [];
    if (allowed.cancel) {
      const cancel = el("button", { type: "button", class: "secondary", "aria-expanded": String(this.mode === "cancel"), disabled: this.busy }, "Cancel booking");
      cancel.addEventListener("click", () => this.open("cancel"));
      buttons.push(cancel);
    }
    if (allowed.reschedule) {
      const change = el("button", { type: "button", class: "secondary", "aria-expanded": String(this.mode === "reschedule"), disabled: this.busy }, "Change time");
      change.addEventListener("click", () => this.open("reschedule"));
      buttons.push(change);
    }
    this.actions.replaceChildren(...buttons);
    this.actions.hidden = buttons.length === 0;
    this.renderPanel();
  }

  private setMessage(text: string | undefined) {
    this.message.textContent = text ?? "";
    this.message.hidden = !text;
  }

  private setAlert(text: string | undefined) {
    this.alert.textContent = text ?? "";
    this.alert.hidden = !text;
  }

  private open(mode: "cancel" | "reschedule") {
    this.mode = mode;
    this.setAlert(undefined);
    this.setMessage(undefined);
    if (mode === "reschedule") {
      this.today = todayIn(this.data.booking.timeZone);
      this.range = weekFrom(this.today);
      this.slots = [];
      this.selected = undefined;
    }
    this.render();
    this.panel.querySelector<HTMLElement>("h3")?.focus();
    if (mode === "reschedule") void this.loadAvailability(true);
  }

  private close() {
    this.mode = "none";
    this.inFlight?.abort();
    this.render();
  }

  /** Builds a panel only when it opens, so redraws keep focus and what was typed. */
  private renderPanel() {
    if (this.mode !== this.panelMode) {
      this.panelMode = this.mode;
      if (this.mode === "cancel") {
        this.reason.value = "";
        this.panel.replaceChildren(
          el("h3", { tabindex: -1 }, "Cancel this booking?"),
          el("div", { class: "field" }, el("label", { for: "cancel-reason" }, "Reason (optional)"), this.reason),
          el("div", { class: "button-row" }, this.confirmCancel, this.keepBooking),
        );
      } else if (this.mode === "reschedule") {
        this.panel.replaceChildren(
          el("h3", { tabindex: -1 }, `Choose a new time — ${this.data.packageName}`),
          el("div", { class: "week-nav" }, this.prevWeek, this.rangeLabel, this.nextWeek),
          this.availabilityStatus,
          this.days,
          this.moveHint,
          el("div", { class: "button-row" }, this.moveButton, this.keepTime),
        );
      } else {
        this.panel.replaceChildren();
      }
    }
    this.panel.hidden = this.mode === "none";
    this.confirmCancel.disabled = this.busy;
    this.keepBooking.disabled = this.busy;
    if (this.mode === "reschedule") {
      this.renderWeekNav();
      this.syncSelected();
    }
  }

  private async cancel(reason: string | null) {
    if (this.busy) return;
    this.setAlert(undefined);
    this.setBusy(true);
    try {
      this.data = await cancelManagedBooking(this.link.bookingId, this.link.token, reason);
      this.mode = "none";
      this.setMessage(CANCELLED);
      this.title.focus();
    } catch (err) {
      this.setAlert(errorText(err, "Could not cancel the booking. Please try again."));
      // 409/422: the booking is not what the page shows (already cancelled, deadline passed): show the truth.
      if (err instanceof ApiError && (err.problem.status === 409 || err.problem.status === 422)) await this.reload();
    } finally {
      this.setBusy(false);
    }
  }

  private async reschedule() {
    if (this.busy || !this.selected) return;
    const target = this.selected;
    this.setAlert(undefined);
    this.setBusy(true);
    try {
      this.data = await rescheduleManagedBooking(this.link.bookingId, this.link.token, target.startsAt);
      this.mode = "none";
      this.setMessage(`Your booking is moved to ${formatLocalDateTime(this.data.booking.startsAtLocal)}.`);
      this.title.focus();
    } catch (err) {
      this.setAlert(errorText(err, "Could not move the booking. Please try again."));
      if (err instanceof ApiError && (err.problem.status === 409 || err.problem.status === 422)) {
        // The booking is unchanged; the times shown were stale (or the booking itself changed).
        await this.reload();
        if (this.mode === "reschedule") void this.loadAvailability(false);
      }
    } finally {
      this.setBusy(false);
    }
  }

  /** Refreshes the booking quietly; a failure keeps what is shown (the alert already says why). */
  private async reload() {
    try {
      this.data = await getManagedBooking(this.link.bookingId, this.link.token);
    } catch {
      // keep the last known booking
    }
  }

  private setBusy(on: boolean) {
    this.busy = on;
    this.root.setAttribute("aria-busy", String(on));
    this.render();
  }

  // ---- Availability for a new time ---------------------------------------------------

  onPush(push: Parameters<typeof pushOverlapsRange>[0]) {
    if (this.mode === "reschedule" && pushOverlapsRange(push, this.range, this.data.booking.timeZone)) this.scheduleRefresh();
  }

  onWatching() {
    if (this.mode === "reschedule") this.scheduleRefresh();
  }

  /** Bursts of pushes (e.g. a batch of expiries) become one refetch. */
  private scheduleRefresh() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.loadAvailability(false), refetchDelayMs());
  }

  private moveWeek(weeks: number) {
    this.range = shiftWeek(this.range, weeks, this.today);
    void this.loadAvailability(true);
  }

  private renderWeekNav() {
    this.prevWeek.disabled = this.range.from <= this.today;
    this.rangeLabel.textContent = `${formatDayLabel(this.range.from)} – ${formatDayLabel(this.range.to)}`;
  }

  private async loadAvailability(fresh: boolean) {
    if (this.mode !== "reschedule") return;
    this.inFlight?.abort(); // only the newest answer may be drawn
    const controller = (this.inFlight = new AbortController());
    this.renderWeekNav();
    if (fresh) {
      this.availabilityStatus.textContent = "Loading times…";
      this.days.replaceChildren();
    }
    this.days.setAttribute("aria-busy", "true");
    try {
      const result = await getManagedAvailability(this.link.bookingId, this.link.token, this.range.from, this.range.to, controller.signal);
      if (controller.signal.aborted) return;
      this.availabilityStatus.textContent = "";
      // Skip redrawing identical data so live refetches do not disturb the page.
      const changed = fresh || JSON.stringify(result.slots) !== JSON.stringify(this.slots);
      this.slots = result.slots;
      this.wholeItem = result.wholeItemName;
      if (changed) this.renderSlots();
    } catch (err) {
      if (controller.signal.aborted) return;
      if (fresh) this.days.replaceChildren();
      this.availabilityStatus.textContent = errorText(err, "Could not load times.");
    } finally {
      if (this.inFlight === controller) this.days.removeAttribute("aria-busy");
    }
  }

  private renderSlots() {
    const currentStart = this.data.booking.startsAt;
    const button = (s: Slot) => {
      const current = sameInstant(s.startsAt, currentStart);
      return slotButton(s, {
        pressed: this.selected?.startsAt === s.startsAt, current, disabled: current, label: leftLabel(s, this.wholeItem), onChoose: (c) => this.choose(c),
      });
    };
    this.days.replaceChildren(...weekColumns(this.slots, this.range, button));
    this.syncSelected();
  }

  private choose(s: Slot) {
    this.selected = s;
    for (const b of this.days.querySelectorAll<HTMLButtonElement>("[data-testid=slot]")) {
      b.setAttribute("aria-pressed", String(b.dataset.startsAt === s.startsAt));
    }
    this.setAlert(undefined);
    this.syncSelected();
  }

  /** Keeps the "new time" line and the Move button in step with the selection and latest availability. */
  private syncSelected() {
    const s = this.selected;
    this.moveButton.disabled = this.busy || !s;
    if (!s) {
      this.moveHint.textContent = "Pick a new time above.";
      return;
    }
    const current = this.slots.find((x) => x.startsAt === s.startsAt);
    const left = current && current.remainingSeats <= 0 ? " — no seats are left at this time now; please choose another." : "";
    this.moveHint.textContent = `New time: ${formatLocalDateTime(s.startsAtLocal)}${left}`;
  }
}
