import { Chart, BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";
import type { ViewContext } from "../main";
import {
  csvFileName, fillDays, packageLabel, sellableMinutes, toCsv, toPackageCsv, totals, unitsFor, utilisation,
  type DailyFigures, type OpeningInterval, type PackageFigures,
} from "../analytics";
import { h, statusLine } from "../dom";
import { addDays, formatLocalDate, formatMoney, fractionDigits, todayIn } from "../format";
import { loadCatalogue } from "./common";

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

let charts: Chart[] = [];

/**
 * Bookings, seats, revenue, cancellations and utilisation per day over a chosen range, for every package or one, and the
 * packages side by side; both exported as CSV.
 */
export async function renderAnalytics(main: HTMLElement, ctx: ViewContext, _args: string[], signal: AbortSignal): Promise<void> {
  const today = todayIn(ctx.business.timeZone);
  const from = h("input", { id: "range-from", type: "date", value: addDays(today, -29) });
  const to = h("input", { id: "range-to", type: "date", value: today });
  const packageSelect = h("select", { id: "range-package" }, h("option", { value: "" }, "All packages"));
  const form = h(
    "form",
    { class: "filters", "aria-label": "Range" },
    h("div", { class: "field" }, h("label", { for: "range-from" }, "From"), from),
    h("div", { class: "field" }, h("label", { for: "range-to" }, "To"), to),
    h("div", { class: "field" }, h("label", { for: "range-package" }, "Package"), packageSelect),
    h("button", { type: "submit", class: "primary" }, "Show"),
  );
  const output = h("div", { id: "analytics-output" });
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Analytics"), form, output);

  const [{ items, packages }, hours] = await Promise.all([loadCatalogue(ctx), ctx.api.get<OpeningInterval[]>(`${ctx.base}/hours`)]);
  packageSelect.append(...packages.map((p) => h("option", { value: p.id }, packageLabel(p))));

  const show = async () => {
    for (const c of charts) c.destroy();
    charts = [];
    output.replaceChildren(statusLine("Loading figures…"));
    const chosen = packages.find((p) => p.id === packageSelect.value);
    const range = `from=${from.value}&to=${to.value}`;
    const [raw, perPackage] = await Promise.all([
      ctx.api.get<DailyFigures[]>(`${ctx.base}/analytics/daily?${range}${chosen ? `&packageId=${chosen.id}` : ""}`),
      ctx.api.get<PackageFigures[]>(`${ctx.base}/analytics/packages?${range}`),
    ]);
    if (signal.aborted) return;
    const units = unitsFor(chosen, items);
    const days = fillDays(raw, from.value, to.value, ctx.business.currency);
    const sum = totals(days);
    const money = (minor: number) => formatMoney(minor, ctx.business.currency, ctx.locale);
    const csv = new Blob([toCsv(days)], { type: "text/csv" });
    const download = h(
      "a",
      { class: "button secondary", href: URL.createObjectURL(csv), download: csvFileName("daily", from.value, to.value, chosen?.name), "data-testid": "csv" },
      chosen ? `Export CSV (${chosen.name})` : "Export CSV",
    );
    const packagesCsv = new Blob([toPackageCsv(perPackage)], { type: "text/csv" });
    const downloadPackages = h(
      "a",
      { class: "button secondary", href: URL.createObjectURL(packagesCsv), download: csvFileName("packages", from.value, to.value), "data-testid": "csv-packages" },
      "Export packages CSV",
    );

    const labels = days.map((d) => formatLocalDate(d.date, ctx.locale, "medium"));
    const canvas = (id: string, title: string, summary: string) => {
      const c = h("canvas", { id, role: "img", "aria-label": `${title}: ${summary}` });
      return { c, figure: h("figure", { class: "chart" }, h("figcaption", {}, title), h("div", { class: "chart-box" }, c)) };
    };
    const counts = canvas("chart-counts", "Bookings, seats and cancellations per day", `${sum.bookings} bookings, ${sum.seats} seats, ${sum.cancellations} cancellations`);
    const revenue = canvas("chart-revenue", "Revenue per day", `${money(sum.revenueMinor)} in total`);
    const use = canvas("chart-utilisation", "Utilisation per day (%)", "share of sellable minutes booked");
    const perPackageChart = canvas(
      "chart-packages",
      "Bookings and cancellations per package",
      perPackage.map((p) => `${packageLabel(p)}: ${count(p.bookings, "booking")}, ${count(p.cancellations, "cancellation")}`).join("; ") || "no packages",
    );
    const scope = chosen ? `Daily figures of ${chosen.name}` : "Daily figures of all packages";
    output.replaceChildren(
      h(
        "dl",
        { class: "totals", "data-testid": "totals" },
        h("div", {}, h("dt", {}, "Bookings"), h("dd", { "data-testid": "total-bookings" }, sum.bookings)),
        h("div", {}, h("dt", {}, "Seats"), h("dd", {}, sum.seats)),
        h("div", {}, h("dt", {}, "Revenue"), h("dd", { "data-testid": "total-revenue" }, money(sum.revenueMinor))),
        h("div", {}, h("dt", {}, "Cancellations"), h("dd", {}, sum.cancellations)),
      ),
      h("div", { class: "filters" }, download, downloadPackages),
      h("p", { class: "muted", "data-testid": "analytics-scope" }, scope),
      sum.bookings === 0 && sum.cancellations === 0 ? statusLine("No bookings in this range yet.", "analytics-empty") : "",
      counts.figure,
      revenue.figure,
      use.figure,
      h("h2", { id: "per-package" }, "Packages compared"),
      packageTable(perPackage, money),
      perPackageChart.figure,
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
      new Chart(perPackageChart.c, {
        type: "bar",
        data: {
          labels: perPackage.map(packageLabel),
          datasets: [
            { label: "Bookings", data: perPackage.map((p) => p.bookings), backgroundColor: "#1f5fa8" },
            { label: "Cancellations", data: perPackage.map((p) => p.cancellations), backgroundColor: "#b3261e" },
          ],
        },
        options: common,
      }),
    );
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void show();
  });
  await show();
}

/** The packages side by side, busiest first: the chart's figures as a table anyone can read. */
function packageTable(rows: PackageFigures[], money: (minor: number) => string): HTMLElement {
  const hours = (minutes: number) => (Math.round(minutes / 6) / 10).toString();
  return h(
    "div",
    { class: "table-scroll", tabindex: 0, role: "region", "aria-labelledby": "per-package" },
    h(
      "table",
      { class: "package-figures", "data-testid": "package-figures" },
      h("caption", { class: "visually-hidden" }, "Figures per package over the range"),
      h(
        "thead",
        {},
        h("tr", {}, ...["Package", "Bookings", "Seats", "Revenue", "Cancellations", "Booked hours"].map((t, i) => h("th", { scope: "col", class: i > 0 ? "num" : undefined }, t))),
      ),
      h(
        "tbody",
        {},
        ...rows.map((p) =>
          h(
            "tr",
            { "data-testid": "package-row", "data-package-id": p.packageId },
            h("th", { scope: "row" }, packageLabel(p)),
            h("td", { class: "num" }, p.bookings),
            h("td", { class: "num" }, p.seats),
            h("td", { class: "num" }, money(p.revenueMinor)),
            h("td", { class: "num" }, p.cancellations),
            h("td", { class: "num" }, hours(p.bookedMinutes)),
          ),
        ),
      ),
    ),
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
