import { describe, expect, it } from "vitest";
import { csvFileName, fillDays, sellableMinutes, toCsv, toPackageCsv, totals, unitsFor, utilisation, type DailyFigures, type PackageFigures } from "./analytics";

const day = (date: string, over: Partial<DailyFigures> = {}): DailyFigures => ({
  date, bookings: 2, seats: 3, revenueMinor: 9000, currency: "GBP", cancellations: 1, bookedMinutes: 240, ...over,
});

describe("analytics", () => {
  it("fills the days the projection has no row for with zeros", () => {
    const days = fillDays([day("2026-03-30")], "2026-03-28", "2026-03-31", "GBP");
    expect(days.map((d) => [d.date, d.bookings])).toEqual([["2026-03-28", 0], ["2026-03-29", 0], ["2026-03-30", 2], ["2026-03-31", 0]]);
  });

  it("writes CSV with revenue in major units of the currency, and no formula a spreadsheet would run", () => {
    expect(toCsv([day("2026-12-01"), day("2026-12-02", { revenueMinor: 500, currency: "JPY" })])).toBe(
      "date,bookings,seats,revenue,currency,cancellations,booked_minutes\r\n" +
        "2026-12-01,2,3,90.00,GBP,1,240\r\n" +
        "2026-12-02,2,3,500,JPY,1,240\r\n",
    );
  });

  it("adds up the range", () => {
    expect(totals([day("a"), day("b")])).toEqual({ bookings: 4, seats: 6, revenueMinor: 18000, cancellations: 2 });
  });

  it("counts sellable minutes from the weekday's opening hours times the units", () => {
    const hours = [
      { day: "Wednesday", opens: "09:00:00", closes: "12:00:00" },
      { day: "Wednesday", opens: "13:00:00", closes: "17:00:00" },
      { day: "Sunday", opens: "10:00:00", closes: "16:00:00" },
    ];
    expect(sellableMinutes("2026-12-02", hours, 2)).toBe(7 * 60 * 2); // a Wednesday
    expect(sellableMinutes("2026-12-01", hours, 2)).toBe(0); // Tuesday: closed
    expect(utilisation(day("2026-12-02", { bookedMinutes: 210 }), 840)).toBe(25);
    expect(utilisation(day("2026-12-01"), 0)).toBeNull();
  });
});

describe("per-package analytics", () => {
  const pkg = (name: string, over: Partial<PackageFigures> = {}): PackageFigures => ({
    packageId: name, name, archived: false, bookings: 3, seats: 4, revenueMinor: 12000, currency: "GBP", cancellations: 1, bookedMinutes: 240, ...over,
  });

  it("writes one CSV row per package, archived ones marked and names that look like formulas defused", () => {
    expect(toPackageCsv([pkg("Harbour tour"), pkg("=Lesson, 2h", { archived: true, bookings: 0, revenueMinor: 0, cancellations: 0, bookedMinutes: 0, seats: 0 })])).toBe(
      "package,bookings,seats,revenue,currency,cancellations,booked_minutes\r\n" +
        "Harbour tour,3,4,120.00,GBP,1,240\r\n" +
        "\"'=Lesson, 2h (archived)\",0,0,0.00,GBP,0,0\r\n",
    );
  });

  it("measures a package against the units of its own items, and everything against every item", () => {
    const items = [{ id: "kayak", quantity: 6 }, { id: "guide", quantity: 2 }, { id: "room", quantity: 1 }];
    expect(unitsFor({ inventory: [{ inventoryItemId: "kayak" }, { inventoryItemId: "guide" }] }, items)).toBe(8);
    expect(unitsFor(undefined, items)).toBe(9);
  });

  it("names the export after the range and the chosen package", () => {
    expect(csvFileName("daily", "2026-03-27", "2026-03-30")).toBe("analytics-2026-03-27-to-2026-03-30.csv");
    expect(csvFileName("daily", "2026-03-27", "2026-03-30", "Sea kayak: lesson!")).toBe("analytics-sea-kayak-lesson-2026-03-27-to-2026-03-30.csv");
    expect(csvFileName("packages", "2026-03-27", "2026-03-30")).toBe("analytics-packages-2026-03-27-to-2026-03-30.csv");
  });
});
