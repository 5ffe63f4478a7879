import { afterEach, describe, expect, it, vi } from "vitest";
import { debounce } from "./live";

afterEach(() => vi.useRealTimers());

describe("live reloads", () => {
  it("reload once for a burst of pushes (one booking moving sends several)", () => {
    vi.useFakeTimers();
    const reload = vi.fn();
    const push = debounce(reload, 300);
    push();
    push();
    push();
    vi.advanceTimersByTime(299);
    expect(reload).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
