import { describe, expect, it } from "vitest";
import {
  accountRoute, clearSession, msUntilExpiry, PENDING_KEY, readPendingCode, readSession, saveSession, savePendingCode, SESSION_KEY, sessionFrom,
  type SessionStore,
} from "./session";

/** localStorage as a Map. */
function memory(initial: Record<string, string> = {}): SessionStore & { map: Map<string, string> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

const answer = { accessToken: "tok", tokenType: "Bearer", expiresIn: 3600, email: "ada@example.test" };
const t0 = Date.parse("2026-12-03T10:00:00Z");

describe("the session", () => {
  it("expires as long after the answer as the API said", () => {
    expect(sessionFrom(answer, t0)).toEqual({ accessToken: "tok", email: "ada@example.test", expiresAt: t0 + 3_600_000 });
  });

  it("is read back while good and dropped from storage once (nearly) expired", () => {
    const store = memory();
    saveSession(store, sessionFrom(answer, t0));
    expect(readSession(store, t0 + 1000)?.email).toBe("ada@example.test");
    // Within the last 30 s a request could reach the API too late: treated as over.
    expect(readSession(store, t0 + 3_600_000 - 10_000)).toBeUndefined();
    expect(store.map.has(SESSION_KEY)).toBe(false);
  });

  it("drops what it cannot read instead of sending it", () => {
    for (const raw of ["not json", "null", "{}", JSON.stringify({ accessToken: "", email: "a@b", expiresAt: t0 + 1e7 }), JSON.stringify({ accessToken: "t", email: "a@b", expiresAt: "soon" })]) {
      const store = memory({ [SESSION_KEY]: raw });
      expect(readSession(store, t0)).toBeUndefined();
      expect(store.map.has(SESSION_KEY)).toBe(false);
    }
  });

  it("is gone after signing out", () => {
    const store = memory();
    saveSession(store, sessionFrom(answer, t0));
    clearSession(store);
    expect(readSession(store, t0)).toBeUndefined();
  });

  it("says how long until it must be dropped, never less than nothing", () => {
    const s = sessionFrom(answer, t0);
    expect(msUntilExpiry(s, t0)).toBe(3_600_000 - 30_000);
    expect(msUntilExpiry(s, t0 + 4_000_000)).toBe(0);
  });
});

describe("the code asked for", () => {
  it("survives a reload until the code expires", () => {
    const store = memory();
    savePendingCode(store, { email: "ada@example.test", challenge: "c1", expiresAt: "2026-12-03T10:10:00Z" });
    expect(readPendingCode(store, t0)).toEqual({ email: "ada@example.test", challenge: "c1", expiresAt: "2026-12-03T10:10:00Z" });
    expect(readPendingCode(store, Date.parse("2026-12-03T10:10:01Z"))).toBeUndefined();
    expect(store.map.has(PENDING_KEY)).toBe(false);
  });

  it("is forgotten once used or replaced by nothing", () => {
    const store = memory();
    savePendingCode(store, { email: "a@b", challenge: "c", expiresAt: "2026-12-03T10:10:00Z" });
    savePendingCode(store, undefined);
    expect(readPendingCode(store, t0)).toBeUndefined();
    expect(readPendingCode(memory({ [PENDING_KEY]: "{" }), t0)).toBeUndefined();
  });
});

describe("accountRoute", () => {
  it("names the account screens and leaves everything else to the booking flow", () => {
    expect(accountRoute("#sign-in")).toBe("sign-in");
    expect(accountRoute("#my-bookings")).toBe("my-bookings");
    expect(accountRoute("#My-Bookings")).toBe("my-bookings");
    expect(accountRoute("")).toBeUndefined();
    expect(accountRoute("#book")).toBeUndefined();
    // A manage link's fragment is the manage view's.
    expect(accountRoute("#token=abc")).toBeUndefined();
  });
});
