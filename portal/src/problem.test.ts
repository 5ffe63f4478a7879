import { describe, expect, it } from "vitest";
import { parseProblem } from "./problem";
import { SubmissionKeys } from "./idempotency";

describe("parseProblem", () => {
  it("maps validation errors to the form's fields", () => {
    const p = parseProblem(400, {
      title: "One or more validation errors occurred.",
      status: 400,
      errors: { "customer.email": ["The Email field is not a valid e-mail address."], "Customer.Name": ["Name is required."], "$.seats": ["Seats must be 1 to 10."] },
    });
    expect(p.status).toBe(400);
    expect(p.message).toBe("One or more validation errors occurred.");
    expect(p.fieldErrors).toEqual({
      email: ["The Email field is not a valid e-mail address."],
      name: ["Name is required."],
      seats: ["Seats must be 1 to 10."],
    });
  });

  it("prefers detail over title", () => {
    expect(parseProblem(409, { title: "Conflict", detail: "Only 1 seat left at that time.", status: 409 }).message).toBe("Only 1 seat left at that time.");
    expect(parseProblem(422, { title: "Start time not offered", status: 422 }).message).toBe("Start time not offered");
  });

  it("keeps errors for fields the form does not show in the message", () => {
    const p = parseProblem(400, { title: "Invalid", errors: { startsAt: ["Not a valid time."] } });
    expect(p.message).toBe("Invalid Not a valid time.");
    expect(p.fieldErrors).toEqual({});
  });

  it("falls back to a message for bodies that are not ProblemDetails", () => {
    expect(parseProblem(502, "<html>Bad gateway</html>").message).toMatch(/our side/);
    expect(parseProblem(409, undefined).message).toBe("That time is no longer available.");
    expect(parseProblem(400, { detail: "  " }).message).toBe("The request failed (HTTP 400).");
  });
});

describe("SubmissionKeys", () => {
  let n = 0;
  const keys = () => new SubmissionKeys(() => `key-${++n}`);

  it("reuses the key when the same submission is retried before the server answered", () => {
    const k = keys();
    const first = k.keyFor('{"seats":1}');
    expect(k.keyFor('{"seats":1}')).toBe(first);
  });

  it("uses a new key for changed details or after the server answered", () => {
    const k = keys();
    const first = k.keyFor('{"seats":1}');
    const changed = k.keyFor('{"seats":2}');
    expect(changed).not.toBe(first);
    k.settled();
    expect(k.keyFor('{"seats":2}')).not.toBe(changed);
  });
});

describe("parseProblem: the field at fault and the wait", () => {
  it("reads the API's field extension, else the first validation error's key", () => {
    expect(parseProblem(422, { detail: "That is not the code we emailed.", field: "code" }).field).toBe("code");
    expect(parseProblem(400, { title: "Invalid", errors: { Email: ["Not an email address."] } }).field).toBe("email");
    expect(parseProblem(409, { detail: "Taken." }).field).toBeUndefined();
  });

  it("keeps a 429's retryAfterSeconds, whole seconds only when given", () => {
    expect(parseProblem(429, { detail: "Slow down", retryAfterSeconds: 41.2 }).retryAfterSeconds).toBe(42);
    expect(parseProblem(429, { detail: "Slow down" }).retryAfterSeconds).toBeUndefined();
    expect(parseProblem(429, { detail: "Slow down", retryAfterSeconds: "soon" }).retryAfterSeconds).toBeUndefined();
  });
});
