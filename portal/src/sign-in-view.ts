// The sign-in screen (`#sign-in`): the customer's email, then the six-digit code the API emailed to it. The
// right code opens a session (session.ts); the API's refusals show beside the field the customer is on.
import { ApiError, NetworkError, requestSignInCode, verifySignInCode, type SessionAnswer } from "./api";
import { el } from "./dom";
import { readPendingCode, savePendingCode, type PendingCode } from "./session";
import { fieldError, isCode, normaliseCode, waitText } from "./sign-in";

export interface SignInViewOptions {
  slug: string;
  businessName: string;
  /** Said above the form (e.g. "Your session has ended"). */
  notice?: string;
  signedIn: (answer: SessionAnswer) => void;
}

/** A field with its label, hint and error, wired for screen readers (`aria-describedby`, `aria-invalid`). */
class Field {
  readonly input: HTMLInputElement;
  readonly error: HTMLElement;
  readonly hint: HTMLElement;
  readonly root: HTMLElement;

  constructor(id: string, label: string, attrs: Record<string, string | boolean>, testid: string) {
    this.hint = el("p", { id: `${id}-hint`, class: "hint" });
    this.error = el("p", { id: `${id}-error`, class: "field-error", role: "alert", "data-testid": testid, hidden: true });
    this.input = el("input", { id, name: id, "aria-describedby": `${id}-hint ${id}-error`, ...attrs });
    this.root = el("div", { class: "field" }, el("label", { for: id }, label), this.input, this.hint, this.error);
  }

  show(message: string | undefined) {
    this.error.textContent = message ?? "";
    this.error.hidden = !message;
    if (message) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
  }
}

export class SignInView {
  readonly root: HTMLElement;
  private readonly title = el("h2", { id: "sign-in-title", tabindex: -1 }, "Sign in");
  private readonly body = el("div");
  private pending: PendingCode | undefined;
  private waitTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: SignInViewOptions) {
    this.root = el("section", { class: "result account", "data-testid": "sign-in", "aria-labelledby": "sign-in-title" }, this.title);
    if (o.notice) this.root.append(el("p", { class: "notice", role: "status" }, o.notice));
    this.root.append(this.body);
    this.pending = readPendingCode(sessionStorage);
    if (this.pending) this.codeStep();
    else this.emailStep();
  }

  focus() {
    this.title.focus();
  }

  /** Stops the countdown of a wait when the screen is left. */
  dispose() {
    clearInterval(this.waitTimer);
  }

  private emailStep(email = "") {
    const field = new Field("sign-in-email", "Your email address", { type: "email", autocomplete: "email", required: true, spellcheck: "false" }, "sign-in-email-error");
    field.input.value = email;
    field.hint.textContent = `We will email you a six-digit code: no password needed. You then see your bookings with ${this.o.businessName}.`;
    const send = el("button", { type: "submit", class: "primary" }, "Send code");
    const form = el("form", { class: "booking-form", novalidate: true, "data-testid": "sign-in-email-form" }, field.root, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = field.input.value.trim();
      if (!/^[^\s@]+@[^\s@]+$/.test(value)) {
        field.show("Enter the email address you booked with.");
        field.input.focus();
        return;
      }
      void this.sendCode(value, field, send);
    });
    this.body.replaceChildren(form);
  }

  /** Asks for a code; the new one replaces any earlier one (its challenge is forgotten). */
  private async sendCode(email: string, field: Field, button: HTMLButtonElement) {
    field.show(undefined);
    this.setBusy(button, true);
    try {
      const sent = await requestSignInCode(this.o.slug, email);
      this.pending = { email, challenge: sent.challenge, expiresAt: sent.expiresAt };
      savePendingCode(sessionStorage, this.pending);
      this.codeStep(true);
    } catch (err) {
      this.refused(err, field, button);
    } finally {
      this.setBusy(button, false);
    }
  }

  private codeStep(focus = false) {
    const pending = this.pending!;
    // In minutes rather than a clock time: the customer's clock may not be the business's.
    const minutes = Math.max(1, Math.round((Date.parse(pending.expiresAt) - Date.now()) / 60_000));
    const field = new Field(
      "sign-in-code", "Sign-in code",
      { inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: "6", required: true },
      "sign-in-code-error",
    );
    field.hint.textContent = `Six digits, sent to ${pending.email}. The code works for ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
    const submit = el("button", { type: "submit", class: "primary" }, "Sign in");
    const again = el("button", { type: "button", class: "secondary" }, "Send a new code");
    const other = el("button", { type: "button", class: "secondary" }, "Use another email");
    const form = el(
      "form", { class: "booking-form", novalidate: true, "data-testid": "sign-in-code-form" },
      el("p", { class: "notice", role: "status", "data-testid": "sign-in-sent" }, `We sent you a code. Check the inbox of ${pending.email}.`),
      field.root, submit,
      el("div", { class: "button-row" }, again, other),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.verify(field, submit);
    });
    again.addEventListener("click", () => void this.sendCode(pending.email, field, again));
    other.addEventListener("click", () => {
      this.pending = undefined;
      savePendingCode(sessionStorage, undefined);
      this.emailStep(pending.email);
      this.body.querySelector<HTMLInputElement>("input")?.focus();
    });
    this.body.replaceChildren(form);
    if (focus) field.input.focus();
  }

  private async verify(field: Field, button: HTMLButtonElement) {
    const pending = this.pending;
    if (!pending) return;
    const code = normaliseCode(field.input.value);
    if (!isCode(code)) {
      field.show("Enter the six digits from the email.");
      field.input.focus();
      return;
    }
    field.show(undefined);
    this.setBusy(button, true);
    try {
      const answer = await verifySignInCode(pending.email, pending.challenge, code);
      this.pending = undefined;
      savePendingCode(sessionStorage, undefined);
      this.o.signedIn(answer);
    } catch (err) {
      this.refused(err, field, button);
    } finally {
      this.setBusy(button, false);
    }
  }

  /** The refusal beside the field; after a 429 the button waits out the time the API gave, counting down. */
  private refused(err: unknown, field: Field, button: HTMLButtonElement) {
    if (err instanceof ApiError) {
      const shown = fieldError(err.problem);
      field.show(shown.message);
      // The button keeps its own name (Send code, Send a new code, Sign in) with the wait after it.
      if (shown.waitSeconds) this.wait(button, button.textContent ?? "", shown.waitSeconds);
    } else if (err instanceof NetworkError) {
      field.show(err.message);
    } else {
      field.show("Something went wrong. Please try again.");
    }
    field.input.focus();
  }

  private wait(button: HTMLButtonElement, label: string, seconds: number) {
    clearInterval(this.waitTimer);
    const until = Date.now() + seconds * 1000;
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(this.waitTimer);
        delete button.dataset.waiting;
        button.disabled = false;
        button.textContent = label;
        return;
      }
      button.dataset.waiting = "true";
      button.disabled = true;
      button.textContent = `${label} (wait ${waitText(left)})`;
    };
    tick();
    this.waitTimer = setInterval(tick, 1000);
  }

  private setBusy(button: HTMLButtonElement, on: boolean) {
    if (button.dataset.waiting) return;
    button.disabled = on;
    button.setAttribute("aria-busy", String(on));
  }
}
