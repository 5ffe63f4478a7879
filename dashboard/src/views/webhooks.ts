// The Integrations view's webhooks: endpoints the platform POSTs booking events to, their signing secrets (shown
// once), and each endpoint's deliveries with every attempt, redelivered on demand.
import type { ViewContext } from "../main";
import { ApiError } from "../api";
import { h, errorBox, statusLine } from "../dom";
import { formatDateTime } from "../format";
import {
  attemptOutcome,
  deliveryStateLabel,
  endpointStateLabel,
  eventTypeLabel,
  eventsSummary,
  latencyLabel,
  type WebhookDeliveryDetail,
  type WebhookDeliveryView,
  type WebhookEndpointCreated,
  type WebhookEndpointView,
  type WebhookEventTypes,
  type WebhookSecretRotated,
} from "../integrations";
import { FieldErrors } from "./forms";
import { confirmStep, secretPanel } from "./shown-once";

/** How long the view watches a redelivery before leaving it to the Refresh button. */
const REDELIVERY_WATCH_MS = 30_000;

export async function webhooksSection(section: HTMLElement, ctx: ViewContext, signal: AbortSignal): Promise<void> {
  const zone = ctx.business.timeZone;
  const when = (iso: string | null, otherwise = "—") => (iso ? formatDateTime(iso, zone, ctx.locale) : otherwise);
  const message = (e: unknown) => (e instanceof ApiError ? e.problem.message : (e as Error).message);
  const heading = h("h2", { id: "webhooks-title", tabindex: "-1" }, "Webhooks");
  const notice = h("p", { class: "notice", role: "status", "data-testid": "webhooks-notice" });
  const fresh = h("div", {});
  const list = h("div", {}, statusLine("Loading webhook endpoints…"));
  const detail = h("section", { id: "webhook-detail", class: "card", "aria-labelledby": "webhook-detail-title", hidden: true });
  let types: WebhookEventTypes = { types: [], all: "*" };
  let opened: string | null = null;

  const load = async () => {
    const endpoints = await ctx.api.get<WebhookEndpointView[]>(`${ctx.base}/webhooks`);
    if (signal.aborted) return;
    list.replaceChildren(endpoints.length === 0 ? statusLine("No webhook endpoints yet.", "webhooks-empty") : table(endpoints));
  };

  const table = (endpoints: WebhookEndpointView[]) =>
    h(
      "div",
      { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Webhook endpoints" },
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, ...["URL", "Events", "State", "Registered", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          ...endpoints.map((e) =>
            h(
              "tr",
              { "data-testid": "webhook-row", "data-endpoint-id": e.id },
              h("td", { class: "url" }, e.url, e.description ? h("span", { class: "hint" }, e.description) : null),
              h("td", {}, eventsSummary(e.eventTypes, types.all)),
              h("td", {}, endpointStateLabel(e)),
              h("td", {}, when(e.createdAt)),
              h(
                "td",
                {},
                h("button", { type: "button", class: "secondary", onclick: () => void open(e.id) }, "Open", h("span", { class: "visually-hidden" }, ` ${e.url}`)),
              ),
            ),
          ),
        ),
      ),
    );

  const close = () => {
    opened = null;
    detail.hidden = true;
    detail.replaceChildren();
    heading.focus();
  };

  /** Shows one endpoint, its actions and its deliveries; `focus` moves there (not on a refresh the owner did not ask for). */
  const open = async (id: string, focus = true, said = "") => {
    opened = id;
    detail.hidden = false;
    detail.replaceChildren(statusLine("Loading the endpoint…"));
    let endpoint: WebhookEndpointView;
    try {
      endpoint = await ctx.api.get<WebhookEndpointView>(`${ctx.base}/webhooks/${id}`);
    } catch (e) {
      detail.replaceChildren(errorBox(message(e)));
      return;
    }
    if (signal.aborted || opened !== id) return;
    renderDetail(endpoint, said);
    if (focus) detail.querySelector<HTMLElement>("#webhook-detail-title")?.focus();
  };

  const renderDetail = (e: WebhookEndpointView, said: string) => {
    const status = h("p", { class: "notice", role: "status", "data-testid": "endpoint-notice" }, said);
    const failed = h("div", {});
    const shown = h("div", {});
    const actions = h("div", { class: "actions" });
    const fail = (err: unknown) => failed.replaceChildren(errorBox(message(err)));

    const rotate = h("button", { type: "button", class: "secondary" }, "Rotate signing secret");
    rotate.addEventListener("click", async () => {
      failed.replaceChildren();
      rotate.disabled = true;
      try {
        const r = await ctx.api.post<WebhookSecretRotated>(`${ctx.base}/webhooks/${e.id}/rotate-secret`);
        const panel = secretPanel({
          id: "rotated-secret",
          title: "New signing secret",
          label: "Signing secret",
          secret: r.signingSecret,
          warning: `Copy it into your software now. Requests also carry a signature made with the old secret until ${when(r.previousSecretValidUntil)}, so switch over before then.`,
          onDone: () => {
            shown.replaceChildren();
            rotate.focus();
          },
        });
        shown.replaceChildren(panel);
        panel.querySelector<HTMLElement>("h3")?.focus();
      } catch (err) {
        fail(err);
      } finally {
        rotate.disabled = false;
      }
    });

    const toggle = h("button", { type: "button", class: "secondary" }, e.enabled ? "Turn off" : "Turn on again");
    toggle.addEventListener("click", async () => {
      failed.replaceChildren();
      toggle.disabled = true;
      try {
        await ctx.api.request("PUT", `${ctx.base}/webhooks/${e.id}`, { url: e.url, eventTypes: e.eventTypes, description: e.description, enabled: !e.enabled });
        await load();
        await open(e.id, false, e.enabled ? "Turned off: nothing is sent to it until it is turned on again." : "Turned on again.");
        detail.querySelector<HTMLButtonElement>("[data-action=toggle]")?.focus();
      } catch (err) {
        toggle.disabled = false;
        fail(err);
      }
    });
    toggle.dataset.action = "toggle";

    const remove = h("button", { type: "button", class: "danger" }, "Delete endpoint");
    const resetActions = () => {
      actions.replaceChildren(rotate, toggle, remove);
      remove.focus();
    };
    remove.addEventListener("click", () => {
      actions.replaceChildren(
        confirmStep("Delete this endpoint and its delivery history? Nothing more is sent to it.", "Yes, delete", async () => {
          await ctx.api.request("DELETE", `${ctx.base}/webhooks/${e.id}`);
          notice.textContent = `The endpoint ${e.url} was deleted.`;
          await load();
          close();
        }, resetActions),
      );
    });
    actions.append(rotate, toggle, remove);

    const deliveries = h("div", {}, statusLine("Loading deliveries…"));
    const refresh = h("button", { type: "button", class: "secondary" }, "Refresh");
    const loadDeliveries = async () => {
      try {
        const found = await ctx.api.get<WebhookDeliveryView[]>(`${ctx.base}/webhooks/${e.id}/deliveries?limit=50`);
        if (signal.aborted || opened !== e.id) return;
        deliveries.replaceChildren(found.length === 0 ? statusLine("Nothing sent to this endpoint yet.", "deliveries-empty") : deliveryTable(found));
      } catch (err) {
        deliveries.replaceChildren(errorBox(message(err)));
      }
    };
    refresh.addEventListener("click", () => void loadDeliveries());

    const deliveryTable = (found: WebhookDeliveryView[]) =>
      h(
        "div",
        { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Deliveries" },
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, ...["Event", "Occurred", "State", "Last answer", "Attempts", "Next retry", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, ...found.flatMap(deliveryRows)),
        ),
      );

    const deliveryRows = (d: WebhookDeliveryView) => {
      const attemptsRow = h("tr", { id: `attempts-${d.id}`, class: "attempts-row", hidden: true }, h("td", { colspan: 7 }));
      const show = h("button", { type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": attemptsRow.id }, "Attempts");
      show.addEventListener("click", async () => {
        const expanded = show.getAttribute("aria-expanded") === "true";
        show.setAttribute("aria-expanded", String(!expanded));
        attemptsRow.hidden = expanded;
        if (!expanded) await showAttempts(d, attemptsRow.firstElementChild as HTMLElement);
      });
      const redeliver = h("button", { type: "button", class: "secondary" }, "Redeliver");
      redeliver.addEventListener("click", async () => {
        failed.replaceChildren();
        redeliver.disabled = true;
        try {
          await ctx.api.post(`${ctx.base}/webhooks/${e.id}/deliveries/${d.id}/redeliver`);
          status.textContent = `${d.eventType} is being sent again…`;
          status.textContent = await watch(d);
          await loadDeliveries();
          detail.querySelector<HTMLButtonElement>(`[data-delivery-id="${d.id}"] [data-action=redeliver]`)?.focus();
        } catch (err) {
          fail(err);
        } finally {
          redeliver.disabled = false;
        }
      });
      redeliver.dataset.action = "redeliver";
      const lastAnswer = d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : d.lastError ?? (d.attempts === 0 ? "Not sent yet" : "No answer");
      return [
        h(
          "tr",
          { "data-testid": "delivery-row", "data-delivery-id": d.id, "data-state": d.state, "data-attempts": d.attempts },
          h("td", {}, h("code", {}, d.eventType)),
          h("td", {}, when(d.occurredAt)),
          h("td", { "data-testid": "delivery-state" }, deliveryStateLabel(d)),
          h("td", {}, lastAnswer),
          h("td", { class: "num", "data-testid": "delivery-attempts" }, d.attempts),
          h("td", {}, d.nextAttemptAt ? when(d.nextAttemptAt) : "None"),
          h("td", {}, h("div", { class: "actions" }, show, redeliver)),
        ),
        attemptsRow,
      ];
    };

    /** Follows a redelivery until the workers have sent it (or the watch ends); what to tell the owner. */
    const watch = async (d: WebhookDeliveryView): Promise<string> => {
      const deadline = Date.now() + REDELIVERY_WATCH_MS;
      while (Date.now() < deadline && !signal.aborted && opened === e.id) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const now = await ctx.api.get<WebhookDeliveryDetail>(`${ctx.base}/webhooks/${e.id}/deliveries/${d.id}`);
        if (now.attempts.length > d.attempts || now.delivery.state !== "pending") {
          const last = now.attempts.at(-1);
          return last ? `${d.eventType} sent again: ${attemptOutcome(last)} in ${latencyLabel(last.latencyMs)}.` : `${d.eventType}: ${deliveryStateLabel(now.delivery)}.`;
        }
      }
      return `${d.eventType} is queued to be sent again; Refresh to see the attempt.`;
    };

    detail.replaceChildren(
      h("h3", { id: "webhook-detail-title", tabindex: "-1", class: "url" }, `Endpoint ${e.url}`),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "Events"),
        h("dd", {}, eventsSummary(e.eventTypes, types.all)),
        h("dt", {}, "State"),
        h("dd", { "data-testid": "endpoint-state" }, endpointStateLabel(e)),
        e.failingSince ? h("dt", {}, "Failing since") : null,
        e.failingSince ? h("dd", {}, when(e.failingSince)) : null,
        h("dt", {}, "Registered"),
        h("dd", {}, when(e.createdAt)),
        e.description ? h("dt", {}, "Description") : null,
        e.description ? h("dd", {}, e.description) : null,
      ),
      status,
      failed,
      actions,
      shown,
      h("h4", {}, "Deliveries"),
      h("p", { class: "muted" }, "Newest first. Each event is retried for 72 hours until your software answers with a 2xx status."),
      h("p", {}, refresh, " ", h("button", { type: "button", class: "secondary", onclick: close }, "Close")),
      deliveries,
    );
    void loadDeliveries();
  };

  /** Every attempt at one delivery: when, the answer, how long it took. */
  const showAttempts = async (d: WebhookDeliveryView, cell: HTMLElement) => {
    cell.replaceChildren(statusLine("Loading attempts…"));
    try {
      const found = await ctx.api.get<WebhookDeliveryDetail>(`${ctx.base}/webhooks/${opened}/deliveries/${d.id}`);
      cell.replaceChildren(
        found.attempts.length === 0
          ? statusLine("Not attempted yet.")
          : h(
              "table",
              { class: "attempts", "aria-label": `Attempts at ${d.eventType}` },
              h("thead", {}, h("tr", {}, ...["Time", "Answer", "Latency"].map((t) => h("th", { scope: "col" }, t)))),
              h(
                "tbody",
                {},
                ...found.attempts.map((a) =>
                  h(
                    "tr",
                    { "data-testid": "attempt", "data-succeeded": String(a.succeeded) },
                    h("td", {}, when(a.attemptedAt)),
                    h("td", {}, attemptOutcome(a)),
                    h("td", { class: "num" }, latencyLabel(a.latencyMs)),
                  ),
                ),
              ),
            ),
      );
    } catch (e) {
      cell.replaceChildren(errorBox(message(e)));
    }
  };

  const registered = async (created: WebhookEndpointCreated) => {
    notice.textContent = `Registered ${created.endpoint.url}.`;
    const panel = secretPanel({
      id: "new-secret",
      title: `Signing secret for ${created.endpoint.url}`,
      label: "Signing secret",
      secret: created.signingSecret,
      warning: "Copy it into your software now: it checks the BookingAws-Signature header of every request with it. If it is lost, rotate it.",
      onDone: () => {
        fresh.replaceChildren();
        heading.focus();
      },
    });
    fresh.replaceChildren(panel);
    await load();
    panel.querySelector<HTMLElement>("h3")?.focus();
  };

  try {
    [types] = await Promise.all([ctx.api.get<WebhookEventTypes>(`${ctx.base}/webhooks/event-types`), load()]);
  } catch (e) {
    list.replaceChildren(errorBox(message(e)));
  }
  section.replaceChildren(
    heading,
    h("p", { class: "muted" }, "The platform POSTs the events you choose to your software, signed with the endpoint's secret, and retries until it answers."),
    notice,
    fresh,
    list,
    detail,
    registerForm(ctx, types, registered),
  );
}

/** The form that registers an endpoint: the URL, a description, and the event types the API offers. */
function registerForm(ctx: ViewContext, types: WebhookEventTypes, registered: (created: WebhookEndpointCreated) => Promise<void>): HTMLFormElement {
  const errors = new FieldErrors();
  const url = h("input", { type: "url", inputmode: "url", autocomplete: "off", placeholder: "https://example.com/hooks/bookings" });
  const description = h("input", { type: "text", autocomplete: "off" });
  const { types: offered, all } = types;
  const every = h("input", { type: "checkbox", id: "event-all", value: all });
  const each = offered.map((t) => h("input", { type: "checkbox", id: `event-${t.replace(/\W+/g, "-")}`, value: t }));
  every.addEventListener("change", () => each.forEach((c) => (c.disabled = every.checked)));
  const events = h(
    "fieldset",
    { class: "uses", id: "webhook-events", tabindex: "-1" },
    h("legend", {}, "Events to send"),
    h("div", { class: "use-row" }, every, h("label", { for: every.id }, " Every event, including types added later")),
    ...offered.map((t, i) => h("div", { class: "use-row" }, each[i], h("label", { for: each[i].id }, ` ${eventTypeLabel(t)} `, h("code", {}, t)))),
  );
  const eventsError = errors.register("eventTypes", events, "webhook-events");
  const register = h("button", { type: "submit", class: "primary" }, "Register endpoint");
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "new-webhook-title" },
    h("h3", { id: "new-webhook-title" }, "Register an endpoint"),
    errors.field("url", "webhook-url", "Endpoint URL", url, "https, on a public address your software listens on."),
    errors.field("description", "webhook-description", "Description (optional)", description),
    events,
    eventsError,
    errors.summary,
    h("div", { class: "actions" }, register),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = every.checked ? [all] : each.filter((c) => c.checked).map((c) => c.value);
    if (chosen.length === 0) {
      errors.showFields({ eventTypes: ["Choose at least one event to send."] }, "");
      return;
    }
    errors.clear();
    register.disabled = true;
    try {
      const created = await ctx.api.post<WebhookEndpointCreated>(`${ctx.base}/webhooks`, { url: url.value, eventTypes: chosen, description: description.value.trim() || null });
      form.reset();
      each.forEach((c) => (c.disabled = false));
      await registered(created);
    } catch (err) {
      errors.show(err);
    } finally {
      register.disabled = false;
    }
  });
  return form;
}
