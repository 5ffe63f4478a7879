// Rules of the sign-in screen: what a code looks like and how the API's refusals read beside the field.
// Nothing here touches the DOM or the network (tested in sign-in.test.ts).
import type { Problem } from "./problem";

/** The emailed code: six digits; spaces people paste along are ignored. */
export function normaliseCode(input: string): string {
  return input.replace(/\s+/g, "");
}

export function isCode(code: string): boolean {
  return /^[0-9]{6}$/.test(code);
}

export interface FieldError {
  /** What to show beside the field. */
  message: string;
  /** How long the button stays off (a 429's wait), in seconds. */
  waitSeconds?: number;
}

/**
 * How a refusal reads beside the field the customer is on: the API's own words (the tries left, an expired or
 * used code, the wait after too many requests), which name the field themselves (`field: code`, `email`).
 */
export function fieldError(problem: Problem): FieldError {
  if (problem.status === 429) {
    const wait = problem.retryAfterSeconds;
    const message = wait !== undefined && !/\d+\s*s\b/.test(problem.message) ? `${problem.message.replace(/[.!?]?$/, ".")} Try again in ${waitText(wait)}.` : problem.message;
    return wait === undefined ? { message } : { message, waitSeconds: wait };
  }
  if (problem.status === 503) return { message: problem.message || "Sign-in is not available right now; try again shortly." };
  return { message: problem.message };
}

/** "45 s", "2 min", "2 min 5 s": a wait as people read it. */
export function waitText(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m === 0) return `${rest} s`;
  return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
}
