// A local stand-in for the Stripe API. No real local Stripe server (stripe-mock or similar) exists in the
// package registries this project builds from, so this emulator keeps PaymentIntents, charges, refunds and
// events in memory, speaks Stripe's v1 wire format (form-encoded requests, JSON responses) and delivers
// signed webhooks, so Stripe.net can be pointed at it through StripeClientOptions.ApiBase.
BookingAws.StripeEmulator.EmulatorApp.Build(args).Run();
