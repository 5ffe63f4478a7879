// The customer's account on the portal: the header's Sign in / My bookings / Sign out, and the two screens behind
// `#sign-in` and `#my-bookings` (drawn into #account-section while the booking flow is hidden). The session is
// session.ts's; the screens are sign-in-view.ts and my-bookings-view.ts.
import type { Catalog } from "./api";
import { $ } from "./dom";
import type { AvailabilityPush } from "./format";
import { MyBookingsView } from "./my-bookings-view";
import { clearSession, msUntilExpiry, readSession, saveSession, sessionFrom, type AccountRoute, type CustomerSession } from "./session";
import { SignInView } from "./sign-in-view";

const store = () => localStorage;

export class Account {
  private view: SignInView | MyBookingsView | undefined;
  private shown: AccountRoute | undefined;
  private catalog: Catalog | undefined;
  private notice: string | undefined;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly slug: string) {
    $("sign-out").addEventListener("click", () => this.signOut());
    // Another tab signed in or out.
    window.addEventListener("storage", () => this.sessionChanged());
    this.renderNav();
  }

  /** The session while it is good (read afresh: another tab may have ended it). */
  session(): CustomerSession | undefined {
    return readSession(store());
  }

  /** Draws the screen the fragment names, over the booking flow. */
  show(route: AccountRoute, catalog: Catalog) {
    this.catalog = catalog;
    const session = this.session();
    // My bookings needs a session; sign-in is pointless with one.
    if (route === "my-bookings" && !session) return this.go("sign-in");
    if (route === "sign-in" && session) return this.go("my-bookings");
    if (this.shown === route && this.view) return;
    this.view?.dispose();
    this.shown = route;
    const section = $("account-section");
    if (route === "sign-in") {
      const view = new SignInView({
        slug: this.slug,
        businessName: catalog.name,
        notice: this.notice,
        // sessionChanged moves on to my bookings.
        signedIn: (answer) => {
          saveSession(store(), sessionFrom(answer));
          this.sessionChanged();
        },
      });
      this.view = view;
      section.replaceChildren(view.root);
    } else {
      const view = new MyBookingsView({ slug: this.slug, catalog, session: session!, sessionEnded: () => this.ended() });
      this.view = view;
      section.replaceChildren(view.root);
      void view.load();
    }
    this.notice = undefined;
    section.hidden = false;
    document.title = `${route === "sign-in" ? "Sign in" : "My bookings"} — ${catalog.name}`;
    this.renderNav();
    this.view.focus();
  }

  /** Back to the booking flow: the screens leave the page (their fields must not be found beside the form's). */
  hide() {
    this.view?.dispose();
    this.view = undefined;
    this.shown = undefined;
    $("account-section").replaceChildren();
    $("account-section").hidden = true;
    this.renderNav();
  }

  onPush(push: AvailabilityPush) {
    if (this.view instanceof MyBookingsView) this.view.onPush(push);
  }

  onWatching() {
    if (this.view instanceof MyBookingsView) this.view.onWatching();
  }

  /** Forgets the session on this device (the token lapses on its own within the hour); back to booking. */
  signOut() {
    clearSession(store());
    if (this.shown) {
      this.shown = undefined;
      location.hash = "book";
    }
    this.sessionChanged();
  }

  /** The API refused the session: sign out and ask again, saying why. */
  private ended() {
    clearSession(store());
    this.notice = "Your session has ended; sign in again to see your bookings.";
    this.sessionChanged();
  }

  private sessionChanged() {
    const session = this.session();
    clearTimeout(this.expiryTimer);
    if (session) this.expiryTimer = setTimeout(() => this.ended(), msUntilExpiry(session));
    this.renderNav();
    // A screen that no longer fits the session is swapped for the one that does.
    if (this.shown === "my-bookings" && !session) {
      this.shown = undefined;
      this.go("sign-in");
    } else if (this.shown === "sign-in" && session) {
      this.go("my-bookings");
    }
  }

  private go(route: AccountRoute) {
    if (location.hash === `#${route}`) {
      if (this.catalog) this.show(route, this.catalog);
    } else {
      // hashchange draws it (main.ts routes on it).
      location.hash = route;
    }
  }

  private renderNav() {
    const session = this.session();
    $("account-nav").hidden = false;
    $("nav-sign-in").hidden = !!session;
    $("nav-my-bookings").hidden = !session;
    $("signed-in").hidden = !session;
    $("sign-out").hidden = !session;
    $("signed-in-as").textContent = session?.email ?? "";
    for (const [id, route] of [["nav-book", undefined], ["nav-sign-in", "sign-in"], ["nav-my-bookings", "my-bookings"]] as const) {
      if (this.shown === route) $(id).setAttribute("aria-current", "page");
      else $(id).removeAttribute("aria-current");
    }
  }
}
