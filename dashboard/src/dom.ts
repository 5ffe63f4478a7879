// A tiny element builder: text always goes in as text (never HTML), so names customers typed are safe.

type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined | ((e: Event) => void)> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, "").toLowerCase(), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "object" ? child : String(child));
  }
  return el;
}

/** A status line for loading and empty states, read out by screen readers. */
export function statusLine(text: string, testId?: string): HTMLElement {
  return h("p", { class: "muted", role: "status", "data-testid": testId }, text);
}

export function errorBox(text: string): HTMLElement {
  return h("div", { class: "error-box", role: "alert" }, text);
}
