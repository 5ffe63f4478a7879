// "My bookings" (`#my-bookings`): the signed-in customer's bookings with this business, upcoming and past, in the
// business's time and money, each with what was paid and refunded, and Cancel / Change time as the booking's
// policy allows (the same panels as the guest's manage view, booking-actions.ts).
import { ApiError, cancelMyBooking, getAvailability, getMyBookings, rescheduleMyBooking, type Catalog, type CustomerBooking } from "./api";
import { BookingActions } from "./booking-actions";
import { el } from "./dom";
import { formatLocalDateTime, formatMoney, type AvailabilityPush } from "./format";
import { describeDeadline, statusInWords } from "./manage";
import { paidInWords, refundsInWords, splitBookings } from "./my-bookings";
import type { CustomerSession } from "./session";

export interface MyBookingsViewOptions {
  slug: string;
  catalog: Catalog;
  session: CustomerSession;
  /** The API no longer accepts the session (expired, or signed out elsewhere). */
  sessionEnded: () => void;
}

const PAGE_SIZE = 100;
// Ten pages of a hundred: more than any one person books; the rest would wait for paging in the page.
const MAX_PAGES = 10;
const SESSION_ENDED = "Your session has ended; sign in again.";

export class MyBookingsView {
  readonly root: HTMLElement;
  private readonly title = el("h2", { id: "my-bookings-title", tabindex: -1 }, "My bookings");
  private readonly status = el("p", { class: "muted", role: "status", "data-testid": "my-bookings-status" });
  private readonly alert = el("div", { class: "error-box", role: "alert", hidden: true });
  private readonly lists = el("div", { class: "my-bookings-lists" });
  private cards = new Map<string, BookingCard>();
  private loading: AbortController | undefined;

  constructor(private readonly o: MyBookingsViewOptions) {
    this.root = el(
      "section",
      { class: "account", "data-testid": "my-bookings", "aria-labelledby": "my-bookings-title" },
      this.title,
      el("p", { class: "muted" }, `Your bookings with ${o.catalog.name}, as ${o.session.email}. Times are the business's (${o.catalog.timeZone}).`),
      this.status,
      this.alert,
      this.lists,
    );
  }

  focus() {
    this.title.focus();
  }

  dispose() {
    this.loading?.abort();
  }

  /** Loads every page of the person's bookings and draws this business's, upcoming then past. */
  async load() {
    this.loading?.abort();
    const controller = (this.loading = new AbortController());
    this.status.textContent = "Loading your bookings…";
    this.root.setAttribute("aria-busy", "true");
    this.alert.hidden = true;
    try {
      const all = await this.fetchAll(controller.signal);
      if (controller.signal.aborted) return;
      this.status.textContent = "";
      this.draw(all);
    } catch (err) {
      if (controller.signal.aborted) return;
      this.status.textContent = "";
      if (err instanceof ApiError && err.problem.status === 401) {
        this.o.sessionEnded();
        return;
      }
      this.alert.textContent = err instanceof Error ? `Could not load your bookings. ${err.message}` : "Could not load your bookings.";
      this.alert.hidden = false;
    } finally {
      if (this.loading === controller) this.root.removeAttribute("aria-busy");
    }
  }

  /** Takes in a booking as the API has it now, without moving cards around (they move on the next load). */
  private async refresh(id: string) {
    try {
      const all = await this.fetchAll();
      const fresh = all.find((b) => b.id === id);
      if (fresh) this.cards.get(id)?.update(fresh);
    } catch {
      // Keep what is shown: the change itself already said what happened.
    }
  }

  private async fetchAll(signal?: AbortSignal): Promise<CustomerBooking[]> {
    const all: CustomerBooking[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await getMyBookings(this.o.session.accessToken, this.o.slug, page, PAGE_SIZE, signal);
      all.push(...answer.items);
      if (answer.items.length < PAGE_SIZE || all.length >= answer.total) break;
    }
    return all;
  }

  private draw(bookings: CustomerBooking[]) {
    const { upcoming, past } = splitBookings(bookings);
    for (const card of this.cards.values()) card.actions.close();
    this.cards = new Map();
    const list = (items: CustomerBooking[], testid: string) =>
      el("ul", { class: "my-bookings", "data-testid": testid }, ...items.map((b) => {
        const card = new BookingCard(b, this.o, () => this.closeOthers(b.id), () => this.refresh(b.id));
        this.cards.set(b.id, card);
        return el("li", {}, card.root);
      }));
    const book = el("a", { href: "#book" }, "Book a time");
    this.lists.replaceChildren(
      el("section", { "aria-labelledby": "upcoming-title" },
        el("h3", { id: "upcoming-title" }, "Upcoming"),
        upcoming.length > 0 ? list(upcoming, "upcoming-bookings")
          : el("p", { class: "muted", "data-testid": "no-upcoming" }, `You have no upcoming bookings with ${this.o.catalog.name}. `, book)),
      el("section", { "aria-labelledby": "past-title" },
        el("h3", { id: "past-title" }, "Past and cancelled"),
        past.length > 0 ? list(past, "past-bookings") : el("p", { class: "muted" }, "None yet.")),
    );
  }

  private closeOthers(id: string) {
    for (const [other, card] of this.cards) if (other !== id) card.actions.close();
  }

  onPush(push: AvailabilityPush) {
    for (const card of this.cards.values()) card.actions.onPush(push);
  }

  onWatching() {
    for (const card of this.cards.values()) card.actions.onWatching();
  }
}

/** One booking: its facts, its money, its deadlines, and the actions its policy still allows. */
class BookingCard {
  readonly root: HTMLElement;
  readonly actions: BookingActions;
  private readonly title: HTMLElement;
  private readonly message = el("p", { class: "notice", role: "status", "data-testid": "my-booking-message", hidden: true });
  private readonly alert = el("div", { class: "error-box", role: "alert", hidden: true });
  private readonly details = el("div", { class: "manage-details" });

  constructor(
    private booking: CustomerBooking,
    private readonly o: MyBookingsViewOptions,
    opened: () => void,
    refresh: () => Promise<void>,
  ) {
    const prefix = `bk-${booking.id}-`;
    this.title = el("h4", { id: `${prefix}title`, tabindex: -1 }, this.packageName());
    const token = o.session.accessToken;
    // A refused session is said in the card, then the page goes back to sign-in.
    const guard = async <T>(call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (err) {
        if (err instanceof ApiError && err.problem.status === 401) {
          setTimeout(o.sessionEnded, 0);
          throw new Error(SESSION_ENDED);
        }
        throw err;
      }
    };
    this.actions = new BookingActions({
      idPrefix: prefix,
      heading: "h5",
      booking: () => this.booking,
      packageName: () => this.packageName(),
      loadSlots: async (range, signal, revalidate) =>
        await getAvailability(o.slug, this.booking.packageId, range.from, range.to, signal, revalidate),
      cancel: async (reason) => {
        this.booking = await guard(() => cancelMyBooking(token, this.booking.id, reason));
        // The answer carries no refunds: they are read with the bookings.
        void refresh();
        return "Your booking is cancelled. A confirmation email is on its way.";
      },
      reschedule: async (slot) => {
        this.booking = await guard(() => rescheduleMyBooking(token, this.booking.id, slot.startsAt));
        return `Your booking is moved to ${formatLocalDateTime(this.booking.startsAtLocal)}.`;
      },
      reload: refresh,
      say: (text) => {
        this.message.textContent = text ?? "";
        this.message.hidden = !text;
      },
      warn: (text) => {
        this.alert.textContent = text ?? "";
        this.alert.hidden = !text;
      },
      changed: () => this.render(),
      focusHome: () => this.title.focus(),
      opened,
    });
    this.root = el(
      "article",
      { class: "result manage", "data-testid": "my-booking", "data-booking-id": booking.id, "aria-labelledby": this.title.id },
      this.title, this.message, this.details, this.alert, this.actions.buttons, this.actions.panel,
    );
    this.render();
  }

  update(booking: CustomerBooking) {
    this.booking = booking;
    this.render();
  }

  private packageName(): string {
    return this.booking.packageName ?? this.o.catalog.packages.find((p) => p.id === this.booking.packageId)?.name ?? "Booking";
  }

  private render() {
    const b = this.booking;
    const now = new Date();
    this.root.dataset.status = b.status;
    this.root.setAttribute("aria-busy", String(this.actions.busy));
    this.root.classList.toggle("inactive", b.status !== "confirmed" && b.status !== "held");
    const row = (term: string, value: string, testid?: string) => [el("dt", {}, term), el("dd", { "data-testid": testid }, value)];
    const deadlines: string[] = [];
    // Only a booking still on has deadlines worth reading; a finished one has none from the API.
    if (b.cancellableUntil !== null) deadlines.push(describeDeadline("cancel", b.cancellableUntil, b.timeZone, now));
    if (b.reschedulableUntil !== null) deadlines.push(describeDeadline("reschedule", b.reschedulableUntil, b.timeZone, now));
    const refunds = refundsInWords(b);
    this.details.replaceChildren(
      el(
        "dl",
        {},
        ...row("When", formatLocalDateTime(b.startsAtLocal), "my-booking-when"),
        ...row("Seats", `${b.seats} ${b.seats === 1 ? "seat" : "seats"}`),
        ...row("Amount", formatMoney(b.amountMinor, b.currency)),
        ...row("Paid", paidInWords(b), "my-booking-paid"),
        ...row("Status", statusInWords(b.status), "my-booking-status"),
      ),
      ...refunds.map((text) => el("p", { class: "refund", "data-testid": "my-booking-refund" }, text)),
      ...deadlines.map((text) => el("p", { class: "deadline" }, text)),
    );
    this.actions.render(now);
  }
}
