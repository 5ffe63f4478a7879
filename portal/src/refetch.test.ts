import { describe, expect, it } from "vitest";
import { refetchDelayMs } from "./refetch";

describe("refetchDelayMs", () => {
  it("spreads refetches between 250 ms and 2 s", () => {
    expect(refetchDelayMs(() => 0)).toBe(250);
    expect(refetchDelayMs(() => 0.5)).toBe(1125);
    expect(refetchDelayMs(() => 0.9999)).toBeLessThan(2000);
  });

  it("gives different pages different delays", () => {
    const delays = new Set(Array.from({ length: 50 }, () => refetchDelayMs()));
    expect(delays.size).toBeGreaterThan(10);
  });
});
