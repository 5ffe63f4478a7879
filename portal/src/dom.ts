// DOM helpers shared by the booking flow and the manage view. Text always goes in as text nodes
// (never innerHTML), so names and messages from the API cannot inject markup.
import { formatDayLabel, formatLocalTime, groupByDay, type DateRange, type Slot } from "./format";

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Small element builder: keeps rendering readable without a framework. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === "class") node.className = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

export function show(id: string, visible: boolean) {
  $(id).hidden = !visible;
}

export interface SlotButtonOptions {
  pressed: boolean;
  /** Extra reason to disable besides "0 left" (e.g. the booking's own current time). */
  disabled?: boolean;
  /** Marks the slot the booking already has. */
  current?: boolean;
  /** What is left, in the customer's terms (see left.ts); the seats one booking can take otherwise. */
  label?: string;
  onChoose: (s: Slot) => void;
}

export function slotButton(s: Slot, { pressed, disabled = false, current = false, label, onChoose }: SlotButtonOptions) {
  const button = el(
    "button",
    {
      type: "button",
      class: current ? "slot current" : "slot",
      "data-testid": "slot",
      "data-starts-at": s.startsAt,
      "data-remaining": s.remainingSeats,
      "data-current": current ? "true" : undefined,
      "aria-pressed": String(pressed),
      disabled: disabled || s.remainingSeats <= 0,
    },
    el("span", { class: "slot-time" }, formatLocalTime(s.startsAtLocal)),
    el("span", { class: "slot-left" }, current ? "Your time" : label ?? `${s.remainingSeats} left`),
  );
  button.addEventListener("click", () => onChoose(s));
  return button;
}

/** One column per day of the range, "No times" on empty days. */
export function weekColumns(slots: Slot[], range: DateRange, button: (s: Slot) => HTMLElement): HTMLElement[] {
  return groupByDay(slots, range).map((day) =>
    el(
      "section",
      { class: "day", "aria-label": formatDayLabel(day.date) },
      el("h3", {}, formatDayLabel(day.date)),
      day.slots.length === 0
        ? el("p", { class: "muted" }, "No times")
        : el("ul", { class: "slots" }, ...day.slots.map((s) => el("li", {}, button(s)))),
    ),
  );
}
