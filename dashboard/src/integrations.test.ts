import { describe, expect, it } from "vitest";
import { attemptOutcome, deliveryStateLabel, endpointStateLabel, eventTypeLabel, eventsSummary, latencyLabel, scopeLabel, type WebhookDeliveryView, type WebhookEndpointView } from "./integrations";

const delivery = (state: string, attempts: number): WebhookDeliveryView => ({
  id: "d",
  eventId: "e",
  eventType: "booking.confirmed.v1",
  state,
  attempts,
  occurredAt: "2026-12-03T10:00:00Z",
  nextAttemptAt: null,
  lastAttemptAt: null,
  deliveredAt: null,
  lastStatusCode: null,
  lastError: null,
});

const endpoint = (patch: Partial<WebhookEndpointView>): WebhookEndpointView => ({
  id: "w",
  url: "https://example.com/hooks",
  eventTypes: ["*"],
  description: null,
  createdAt: "2026-12-03T10:00:00Z",
  enabled: true,
  failingSince: null,
  disabledAt: null,
  disabledReason: null,
  ...patch,
});

describe("webhook wording", () => {
  it("words known event types and shows a new one by its wire name", () => {
    expect(eventTypeLabel("booking.confirmed.v1")).toBe("A booking is confirmed");
    expect(eventTypeLabel("customer.merged.v1")).toBe("customer.merged.v1");
  });

  it("sums up subscriptions, * as every event", () => {
    expect(eventsSummary(["*"])).toBe("Every event");
    expect(eventsSummary(["booking.held.v1", "payment.refunded.v1"])).toBe("booking.held.v1, payment.refunded.v1");
  });

  it("tells a queued delivery from one waiting to retry, and a failed one from a delivered one", () => {
    expect(deliveryStateLabel(delivery("pending", 0))).toBe("Queued");
    expect(deliveryStateLabel(delivery("pending", 2))).toBe("Waiting to retry");
    expect(deliveryStateLabel(delivery("delivered", 1))).toBe("Delivered");
    expect(deliveryStateLabel(delivery("failed", 9))).toBe("Failed, no more retries");
  });

  it("shows the status code, or why there was none", () => {
    expect(attemptOutcome({ statusCode: 200, error: null })).toBe("HTTP 200");
    expect(attemptOutcome({ statusCode: null, error: "connection refused" })).toBe("No answer: connection refused");
    expect(latencyLabel(42)).toBe("42 ms");
    expect(latencyLabel(2500)).toBe("2.5 s");
  });

  it("says why an endpoint is off", () => {
    expect(endpointStateLabel(endpoint({}))).toBe("On");
    expect(endpointStateLabel(endpoint({ failingSince: "2026-12-03T10:00:00Z" }))).toBe("On, failing");
    expect(endpointStateLabel(endpoint({ enabled: false, disabledReason: "turned off by the business" }))).toBe("Off: turned off by the business");
  });
});

describe("API key wording", () => {
  it("names the scopes as the owner chooses them", () => {
    expect(scopeLabel("read")).toBe("Read only");
    expect(scopeLabel("write")).toBe("Read and write");
  });
});
