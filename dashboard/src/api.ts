// The API, same-origin and relative (Vite proxies in development; CloudFront routes /api in AWS), with
// the signed-in person's access token, refreshed from the user pool when it is about to expire.

import { needsRefresh, readAuthResult, refreshSignIn, type DashboardConfig, type Session } from "./auth";

export interface Problem {
  status: number;
  message: string;
  /** Messages per field, keyed as the API names fields ("name", "inventory[0].units"). */
  fieldErrors: Record<string, string[]>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** RFC 9457 problem details → one message and the errors of each field. */
export function parseProblem(status: number, body: unknown): Problem {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined);
  const fieldErrors: Record<string, string[]> = {};
  if (typeof b.errors === "object" && b.errors !== null) {
    for (const [key, value] of Object.entries(b.errors as Record<string, unknown>)) {
      const messages = (Array.isArray(value) ? value : [value]).filter((m): m is string => typeof m === "string");
      if (messages.length > 0) fieldErrors[key.replace(/^\$\.?/, "")] = messages;
    }
  }
  const fallback =
    status === 0 ? "Could not reach the server; check the connection and try again."
    : status === 401 ? "Your sign-in has expired; sign in again."
    : status === 404 ? "Not found, or not yours to see."
    : status >= 500 ? "Something went wrong on our side; try again."
    : `The request failed (HTTP ${status}).`;
  return { status, message: text(b.detail) ?? text(b.title) ?? fallback, fieldErrors };
}

const SESSION_KEY = "bookingaws.dashboard.session";

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

export class Api {
  constructor(
    private readonly config: DashboardConfig,
    private session: Session,
    private readonly onSignedOut: () => void,
  ) {}

  get email(): string {
    return this.session.email;
  }

  private async token(): Promise<string> {
    if (needsRefresh(this.session) && this.session.refreshToken) {
      try {
        const { url, init } = refreshSignIn(this.config, this.session.refreshToken);
        const response = await fetch(url, init);
        this.session = readAuthResult(response.status, await response.json().catch(() => null), this.session.email, this.session);
        saveSession(this.session);
      } catch {
        // The next call answers 401 and the page asks for the password again.
      }
    }
    return this.session.accessToken;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          Accept: "application/json",
          Authorization: `Bearer ${await this.token()}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(parseProblem(0, null));
    }
    if (response.status === 401) {
      this.onSignedOut();
    }
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(parseProblem(response.status, parsed));
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body ?? {});
  }
}

export async function loadConfig(): Promise<DashboardConfig> {
  const response = await fetch("/api/v1/dashboard/config", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new ApiError(parseProblem(response.status, await response.json().catch(() => null)));
  return (await response.json()) as DashboardConfig;
}
