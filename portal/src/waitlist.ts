// The waiting list of a full slot: instead of a dead "Full", the customer can join it (email and seats), sees their
// place in line and how an offer works, and can leave again with the entry's token (kept in memory only, like a
// manage link's once read).
import { ApiError, NetworkError, joinWaitlist, leaveWaitlist, type Catalog, type CatalogPackage, type WaitlistEntry } from "./api";
import { $, el, show } from "./dom";
import { formatDayLabel, formatLocalDateTime, formatLocalTime, type Slot } from "./format";
import { canWait } from "./left";
import type { FormField } from "./problem";

export interface WaitlistContext {
  slug: string;
  catalog: Catalog;
  pkg: CatalogPackage;
  /** Closes the booking form: one form at a time. */
  beforeOpen: () => void;
  /** Refetches the week (a 409 may mean seats came free: the slot can be booked instead). */
  refresh: () => void;
}

const SECTION = "waitlist-section";

/** The section the form and its answer live in, made once, right after the times. */
function section(): HTMLElement {
  const existing = document.getElementById(SECTION);
  if (existing) return existing;
  const made = el("section", { id: SECTION, "aria-labelledby": "waitlist-title", hidden: true });
  $("availability-section").after(made);
  return made;
}

/**
 * Hides and empties the waiting-list form (when a bookable slot is chosen, or another package). A confirmation stays:
 * its "Leave the waiting list" holds the only copy of the entry's token.
 */
export function closeWaitlist() {
  const s = document.getElementById(SECTION);
  if (!s || s.querySelector("[data-testid=waitlist-joined]")) return;
  s.hidden = true;
  s.replaceChildren();
}

/**
 * A slot's list item: the slot as it is (disabled when full) and, when nothing is left for a newcomer, a
 * "Join waiting list" button beside it.
 */
export function withWaitlist(slotButton: HTMLElement, s: Slot, context: () => WaitlistContext | undefined): HTMLElement {
  if (!canWait(s)) return slotButton;
  const join = el(
    "button",
    {
      type: "button",
      class: "waitlist-join",
      "data-testid": "join-waitlist",
      "data-starts-at": s.startsAt,
      "aria-label": `Join waiting list for ${formatLocalTime(s.startsAtLocal)} on ${formatDayLabel(s.startsAtLocal.slice(0, 10))}`,
    },
    "Join waiting list",
  );
  join.addEventListener("click", () => {
    const ctx = context();
    if (ctx) openForm(ctx, s);
  });
  return el("div", { class: "slot-full" }, slotButton, join);
}

const FIELDS: FormField[] = ["seats", "name", "email"];

function openForm(ctx: WaitlistContext, s: Slot) {
  ctx.beforeOpen();
  const id = (f: FormField) => `waitlist-${f}`;
  const input = (f: FormField, attrs: Record<string, string | number | boolean>) =>
    el("input", { id: id(f), name: f, "aria-describedby": `${id(f)}-hint ${id(f)}-error`, ...attrs }) as HTMLInputElement;
  const field = (f: FormField, label: string, control: HTMLInputElement, hint?: string) =>
    el(
      "div",
      { class: "field" },
      el("label", { for: id(f) }, label),
      control,
      el("p", { id: `${id(f)}-hint`, class: "hint", hidden: !hint }, hint ?? ""),
      el("p", { id: `${id(f)}-error`, class: "field-error", hidden: true }),
    );
  const seats = input("seats", { type: "number", min: 1, max: ctx.pkg.maxSeats, step: 1, value: 1, inputmode: "numeric" });
  const name = input("name", { type: "text", autocomplete: "name" });
  const email = input("email", { type: "email", autocomplete: "email" });
  const error = el("div", { class: "error-box", role: "alert", hidden: true });
  const submit = el("button", { type: "submit", class: "primary" }, "Join waiting list");
  const cancel = el("button", { type: "button", class: "secondary" }, "Cancel");
  const form = el(
    "form",
    { class: "booking-form", novalidate: true, "data-testid": "waitlist-form" },
    field("seats", "Seats", seats, ctx.pkg.maxSeats === 1 ? "1 person per booking." : `1 to ${ctx.pkg.maxSeats} people.`),
    field("name", "Name", name),
    field("email", "Email", email, "We email you here if a place comes free."),
    error,
    el("div", { class: "button-row" }, submit, cancel),
  ) as HTMLFormElement;

  const clearErrors = () => {
    for (const f of FIELDS) {
      const message = $(`${id(f)}-error`);
      message.hidden = true;
      message.textContent = "";
      $(id(f)).removeAttribute("aria-invalid");
    }
    error.hidden = true;
  };
  const fail = (message: string, fields: Partial<Record<FormField, string[]>> = {}) => {
    for (const [f, messages] of Object.entries(fields) as [FormField, string[]][]) {
      $(`${id(f)}-error`).textContent = messages.join(" ");
      $(`${id(f)}-error`).hidden = false;
      $(id(f)).setAttribute("aria-invalid", "true");
    }
    error.textContent = message;
    error.hidden = false;
    const first = Object.keys(fields)[0] as FormField | undefined;
    if (first) $(id(first)).focus();
  };

  cancel.addEventListener("click", () => {
    const box = section();
    box.hidden = true;
    box.replaceChildren();
    document.querySelector<HTMLElement>(`[data-testid=join-waitlist][data-starts-at="${s.startsAt}"]`)?.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const who = { name: name.value.trim(), email: email.value.trim() };
    if (!who.name || !who.email) {
      fail("Enter your name and email.", {
        ...(who.name ? {} : { name: ["Enter your name."] }),
        ...(who.email ? {} : { email: ["Enter your email."] }),
      });
      return;
    }
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    try {
      const entry = await joinWaitlist(ctx.slug, { packageId: ctx.pkg.id, startsAt: s.startsAt, seats: Number(seats.value), customer: who });
      showJoined(ctx, s, entry, who.email);
    } catch (err) {
      if (err instanceof ApiError) {
        fail(err.problem.message, err.problem.fieldErrors);
        if (err.problem.status === 409) ctx.refresh();
      } else if (err instanceof NetworkError) {
        fail(`${err.message} Press Join waiting list again to retry.`);
      } else {
        fail("Something went wrong. Please try again.");
      }
    } finally {
      submit.disabled = false;
      submit.setAttribute("aria-busy", "false");
    }
  });

  const box = section();
  box.replaceChildren(
    el("h2", { id: "waitlist-title", tabindex: -1 }, "Join the waiting list"),
    el("p", { class: "summary" }, `${ctx.pkg.name} · ${formatDayLabel(s.startsAtLocal.slice(0, 10))} at ${formatLocalTime(s.startsAtLocal)} is full.`),
    el("p", {}, offerTerms(ctx)),
    form,
  );
  box.hidden = false;
  $("waitlist-title").focus();
}

/** How an offer works, in one sentence: it is held for the business's offer minutes, then passes on. */
function offerTerms(ctx: WaitlistContext, to = "you"): string {
  const minutes = ctx.catalog.waitlistOfferMinutes ?? 30;
  const held = minutes % 60 === 0 && minutes >= 60 ? `${minutes / 60} ${minutes === 60 ? "hour" : "hours"}` : `${minutes} minutes`;
  return `If a place comes free, the first person in line whose party fits is offered it: we hold it for ${held} and email ${to} a link to book it. If it is not taken in time, it goes to the next person in line.`;
}

function showJoined(ctx: WaitlistContext, s: Slot, entry: WaitlistEntry, email: string) {
  const token = entry.token;
  const place = entry.position <= 1 ? "You are first in line." : `You are number ${entry.position} in line.`;
  const seats = `${entry.seats} ${entry.seats === 1 ? "seat" : "seats"}`;
  const leave = el("button", { type: "button", class: "link-button", "data-testid": "leave-waitlist" }, "Leave the waiting list");
  const error = el("p", { class: "error-box", role: "alert", hidden: true });
  const card = el(
    "div",
    { class: "result waiting", "data-testid": "waitlist-joined", "data-entry-id": entry.id, "data-position": entry.position },
    el("h2", { id: "waitlist-title", tabindex: -1 }, "You're on the waiting list"),
    el("p", {}, `${ctx.pkg.name} on ${formatLocalDateTime(s.startsAtLocal)} · ${seats}.`),
    el("p", { "data-testid": "waitlist-place" }, place),
    el("p", {}, offerTerms(ctx, email)),
    error,
    leave,
  );
  leave.addEventListener("click", async () => {
    if (!token) return;
    leave.disabled = true;
    error.hidden = true;
    try {
      await leaveWaitlist(entry.id, token);
      card.replaceChildren(
        el("h2", { id: "waitlist-title", tabindex: -1 }, "You have left the waiting list"),
        el("p", { "data-testid": "waitlist-left" }, `You are no longer waiting for ${ctx.pkg.name} on ${formatLocalDateTime(s.startsAtLocal)}.`),
      );
      $("waitlist-title").focus();
      ctx.refresh();
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : "Could not leave the waiting list. Please try again.";
      error.hidden = false;
      leave.disabled = false;
    }
  });
  const box = section();
  box.replaceChildren(card);
  show(SECTION, true);
  $("waitlist-title").focus();
  ctx.refresh();
}
