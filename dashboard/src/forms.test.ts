import { describe, expect, it } from "vitest";
import { fieldKey, placeError } from "./views/forms";

describe("placing the API's validation errors", () => {
  const known = new Set(["name", "inventory", "intervals[2].closes"]);
  const has = (k: string) => known.has(k);

  it("matches field names whatever their case", () => {
    expect(fieldKey("Intervals[2].Closes")).toBe("intervals[2].closes");
    expect(placeError("Name", has)).toBe("name");
    expect(placeError("Intervals[2].Closes", has)).toBe("intervals[2].closes");
  });

  it("puts an error about part of a list on the list when the part has no field of its own", () => {
    expect(placeError("inventory[1].units", has)).toBe("inventory");
    expect(placeError("inventory", has)).toBe("inventory");
  });

  it("leaves unknown fields for the form's summary", () => {
    expect(placeError("currency", has)).toBeNull();
    expect(placeError("intervals[5].opens", has)).toBeNull();
  });
});
