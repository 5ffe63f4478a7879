import { describe, expect, it } from "vitest";
import { memberLabel, statusText } from "./views/staff";

describe("the staff list", () => {
  it("calls a member by name, or by their address while they have none", () => {
    expect(memberLabel({ name: "Kim", email: "kim@example.test" })).toBe("Kim");
    expect(memberLabel({ name: "  ", email: "kim@example.test" })).toBe("kim@example.test");
  });

  it("says when an invitation was sent, on the business's clock, until the person signs in", () => {
    const invited = statusText({ status: "invited", createdAt: "2027-03-01T23:30:00Z" }, "Asia/Tokyo", "en-GB");
    expect(invited).toContain("2 Mar");
    expect(invited).toContain("not signed in yet");
    expect(statusText({ status: "active", createdAt: "2027-03-01T23:30:00Z" }, "Asia/Tokyo", "en-GB")).toBe("Active");
  });
});
