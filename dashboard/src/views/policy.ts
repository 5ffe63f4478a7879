import type { ViewContext } from "../main";
import { h, statusLine } from "../dom";
import { FieldErrors } from "./forms";

interface Policy {
  leadTimeMinutes: number;
  horizonDays: number;
  slotStepMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  holdMinutes: number;
  rescheduleWindowHours: number;
  cancellationWindowHours: number;
  refundRule: string;
  lateRefundPercent: number;
  waitlistOfferMinutes: number;
}

const NUMBERS: [keyof Policy, string, string][] = [
  ["leadTimeMinutes", "Earliest booking, minutes ahead", "How soon before the start a customer may still book."],
  ["horizonDays", "Bookable days ahead", "How far ahead the calendar opens."],
  ["slotStepMinutes", "Start times every (minutes)", "The step between offered start times."],
  ["bufferBeforeMinutes", "Buffer before (minutes)", "Time kept free before each booking."],
  ["bufferAfterMinutes", "Buffer after (minutes)", "Time kept free after each booking."],
  ["holdMinutes", "Unpaid hold lasts (minutes)", "How long a place is kept while the customer pays."],
  ["rescheduleWindowHours", "Customers may move until (hours before)", "Later than this only the business can move a booking."],
  ["cancellationWindowHours", "Free cancellation until (hours before)", "Cancelling later follows the late refund rule."],
  ["lateRefundPercent", "Late cancellation refund (%)", "Share refunded when a customer cancels after the window."],
  ["waitlistOfferMinutes", "Waiting-list offer lasts (minutes)", "How long a freed place is kept for the first person waiting before it passes to the next."],
];

/** The booking policy editor; the API's validation errors appear next to the field at fault. */
export async function renderPolicy(main: HTMLElement, ctx: ViewContext, _args: string[], signal: AbortSignal): Promise<void> {
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Booking policy"), statusLine("Loading the policy…"));
  const policy = await ctx.api.get<Policy>(`${ctx.base}/policy`);
  if (signal.aborted) return;
  const owner = ctx.business.role === "owner";
  const message = h("div", { role: "status", class: "notice", "data-testid": "policy-saved" });
  const errors = new FieldErrors();
  const inputs = new Map<keyof Policy, HTMLInputElement | HTMLSelectElement>();
  const field = (key: keyof Policy, label: string, hint: string, control: HTMLInputElement | HTMLSelectElement) => {
    if (!owner) control.disabled = true;
    inputs.set(key, control);
    return errors.field(key, key, label, control, hint);
  };
  const refundRule = h(
    "select",
    {},
    ...[
      ["FullBeforeWindow", "Full refund before the window, nothing after"],
      ["PartialAfterWindow", "Full refund before the window, the late share after"],
      ["None", "No refunds"],
    ].map(([value, text]) => h("option", { value, selected: policy.refundRule === value }, text)),
  );
  const form = h(
    "form",
    { class: "policy", novalidate: true, "aria-labelledby": "view-title" },
    ...NUMBERS.map(([key, label, hint]) =>
      field(key, label, hint, h("input", { type: "number", inputmode: "numeric", step: 1, value: String(policy[key]) })),
    ),
    field("refundRule", "Refund rule", "What a customer gets back when they cancel.", refundRule),
    errors.summary,
    owner ? h("button", { type: "submit", class: "primary" }, "Save policy") : h("p", { class: "muted" }, "Only the owner can change the policy."),
    message,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    message.textContent = "";
    errors.clear();
    const body: Record<string, unknown> = { refundRule: refundRule.value };
    for (const [key] of NUMBERS) body[key] = Number(inputs.get(key)!.value);
    try {
      await ctx.api.request("PUT", `${ctx.base}/policy`, body);
      message.textContent = "Saved. New bookings follow this policy; existing ones keep the policy they were made under.";
    } catch (err) {
      errors.show(err);
    }
  });
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Booking policy"), form);
}
