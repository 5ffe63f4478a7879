import { refetchDelayMs } from "./refetch";
import "./style.css";
import { Account } from "./account";
import { ApiError, NetworkError, createBooking, getAvailability, getCatalog, proveEmail, retryPayment, type Booking, type Catalog, type CatalogPackage, type Payment } from "./api";
import { $, el, show, slotButton, weekColumns } from "./dom";
import {
  changedDaysIn, formatDayLabel, formatDuration, formatInZone, formatLocalTime, formatMoney, replaceDays,
  runsOf, shiftWeek, todayIn, weekFrom, type DateRange, type LocalDate, type Slot,
} from "./format";
import { SubmissionKeys } from "./idempotency";
import { leftLabel, seatsHint } from "./left";
import { startLive, type LiveStatus } from "./live";
import { manageLinkFrom } from "./manage";
import { startManageView } from "./manage-view";
import type { FormField, Problem } from "./problem";
import { accountRoute } from "./session";
import { loadStripe } from "./stripe";
import { closeWaitlist, withWaitlist } from "./waitlist";

const params = new URLSearchParams(location.search);
// `||`, not `??`: an empty ?business= or empty variable should fall back too.
const slug = params.get("business")?.trim() || import.meta.env.VITE_DEFAULT_BUSINESS || "demo";
const stripeKey = import.meta.env.VITE_STRIPE_PUBLISHABLE_KEY;

// ---- State ----------------------------------------------------------------------------

let catalog: Catalog | undefined;
let today: LocalDate = "";
let pkg: CatalogPackage | undefined;
let range: DateRange = { from: "", to: "" };
let slots: Slot[] = [];
let wholeItem: string | null | undefined;
let selected: Slot | undefined;
let showingResult = false;
let submitting = false;
const keys = new SubmissionKeys();
// The header's Sign in / My bookings and their screens; not on a manage link's page.
let account: Account | undefined;

// ---- Live indicator -----------------------------------------------------------------

function setLiveStatus(status: LiveStatus) {
  $("live-status").textContent = status;
  $("live-status").parentElement!.dataset.state = status;
  show("live-hint", status === "offline");
}

// ---- Catalog ------------------------------------------------------------------------

async function init() {
  const returned = params.get("booking") && params.get("redirect_status");
  if (returned) showStripeReturn(params.get("redirect_status")!);

  try {
    catalog = await getCatalog(slug);
  } catch (err) {
    $("business-name").textContent = "Booking";
    setLiveStatus("offline");
    const message = err instanceof ApiError && err.problem.status === 404
      ? `We could not find the business “${slug}”. Check the link you were given.`
      : err instanceof Error ? err.message : "Something went wrong.";
    showPageError(message);
    $("account-nav").hidden = true;
    return;
  }

  document.title = `Book — ${catalog.name}`;
  $("business-name").textContent = catalog.name;
  today = todayIn(catalog.timeZone);
  renderPackages();
  route();
  window.addEventListener("hashchange", route);

  startLive({
    slug,
    onStatus: setLiveStatus,
    // Only the shown days the push names are refetched.
    onChange: (push) => {
      account?.onPush(push);
      if (!pkg || showingResult || !catalog) return;
      const days = changedDaysIn(push, range, catalog.timeZone, slots);
      if (days.length > 0) scheduleRefresh(days);
    },
    // Pushes sent while disconnected are lost, so catch up whenever watching (re)starts.
    onWatching: () => {
      account?.onWatching();
      if (pkg && !showingResult) scheduleRefresh();
    },
  });
}

/** `#sign-in` and `#my-bookings` show the account screens in place of the booking flow, which keeps its state. */
function route() {
  if (!catalog || !account) return;
  const view = accountRoute(location.hash);
  $("main").dataset.view = view ? "account" : "booking";
  if (view) account.show(view, catalog);
  else {
    account.hide();
    document.title = `Book — ${catalog.name}`;
  }
}

function showPageError(message: string) {
  const box = $("page-error");
  box.textContent = message;
  box.hidden = false;
}

function showStripeReturn(status: string) {
  const notice = $("notice");
  notice.textContent =
    status === "succeeded" ? "Thank you — your payment was received. A confirmation email is on its way."
    : status === "processing" ? "Your payment is being processed. We will email you as soon as it is confirmed."
    : "Your payment did not go through. Your time stays held for a short while — you can book again below.";
  notice.hidden = false;
  // Drop Stripe's query parameters so a reload does not show the notice again.
  history.replaceState(null, "", `${location.pathname}?business=${encodeURIComponent(slug)}`);
}

function renderPackages() {
  const list = $("packages");
  list.replaceChildren(
    ...catalog!.packages.map((p) => {
      const button = el(
        "button",
        { type: "button", class: "package", "data-testid": "package", "data-package-id": p.id, "aria-pressed": "false" },
        el("span", { class: "package-name" }, p.name),
        ...(p.description ? [el("span", { class: "package-desc" }, p.description)] : []),
        el("span", { class: "package-meta" }, `${formatDuration(p.durationMinutes)} · ${formatMoney(p.priceMinor, p.currency)}`),
      );
      button.addEventListener("click", () => choosePackage(p));
      return el("li", {}, button);
    }),
  );
  if (catalog!.packages.length === 0) list.replaceChildren(el("li", { class: "muted" }, "Nothing can be booked online right now."));
  show("packages-section", true);
}

function choosePackage(p: CatalogPackage) {
  pkg = p;
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-testid=package]")) {
    b.setAttribute("aria-pressed", String(b.dataset.packageId === p.id));
  }
  range = weekFrom(today);
  slots = [];
  closeForm();
  closeWaitlist();
  $("availability-title").textContent = `Pick a time — ${p.name}`;
  show("availability-section", true);
  void loadAvailability(true);
}

// ---- Availability -------------------------------------------------------------------

let inFlight: AbortController | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
// What the pending refetch covers: the changed days pushes named, or the whole week after a reconnect.
let pendingDays = new Set<LocalDate>();
let pendingWeek = false;

/**
 * Gathers pushes into one refetch per page (a burst of changes, e.g. a batch of expiries). The first push
 * sets the timer and later ones only add days: resetting it would starve a page of a business that
 * changes more often than the delay.
 */
function scheduleRefresh(days?: LocalDate[]) {
  if (days) for (const d of days) pendingDays.add(d);
  else pendingWeek = true;
  if (refreshTimer !== undefined) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    const week = pendingWeek;
    const changed = [...pendingDays];
    pendingDays = new Set();
    pendingWeek = false;
    void (week ? loadAvailability(false) : refreshDays(changed));
  }, refetchDelayMs());
}

/** Refetches only the given days of the shown week (one request per run of days) and redraws if they changed. */
async function refreshDays(days: LocalDate[]) {
  if (!pkg || !catalog) return;
  const wanted = days.filter((d) => d >= range.from && d <= range.to);
  if (wanted.length === 0) return;
  // A full load still under way may predate the change: fetch the week again rather than mix answers.
  if (inFlight) return loadAvailability(false);
  const controller = (inFlight = new AbortController());
  const forPackage = pkg.id;
  try {
    const answers = await Promise.all(runsOf(wanted).map((r) => getAvailability(slug, forPackage, r.from, r.to, controller.signal, true)));
    if (controller.signal.aborted) return;
    const next = replaceDays(slots, answers.flatMap((a) => a.slots), wanted);
    if (JSON.stringify(next) !== JSON.stringify(slots)) {
      slots = next;
      renderSlots();
    }
  } catch {
    // Keep what is shown: the next push or reconnect refetches.
  } finally {
    if (inFlight === controller) inFlight = undefined;
  }
}

async function loadAvailability(fresh: boolean) {
  if (!pkg || !catalog) return;
  inFlight?.abort(); // only the newest answer may be drawn
  const controller = (inFlight = new AbortController());
  const status = $("availability-status");
  renderWeekNav();
  if (fresh) {
    status.textContent = "Loading times…";
    $("days").replaceChildren();
  }
  $("days").setAttribute("aria-busy", "true");
  try {
    const result = await getAvailability(slug, pkg.id, range.from, range.to, controller.signal, !fresh);
    if (controller.signal.aborted) return;
    status.textContent = "";
    // Skip redrawing identical data so live refetches do not disturb the page.
    const changed = fresh || JSON.stringify(result.slots) !== JSON.stringify(slots);
    slots = result.slots;
    wholeItem = result.wholeItemName;
    if (changed) renderSlots();
  } catch (err) {
    if (controller.signal.aborted) return;
    if (fresh) $("days").replaceChildren();
    status.textContent = err instanceof Error ? err.message : "Could not load times.";
  } finally {
    if (inFlight === controller) {
      inFlight = undefined;
      $("days").removeAttribute("aria-busy");
    }
  }
}

function renderWeekNav() {
  $<HTMLButtonElement>("prev-week").disabled = range.from <= today;
  $("range-label").textContent = `${formatDayLabel(range.from)} – ${formatDayLabel(range.to)}`;
}

function renderSlots() {
  const waitlist = () => pkg && catalog && { slug, catalog, pkg, beforeOpen: closeForm, refresh: () => void loadAvailability(false) };
  const button = (s: Slot) =>
    withWaitlist(slotButton(s, { pressed: selected?.startsAt === s.startsAt, label: leftLabel(s, wholeItem), onChoose: chooseSlot }), s, waitlist);
  $("days").replaceChildren(...weekColumns(slots, range, button));
  syncSelectedSlot();
}

function moveWeek(weeks: number) {
  range = shiftWeek(range, weeks, today);
  void loadAvailability(true);
}

// ---- Booking form -------------------------------------------------------------------

const seatsInput = () => $<HTMLInputElement>("seats");

function chooseSlot(s: Slot) {
  selected = s;
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-testid=slot]")) {
    b.setAttribute("aria-pressed", String(b.dataset.startsAt === s.startsAt));
  }
  clearFormErrors();
  closeWaitlist();
  seatsInput().value = "1";
  // A signed-in customer books as themselves: their proven address needs no emailed code.
  const session = account?.session();
  if (session && !$<HTMLInputElement>("email").value) $<HTMLInputElement>("email").value = session.email;
  syncSelectedSlot();
  show("booking-section", true);
  $("booking-title").focus();
}

/** Keeps the form's summary and seat limit in step with the latest availability. */
function syncSelectedSlot() {
  if (!selected || !pkg || !catalog) return;
  const current = slots.find((s) => s.startsAt === selected!.startsAt);
  const max = Math.max(1, Math.min(pkg.maxSeats, current?.remainingSeats ?? 0));
  seatsInput().max = String(max);
  $("seats-hint").textContent = seatsHint(pkg.maxSeats, current);
  $("booking-summary").textContent = `${pkg.name} · ${formatDayLabel(selected.startsAtLocal.slice(0, 10))} at ${formatLocalTime(selected.startsAtLocal)} · ${pkg.priceMinor === 0 ? "Free" : `${formatMoney(pkg.priceMinor, pkg.currency)} per seat`}`;
}

function closeForm() {
  selected = undefined;
  for (const b of document.querySelectorAll("[data-testid=slot]")) b.setAttribute("aria-pressed", "false");
  show("booking-section", false);
  clearFormErrors();
}

const FIELD_INPUT: Record<FormField, string> = { seats: "seats", name: "name", email: "email" };

function clearFormErrors() {
  for (const field of Object.values(FIELD_INPUT)) {
    $(`${field}-error`).hidden = true;
    $(`${field}-error`).textContent = "";
    $(field).removeAttribute("aria-invalid");
  }
  show("form-error", false);
}

function showProblem(problem: Problem) {
  for (const [field, messages] of Object.entries(problem.fieldErrors) as [FormField, string[]][]) {
    const id = FIELD_INPUT[field];
    $(`${id}-error`).textContent = messages.join(" ");
    $(`${id}-error`).hidden = false;
    $(id).setAttribute("aria-invalid", "true");
  }
  showFormError(problem.message);
  const firstInvalid = Object.keys(problem.fieldErrors)[0] as FormField | undefined;
  if (firstInvalid) $(FIELD_INPUT[firstInvalid]).focus();
}

function showFormError(message: string) {
  $("form-error").textContent = message;
  show("form-error", true);
}

async function submitBooking(event: SubmitEvent) {
  event.preventDefault();
  if (submitting || !selected || !pkg) return;
  clearFormErrors();
  const email = $<HTMLInputElement>("email").value.trim();
  const body = JSON.stringify({
    packageId: pkg.id,
    startsAt: selected.startsAt,
    seats: Number(seatsInput().value),
    customer: { name: $<HTMLInputElement>("name").value.trim(), email },
  });
  // The API tells requests apart by who sent them too: signing in or out between tries makes a new one.
  const session = account?.session();
  const key = keys.keyFor(session ? `${body}\n${session.email}` : body);
  setSubmitting(true);
  try {
    const booking = await createBooking(slug, body, key, session?.accessToken);
    keys.settled();
    showResult(booking, email);
  } catch (err) {
    if (err instanceof ApiError) {
      // A 5xx may still have created the booking: keep the key so a retry cannot double-book.
      if (err.problem.status < 500) keys.settled();
      showProblem(err.problem);
      if (err.problem.status === 409 || err.problem.status === 422) void loadAvailability(false);
    } else if (err instanceof NetworkError) {
      showFormError(`${err.message} Press Book again to retry.`);
    } else {
      showFormError("Something went wrong. Please try again.");
    }
  } finally {
    setSubmitting(false);
  }
}

function setSubmitting(on: boolean) {
  submitting = on;
  const button = $<HTMLButtonElement>("book");
  button.disabled = on;
  button.setAttribute("aria-busy", String(on));
}

// ---- Result -------------------------------------------------------------------------

function showResult(booking: Booking, email: string) {
  showingResult = true;
  show("packages-section", false);
  show("availability-section", false);
  show("booking-section", false);
  const tz = booking.timeZone || catalog!.timeZone;
  const when = formatInZone(booking.startsAt, tz);
  const amount = formatMoney(booking.amountMinor, booking.currency);
  const seats = `${booking.seats} ${booking.seats === 1 ? "seat" : "seats"}`;

  let card: HTMLElement;
  if (booking.awaitingEmailProof) {
    card = emailProofCard(booking, email, `${pkg?.name ?? "Your booking"} on ${when} · ${seats} · ${amount}.`);
  } else if (booking.status === "confirmed") {
    card = el(
      "div",
      { class: "result confirmed", "data-testid": "booking-confirmed", "data-booking-id": booking.id },
      el("h2", { id: "result-title", tabindex: -1 }, "You're booked!"),
      el("p", {}, `${pkg?.name ?? "Your booking"} on ${when}.`),
      el("p", {}, `${seats} · ${amount}`),
      el("p", {}, `A confirmation email is on its way${email ? ` to ${email}` : ""}.`),
    );
  } else {
    const until = booking.expiresAt ? formatInZone(booking.expiresAt, tz, undefined, false) : undefined;
    card = el(
      "div",
      { class: "result held", "data-testid": "booking-held", "data-booking-id": booking.id },
      el("h2", { id: "result-title", tabindex: -1 }, "Your time is held"),
      el("p", {}, `${pkg?.name ?? "Your booking"} on ${when} · ${seats} · ${amount}.`),
      el("p", {}, until ? `We are holding it for you until ${until}. Complete payment to confirm it.` : "Complete payment to confirm it."),
    );
    if (booking.payment) card.append(paymentBlock(booking, booking.payment));
  }

  const again = el("button", { type: "button", class: "secondary" }, "Book another");
  again.addEventListener("click", bookAnother);
  $("result-section").replaceChildren(card, again);
  show("result-section", true);
  $("result-title").focus();
}

/**
 * A guest proves the address before anything is confirmed or paid: the code the API emailed is entered here, and
 * the answer (confirmed, or held with its payment) replaces this card.
 */
function emailProofCard(booking: Booking, email: string, summary: string): HTMLElement {
  const tz = booking.timeZone || catalog!.timeZone;
  const until = booking.expiresAt ? formatInZone(booking.expiresAt, tz, undefined, false) : undefined;
  const error = el("p", { class: "error-box", role: "alert", id: "code-error", hidden: true });
  const input = el("input", {
    id: "email-code", name: "code", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}",
    maxlength: "6", required: true, "aria-describedby": "code-hint code-error",
  }) as HTMLInputElement;
  const submit = el("button", { type: "submit", class: "primary" }, "Confirm booking");
  const form = el(
    "form",
    { class: "email-proof", novalidate: true },
    el("div", { class: "field" }, el("label", { for: "email-code" }, "Code from the email"), input),
    el("p", { id: "code-hint", class: "hint" }, `Six digits, sent to ${email}.`),
    error,
    submit,
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value.trim();
    if (!/^[0-9]{6}$/.test(code)) {
      error.textContent = "Enter the six digits from the email.";
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    proveEmail(booking.id, code)
      .then((next) => showResult(next, email))
      .catch((err: unknown) => {
        error.textContent = err instanceof ApiError ? err.problem.message
          : err instanceof NetworkError ? `${err.message} Press Confirm booking again to retry.`
          : "Something went wrong. Please try again.";
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.focus();
      })
      .finally(() => {
        submit.disabled = false;
        submit.setAttribute("aria-busy", "false");
      });
  });
  return el(
    "div",
    { class: "result held", "data-testid": "booking-awaiting-code", "data-booking-id": booking.id },
    el("h2", { id: "result-title", tabindex: -1 }, "Check your email"),
    el("p", {}, summary),
    el("p", {}, `We emailed a code to ${email}. Enter it to confirm the booking${until ? `; the time is held for you until ${until}` : ""}.`),
    form,
  );
}

function paymentBlock(booking: Booking, payment: Payment): HTMLElement {
  const block = el("div", { class: "payment" });
  const error = el("p", { class: "error-box", role: "alert", hidden: true });
  const fail = (message: string) => {
    error.textContent = message;
    error.hidden = false;
  };

  if (payment.status === "ready" && payment.clientSecret) {
    if (!stripeKey) {
      block.append(
        el("p", {}, "Payment is handled by the local Stripe emulator in development"),
        el("p", {}, "PaymentIntent: ", el("code", { class: "payment-intent" }, payment.paymentIntentId ?? "")),
      );
      return block;
    }
    const mount = el("div", { class: "payment-element" });
    const pay = el("button", { type: "button", class: "primary", disabled: true }, "Pay");
    block.append(mount, error, pay);
    loadStripe(stripeKey)
      .then((stripe) => {
        const elements = stripe.elements({ clientSecret: payment.clientSecret! });
        elements.create("payment").mount(mount);
        pay.disabled = false;
        pay.addEventListener("click", async () => {
          pay.disabled = true;
          error.hidden = true;
          const returnUrl = new URL(location.pathname, location.origin);
          returnUrl.search = new URLSearchParams({ business: slug, booking: booking.id }).toString();
          // On success Stripe redirects away; we only get here with an error.
          const { error: e } = await stripe.confirmPayment({ elements, confirmParams: { return_url: returnUrl.toString() } });
          if (e) fail(e.message ?? "The payment did not go through.");
          pay.disabled = false;
        });
      })
      .catch((e: unknown) => fail(e instanceof Error ? e.message : "Could not load the payment form."));
    return block;
  }

  // The hold stands while Stripe is unreachable; retrying reuses the same PaymentIntent server-side.
  const retry = el("button", { type: "button", class: "primary" }, "Retry payment");
  block.append(el("p", {}, "Payment could not be started"), error, retry);
  retry.addEventListener("click", async () => {
    if (!payment.retryUrl) return;
    retry.disabled = true;
    error.hidden = true;
    try {
      const next = await retryPayment(payment.retryUrl);
      block.replaceWith(paymentBlock(booking, { ...next, retryUrl: next.retryUrl ?? payment.retryUrl }));
    } catch (e) {
      fail(e instanceof Error ? e.message : "Payment could not be started.");
      retry.disabled = false;
    }
  });
  return block;
}

function bookAnother() {
  showingResult = false;
  show("result-section", false);
  $("result-section").replaceChildren();
  $<HTMLFormElement>("booking-form").reset();
  closeForm();
  show("packages-section", true);
  show("availability-section", !!pkg);
  if (pkg) {
    void loadAvailability(false);
    $("availability-title").scrollIntoView({ block: "start" });
  }
}

// ---- Wiring -------------------------------------------------------------------------

$("prev-week").addEventListener("click", () => moveWeek(-1));
$("next-week").addEventListener("click", () => moveWeek(1));
$<HTMLFormElement>("booking-form").addEventListener("submit", (e) => void submitBooking(e));
// A link from a booking email (booking + token) opens the manage view instead of the booking flow.
const manageLink = manageLinkFrom(params, location.hash);
if (manageLink) {
  // Out of the address bar and history once read; the view keeps it in memory.
  history.replaceState(null, "", location.pathname + location.search);
  void startManageView({ link: manageLink, setLiveStatus });
} else {
  account = new Account(slug);
  void init();
}
