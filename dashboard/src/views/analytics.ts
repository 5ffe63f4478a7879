import { Chart, BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import type { ViewContext } from "../main";
import { fillDays, sellableMinutes, toCsv, totals, utilisation, type DailyFigures, type OpeningInterval } from "../analytics";
import { h, statusLine } from "../dom";
import { addDays, formatLocalDate, formatMoney, fractionDigits, todayIn } from "../format";
import { loadCatalogue } from "./common";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

let charts: Chart[] = [];

/** Bookings, seats, revenue, cancellations and utilisation per day over a chosen range, with CSV export. */
export async function renderAnalytics(main: HTMLElement, ctx: ViewContext, _args: string[], signal: AbortSignal): Promise<void> {
  const today = todayIn(ctx.business.timeZone);
  const from = h("input", { id: "range-from", type: "date", value: addDays(today, -29) });
  const to = h("input", { id: "range-to", type: "date", value: today });
  const form = h(
    "form",
    { class: "filters", "aria-label": "Range" },
    h("div", { class: "field" }, h("label", { for: "range-from" }, "From"), from),
    h("div", { class: "field" }, h("label", { for: "range-to" }, "To"), to),
    h("button", { type: "submit", class: "primary" }, "Show"),
  );
  const output = h("div", { id: "analytics-output" });
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Analytics"), form, output);

  const [{ items }, hours] = await Promise.all([loadCatalogue(ctx), ctx.api.get<OpeningInterval[]>(`${ctx.base}/hours`)]);
  const units = items.reduce((sum, i) => sum + i.quantity, 0);

  const show = async () => {
    for (const c of charts) c.destroy();
    charts = [];
    output.replaceChildren(statusLine("Loading figures…"));
    const raw = await ctx.api.get<DailyFigures[]>(`${ctx.base}/analytics/daily?from=${from.value}&to=${to.value}`);
    if (signal.aborted) return;
    const days = fillDays(raw, from.value, to.value, ctx.business.currency);
    const sum = totals(days);
    const money = (minor: number) => formatMoney(minor, ctx.business.currency, ctx.locale);
    const csv = new Blob([toCsv(days)], { type: "text/csv" });
    const download = h("a", { class: "button secondary", href: URL.createObjectURL(csv), download: `analytics-${from.value}-to-${to.value}.csv`, "data-testid": "csv" }, "Export CSV");

    const labels = days.map((d) => formatLocalDate(d.date, ctx.locale, "medium"));
    const canvas = (id: string, title: string, summary: string) => {
      const c = h("canvas", { id, role: "img", "aria-label": `${title}: ${summary}` });
      return { c, figure: h("figure", { class: "chart" }, h("figcaption", {}, title), h("div", { class: "chart-box" }, c)) };
    };
    const counts = canvas("chart-counts", "Bookings, seats and cancellations per day", `${sum.bookings} bookings, ${sum.seats} seats, ${sum.cancellations} cancellations`);
    const revenue = canvas("chart-revenue", "Revenue per day", `${money(sum.revenueMinor)} in total`);
    const use = canvas("chart-utilisation", "Utilisation per day (%)", "share of sellable minutes booked");
    output.replaceChildren(
      h(
        "dl",
        { class: "totals", "data-testid": "totals" },
        h("div", {}, h("dt", {}, "Bookings"), h("dd", { "data-testid": "total-bookings" }, sum.bookings)),
        h("div", {}, h("dt", {}, "Seats"), h("dd", {}, sum.seats)),
        h("div", {}, h("dt", {}, "Revenue"), h("dd", { "data-testid": "total-revenue" }, money(sum.revenueMinor))),
        h("div", {}, h("dt", {}, "Cancellations"), h("dd", {}, sum.cancellations)),
      ),
      download,
      sum.bookings === 0 && sum.cancellations === 0 ? statusLine("No bookings in this range yet.", "analytics-empty") : "",
      counts.figure,
      revenue.figure,
      use.figure,
    );
    const digits = fractionDigits(ctx.business.currency);
    const common = { responsive: true, maintainAspectRatio: false, animation: false as const };
    charts.push(
      new Chart(counts.c, {
        type: "bar",
        data: {
          labels,
          datasets: [
            { label: "Bookings", data: days.map((d) => d.bookings), backgroundColor: "#1f5fa8" },
            { label: "Seats", data: days.map((d) => d.seats), backgroundColor: "#6ea3d8" },
            { label: "Cancellations", data: days.map((d) => d.cancellations), backgroundColor: "#b3261e" },
          ],
        },
        options: common,
      }),
      new Chart(revenue.c, {
        type: "bar",
        data: { labels, datasets: [{ label: `Revenue (${ctx.business.currency})`, data: days.map((d) => d.revenueMinor / 10 ** digits), backgroundColor: "#2e7d32" }] },
        options: { ...common, scales: { y: { ticks: { callback: (v) => formatMoney(Number(v) * 10 ** digits, ctx.business.currency, ctx.locale) } } } },
      }),
      new Chart(use.c, {
        type: "line",
        data: { labels, datasets: [{ label: "Utilisation %", data: days.map((d) => utilisation(d, sellableMinutes(d.date, hours, units))), borderColor: "#6a1b9a", spanGaps: false }] },
        options: { ...common, scales: { y: { min: 0, suggestedMax: 100 } } },
      }),
    );
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void show();
  });
  await show();
}
