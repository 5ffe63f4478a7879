// Pieces of the Integrations view: a credential the API gives out once, and a confirm step before what cannot be undone.
import { ApiError } from "../api";
import { h, errorBox } from "../dom";

/** A credential shown the one time the API gives it out, with a way to copy it. */
export function secretPanel(options: { id: string; title: string; label: string; secret: string; warning: string; extra?: Node; onDone: () => void }): HTMLElement {
  const { id, title, label, secret, warning, extra, onDone } = options;
  const value = h("input", {
    type: "text",
    id: `${id}-value`,
    class: "secret",
    readonly: true,
    value: secret,
    spellcheck: "false",
    autocomplete: "off",
    "aria-describedby": `${id}-warning`,
    "data-testid": `${id}-value`,
  });
  const copied = h("p", { class: "muted", role: "status" });
  const copy = h("button", { type: "button", class: "primary" }, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copied.textContent = "Copied.";
    } catch {
      // No clipboard (an insecure origin, or permission refused): the text is selected for the keyboard's copy.
      value.focus();
      value.select();
      copied.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy it.";
    }
  });
  const done = h("button", { type: "button", class: "secondary" }, "Done");
  done.addEventListener("click", onDone);
  return h(
    "div",
    { class: "card secret-card", role: "region", "aria-labelledby": `${id}-title`, "data-testid": id },
    h("h3", { id: `${id}-title`, tabindex: "-1" }, title),
    h("p", { class: "warning", id: `${id}-warning` }, h("strong", {}, "You will not see it again. "), warning),
    h("div", { class: "field" }, h("label", { for: value.id }, label), h("div", { class: "copy-row" }, value, copy)),
    copied,
    extra ?? null,
    h("div", { class: "actions" }, done),
  );
}

/** "Sure?" in place of a destructive button: the action runs only on the second, explicit click. */
export function confirmStep(question: string, yes: string, run: () => Promise<void>, cancel: () => void): HTMLElement {
  const yesButton = h("button", { type: "button", class: "danger" }, yes);
  const no = h("button", { type: "button", class: "secondary" }, "Cancel");
  const error = h("div", {});
  yesButton.addEventListener("click", async () => {
    yesButton.disabled = true;
    no.disabled = true;
    try {
      await run();
    } catch (e) {
      error.replaceChildren(errorBox(e instanceof ApiError ? e.problem.message : (e as Error).message));
      yesButton.disabled = false;
      no.disabled = false;
    }
  });
  no.addEventListener("click", cancel);
  const group = h("div", { class: "confirm", role: "group", "aria-label": question }, h("p", {}, question), h("div", { class: "actions" }, yesButton, no), error);
  queueMicrotask(() => no.focus());
  return group;
}
