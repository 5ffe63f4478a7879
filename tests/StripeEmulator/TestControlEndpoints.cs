namespace BookingAws.StripeEmulator;

/// <summary>Settings for <c>POST /test/config</c>; absent fields keep their value.</summary>
public sealed record ConfigPatch(string? WebhookUrl, string? WebhookSecret, string[]? EnabledEvents, int? WebhookConcurrency = null);

/// <summary>Test-only routes (no API key): what a customer's browser would do, fault switches, inspection, reset.</summary>
public static class TestControlEndpoints
{
    public static IEndpointRouteBuilder MapTestControl(this IEndpointRouteBuilder app)
    {
        var test = app.MapGroup("/test");
        test.MapGet("/health", () => Results.Text("ok"));
        test.MapPost("/payment_intents/{id}/confirm", ConfirmAsync);
        test.MapGet("/config", (EmulatorSettings s) => TypedResults.Ok(Config(s)));
        test.MapPost("/config", (ConfigPatch patch, EmulatorSettings s) =>
        {
            if (patch.WebhookUrl is not null)
            {
                s.WebhookUrl = patch.WebhookUrl;
            }

            if (patch.WebhookSecret is not null)
            {
                s.WebhookSecret = patch.WebhookSecret;
            }

            if (patch.WebhookConcurrency is { } concurrency)
            {
                s.WebhookConcurrency = concurrency;
            }

            if (patch.EnabledEvents is not null)
            {
                s.EnabledEvents = patch.EnabledEvents.Length == 0 ? null : patch.EnabledEvents.ToHashSet();
            }

            return TypedResults.Ok(Config(s));
        });
        test.MapGet("/faults", (Faults f) => TypedResults.Ok(f.Current));
        test.MapPost("/faults", (FaultSettings patch, Faults f) =>
        {
            f.Apply(patch);
            return TypedResults.Ok(f.Current);
        });
        test.MapDelete("/faults", (Faults f) =>
        {
            f.Reset();
            return TypedResults.Ok(f.Current);
        });
        test.MapPost("/reset", (EmulatorState s, Faults f, WebhookDispatcher d) =>
        {
            s.Reset();
            f.Reset();
            d.Reset();
            return TypedResults.NoContent();
        });
        test.MapGet("/requests", (EmulatorState s) => TypedResults.Ok(s.RequestLog()));
        test.MapGet("/webhooks", (WebhookDispatcher d) => TypedResults.Ok(d.Attempts()));
        return app;
    }

    private static async Task<IResult> ConfirmAsync(string id, HttpRequest request, EmulatorState state)
    {
        string? outcome = request.Query["outcome"];
        if (outcome is null && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            outcome = form["outcome"];
        }

        if (outcome is "processing")
        {
            return Results.Content(state.StartProcessing(id).ToJsonString(), "application/json");
        }

        var succeed = outcome switch
        {
            null or "" or "succeeded" => true,
            "failed" => false,
            _ => throw StripeApiException.InvalidRequest("parameter_invalid_string", "outcome must be succeeded, failed or processing.", "outcome"),
        };
        return Results.Content(state.ConfirmAsCustomer(id, succeed).ToJsonString(), "application/json");
    }

    private static object Config(EmulatorSettings s) => new
    {
        s.WebhookUrl,
        s.WebhookSecret,
        EnabledEvents = s.EnabledEvents?.Order().ToArray() ?? ["*"],
        s.WebhookConcurrency,
    };
}
