// RFC 7807 ProblemDetails → what the form shows: one message and errors per form field.

export type FormField = "seats" | "name" | "email";

export interface Problem {
  status: number;
  message: string;
  fieldErrors: Partial<Record<FormField, string[]>>;
  /** The field at fault as the API names it (its `field` extension, else the first validation error's key), if any. */
  field?: string;
  /** A 429's wait (`retryAfterSeconds`), in whole seconds. */
  retryAfterSeconds?: number;
}

// The API names fields by their JSON path; casing and a "$." prefix vary between
// ASP.NET's validators, so keys are normalised before mapping.
const FIELD_BY_KEY: Record<string, FormField> = {
  seats: "seats",
  "customer.name": "name",
  "customer.email": "email",
  customer: "name", // a missing customer object is reported on the whole object
};

function normaliseKey(key: string): string {
  return key.replace(/^\$\.?/, "").toLowerCase();
}

function fallbackMessage(status: number): string {
  if (status === 0) return "Could not reach the server. Check your connection and try again.";
  if (status === 404) return "Not found.";
  if (status === 409) return "That time is no longer available.";
  if (status >= 500) return "Something went wrong on our side. Please try again.";
  return `The request failed (HTTP ${status}).`;
}

export function parseProblem(status: number, body: unknown): Problem {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined);
  const fieldErrors: Problem["fieldErrors"] = {};
  const unmapped: string[] = [];

  if (typeof b.errors === "object" && b.errors !== null) {
    for (const [key, value] of Object.entries(b.errors as Record<string, unknown>)) {
      const messages = (Array.isArray(value) ? value : [value]).filter((m): m is string => typeof m === "string");
      if (messages.length === 0) continue;
      const field = FIELD_BY_KEY[normaliseKey(key)];
      if (field) (fieldErrors[field] ??= []).push(...messages);
      else unmapped.push(...messages);
    }
  }

  // Errors on fields the form does not have (e.g. startsAt) would otherwise be invisible.
  const base = text(b.detail) ?? text(b.title) ?? fallbackMessage(status);
  const message = unmapped.length > 0 ? `${base} ${unmapped.join(" ")}` : base;
  const problem: Problem = { status, message, fieldErrors };
  const firstKey = typeof b.errors === "object" && b.errors !== null ? Object.keys(b.errors)[0] : undefined;
  const field = text(b.field) ?? (firstKey === undefined ? undefined : normaliseKey(firstKey));
  if (field) problem.field = field;
  if (typeof b.retryAfterSeconds === "number" && Number.isFinite(b.retryAfterSeconds) && b.retryAfterSeconds > 0) {
    problem.retryAfterSeconds = Math.ceil(b.retryAfterSeconds);
  }
  return problem;
}
