// The owner's API keys and webhook endpoints as the API answers them, and how the Integrations view words them.
// Pure functions, unit-tested in integrations.test.ts.

export interface ApiKeyView {
  id: string;
  name: string;
  scope: string;
  hint: string;
  requestsPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  apiKey: ApiKeyView;
  key: string;
}

export interface WebhookEndpointView {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  createdAt: string;
  enabled: boolean;
  failingSince: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
}

export interface WebhookEndpointCreated {
  endpoint: WebhookEndpointView;
  signingSecret: string;
}

export interface WebhookSecretRotated {
  signingSecret: string;
  previousSecretValidUntil: string;
}

export interface WebhookEventTypes {
  types: string[];
  all: string;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  state: string;
  attempts: number;
  occurredAt: string;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

export interface WebhookAttemptView {
  attemptedAt: string;
  statusCode: number | null;
  latencyMs: number;
  succeeded: boolean;
  error: string | null;
}

export interface WebhookDeliveryDetail {
  delivery: WebhookDeliveryView;
  payload: string;
  attempts: WebhookAttemptView[];
}

const EVENT_LABELS: Record<string, string> = {
  "booking.held.v1": "A booking is held, awaiting payment",
  "booking.confirmed.v1": "A booking is confirmed",
  "booking.cancelled.v1": "A booking is cancelled",
  "booking.expired.v1": "An unpaid hold expires",
  "booking.rescheduled.v1": "A booking is moved",
  "booking.completed.v1": "A booking has taken place",
  "booking.attendance-marked.v1": "A booking is marked checked in or no-show",
  "payment.succeeded.v1": "A payment succeeds",
  "payment.refunded.v1": "A payment is refunded",
  "customer.created.v1": "A customer is added",
  "customer.updated.v1": "A customer's details change",
};

/** Words for an event type; a type the API offers that has no words yet is shown by its wire name. */
export function eventTypeLabel(type: string): string {
  return EVENT_LABELS[type] ?? type;
}

/** "Every event", or the wire names subscribed to. */
export function eventsSummary(types: string[], all = "*"): string {
  return types.includes(all) ? "Every event" : types.join(", ");
}

export function scopeLabel(scope: string): string {
  return scope === "read" ? "Read only" : scope === "write" ? "Read and write" : scope;
}

export function endpointStateLabel(e: WebhookEndpointView): string {
  if (!e.enabled) return e.disabledReason ? `Off: ${e.disabledReason}` : "Off";
  return e.failingSince ? "On, failing" : "On";
}

export function deliveryStateLabel(d: WebhookDeliveryView): string {
  if (d.state === "delivered") return "Delivered";
  if (d.state === "failed") return "Failed, no more retries";
  return d.attempts === 0 ? "Queued" : "Waiting to retry";
}

/** "HTTP 200", or why no answer came. */
export function attemptOutcome(a: { statusCode: number | null; error: string | null }): string {
  if (a.statusCode !== null) return `HTTP ${a.statusCode}`;
  return a.error ? `No answer: ${a.error}` : "No answer";
}

export function latencyLabel(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
