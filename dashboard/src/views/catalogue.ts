import type { ViewContext } from "../main";
import { h, statusLine } from "../dom";
import { formatMoney, minorToInput, parseMoney } from "../format";
import type { InventoryView, PackageView } from "../today";
import { listOf, type Paged } from "./common";
import { FieldErrors } from "./forms";

interface PackageDetail extends PackageView {
  description: string | null;
}

/** Inventory items and packages: what the business has, and what customers book. The owner edits; staff read. */
export async function renderCatalogue(main: HTMLElement, ctx: ViewContext, _args: string[], signal: AbortSignal): Promise<void> {
  main.replaceChildren(h("h1", { id: "view-title", tabindex: "-1" }, "Catalogue"), statusLine("Loading the catalogue…"));
  const notice = h("p", { class: "notice", role: "status", "data-testid": "catalogue-saved" });
  const inventory = h("section", { "aria-labelledby": "inventory-title" });
  const packages = h("section", { "aria-labelledby": "packages-title" });
  const reload = async (message?: string) => {
    const [items, pkgs] = await Promise.all([
      ctx.api.get<InventoryView[] | Paged<InventoryView>>(`${ctx.base}/inventory`),
      ctx.api.get<PackageDetail[] | Paged<PackageDetail>>(`${ctx.base}/packages?includeArchived=true`),
    ]);
    if (signal.aborted) return;
    const done = (text: string) => void reload(text);
    inventory.replaceChildren(...inventorySection(ctx, listOf(items), done));
    packages.replaceChildren(...packageSection(ctx, listOf(pkgs), listOf(items), done));
    notice.textContent = message ?? "";
  };
  await reload();
  if (signal.aborted) return;
  main.replaceChildren(
    h("h1", { id: "view-title", tabindex: "-1" }, "Catalogue"),
    ...(ctx.business.role === "owner" ? [] : [h("p", { class: "muted" }, "Only the owner can change the catalogue.")]),
    notice,
    inventory,
    packages,
  );
}

function inventorySection(ctx: ViewContext, items: InventoryView[], done: (message: string) => void): (HTMLElement | string)[] {
  const owner = ctx.business.role === "owner";
  const rows = items.map((item) => {
    if (!owner) return h("li", { "data-testid": "inventory-item" }, `${item.name}: ${item.quantity}`);
    const form = itemForm(`item-${item.id}`, item, "Save", async (body) => {
      await ctx.api.request("PUT", `${ctx.base}/inventory/${item.id}`, body);
      done(`${body.name} saved.`);
    });
    const archive = h("button", { type: "button", class: "secondary", "aria-label": `Archive ${item.name}` }, "Archive");
    archive.addEventListener("click", async () => {
      archive.disabled = true;
      await ctx.api.post(`${ctx.base}/inventory/${item.id}/archive`);
      done(`${item.name} archived: new packages cannot use it; bookings that did keep their history.`);
    });
    form.querySelector(".actions")!.append(archive);
    return h("li", { "data-testid": "inventory-item", "data-item-id": item.id }, form);
  });
  return [
    h("h2", { id: "inventory-title" }, "Inventory"),
    h("p", { class: "muted" }, "What the business has a number of: rooms, kayaks, guides. Packages take units of these."),
    items.length === 0 ? statusLine("No inventory yet.", "inventory-empty") : h("ul", { class: "editor-list" }, ...rows),
    owner
      ? h(
          "div",
          { class: "card" },
          h("h3", {}, "Add an item"),
          itemForm("new-item", { name: "", quantity: 1 }, "Add item", async (body) => {
            await ctx.api.post(`${ctx.base}/inventory`, body);
            done(`${body.name} added.`);
          }),
        )
      : "",
  ];
}

function itemForm(
  id: string,
  item: { name: string; quantity: number },
  action: string,
  send: (body: { name: string; quantity: number }) => Promise<void>,
): HTMLFormElement {
  const errors = new FieldErrors();
  const name = h("input", { type: "text", value: item.name, autocomplete: "off" });
  const quantity = h("input", { type: "number", inputmode: "numeric", min: 0, step: 1, value: String(item.quantity) });
  const button = h("button", { type: "submit", class: "primary" }, action);
  const form = h(
    "form",
    { class: "inline-form", novalidate: true, "aria-label": item.name ? `Item ${item.name}` : "New item" },
    errors.field("name", `${id}-name`, "Name", name),
    errors.field("quantity", `${id}-quantity`, "Units", quantity),
    h("div", { class: "actions" }, button),
    errors.summary,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.clear();
    button.disabled = true;
    try {
      await send({ name: name.value, quantity: Number(quantity.value) });
    } catch (err) {
      errors.show(err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function packageSection(ctx: ViewContext, packages: PackageDetail[], items: InventoryView[], done: (message: string) => void): (HTMLElement | string)[] {
  const owner = ctx.business.role === "owner";
  const itemName = new Map(items.map((i) => [i.id, i.name]));
  const editor = h("div", { id: "package-editor" });
  const open = (p: PackageDetail | null) => {
    editor.replaceChildren(packageForm(ctx, p, items, done, () => editor.replaceChildren()));
    editor.querySelector<HTMLElement>("h3")?.focus();
  };
  const row = (p: PackageDetail) => {
    const edit = h("button", { type: "button", class: "secondary", "aria-label": `Edit ${p.name}` }, "Edit");
    edit.addEventListener("click", () => open(p));
    const uses = p.inventory.map((u) => `${u.units} ${itemName.get(u.inventoryItemId) ?? "archived item"}${u.perSeat ? " per seat" : ""}`).join(", ");
    return h(
      "tr",
      { "data-testid": "package-row", "data-package-id": p.id },
      h("td", {}, h("span", { class: "who" }, p.name), p.archived ? h("span", { class: "hint" }, "Archived: not on sale") : null),
      h("td", {}, `${p.durationMinutes} min`),
      h("td", { class: "num" }, formatMoney(p.priceMinor, p.currency, ctx.locale)),
      h("td", { class: "num" }, p.maxSeats),
      h("td", {}, uses),
      h("td", {}, owner && !p.archived ? edit : null),
    );
  };
  const add = h("button", { type: "button", class: "primary" }, "New package");
  add.addEventListener("click", () => open(null));
  return [
    h("h2", { id: "packages-title" }, "Packages"),
    packages.length === 0
      ? statusLine("No packages yet.", "packages-empty")
      : h(
          "div",
          { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Packages on offer" },
          h(
            "table",
            {},
            h("caption", { class: "visually-hidden" }, "Packages"),
            h("thead", {}, h("tr", {}, ...["Package", "Length", "Price", "Seats", "Uses", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
            h("tbody", {}, ...packages.map(row)),
          ),
        ),
    owner && items.length > 0 ? h("p", {}, add) : owner ? h("p", { class: "muted" }, "Add an inventory item first: every package takes some.") : "",
    editor,
  ];
}

function packageForm(
  ctx: ViewContext,
  p: PackageDetail | null,
  items: InventoryView[],
  done: (message: string) => void,
  close: () => void,
): HTMLFormElement {
  const currency = ctx.business.currency;
  const errors = new FieldErrors();
  const name = h("input", { type: "text", value: p?.name ?? "", autocomplete: "off" });
  const description = h("textarea", { rows: 3 }, p?.description ?? "");
  const duration = h("input", { type: "number", inputmode: "numeric", min: 5, step: 5, value: String(p?.durationMinutes ?? 60) });
  const price = h("input", { type: "text", inputmode: "decimal", value: minorToInput(p?.priceMinor ?? 0, currency) });
  const seats = h("input", { type: "number", inputmode: "numeric", min: 1, step: 1, value: String(p?.maxSeats ?? 1) });
  const lines = items.map((item) => {
    const use = p?.inventory.find((u) => u.inventoryItemId === item.id);
    const uses = h("input", { type: "checkbox", id: `use-${item.id}`, checked: use !== undefined || (p === null && items.length === 1) });
    const units = h("input", { type: "number", id: `use-${item.id}-units`, min: 1, step: 1, value: String(use?.units ?? 1), class: "short" });
    const perSeat = h("input", { type: "checkbox", id: `use-${item.id}-per-seat`, checked: use?.perSeat ?? true });
    const row = h(
      "div",
      { class: "use-row" },
      h("span", {}, uses, h("label", { for: uses.id }, ` ${item.name} (${item.quantity})`)),
      h("span", {}, h("label", { for: units.id }, "Units "), units),
      h("span", {}, perSeat, h("label", { for: perSeat.id }, " per seat")),
    );
    return { item, uses, units, perSeat, row };
  });
  const inventory = h("fieldset", { class: "uses", id: "package-inventory", tabindex: -1 }, h("legend", {}, "Takes from inventory"), ...lines.map((l) => l.row));
  const inventoryError = errors.register("inventory", inventory, "package-inventory");
  const save = h("button", { type: "submit", class: "primary" }, p ? "Save package" : "Create package");
  const cancel = h("button", { type: "button", class: "secondary" }, "Close");
  cancel.addEventListener("click", close);
  const actions = h("div", { class: "actions" }, save, cancel);
  if (p) {
    const archive = h("button", { type: "button", class: "danger" }, "Archive package");
    archive.addEventListener("click", async () => {
      archive.disabled = true;
      try {
        await ctx.api.post(`${ctx.base}/packages/${p.id}/archive`);
        done(`${p.name} archived: it is off sale; its bookings stand.`);
      } catch (err) {
        errors.show(err);
        archive.disabled = false;
      }
    });
    actions.append(archive);
  }
  const title = p ? `Edit ${p.name}` : "New package";
  const form = h(
    "form",
    { class: "card package-form", novalidate: true, "aria-labelledby": "package-form-title", "data-testid": "package-form" },
    h("h3", { id: "package-form-title", tabindex: -1 }, title),
    errors.field("name", "package-name", "Name", name),
    errors.field("description", "package-description", "Description", description, "Shown to customers on the booking page."),
    errors.field("durationMinutes", "package-durationMinutes", "Length (minutes)", duration),
    errors.field("priceMinor", "package-price", `Price (${currency})`, price, "0 for a free package."),
    errors.field("maxSeats", "package-maxSeats", "Most seats in one booking", seats),
    inventory,
    inventoryError,
    errors.summary,
    actions,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const priceMinor = parseMoney(price.value, currency);
    if (priceMinor === null) {
      errors.showFields({ priceMinor: [`Enter a price in ${currency}, such as ${minorToInput(4500, currency)}.`] }, "");
      return;
    }
    const body = {
      name: name.value,
      description: description.value.trim() || null,
      durationMinutes: Number(duration.value),
      priceMinor,
      maxSeats: Number(seats.value),
      inventory: lines.filter((l) => l.uses.checked).map((l) => ({ inventoryItemId: l.item.id, units: Number(l.units.value), perSeat: l.perSeat.checked })),
    };
    errors.clear();
    save.disabled = true;
    try {
      if (p) await ctx.api.request("PUT", `${ctx.base}/packages/${p.id}`, body);
      else await ctx.api.post(`${ctx.base}/packages`, body);
      done(`${body.name.trim()} ${p ? "saved" : "created"}.`);
    } catch (err) {
      errors.show(err);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
