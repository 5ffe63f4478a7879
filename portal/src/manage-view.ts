// The "manage your booking" view, opened from the link in confirmation, reschedule and reminder
// emails: shows the booking and lets the customer cancel it or move it to another time.
import { ApiError, cancelManagedBooking, getManagedAvailability, getManagedBooking, rescheduleManagedBooking, type ManagedBooking } from "./api";
import { BookingActions } from "./booking-actions";
import { $, el } from "./dom";
import { formatLocalDateTime, formatMoney, type AvailabilityPush } from "./format";
import { startLive, type LiveStatus } from "./live";
import { describeDeadline, describeLinkExpiry, linkRefusal, statusInWords, type ManageLink } from "./manage";

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
  private readonly actions: BookingActions;

  constructor(private readonly link: ManageLink, private data: ManagedBooking) {
    this.actions = new BookingActions({
      idPrefix: "",
      heading: "h3",
      booking: () => this.data.booking,
      packageName: () => this.data.packageName,
      loadSlots: (range, signal) => getManagedAvailability(link.bookingId, link.token, range.from, range.to, signal),
      cancel: async (reason) => {
        this.data = await cancelManagedBooking(link.bookingId, link.token, reason);
        return CANCELLED;
      },
      reschedule: async (slot) => {
        this.data = await rescheduleManagedBooking(link.bookingId, link.token, slot.startsAt);
        return `Your booking is moved to ${formatLocalDateTime(this.data.booking.startsAtLocal)}.`;
      },
      reload: () => this.reload(),
      say: (text) => this.setMessage(text),
      warn: (text) => this.setAlert(text),
      changed: () => this.render(),
      focusHome: () => this.title.focus(),
    });
    this.root = el(
      "div",
      // The booking id comes from the link's own URL: the API's answer carries no internal ids.
      { class: "result manage", "data-testid": "manage-booking", "data-booking-id": link.bookingId, "aria-labelledby": "manage-title" },
      this.title, this.message, this.details, this.alert, this.actions.buttons, this.actions.panel,
    );
    this.render();
  }

  private render() {
    const { booking } = this.data;
    const now = new Date();
    this.root.dataset.status = booking.status;
    this.root.setAttribute("aria-busy", String(this.actions.busy));
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
    this.actions.render(now);
  }

  private setMessage(text: string | undefined) {
    this.message.textContent = text ?? "";
    this.message.hidden = !text;
  }

  private setAlert(text: string | undefined) {
    this.alert.textContent = text ?? "";
    this.alert.hidden = !text;
  }

  /** Refreshes the booking quietly; a failure keeps what is shown (the alert already says why). */
  private async reload() {
    try {
      this.data = await getManagedBooking(this.link.bookingId, this.link.token);
    } catch {
      // keep the last known booking
    }
  }

  onPush(push: AvailabilityPush) {
    this.actions.onPush(push);
  }

  onWatching() {
    this.actions.onWatching();
  }
}
