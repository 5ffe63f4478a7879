import type { ViewContext } from "../main";
import { h, statusLine } from "../dom";
import { formatLocalDate, todayIn } from "../format";
import { FieldErrors } from "./forms";

interface Interval {
  day: string | number;
  opens: string;
  closes: string;
}

interface Closure {
  id: string;
  startDate: string;
  endDate: string;
  reason: string | null;
}

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
// .NET's DayOfWeek counts from Sunday, should the API ever answer with numbers.
const DOTNET_DAYS = ["Sunday", ...DAYS.slice(0, 6)];

/** Weekly opening hours and closures, on the business's clock. Owner and staff both keep these. */
export async function renderHours(main: HTMLElement, ctx: ViewContext, _args: string[], signal: AbortSignal): Promise<void> {
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Opening hours"), statusLine("Loading the hours…"));
  const notice = h("p", { class: "notice", role: "status", "data-testid": "hours-saved" });
  const week = h("section", { "aria-labelledby": "week-title" });
  const closures = h("section", { "aria-labelledby": "closures-title" });
  const reload = async (message?: string) => {
    const [intervals, list] = await Promise.all([
      ctx.api.get<Interval[]>(`${ctx.base}/hours`),
      ctx.api.get<Closure[]>(`${ctx.base}/closures?from=${todayIn(ctx.business.timeZone)}`),
    ]);
    if (signal.aborted) return;
    const done = (text: string) => void reload(text);
    week.replaceChildren(...weekSection(ctx, intervals, done));
    closures.replaceChildren(...closureSection(ctx, list, done));
    notice.textContent = message ?? "";
  };
  await reload();
  if (signal.aborted) return;
  main.replaceChildren(
    h("h1", { id: "view-title", tabindex: "-1" }, "Opening hours"),
    h("p", { class: "muted" }, `Times on the business's clock (${ctx.business.timeZone}); a change of the clocks moves nothing.`),
    notice,
    week,
    closures,
  );
}

function dayName(day: string | number): string {
  return typeof day === "number" ? DOTNET_DAYS[day] : day;
}

function weekSection(ctx: ViewContext, intervals: Interval[], done: (message: string) => void): HTMLElement[] {
  const errors = new FieldErrors();
  let next = 0;
  const rowsByDay = new Map<string, HTMLElement>();
  // The API names an interval by its place in the list sent, so each row's controls are claimed at submit.
  const controls = new WeakMap<HTMLElement, { day: string; open: HTMLInputElement; close: HTMLInputElement; openError: HTMLElement; closeError: HTMLElement }>();
  const addRow = (day: string, opens = "09:00", closes = "17:00") => {
    const n = next++;
    const open = h("input", { type: "time", id: `hours-${n}-opens`, value: opens.slice(0, 5) });
    const close = h("input", { type: "time", id: `hours-${n}-closes`, value: closes.slice(0, 5) });
    const openError = h("p", { class: "field-error", id: `hours-${n}-opens-error`, hidden: true });
    const closeError = h("p", { class: "field-error", id: `hours-${n}-closes-error`, hidden: true });
    open.setAttribute("aria-describedby", openError.id);
    close.setAttribute("aria-describedby", closeError.id);
    const remove = h("button", { type: "button", class: "secondary", "aria-label": `Remove ${day} ${opens.slice(0, 5)} to ${closes.slice(0, 5)}` }, "Remove");
    const row = h(
      "li",
      { class: "interval", "data-testid": "interval", "data-day": day },
      h("span", { class: "field" }, h("label", { for: open.id }, "Opens"), open, openError),
      h("span", { class: "field" }, h("label", { for: close.id }, "Closes"), close, closeError),
      remove,
    );
    controls.set(row, { day, open, close, openError, closeError });
    remove.addEventListener("click", () => {
      row.remove();
      rowsByDay.get(day)!.querySelector<HTMLButtonElement>("button.add")?.focus();
    });
    rowsByDay.get(day)!.querySelector("ul")!.append(row);
    return open;
  };
  const fieldsets = DAYS.map((day) => {
    const add = h("button", { type: "button", class: "secondary add" }, `Add hours on ${day}`);
    const set = h("fieldset", { class: "day-hours", "data-testid": "day-hours", "data-day": day }, h("legend", {}, day), h("ul", { class: "intervals" }), add);
    rowsByDay.set(day, set);
    add.addEventListener("click", () => addRow(day).focus());
    return set;
  });
  for (const i of intervals) addRow(dayName(i.day), i.opens, i.closes);
  const save = h("button", { type: "submit", class: "primary" }, "Save weekly hours");
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "week-title" },
    h("p", { class: "muted" }, "A day without hours is closed. Two intervals on a day leave a break between them."),
    ...fieldsets,
    errors.summary,
    save,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.release("intervals[");
    const rows = [...form.querySelectorAll<HTMLElement>("li.interval")];
    const body = rows.map((row, n) => {
      const c = controls.get(row)!;
      errors.claim(`intervals[${n}].opens`, c.open, c.openError);
      errors.claim(`intervals[${n}].closes`, c.close, c.closeError);
      errors.claim(`intervals[${n}].day`, c.open, c.openError);
      return { day: c.day, opens: c.open.value, closes: c.close.value };
    });
    errors.clear();
    const blank = body.findIndex((i) => !i.opens || !i.closes);
    if (blank >= 0) {
      errors.showFields({ [`intervals[${blank}].${body[blank].opens ? "closes" : "opens"}`]: ["Enter a time."] }, "");
      return;
    }
    save.disabled = true;
    try {
      await ctx.api.request("PUT", `${ctx.base}/hours`, { intervals: body });
      done("Weekly hours saved. Customers see the new times at once; bookings already made stay.");
    } catch (err) {
      errors.show(err);
    } finally {
      save.disabled = false;
    }
  });
  return [h("h2", { id: "week-title" }, "Every week"), form];
}

function closureSection(ctx: ViewContext, list: Closure[], done: (message: string) => void): HTMLElement[] {
  const date = (d: string) => formatLocalDate(d, ctx.locale, "medium");
  const rows = list.map((c) => {
    const when = c.startDate === c.endDate ? date(c.startDate) : `${date(c.startDate)} – ${date(c.endDate)}`;
    const remove = h("button", { type: "button", class: "secondary", "aria-label": `Reopen ${when}` }, "Reopen");
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      await ctx.api.request("DELETE", `${ctx.base}/closures/${c.id}`);
      done(`Open again on ${when}.`);
    });
    return h("li", { "data-testid": "closure", "data-closure-id": c.id }, h("span", { class: "who" }, when), c.reason ? h("span", { class: "hint" }, c.reason) : null, remove);
  });
  const errors = new FieldErrors();
  const today = todayIn(ctx.business.timeZone);
  const start = h("input", { type: "date", value: today });
  const end = h("input", { type: "date", value: today });
  const reason = h("input", { type: "text", autocomplete: "off" });
  const add = h("button", { type: "submit", class: "primary" }, "Add closure");
  const form = h(
    "form",
    { class: "card inline-form", novalidate: true, "aria-label": "Add a closure" },
    errors.field("startDate", "closure-start", "First day closed", start),
    errors.field("endDate", "closure-end", "Last day closed", end),
    errors.field("reason", "closure-reason", "Reason (optional)", reason),
    h("div", { class: "actions" }, add),
    errors.summary,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.clear();
    const missing: Record<string, string[]> = {};
    if (!start.value) missing.startDate = ["Enter a date."];
    if (!end.value) missing.endDate = ["Enter a date."];
    if (Object.keys(missing).length > 0) {
      errors.showFields(missing, "");
      return;
    }
    add.disabled = true;
    try {
      await ctx.api.post(`${ctx.base}/closures`, { startDate: start.value, endDate: end.value, reason: reason.value.trim() || null });
      done("Closure added: no slots are offered on those days.");
    } catch (err) {
      errors.show(err);
    } finally {
      add.disabled = false;
    }
  });
  return [
    h("h2", { id: "closures-title" }, "Closures"),
    rows.length === 0 ? statusLine("No closures ahead.", "closures-empty") : h("ul", { class: "editor-list" }, ...rows),
    form,
  ];
}
