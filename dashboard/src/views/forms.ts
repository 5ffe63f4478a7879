// Forms that send to the API and show its validation errors (`errors.{field}` of the problem details) under the
// field at fault: marked invalid, described by its message, the first one focused. What no field claims goes in
// the form's summary box.
import { ApiError } from "../api";
import { h, errorBox } from "../dom";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** "Intervals[0].Closes" and "intervals[0].closes" are the same field. */
export function fieldKey(name: string): string {
  return name.replace(/\s+/g, "").toLowerCase();
}

/** The registered field an API error names: itself, or the nearest enclosing one ("inventory[1].units" → "inventory"). */
export function placeError(name: string, known: (key: string) => boolean): string | null {
  let key = fieldKey(name);
  for (;;) {
    if (known(key)) return key;
    const cut = Math.max(key.lastIndexOf("."), key.lastIndexOf("["));
    if (cut <= 0) return null;
    key = key.slice(0, cut);
  }
}

export class FieldErrors {
  private readonly fields = new Map<string, { control: HTMLElement; error: HTMLElement }>();
  readonly summary = h("div", {});

  /** A labelled control for the API field `name`, with an optional hint and the line its error goes on. */
  field(name: string, id: string, label: string, control: Control, hint?: string): HTMLElement {
    control.id = id;
    const error = this.register(name, control, id, hint !== undefined);
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, label),
      control,
      hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
      error,
    );
  }

  /** Claims the API field `name` for a control laid out by the caller; returns the error line to place. */
  register(name: string, control: HTMLElement, id: string, hasHint = false): HTMLElement {
    const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
    control.setAttribute("aria-describedby", hasHint ? `${id}-hint ${id}-error` : `${id}-error`);
    this.claim(name, control, error);
    return error;
  }

  /** Points the API field `name` at a control and its error line (for rows whose index changes as they are edited). */
  claim(name: string, control: HTMLElement, error: HTMLElement): void {
    this.fields.set(fieldKey(name), { control, error });
  }

  /** Forgets the fields under a prefix ("intervals["), before the rows are claimed again in their new order. */
  release(prefix: string): void {
    for (const key of [...this.fields.keys()]) if (key.startsWith(fieldKey(prefix))) this.fields.delete(key);
  }

  clear(): void {
    this.summary.replaceChildren();
    for (const { control, error } of this.fields.values()) {
      error.hidden = true;
      error.textContent = "";
      control.removeAttribute("aria-invalid");
    }
  }

  /** Shows an API refusal: each message under its field; anything else (or a non-validation error) in the summary. */
  show(err: unknown): void {
    if (!(err instanceof ApiError)) throw err;
    this.showFields(err.problem.fieldErrors, err.problem.message);
  }

  /** Messages per field (the API's, or the form's own checks), and what to say when none has a field. */
  showFields(fieldErrors: Record<string, string[]>, message: string): void {
    this.clear();
    let first: HTMLElement | null = null;
    const unplaced: string[] = [];
    for (const [name, messages] of Object.entries(fieldErrors)) {
      const key = placeError(name, (k) => this.fields.has(k));
      const target = key ? this.fields.get(key) : undefined;
      if (!target) {
        unplaced.push(...messages);
        continue;
      }
      target.error.textContent = [target.error.textContent, ...messages].filter(Boolean).join(" ");
      target.error.hidden = false;
      target.control.setAttribute("aria-invalid", "true");
      first ??= target.control;
    }
    const placed = first !== null;
    this.summary.replaceChildren(errorBox([placed ? "Check the marked fields." : message, ...unplaced].join(" ")));
    first?.focus();
  }
}
