using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BookingAws.StripeEmulator;

/// <summary>One API call as received, for tests that assert what reached "Stripe".</summary>
public sealed record RequestLogEntry(
    DateTimeOffset At, string Method, string Path, string? IdempotencyKey, int Status, bool Replayed, string? Fault);

/// <summary>All of the emulator's Stripe objects. One lock guards everything: traffic is test-sized.</summary>
public sealed partial class EmulatorState(TimeProvider time, WebhookQueue webhooks)
{
    /// <summary>The API version Stripe.net 53 pins; EventUtility.ConstructEvent rejects other release trains.</summary>
    public const string ApiVersion = "2026-10-28.endive";

    private static readonly string[] CancelableStatuses =
        ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];

    private static readonly HashSet<string> PaymentIntentCreateParams =
    [
        "amount", "currency", "metadata", "description", "automatic_payment_methods", "transfer_data",
        "application_fee_amount", "on_behalf_of", "customer", "receipt_email", "statement_descriptor",
        "statement_descriptor_suffix", "payment_method_types", "capture_method", "transfer_group",
        "setup_future_usage", "expand",
    ];

    private static readonly HashSet<string> PaymentIntentUpdateParams =
        ["amount", "currency", "metadata", "description", "receipt_email", "transfer_group", "expand", "application_fee_amount"];

    private static readonly HashSet<string> RefundCreateParams =
        ["payment_intent", "charge", "amount", "reason", "metadata", "expand", "instructions_email", "reverse_transfer", "refund_application_fee"];

    private static readonly HashSet<string> BookingRefundReasons = ["duplicate", "fraudulent", "requested_by_customer"];

    private static readonly HashSet<string> CancellationReasons =
        ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];

    private readonly Lock gate = new();
    private readonly Dictionary<string, JsonObject> paymentIntents = [];
    private readonly Dictionary<string, JsonObject> charges = [];
    private readonly Dictionary<string, JsonObject> refunds = [];
    private readonly List<JsonObject> events = [];
    private readonly Dictionary<string, IdempotentResult> idempotency = new(StringComparer.Ordinal);
    private readonly List<RequestLogEntry> requestLog = [];

    /// <summary>Identifies the API call that causes an event (Event.request).</summary>
    public sealed record RequestInfo(string? Id, string? IdempotencyKey);

    public sealed record IdempotentResult(string Method, string Path, string Canonical, bool Done, int Status, string Body);

    public void Reset()
    {
        lock (this.gate)
        {
            this.paymentIntents.Clear();
            this.charges.Clear();
            this.refunds.Clear();
            this.applicationFees.Clear();
            this.events.Clear();
            this.idempotency.Clear();
            this.requestLog.Clear();
        }
    }

    // ---- request log and idempotency ----

    public void Log(RequestLogEntry entry)
    {
        lock (this.gate)
        {
            this.requestLog.Add(entry);
        }
    }

    public IReadOnlyList<RequestLogEntry> RequestLog()
    {
        lock (this.gate)
        {
            return [.. this.requestLog];
        }
    }

    /// <summary>
    /// Claims an idempotency key: returns null when the caller should process the request, or the earlier
    /// result (done or still in flight) otherwise.
    /// </summary>
    public IdempotentResult? ClaimIdempotencyKey(string key, string method, string path, string canonical)
    {
        lock (this.gate)
        {
            if (this.idempotency.TryGetValue(key, out var existing))
            {
                return existing;
            }

            this.idempotency[key] = new IdempotentResult(method, path, canonical, false, 0, string.Empty);
            return null;
        }
    }

    public void CompleteIdempotencyKey(string key, int status, string body)
    {
        lock (this.gate)
        {
            if (this.idempotency.TryGetValue(key, out var entry))
            {
                this.idempotency[key] = entry with { Done = true, Status = status, Body = body };
            }
        }
    }

    /// <summary>Stripe keeps no result when a request never ran (e.g. it failed before reaching the endpoint).</summary>
    public void ReleaseIdempotencyKey(string key)
    {
        lock (this.gate)
        {
            this.idempotency.Remove(key);
        }
    }

    // ---- PaymentIntents ----

    public JsonObject CreatePaymentIntent(FormParams p, RequestInfo request)
    {
        RejectUnknown(p, PaymentIntentCreateParams);
        var amount = RequirePositiveAmount(p, "amount");
        var currency = RequireCurrency(p);
        var fee = OptionalAmount(p, "application_fee_amount");
        var destination = p.Get("transfer_data[destination]");
        var onBehalfOf = p.Get("on_behalf_of");
        if (destination is not null && !destination.StartsWith("acct_", StringComparison.Ordinal))
        {
            throw StripeApiException.Missing("destination", destination, "transfer_data[destination]");
        }

        if (fee is not null && destination is null && onBehalfOf is null)
        {
            throw StripeApiException.InvalidRequest(
                "parameter_invalid_integer",
                "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment "
                + "(using an OAuth key or Stripe-Account header) or destination payment (using transfer_data[destination]).",
                "application_fee_amount");
        }

        if (fee > amount)
        {
            throw StripeApiException.InvalidRequest(
                "parameter_invalid_integer", "application_fee_amount cannot be greater than amount.", "application_fee_amount");
        }

        var id = NewId("pi");
        var automatic = p.Get("automatic_payment_methods[enabled]") is "true";
        var pi = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["amount"] = amount,
            ["amount_capturable"] = 0,
            ["amount_details"] = new JsonObject { ["tip"] = new JsonObject() },
            ["amount_received"] = 0,
            ["application"] = null,
            ["application_fee_amount"] = fee,
            ["automatic_payment_methods"] = automatic
                ? new JsonObject { ["allow_redirects"] = p.Get("automatic_payment_methods[allow_redirects]") ?? "always", ["enabled"] = true }
                : null,
            ["canceled_at"] = null,
            ["cancellation_reason"] = null,
            ["capture_method"] = p.Get("capture_method") ?? "automatic_async",
            ["client_secret"] = $"{id}_secret_{RandomToken(25)}",
            ["confirmation_method"] = "automatic",
            ["created"] = this.Now(),
            ["currency"] = currency,
            ["customer"] = p.Get("customer"),
            ["description"] = p.Get("description"),
            ["last_payment_error"] = null,
            ["latest_charge"] = null,
            ["livemode"] = false,
            ["metadata"] = Metadata(p),
            ["next_action"] = null,
            ["on_behalf_of"] = onBehalfOf,
            ["payment_method"] = null,
            ["payment_method_types"] = new JsonArray([.. (p.List("payment_method_types") is { Count: > 0 } types ? types : ["card"]).Select(t => (JsonNode?)JsonValue.Create(t))]),
            ["receipt_email"] = p.Get("receipt_email"),
            ["setup_future_usage"] = p.Get("setup_future_usage"),
            ["statement_descriptor"] = p.Get("statement_descriptor"),
            ["statement_descriptor_suffix"] = p.Get("statement_descriptor_suffix"),
            ["status"] = "requires_payment_method",
            ["transfer_data"] = destination is null
                ? null
                : new JsonObject { ["destination"] = destination },
            ["transfer_group"] = p.Get("transfer_group"),
        };

        lock (this.gate)
        {
            this.paymentIntents[id] = pi;
            this.Emit("payment_intent.created", pi, request);
            return this.View(pi, p);
        }
    }

    public JsonObject GetPaymentIntent(string id, FormParams p)
    {
        lock (this.gate)
        {
            return this.View(this.FindPaymentIntent(id), p);
        }
    }

    public JsonObject UpdatePaymentIntent(string id, FormParams p, RequestInfo request)
    {
        RejectUnknown(p, PaymentIntentUpdateParams);
        lock (this.gate)
        {
            var pi = this.FindPaymentIntent(id);
            var status = (string)pi["status"]!;
            if (status is "succeeded" or "canceled" && (p.Has("amount") || p.Has("currency")))
            {
                throw UnexpectedState($"You cannot update this PaymentIntent because it has a status of {status}.");
            }

            if (p.Has("amount"))
            {
                pi["amount"] = RequirePositiveAmount(p, "amount");
            }

            if (p.Has("currency"))
            {
                pi["currency"] = RequireCurrency(p);
            }

            foreach (var field in new[] { "description", "receipt_email", "transfer_group" })
            {
                if (p.Has(field))
                {
                    pi[field] = NullIfEmpty(p.Get(field));
                }
            }

            if (p.Has("application_fee_amount"))
            {
                pi["application_fee_amount"] = OptionalAmount(p, "application_fee_amount");
            }

            MergeMetadata(pi, p);
            return this.View(pi, p);
        }
    }

    public JsonObject CancelPaymentIntent(string id, FormParams p, RequestInfo request)
    {
        lock (this.gate)
        {
            var pi = this.FindPaymentIntent(id);
            var status = (string)pi["status"]!;
            if (!CancelableStatuses.Contains(status))
            {
                throw UnexpectedState($"You cannot cancel this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of "
                    + "the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, "
                    + "requires_action, processing.");
            }

            var reason = p.Get("cancellation_reason");
            if (reason is not null && !CancellationReasons.Contains(reason))
            {
                throw StripeApiException.InvalidRequest(
                    "parameter_invalid_string", $"Invalid cancellation_reason: must be one of {string.Join(", ", CancellationReasons)}", "cancellation_reason");
            }

            pi["status"] = "canceled";
            pi["canceled_at"] = this.Now();
            pi["cancellation_reason"] = reason;
            this.Emit("payment_intent.canceled", pi, request, new JsonObject { ["status"] = status, ["canceled_at"] = null, ["cancellation_reason"] = null });
            return this.View(pi, p);
        }
    }

    /// <summary>What the customer's browser would do with Stripe.js: confirm with a card that works, or one that is declined.</summary>
    public JsonObject ConfirmAsCustomer(string id, bool succeed)
    {
        var request = new RequestInfo(null, null);
        lock (this.gate)
        {
            var pi = this.FindPaymentIntent(id);
            var status = (string)pi["status"]!;
            if (status is not ("requires_payment_method" or "requires_confirmation" or "requires_action" or "processing"))
            {
                throw UnexpectedState($"This PaymentIntent's status is {status}, but it must be requires_payment_method or requires_confirmation to be confirmed.");
            }

            var amount = Long(pi["amount"]);
            var chargeId = NewId("ch");
            var paymentMethod = NewId("pm");
            var charge = new JsonObject
            {
                ["id"] = chargeId,
                ["object"] = "charge",
                ["amount"] = amount,
                ["amount_captured"] = succeed ? amount : 0,
                ["amount_refunded"] = 0,
                ["application_fee_amount"] = pi["application_fee_amount"]?.DeepClone(),
                ["balance_transaction"] = succeed ? NewId("txn") : null,
                ["captured"] = succeed,
                ["created"] = this.Now(),
                ["currency"] = pi["currency"]?.DeepClone(),
                ["customer"] = pi["customer"]?.DeepClone(),
                ["description"] = pi["description"]?.DeepClone(),
                ["failure_code"] = succeed ? null : "card_declined",
                ["failure_message"] = succeed ? null : "Your card was declined.",
                ["livemode"] = false,
                ["metadata"] = pi["metadata"]?.DeepClone(),
                ["on_behalf_of"] = pi["on_behalf_of"]?.DeepClone(),
                ["outcome"] = new JsonObject
                {
                    ["network_status"] = succeed ? "approved_by_network" : "declined_by_network",
                    ["reason"] = succeed ? null : "generic_decline",
                    ["risk_level"] = "normal",
                    ["seller_message"] = succeed ? "Payment complete." : "The bank did not return any further details with this decline.",
                    ["type"] = succeed ? "authorized" : "issuer_declined",
                },
                ["paid"] = succeed,
                ["payment_intent"] = id,
                ["payment_method"] = paymentMethod,
                ["refunded"] = false,
                ["status"] = succeed ? "succeeded" : "failed",
                ["transfer_data"] = pi["transfer_data"]?.DeepClone(),
                ["transfer_group"] = pi["transfer_group"]?.DeepClone(),
            };
            this.charges[chargeId] = charge;
            pi["latest_charge"] = chargeId;

            if (succeed)
            {
                this.SettleConnectedAccount(charge, pi);
                pi["status"] = "succeeded";
                pi["amount_received"] = amount;
                pi["payment_method"] = paymentMethod;
                pi["last_payment_error"] = null;
                this.Emit("charge.succeeded", charge, request);
                this.Emit("payment_intent.succeeded", pi, request, new JsonObject { ["status"] = status, ["amount_received"] = 0 });
            }
            else
            {
                pi["status"] = "requires_payment_method";
                pi["payment_method"] = null;
                pi["last_payment_error"] = new JsonObject
                {
                    ["charge"] = chargeId,
                    ["code"] = "card_declined",
                    ["decline_code"] = "generic_decline",
                    ["doc_url"] = "https://stripe.com/docs/error-codes/card-declined",
                    ["message"] = "Your card was declined.",
                    ["type"] = "card_error",
                };
                this.Emit("charge.failed", charge, request);
                this.Emit("payment_intent.payment_failed", pi, request);
            }

            return this.View(pi, FormParams.Empty);
        }
    }

    public JsonObject ListPaymentIntents(FormParams p)
    {
        lock (this.gate)
        {
            IEnumerable<JsonObject> items = this.paymentIntents.Values;
            if (p.Get("customer") is { } customer)
            {
                items = items.Where(pi => (string?)pi["customer"] == customer);
            }

            return this.ListObject(items, p, "/v1/payment_intents");
        }
    }

    public JsonObject SearchPaymentIntents(FormParams p)
    {
        var query = p.Get("query") ?? throw StripeApiException.InvalidRequest("parameter_missing", "Missing required param: query.", "query");
        var clauses = ParseQuery(query);
        lock (this.gate)
        {
            var matches = this.paymentIntents.Values.Where(pi => clauses.All(c => c(pi)));
            return this.SearchResult(matches, p, "/v1/payment_intents/search");
        }
    }

    // ---- Charges ----

    public JsonObject GetCharge(string id, FormParams p)
    {
        lock (this.gate)
        {
            var charge = this.charges.GetValueOrDefault(id) ?? throw StripeApiException.Missing("charge", id, "id");
            return this.View(charge, p);
        }
    }

    // ---- Refunds ----

    public JsonObject CreateRefund(FormParams p, RequestInfo request)
    {
        RejectUnknown(p, RefundCreateParams);
        var reason = p.Get("reason");
        if (reason is not null && !BookingRefundReasons.Contains(reason))
        {
            throw StripeApiException.InvalidRequest(
                "parameter_invalid_string", $"Invalid reason: must be one of {string.Join(", ", BookingRefundReasons)}", "reason");
        }

        var requested = OptionalAmount(p, "amount");
        if (requested is <= 0)
        {
            throw StripeApiException.InvalidRequest("parameter_invalid_integer", "This value must be greater than or equal to 1.", "amount");
        }

        lock (this.gate)
        {
            JsonObject charge;
            if (p.Get("payment_intent") is { } piId)
            {
                var pi = this.paymentIntents.GetValueOrDefault(piId) ?? throw StripeApiException.Missing("payment_intent", piId, "payment_intent");
                if ((string?)pi["status"] != "succeeded" || (string?)pi["latest_charge"] is not { } chargeId)
                {
                    throw StripeApiException.InvalidRequest(
                        "charge_not_refundable",
                        $"This PaymentIntent ({piId}) does not have a successful charge to refund.",
                        "payment_intent");
                }

                charge = this.charges[chargeId];
            }
            else if (p.Get("charge") is { } chId)
            {
                charge = this.charges.GetValueOrDefault(chId) ?? throw StripeApiException.Missing("charge", chId, "charge");
            }
            else
            {
                throw StripeApiException.InvalidRequest(
                    "parameter_missing", "One of the following params should be provided for this request: payment_intent or charge.");
            }

            var chargeAmount = Long(charge["amount"]);
            var alreadyRefunded = Long(charge["amount_refunded"]);
            var remaining = chargeAmount - alreadyRefunded;
            if (remaining <= 0)
            {
                throw StripeApiException.InvalidRequest("charge_already_refunded", $"Charge {charge["id"]} has already been refunded.");
            }

            var amount = requested ?? remaining;
            if (amount > remaining)
            {
                throw StripeApiException.InvalidRequest(
                    "amount_too_large",
                    $"Refund amount ({Money(amount, charge)}) is greater than unrefunded amount on charge ({Money(remaining, charge)})",
                    "amount");
            }

            var refund = new JsonObject
            {
                ["id"] = NewId("re"),
                ["object"] = "refund",
                ["amount"] = amount,
                ["balance_transaction"] = NewId("txn"),
                ["charge"] = charge["id"]?.DeepClone(),
                ["created"] = this.Now(),
                ["currency"] = charge["currency"]?.DeepClone(),
                ["destination_details"] = null,
                ["metadata"] = Metadata(p),
                ["payment_intent"] = charge["payment_intent"]?.DeepClone(),
                ["reason"] = reason,
                ["receipt_number"] = null,
                ["source_transfer_reversal"] = null,
                ["status"] = "succeeded",
                ["transfer_reversal"] = null,
            };
            this.refunds[(string)refund["id"]!] = refund;
            this.RefundConnectedAccount(p, refund, charge, amount);

            var previous = new JsonObject { ["amount_refunded"] = alreadyRefunded, ["refunded"] = charge["refunded"]?.DeepClone() };
            charge["amount_refunded"] = alreadyRefunded + amount;
            charge["refunded"] = alreadyRefunded + amount == chargeAmount;

            this.Emit("refund.created", refund, request);
            this.Emit("charge.refunded", charge, request, previous);
            return this.View(refund, p);
        }
    }

    public JsonObject GetRefund(string id, FormParams p)
    {
        lock (this.gate)
        {
            var refund = this.refunds.GetValueOrDefault(id) ?? throw StripeApiException.Missing("refund", id, "refund");
            return this.View(refund, p);
        }
    }

    public JsonObject ListRefunds(FormParams p)
    {
        lock (this.gate)
        {
            IEnumerable<JsonObject> items = this.refunds.Values;
            if (p.Get("payment_intent") is { } pi)
            {
                items = items.Where(r => (string?)r["payment_intent"] == pi);
            }

            if (p.Get("charge") is { } charge)
            {
                items = items.Where(r => (string?)r["charge"] == charge);
            }

            return this.ListObject(items, p, "/v1/refunds");
        }
    }

    // ---- Events ----

    public JsonObject GetEvent(string id)
    {
        lock (this.gate)
        {
            var evt = this.events.Find(e => (string?)e["id"] == id) ?? throw StripeApiException.Missing("event", id, "id");
            return (JsonObject)evt.DeepClone();
        }
    }

    public JsonObject ListEvents(FormParams p)
    {
        lock (this.gate)
        {
            IEnumerable<JsonObject> items = this.events;
            var types = p.List("types").ToList();
            if (p.Get("type") is { } type)
            {
                types.Add(type);
            }

            if (types.Count > 0)
            {
                items = items.Where(e => types.Any(t => TypeMatches(t, (string)e["type"]!)));
            }

            return this.ListObject(items, p, "/v1/events");
        }
    }

    private static bool TypeMatches(string pattern, string type) =>
        pattern.EndsWith(".*", StringComparison.Ordinal)
            ? type.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : pattern == type;

    // ---- helpers ----

    private void Emit(string type, JsonObject subject, RequestInfo request, JsonObject? previousAttributes = null)
    {
        var data = new JsonObject { ["object"] = subject.DeepClone() };
        if (previousAttributes is not null)
        {
            data["previous_attributes"] = previousAttributes;
        }

        var evt = new JsonObject
        {
            ["id"] = NewId("evt"),
            ["object"] = "event",
            ["api_version"] = ApiVersion,
            ["created"] = this.Now(),
            ["data"] = data,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = request.Id, ["idempotency_key"] = request.IdempotencyKey },
            ["type"] = type,
        };
        this.events.Add(evt);
        webhooks.Enqueue(type, (string)evt["id"]!, evt.ToJsonString());
    }

    private JsonObject FindPaymentIntent(string id) =>
        this.paymentIntents.GetValueOrDefault(id) ?? throw StripeApiException.Missing("payment_intent", id, "intent");

    /// <summary>A copy for the response, with requested <c>expand[]</c> fields replaced by their objects.</summary>
    private JsonObject View(JsonObject source, FormParams p) => this.Expand((JsonObject)source.DeepClone(), p.List("expand"));

    private JsonObject Expand(JsonObject target, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            var field = path.Split('.')[0];
            if (target[field] is JsonValue v && v.TryGetValue<string>(out var id))
            {
                JsonObject? found = this.charges.GetValueOrDefault(id) ?? this.paymentIntents.GetValueOrDefault(id) ?? this.refunds.GetValueOrDefault(id);
                if (found is not null)
                {
                    target[field] = found.DeepClone();
                }
            }
        }

        return target;
    }

    private JsonObject ListObject(IEnumerable<JsonObject> items, FormParams p, string url)
    {
        var filtered = FilterCreated(items, p).Reverse().ToList();
        var limit = Limit(p);
        if (p.Get("starting_after") is { } after)
        {
            var index = filtered.FindIndex(o => (string?)o["id"] == after);
            filtered = index < 0 ? throw StripeApiException.Missing("object", after, "starting_after") : filtered[(index + 1)..];
        }
        else if (p.Get("ending_before") is { } before)
        {
            var index = filtered.FindIndex(o => (string?)o["id"] == before);
            filtered = index < 0 ? throw StripeApiException.Missing("object", before, "ending_before") : filtered[..index];
            filtered = filtered.Skip(Math.Max(0, filtered.Count - limit)).ToList();
        }

        var expand = p.List("expand").Where(e => e.StartsWith("data.", StringComparison.Ordinal)).Select(e => e[5..]).ToList();
        var page = filtered.Take(limit).Select(o => (JsonNode?)this.Expand((JsonObject)o.DeepClone(), expand));
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. page]),
            ["has_more"] = filtered.Count > limit,
            ["url"] = url,
        };
    }

    private JsonObject SearchResult(IEnumerable<JsonObject> items, FormParams p, string url)
    {
        var all = items.Reverse().ToList();
        var limit = Limit(p);
        var offset = int.TryParse(p.Get("page"), out var o) ? o : 0;
        var page = all.Skip(offset).Take(limit).Select(x => (JsonNode?)x.DeepClone());
        var hasMore = all.Count > offset + limit;
        return new JsonObject
        {
            ["object"] = "search_result",
            ["data"] = new JsonArray([.. page]),
            ["has_more"] = hasMore,
            ["next_page"] = hasMore ? (offset + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            ["total_count"] = all.Count,
            ["url"] = url,
        };
    }

    private static IEnumerable<JsonObject> FilterCreated(IEnumerable<JsonObject> items, FormParams p)
    {
        if (p.TryGetLong("created", out var exact, out _))
        {
            items = items.Where(i => Long(i["created"]) == exact);
        }

        foreach (var (op, raw) in p.Hash("created"))
        {
            if (!long.TryParse(raw, out var bound))
            {
                throw StripeApiException.InvalidRequest("parameter_invalid_integer", "Invalid integer: " + raw, $"created[{op}]");
            }

            Func<long, bool> test = op switch
            {
                "gt" => c => c > bound,
                "gte" => c => c >= bound,
                "lt" => c => c < bound,
                "lte" => c => c <= bound,
                _ => throw StripeApiException.InvalidRequest("parameter_unknown", $"Received unknown parameter: created[{op}]", $"created[{op}]"),
            };
            items = items.Where(i => test(Long(i["created"])));
        }

        return items;
    }

    private static int Limit(FormParams p)
    {
        if (!p.TryGetLong("limit", out var limit, out var present))
        {
            return present
                ? throw StripeApiException.InvalidRequest("parameter_invalid_integer", "Invalid integer: " + p.Get("limit"), "limit")
                : 10;
        }

        return limit is < 1 or > 100
            ? throw StripeApiException.InvalidRequest("parameter_invalid_integer", "This value must be between 1 and 100.", "limit")
            : (int)limit;
    }

    /// <summary>
    /// Stripe's search language, the part the product uses: clauses joined by AND, each
    /// <c>metadata['key']:'value'</c> or <c>field:'value'</c> (status, currency, customer, description).
    /// </summary>
    private static List<Func<JsonObject, bool>> ParseQuery(string query)
    {
        var result = new List<Func<JsonObject, bool>>();
        foreach (var clause in AndSplit().Split(query.Trim()))
        {
            var m = Clause().Match(clause.Trim());
            if (!m.Success)
            {
                throw StripeApiException.InvalidRequest(
                    "parameter_invalid_string", $"The query '{query}' is not supported by the local emulator (or is invalid).", "query");
            }

            var value = m.Groups["v"].Value;
            if (m.Groups["k"].Success)
            {
                var key = m.Groups["k"].Value;
                result.Add(o => (string?)o["metadata"]?[key] == value);
            }
            else
            {
                var field = m.Groups["f"].Value;
                if (field is not ("status" or "currency" or "customer" or "description"))
                {
                    throw StripeApiException.InvalidRequest(
                        "parameter_invalid_string", $"Field '{field}' is not a supported search field.", "query");
                }

                result.Add(o => string.Equals(o[field]?.ToString(), value, StringComparison.OrdinalIgnoreCase));
            }
        }

        return result;
    }

    [GeneratedRegex(@"\s+AND\s+")]
    private static partial Regex AndSplit();

    [GeneratedRegex("""^(?:metadata\[['"](?<k>[^'"]+)['"]\]|(?<f>[a-z_]+)):(?<q>['"])(?<v>[^'"]*)\k<q>$""")]
    private static partial Regex Clause();

    private static void RejectUnknown(FormParams p, HashSet<string> allowed)
    {
        foreach (var name in p.RootNames())
        {
            if (!allowed.Contains(name))
            {
                throw StripeApiException.InvalidRequest("parameter_unknown", $"Received unknown parameter: {name}", name);
            }
        }
    }

    private static long RequirePositiveAmount(FormParams p, string name)
    {
        if (!p.TryGetLong(name, out var amount, out var present))
        {
            throw present
                ? StripeApiException.InvalidRequest("parameter_invalid_integer", $"Invalid integer: {p.Get(name)}", name)
                : StripeApiException.InvalidRequest("parameter_missing", $"Missing required param: {name}.", name);
        }

        return amount < 1
            ? throw StripeApiException.InvalidRequest("parameter_invalid_integer", "This value must be greater than or equal to 1.", name)
            : amount;
    }

    private static long? OptionalAmount(FormParams p, string name)
    {
        if (!p.Has(name) || p.Get(name) == string.Empty)
        {
            return null;
        }

        return p.TryGetLong(name, out var v, out _)
            ? v
            : throw StripeApiException.InvalidRequest("parameter_invalid_integer", $"Invalid integer: {p.Get(name)}", name);
    }

    private static string RequireCurrency(FormParams p)
    {
        var currency = p.Get("currency");
        if (string.IsNullOrEmpty(currency))
        {
            throw StripeApiException.InvalidRequest("parameter_missing", "Missing required param: currency.", "currency");
        }

        return currency.Length == 3 && currency.All(char.IsAsciiLetter)
            ? currency.ToLowerInvariant()
            : throw StripeApiException.InvalidRequest("parameter_invalid_string", $"Invalid currency: {currency}.", "currency");
    }

    private static JsonObject Metadata(FormParams p)
    {
        var metadata = new JsonObject();
        foreach (var (k, v) in p.Hash("metadata").Where(kv => kv.Value.Length > 0))
        {
            metadata[k] = v;
        }

        return metadata;
    }

    /// <summary>Stripe merges metadata keys; an empty value deletes a key, and <c>metadata=</c> clears them all.</summary>
    private static void MergeMetadata(JsonObject target, FormParams p)
    {
        if (p.Get("metadata") == string.Empty)
        {
            target["metadata"] = new JsonObject();
        }

        var metadata = (JsonObject)target["metadata"]!;
        foreach (var (k, v) in p.Hash("metadata"))
        {
            if (v.Length == 0)
            {
                metadata.Remove(k);
            }
            else
            {
                metadata[k] = v;
            }
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static StripeApiException UnexpectedState(string message) =>
        StripeApiException.InvalidRequest("payment_intent_unexpected_state", message);

    private static string Money(long minor, JsonObject charge) =>
        $"{((string?)charge["currency"] ?? "usd").ToUpperInvariant()} {minor / 100m:0.00}";

    private static long Long(JsonNode? node) => long.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();

    public static string NewId(string prefix) => $"{prefix}_{RandomToken(24)}";

    private static string RandomToken(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}
