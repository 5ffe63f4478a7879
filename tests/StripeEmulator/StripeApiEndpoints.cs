using System.Text.Json.Nodes;

namespace BookingAws.StripeEmulator;

/// <summary>The Stripe v1 routes the product calls. Parameters arrive pre-parsed by <see cref="StripeApiMiddleware"/>.</summary>
public static class StripeApiEndpoints
{
    public static IEndpointRouteBuilder MapStripeApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/payment_intents", (HttpContext c, EmulatorState s) => Ok(s.CreatePaymentIntent(Params(c), Info(c))));
        v1.MapGet("/payment_intents", (HttpContext c, EmulatorState s) => Ok(s.ListPaymentIntents(Params(c))));
        v1.MapGet("/payment_intents/search", (HttpContext c, EmulatorState s) => Ok(s.SearchPaymentIntents(Params(c))));
        v1.MapGet("/payment_intents/{id}", (string id, HttpContext c, EmulatorState s) => Ok(s.GetPaymentIntent(id, Params(c))));
        v1.MapPost("/payment_intents/{id}", (string id, HttpContext c, EmulatorState s) => Ok(s.UpdatePaymentIntent(id, Params(c), Info(c))));
        v1.MapPost("/payment_intents/{id}/cancel", (string id, HttpContext c, EmulatorState s) => Ok(s.CancelPaymentIntent(id, Params(c), Info(c))));
        v1.MapGet("/charges/{id}", (string id, HttpContext c, EmulatorState s) => Ok(s.GetCharge(id, Params(c))));
        v1.MapPost("/refunds", (HttpContext c, EmulatorState s) => Ok(s.CreateRefund(Params(c), Info(c))));
        v1.MapGet("/refunds", (HttpContext c, EmulatorState s) => Ok(s.ListRefunds(Params(c))));
        v1.MapGet("/refunds/{id}", (string id, HttpContext c, EmulatorState s) => Ok(s.GetRefund(id, Params(c))));
        v1.MapGet("/application_fees/{id}", (string id, HttpContext c, EmulatorState s) => Ok(s.GetApplicationFee(id, Params(c))));
        v1.MapGet("/events", (HttpContext c, EmulatorState s) => Ok(s.ListEvents(Params(c))));
        v1.MapGet("/events/{id}", (string id, EmulatorState s) => Ok(s.GetEvent(id)));
        return app;
    }

    private static IResult Ok(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");

    private static FormParams Params(HttpContext c) => (FormParams)c.Items[StripeApiMiddleware.ParamsKey]!;

    private static EmulatorState.RequestInfo Info(HttpContext c) => (EmulatorState.RequestInfo)c.Items[StripeApiMiddleware.RequestInfoKey]!;
}
