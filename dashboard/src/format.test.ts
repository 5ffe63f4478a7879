import { describe, expect, it } from "vitest";
import { addDays, formatMoney, formatTime, minorToInput, parseMoney, todayIn } from "./format";

describe("the business's clock and currency", () => {
  it("tells today in the business's zone, not the browser's", () => {
    const lateUtc = new Date("2026-12-02T23:30:00Z");
    expect(todayIn("Europe/London", lateUtc)).toBe("2026-12-02");
    expect(todayIn("Asia/Tokyo", lateUtc)).toBe("2026-12-03");
  });

  it("writes times on the business's clock across the spring clock change", () => {
    expect(formatTime("2026-03-28T10:00:00Z", "Europe/London", "en-GB")).toBe("10:00");
    expect(formatTime("2026-03-30T10:00:00Z", "Europe/London", "en-GB")).toBe("11:00");
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
  });

  it("writes money from minor units in the currency's own decimals", () => {
    expect(formatMoney(4500, "GBP", "en-GB")).toBe("£45.00");
    expect(formatMoney(4500, "JPY", "en-GB")).toBe("JP¥4,500");
  });
});

describe("prices typed by the owner", () => {
  it("reads major units in the currency's own precision, either decimal mark", () => {
    expect(parseMoney("45", "GBP")).toBe(4500);
    expect(parseMoney("45.5", "GBP")).toBe(4550);
    expect(parseMoney("45,05", "EUR")).toBe(4505);
    expect(parseMoney("1200", "JPY")).toBe(1200);
  });

  it("refuses what is not an amount", () => {
    expect(parseMoney("", "GBP")).toBeNull();
    expect(parseMoney("4.555", "GBP")).toBeNull();
    expect(parseMoney("12.5", "JPY")).toBeNull();
    expect(parseMoney("-3", "GBP")).toBeNull();
  });

  it("writes minor units back as typed", () => {
    expect(minorToInput(4550, "GBP")).toBe("45.50");
    expect(minorToInput(1200, "JPY")).toBe("1200");
  });
});
