import type { ViewContext } from "../main";
import { ApiError } from "../api";
import { h, errorBox, statusLine } from "../dom";
import { formatDateTime } from "../format";
import { scopeLabel, type ApiKeyView, type CreatedApiKey } from "../integrations";
import { FieldErrors } from "./forms";
import { confirmStep, secretPanel } from "./shown-once";
import { webhooksSection } from "./webhooks";

/**
 * The business's own software: API keys it calls the API with, and webhook endpoints the platform calls. Owner only
 * (the API refuses staff too): a key acts for the business, and webhook payloads carry customers' bookings.
 */
export async function renderIntegrations(main: HTMLElement, ctx: ViewContext, _args: string[], signal: AbortSignal): Promise<void> {
  const title = () => h("h1", { id: "view-title", tabindex: "-1" }, "Integrations");
  if (ctx.business.role !== "owner") {
    main.replaceChildren(title(), h("p", { class: "muted", "data-testid": "integrations-owner-only" }, "Only the owner can manage API keys and webhooks."));
    return;
  }
  main.replaceChildren(title(), statusLine("Loading API keys and webhooks…"));
  const keys = h("section", { "aria-labelledby": "keys-title" });
  const hooks = h("section", { "aria-labelledby": "webhooks-title" });
  await Promise.all([apiKeysSection(keys, ctx, signal), webhooksSection(hooks, ctx, signal)]);
  if (signal.aborted) return;
  main.replaceChildren(
    title(),
    h("p", { class: "muted" }, "Connect the business's own software: API keys let it call the API; webhooks tell it as soon as a booking changes."),
    keys,
    hooks,
  );
}

async function apiKeysSection(section: HTMLElement, ctx: ViewContext, signal: AbortSignal): Promise<void> {
  const zone = ctx.business.timeZone;
  const when = (iso: string | null, otherwise: string) => (iso ? formatDateTime(iso, zone, ctx.locale) : otherwise);
  const heading = h("h2", { id: "keys-title", tabindex: "-1" }, "API keys");
  const notice = h("p", { class: "notice", role: "status", "data-testid": "keys-notice" });
  const fresh = h("div", {});
  const list = h("div", {}, statusLine("Loading API keys…"));

  const load = async () => {
    const keys = await ctx.api.get<ApiKeyView[]>(`${ctx.base}/api-keys`);
    if (signal.aborted) return;
    list.replaceChildren(keys.length === 0 ? statusLine("No API keys yet.", "keys-empty") : table(keys));
  };
  const after = async (message: string) => {
    notice.textContent = message;
    await load();
    heading.focus();
  };

  const table = (keys: ApiKeyView[]) =>
    h(
      "div",
      { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Your API keys" },
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, ...["Name", "Access", "Starts with", "Created", "Last used", "State", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, ...keys.map(row)),
      ),
    );
  const row = (k: ApiKeyView) => {
    const actions = h("td", {});
    const revoke = h("button", { type: "button", class: "secondary", "aria-label": `Revoke ${k.name}` }, "Revoke");
    const reset = () => {
      actions.replaceChildren(revoke);
      revoke.focus();
    };
    revoke.addEventListener("click", () => {
      actions.replaceChildren(
        confirmStep(`Revoke ${k.name}? Software using it is refused from then on; this cannot be undone.`, "Yes, revoke", async () => {
          await ctx.api.request("DELETE", `${ctx.base}/api-keys/${k.id}`);
          await after(`${k.name} revoked: requests with it are refused from now on.`);
        }, reset),
      );
    });
    if (!k.revokedAt) actions.append(revoke);
    return h(
      "tr",
      { "data-testid": "api-key-row", "data-key-id": k.id, "data-revoked": k.revokedAt ? "true" : "false" },
      h("td", {}, h("span", { class: "who" }, k.name)),
      h("td", {}, scopeLabel(k.scope)),
      h("td", {}, h("code", {}, `${k.hint}…`)),
      h("td", {}, when(k.createdAt, "")),
      h("td", {}, when(k.lastUsedAt, "Never")),
      h("td", { "data-testid": "key-state" }, k.revokedAt ? `Revoked ${when(k.revokedAt, "")}` : "Active"),
      actions,
    );
  };

  const errors = new FieldErrors();
  const name = h("input", { type: "text", autocomplete: "off" });
  const scope = h(
    "select",
    {},
    h("option", { value: "read" }, "Read only: bookings, customers, catalogue"),
    h("option", { value: "write" }, "Read and write: also makes and changes bookings and customers"),
  );
  const create = h("button", { type: "submit", class: "primary" }, "Create key");
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "create-key-title" },
    h("h3", { id: "create-key-title" }, "New API key"),
    errors.field("name", "key-name", "Key name", name, "What it is for, such as “CRM sync”, so you know which to revoke."),
    errors.field("scope", "key-scope", "Access", scope, "No key can change the business's settings or make other keys."),
    errors.summary,
    h("div", { class: "actions" }, create),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.clear();
    notice.textContent = "";
    create.disabled = true;
    try {
      const made = await ctx.api.post<CreatedApiKey>(`${ctx.base}/api-keys`, { name: name.value, scope: scope.value });
      form.reset();
      const panel = secretPanel({
        id: "new-key",
        title: `Your new key: ${made.apiKey.name}`,
        label: "API key",
        secret: made.key,
        warning: "Copy it now and keep it somewhere safe: only a fingerprint of it is kept, so nobody can show it to you later. If it is lost, revoke it and make another.",
        extra: h("p", { class: "hint" }, "Your software sends it with each request as ", h("code", {}, "Authorization: Bearer <key>"), "."),
        onDone: () => {
          fresh.replaceChildren();
          heading.focus();
        },
      });
      fresh.replaceChildren(panel);
      await load();
      panel.querySelector<HTMLElement>("h3")?.focus();
    } catch (err) {
      errors.show(err);
    } finally {
      create.disabled = false;
    }
  });

  try {
    await load();
  } catch (e) {
    list.replaceChildren(errorBox(e instanceof ApiError ? e.problem.message : (e as Error).message));
  }
  section.replaceChildren(
    heading,
    h("p", { class: "muted" }, "For the business's own software (a CRM, a website, reports) to use the API as the business."),
    notice,
    fresh,
    list,
    form,
  );
}
