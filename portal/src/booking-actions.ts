// Cancel and "change time" for one booking: the buttons, the cancel question with its money consequence, and the
// week of slots to move to. Shared by the guest's manage view (through the emailed link) and a signed-in
// customer's "my bookings" (through the session): each says how to load slots and make the change; the panels,
// their focus, busy state, errors and live refetches are the same.
import { refetchDelayMs } from "./refetch";
import { ApiError } from "./api";
import { el, slotButton, weekColumns } from "./dom";
import { leftLabel } from "./left";
import { formatDayLabel, formatLocalDateTime, pushOverlapsRange, shiftWeek, todayIn, weekFrom, type AvailabilityPush, type DateRange, type LocalDate, type Slot } from "./format";
import { allowedActions, cancelConsequence, sameInstant, type BookingDeadlines, type CancelFacts } from "./manage";

/** What the panels need to know about the booking, as the API sends it. */
export interface ActionBooking extends BookingDeadlines, CancelFacts {
  startsAt: string;
  timeZone: string;
}

export interface BookingActionsOptions {
  /** Makes element ids unique: a page may show several bookings. */
  idPrefix: string;
  /** Heading level of the panels, one below the booking's own heading. */
  heading: "h3" | "h4" | "h5";
  booking: () => ActionBooking;
  packageName: () => string;
  /** Slots of the booked service for the range; `revalidate` when something changed (see getAvailability). */
  loadSlots: (range: DateRange, signal: AbortSignal, revalidate: boolean) => Promise<{ slots: Slot[]; wholeItemName?: string | null }>;
  /** Makes the change and takes in the new booking; the answer is what the page then says. */
  cancel: (reason: string | null) => Promise<string>;
  reschedule: (slot: Slot) => Promise<string>;
  /** Takes in the booking as the API has it now (after a refusal that says the page was stale); failures are kept quiet. */
  reload: () => Promise<void>;
  /** The status line ("Your booking is cancelled…") and the error box of the booking's card. */
  say: (text: string | undefined) => void;
  warn: (text: string | undefined) => void;
  /** Redraws the booking's card (which redraws these actions); called when the booking or busy state changed. */
  changed: () => void;
  /** Where focus goes after a change: the card's heading. */
  focusHome: () => void;
  /** A panel opened: the page can close others. */
  opened?: () => void;
}

type Mode = "none" | "cancel" | "reschedule";

const errorText = (err: unknown, fallback: string) => (err instanceof Error ? err.message : fallback);

export class BookingActions {
  /** The "Cancel booking" and "Change time" buttons. */
  readonly buttons = el("div", { class: "manage-actions" });
  /** The open panel (cancel question or new time), below the buttons. */
  readonly panel = el("div", { class: "manage-panel", hidden: true });

  private mode: Mode = "none";
  private panelMode: Mode = "none";
  private busyNow = false;

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
  private readonly reason: HTMLTextAreaElement;
  private readonly consequence = el("p", { class: "consequence", "data-testid": "cancel-consequence" });
  private readonly confirmCancel = el("button", { type: "button", class: "primary danger" }, "Yes, cancel");
  private readonly keepBooking = el("button", { type: "button", class: "secondary" }, "Keep my booking");

  constructor(private readonly o: BookingActionsOptions) {
    this.reason = el("textarea", { id: `${o.idPrefix}cancel-reason`, rows: 2, maxlength: 500 });
    this.prevWeek.addEventListener("click", () => this.moveWeek(-1));
    this.nextWeek.addEventListener("click", () => this.moveWeek(1));
    this.moveButton.addEventListener("click", () => void this.reschedule());
    this.keepTime.addEventListener("click", () => this.close());
    this.confirmCancel.addEventListener("click", () => void this.cancel(this.reason.value.trim() || null));
    this.keepBooking.addEventListener("click", () => this.close());
  }

  get busy(): boolean {
    return this.busyNow;
  }

  /** Redraws the buttons and the panel for the booking as it is now; an action no longer allowed closes its panel. */
  render(now: Date = new Date()) {
    const booking = this.o.booking();
    const allowed = allowedActions(booking, now);
    if ((this.mode === "cancel" && !allowed.cancel) || (this.mode === "reschedule" && !allowed.reschedule)) this.mode = "none";

    const buttons: HTMLElement[] = [];
    if (allowed.cancel) {
      const cancel = el("button", { type: "button", class: "secondary", "aria-expanded": String(this.mode === "cancel"), disabled: this.busyNow }, "Cancel booking");
      cancel.addEventListener("click", () => this.open("cancel"));
      buttons.push(cancel);
    }
    if (allowed.reschedule) {
      const change = el("button", { type: "button", class: "secondary", "aria-expanded": String(this.mode === "reschedule"), disabled: this.busyNow }, "Change time");
      change.addEventListener("click", () => this.open("reschedule"));
      buttons.push(change);
    }
    this.buttons.replaceChildren(...buttons);
    this.buttons.hidden = buttons.length === 0;
    this.renderPanel();
  }

  /** Closes the open panel (another booking's opened, or the customer kept this one as it is). */
  close() {
    if (this.mode === "none") return;
    this.mode = "none";
    this.inFlight?.abort();
    this.o.changed();
  }

  private open(mode: "cancel" | "reschedule") {
    this.mode = mode;
    this.o.warn(undefined);
    this.o.say(undefined);
    if (mode === "reschedule") {
      this.today = todayIn(this.o.booking().timeZone);
      this.range = weekFrom(this.today);
      this.slots = [];
      this.selected = undefined;
    }
    this.o.opened?.();
    this.o.changed();
    this.panel.querySelector<HTMLElement>(this.o.heading)?.focus();
    if (mode === "reschedule") void this.loadAvailability(true);
  }

  /** Builds a panel only when it opens, so redraws keep focus and what was typed. */
  private renderPanel() {
    if (this.mode !== this.panelMode) {
      this.panelMode = this.mode;
      const heading = (text: string) => el(this.o.heading, { tabindex: -1 }, text);
      if (this.mode === "cancel") {
        this.reason.value = "";
        this.panel.replaceChildren(
          heading("Cancel this booking?"),
          this.consequence,
          el("div", { class: "field" }, el("label", { for: this.reason.id }, "Reason (optional)"), this.reason),
          el("div", { class: "button-row" }, this.confirmCancel, this.keepBooking),
        );
      } else if (this.mode === "reschedule") {
        this.panel.replaceChildren(
          heading(`Choose a new time — ${this.o.packageName()}`),
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
    this.confirmCancel.disabled = this.busyNow;
    this.keepBooking.disabled = this.busyNow;
    // The refund shown is as of the latest answer: it can shrink as the booking's windows close.
    if (this.mode === "cancel") this.consequence.textContent = cancelConsequence(this.o.booking());
    if (this.mode === "reschedule") {
      this.renderWeekNav();
      this.syncSelected();
    }
  }

  private async cancel(reason: string | null) {
    if (this.busyNow) return;
    this.o.warn(undefined);
    this.setBusy(true);
    try {
      const said = await this.o.cancel(reason);
      this.mode = "none";
      this.o.say(said);
      this.o.focusHome();
    } catch (err) {
      this.o.warn(errorText(err, "Could not cancel the booking. Please try again."));
      // 409/422: the booking is not what the page shows (already cancelled, deadline passed): show the truth.
      if (err instanceof ApiError && (err.problem.status === 409 || err.problem.status === 422)) await this.o.reload();
    } finally {
      this.setBusy(false);
    }
  }

  private async reschedule() {
    if (this.busyNow || !this.selected) return;
    const target = this.selected;
    this.o.warn(undefined);
    this.setBusy(true);
    try {
      const said = await this.o.reschedule(target);
      this.mode = "none";
      this.o.say(said);
      this.o.focusHome();
    } catch (err) {
      this.o.warn(errorText(err, "Could not move the booking. Please try again."));
      if (err instanceof ApiError && (err.problem.status === 409 || err.problem.status === 422)) {
        // The booking is unchanged; the times shown were stale (or the booking itself changed).
        await this.o.reload();
        if (this.mode === "reschedule") void this.loadAvailability(false);
      }
    } finally {
      this.setBusy(false);
    }
  }

  private setBusy(on: boolean) {
    this.busyNow = on;
    this.o.changed();
  }

  // ---- Availability for a new time ---------------------------------------------------

  onPush(push: AvailabilityPush) {
    if (this.mode === "reschedule" && pushOverlapsRange(push, this.range, this.o.booking().timeZone)) this.scheduleRefresh();
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
      const { slots, wholeItemName } = await this.o.loadSlots(this.range, controller.signal, !fresh);
      if (controller.signal.aborted) return;
      this.availabilityStatus.textContent = "";
      // Skip redrawing identical data so live refetches do not disturb the page.
      const changed = fresh || JSON.stringify(slots) !== JSON.stringify(this.slots);
      this.slots = slots;
      this.wholeItem = wholeItemName;
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
    const currentStart = this.o.booking().startsAt;
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
    this.o.warn(undefined);
    this.syncSelected();
  }

  /** Keeps the "new time" line and the Move button in step with the selection and latest availability. */
  private syncSelected() {
    const s = this.selected;
    this.moveButton.disabled = this.busyNow || !s;
    if (!s) {
      this.moveHint.textContent = "Pick a new time above.";
      return;
    }
    const current = this.slots.find((x) => x.startsAt === s.startsAt);
    const left = current && current.remainingSeats <= 0 ? " — no seats are left at this time now; please choose another." : "";
    this.moveHint.textContent = `New time: ${formatLocalDateTime(s.startsAtLocal)}${left}`;
  }
}
