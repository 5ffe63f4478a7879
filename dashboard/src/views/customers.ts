import type { ViewContext } from "../main";
import { ApiError } from "../api";
import { h, errorBox, statusLine } from "../dom";
import { formatDateTime, formatMoney, statusLabel } from "../format";
import type { BookingView } from "../today";
import { loadCatalogue, type CustomerView, type Paged } from "./common";

interface History {
  customer: CustomerView;
  bookings: BookingView[];
  totalSpentMinor: number;
  currency: string;
  truncated: boolean;
}

/** Search customers by name or email; open one for their bookings here and what they have spent. */
export async function renderCustomers(main: HTMLElement, ctx: ViewContext, args: string[], signal: AbortSignal): Promise<void> {
  const search = h("input", { id: "customer-search", type: "search", autocomplete: "off" });
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Customers" },
    h("div", { class: "field" }, h("label", { for: "customer-search" }, "Name or email"), search),
    h("button", { type: "submit", class: "primary" }, "Search"),
  );
  const results = h("div", { id: "customer-results" });
  const detail = h("section", { id: "customer-detail", "aria-labelledby": "customer-title", hidden: true });
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Customers"), form, results, detail);
  const { packages } = await loadCatalogue(ctx);
  const fail = (where: HTMLElement, e: unknown) => where.replaceChildren(errorBox(e instanceof ApiError ? e.problem.message : (e as Error).message));

  const find = async () => {
    results.replaceChildren(statusLine("Searching…"));
    try {
      const page = await ctx.api.get<Paged<CustomerView>>(`${ctx.base}/customers?${new URLSearchParams({ q: search.value.trim(), pageSize: "50" })}`);
      if (signal.aborted) return;
      if (page.items.length === 0) {
        results.replaceChildren(statusLine(search.value.trim() ? "No customer matches." : "No customers yet.", "customers-empty"));
        return;
      }
      results.replaceChildren(
        h("p", { class: "muted", role: "status" }, page.total > page.items.length ? `The first ${page.items.length} of ${page.total}.` : `${page.total} customers.`),
        h(
          "ul",
          { class: "customer-list" },
          ...page.items.map((c) =>
            h("li", { "data-testid": "customer" }, h("a", { href: `#/customers/${c.id}` }, c.name), h("span", { class: "hint" }, c.email)),
          ),
        ),
      );
    } catch (e) {
      fail(results, e);
    }
  };

  const open = async (id: string) => {
    detail.hidden = false;
    detail.replaceChildren(statusLine("Loading the customer…"));
    try {
      const history = await ctx.api.get<History>(`${ctx.base}/customers/${id}/history`);
      if (signal.aborted) return;
      const zone = ctx.business.timeZone;
      const c = history.customer;
      detail.replaceChildren(
        h("h2", { id: "customer-title", tabindex: "-1" }, c.name),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Email"),
          h("dd", {}, c.email),
          c.phone ? h("dt", {}, "Phone") : "",
          c.phone ? h("dd", {}, c.phone) : "",
          h("dt", {}, "Total spent"),
          h("dd", { "data-testid": "total-spent" }, formatMoney(history.totalSpentMinor, history.currency, ctx.locale)),
          h("dt", {}, "Bookings"),
          h("dd", {}, history.truncated ? `${history.bookings.length}+` : history.bookings.length),
        ),
        history.bookings.length === 0
          ? statusLine("No bookings yet.")
          : h(
              "div",
              { class: "table-scroll", tabindex: 0, role: "region", "aria-label": `Bookings of ${c.name}` },
              h(
                "table",
                {},
                h("caption", { class: "visually-hidden" }, `Bookings of ${c.name}`),
                h("thead", {}, h("tr", {}, ...["When", "Package", "Seats", "Amount", "Status"].map((t) => h("th", { scope: "col" }, t)))),
                h(
                  "tbody",
                  {},
                  ...history.bookings.map((b) =>
                    h(
                      "tr",
                      { "data-testid": "history-booking" },
                      h("td", {}, formatDateTime(b.startsAt, zone, ctx.locale)),
                      h("td", {}, packages.find((p) => p.id === b.packageId)?.name ?? "—"),
                      h("td", { class: "num" }, b.seats),
                      h("td", { class: "num" }, formatMoney(b.amountMinor, b.currency, ctx.locale)),
                      h("td", {}, statusLabel(b.status)),
                    ),
                  ),
                ),
              ),
            ),
      );
      detail.querySelector<HTMLElement>("#customer-title")?.focus();
    } catch (e) {
      fail(detail, e);
    }
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void find();
  });
  await find();
  if (args[0]) await open(args[0]);
}
