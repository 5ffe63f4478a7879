import { describe, expect, it } from "vitest";
import { parseProblem } from "./problem";
import { fieldError, isCode, normaliseCode, waitText } from "./sign-in";

describe("the code", () => {
  it("is six digits, with pasted spaces ignored", () => {
    expect(isCode(normaliseCode(" 123 456 "))).toBe(true);
    expect(isCode("12345")).toBe(false);
    expect(isCode("12345a")).toBe(false);
    expect(isCode("1234567")).toBe(false);
  });
});

describe("fieldError", () => {
  it("shows the API's own words for a wrong, expired or used code", () => {
    const wrong = parseProblem(422, { status: 422, detail: "That is not the code we emailed; 4 more tries.", field: "code" });
    expect(wrong.field).toBe("code");
    expect(fieldError(wrong)).toEqual({ message: "That is not the code we emailed; 4 more tries." });
  });

  it("keeps a 429's wait to hold the button, and says it once", () => {
    const limited = parseProblem(429, { status: 429, title: "Too many requests", detail: "Too many sign-in codes for this email address just now; try again in 42 s.", retryAfterSeconds: 42, field: "email" });
    expect(fieldError(limited)).toEqual({ message: "Too many sign-in codes for this email address just now; try again in 42 s.", waitSeconds: 42 });
    const bare = parseProblem(429, { status: 429, title: "Too many requests", retryAfterSeconds: 125 });
    expect(fieldError(bare)).toEqual({ message: "Too many requests. Try again in 2 min 5 s.", waitSeconds: 125 });
  });

  it("says when sign-in is down rather than blaming the code", () => {
    expect(fieldError(parseProblem(503, { status: 503, detail: "Sign-in is not available right now; try again shortly." })).message).toMatch(/not available/);
  });
});

describe("waitText", () => {
  it("reads seconds as people do", () => {
    expect(waitText(5)).toBe("5 s");
    expect(waitText(60)).toBe("1 min");
    expect(waitText(61.2)).toBe("1 min 2 s");
    expect(waitText(-3)).toBe("0 s");
  });
});
