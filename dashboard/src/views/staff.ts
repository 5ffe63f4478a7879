import type { ViewContext } from "../main";
import { ApiError } from "../api";
import { h, errorBox, statusLine } from "../dom";
import { formatDateTime } from "../format";
import { FieldErrors } from "./forms";

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: "owner" | "staff";
  status: "invited" | "active";
  createdAt: string;
}

const ROLES: [StaffMember["role"], string][] = [
  ["staff", "Staff"],
  ["owner", "Owner"],
];

/** How a member is called on the page: their name, or their address until they have one. */
export function memberLabel(m: Pick<StaffMember, "name" | "email">): string {
  return m.name.trim() || m.email;
}

export function statusText(m: Pick<StaffMember, "status" | "createdAt">, zone: string, locale: string | undefined): string {
  return m.status === "invited" ? `Invited ${formatDateTime(m.createdAt, zone, locale)}; not signed in yet` : "Active";
}

/**
 * Who works at the business: invite by email, change a role, remove (after a confirmation naming the person).
 * Owners only: the API refuses everyone else, so staff see a line saying so rather than an error.
 */
export async function renderStaff(main: HTMLElement, ctx: ViewContext, _args: string[], signal: AbortSignal): Promise<void> {
  const title = h("h1", { id: "view-title", tabindex: "-1" }, "Staff");
  if (ctx.business.role !== "owner") {
    main.replaceChildren(title, h("p", { class: "muted", "data-testid": "staff-owners-only" }, "Only an owner can see and change who works here."));
    return;
  }
  main.replaceChildren(title, statusLine("Loading the staff…"));
  const notice = h("p", { class: "notice", role: "status", "data-testid": "staff-saved" });
  const people = h("section", { "aria-labelledby": "staff-list-title" });
  // After a change the list is drawn again: focus goes back to the member's role (or, once they are gone, the
  // list's heading), not to the top of the page.
  const reload = async (message?: string, focus?: string) => {
    const members = await ctx.api.get<StaffMember[]>(`${ctx.base}/staff`);
    if (signal.aborted) return;
    const done = (text: string, after?: string) => void reload(text, after).catch((e: Error) => people.replaceChildren(errorBox(e.message)));
    people.replaceChildren(...list(ctx, members, done));
    notice.textContent = message ?? "";
    if (focus) (people.querySelector<HTMLElement>(`#staff-${focus}-role`) ?? people.querySelector<HTMLElement>("#staff-list-title"))?.focus();
  };
  await reload();
  if (signal.aborted) return;
  main.replaceChildren(title, notice, people, inviteForm(ctx, (text) => reload(text)));
}

type Done = (message: string, focusMemberId?: string) => void;

function list(ctx: ViewContext, members: StaffMember[], done: Done): HTMLElement[] {
  return [
    h("h2", { id: "staff-list-title", tabindex: "-1" }, "People"),
    members.length === 0
      ? statusLine("Nobody works here yet.", "staff-empty")
      : h("ul", { class: "editor-list" }, ...members.map((m) => row(ctx, m, done))),
  ];
}

function row(ctx: ViewContext, m: StaffMember, done: Done): HTMLElement {
  const who = memberLabel(m);
  const you = m.email.toLowerCase() === ctx.api.email.trim().toLowerCase();
  const errors = new FieldErrors();
  const role = h("select", {}, ...ROLES.map(([value, label]) => h("option", { value, selected: value === m.role }, label)));
  const save = h("button", { type: "submit", class: "secondary", "aria-label": `Change the role of ${who}` }, "Change role");
  const remove = h("button", { type: "button", class: "secondary", "aria-label": `Remove ${who}` }, "Remove");
  const actions = h("div", { class: "actions" }, save, remove);
  const form = h(
    "form",
    { class: "inline-form", novalidate: true, "aria-label": `Role of ${who}` },
    errors.field("role", `staff-${m.id}-role`, "Role", role),
    actions,
    errors.summary,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (role.value === m.role) return;
    errors.clear();
    save.disabled = true;
    try {
      await ctx.api.request("PUT", `${ctx.base}/staff/${m.id}`, { role: role.value });
      // Stepping down from owner ends this view for the person who did it: start again with what they now have.
      if (you && role.value !== "owner") return location.reload();
      done(`${who} is now ${role.value === "owner" ? "an owner" : "staff"}.`, m.id);
    } catch (err) {
      role.value = m.role;
      errors.show(err);
    } finally {
      save.disabled = false;
    }
  });

  const confirmBox = h("div", { class: "card", role: "group", "aria-label": `Confirm removing ${who}`, hidden: true });
  remove.addEventListener("click", () => {
    const yes = h("button", { type: "button", class: "danger" }, `Yes, remove ${who}`);
    const no = h("button", { type: "button", class: "secondary" }, "Keep");
    confirmBox.replaceChildren(
      h("p", {}, `Remove ${who} from ${ctx.business.name}? ${you ? "You lose" : "They lose"} access at once; their sign-in stays for other businesses.`),
      h("div", { class: "actions" }, yes, no),
    );
    confirmBox.hidden = false;
    no.addEventListener("click", () => {
      confirmBox.hidden = true;
      confirmBox.replaceChildren();
      remove.focus();
    });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        await ctx.api.request("DELETE", `${ctx.base}/staff/${m.id}`);
        if (you) return location.reload();
        done(`${who} was removed.`, m.id);
      } catch (err) {
        confirmBox.hidden = true;
        confirmBox.replaceChildren();
        errors.show(err);
        remove.focus();
      }
    });
    yes.focus();
  });

  return h(
    "li",
    { "data-testid": "staff-member", "data-member-id": m.id, "data-email": m.email },
    h("span", { class: "who" }, who, you ? " (you)" : ""),
    m.name.trim() ? h("span", { class: "hint" }, m.email) : null,
    h("span", { class: "hint", "data-testid": "staff-status" }, statusText(m, ctx.business.timeZone, ctx.locale)),
    form,
    confirmBox,
  );
}

function inviteForm(ctx: ViewContext, done: (message: string) => Promise<void>): HTMLElement {
  const errors = new FieldErrors();
  const email = h("input", { type: "email", autocomplete: "off", required: true });
  const name = h("input", { type: "text", autocomplete: "off" });
  const role = h("select", {}, ...ROLES.map(([value, label]) => h("option", { value }, label)));
  const send = h("button", { type: "submit", class: "primary" }, "Send invitation");
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "staff-invite-title", "data-testid": "staff-invite" },
    h("h2", { id: "staff-invite-title" }, "Invite someone"),
    h("p", { class: "muted" }, "They get an email with the dashboard's address and sign in with this email address."),
    errors.field("email", "staff-invite-email", "Email", email),
    errors.field("name", "staff-invite-name", "Name (optional)", name),
    errors.field("role", "staff-invite-role", "Role", role, "Owners also manage the staff, API keys, webhooks and the business's settings."),
    errors.summary,
    h("div", { class: "actions" }, send),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.clear();
    if (!email.value.trim()) {
      errors.showFields({ email: ["Enter the email address to invite."] }, "");
      return;
    }
    send.disabled = true;
    try {
      const body = { email: email.value.trim(), name: name.value.trim() || null, role: role.value };
      const made = await ctx.api.post<StaffMember>(`${ctx.base}/staff`, body);
      email.value = "";
      name.value = "";
      await done(`Invitation sent to ${made.email}.`);
      email.focus();
    } catch (err) {
      // "Already a member" names its field in `field`, not `errors`: put it where the person typed the address.
      if (err instanceof ApiError && err.problem.status === 409 && Object.keys(err.problem.fieldErrors).length === 0) {
        errors.showFields({ email: [err.problem.message] }, "");
      } else {
        errors.show(err);
      }
    } finally {
      send.disabled = false;
    }
  });
  return form;
}
