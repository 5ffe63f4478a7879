using System.Collections.Concurrent;
using System.Net;
using BookingAws.Workers.Email;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Tests.Email;

/// <summary>
/// Fault injection: the real SES-compatible server cannot return errors on demand, so a stub on a
/// loopback port answers with a scripted series of statuses.
/// </summary>
public sealed class SesEmailSenderResilienceTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(int Status, string Body, string? ErrorType)> _script = new();
    private readonly ConcurrentQueue<string?> _authorizations = new();
    private WebApplication? _stub;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _stub = builder.Build();
        _stub.MapPost("/v2/email/outbound-emails", (HttpContext context) =>
        {
            _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            var (status, body, errorType) = _script.TryDequeue(out var next) ? next : (200, """{"MessageId":"fallback"}""", null);
            if (errorType is not null)
            {
                context.Response.Headers["x-amzn-ErrorType"] = errorType + ":http://internal.amazon.com/coral/com.amazonaws.sesv2/";
            }

            return Results.Content(body, "application/json", statusCode: status);
        });
        await _stub.StartAsync();
        var address = _stub.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        // No back-off wait between attempts, so the test does not depend on wall-clock delays.
        _services = SesServices.Build(address, services =>
            services.Configure<HttpStandardResilienceOptions>($"{nameof(SesEmailSender)}-standard", o => o.Retry.Delay = TimeSpan.Zero));
    }

    private IEmailSender Sender => _services!.GetRequiredService<IEmailSender>();

    private static EmailMessage Message => new() { To = ["guest@example.com"], Subject = "Booking confirmed", TextBody = "See you" };

    [Fact]
    public async Task Server_error_is_retried_and_the_retry_succeeds()
    {
        _script.Enqueue((500, """{"message":"Internal failure"}""", "InternalFailure"));
        _script.Enqueue((200, """{"MessageId":"0100-after-retry"}""", null));

        var messageId = await Sender.SendAsync(Message, CancellationToken.None);

        Assert.Equal("0100-after-retry", messageId);
        Assert.Equal(2, _authorizations.Count);
        Assert.All(_authorizations, a => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=local/", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Throttling_is_retried()
    {
        _script.Enqueue((429, """{"message":"Maximum sending rate exceeded."}""", "TooManyRequestsException"));
        _script.Enqueue((200, """{"MessageId":"0100-after-throttle"}""", null));

        Assert.Equal("0100-after-throttle", await Sender.SendAsync(Message, CancellationToken.None));
        Assert.Equal(2, _authorizations.Count);
    }

    [Fact]
    public async Task Rejection_is_not_retried_and_names_status_type_and_reason()
    {
        _script.Enqueue((400, """{"message":"Email address is not verified. The following identities failed the check: bookings@bookingaws.test"}""", "MessageRejected"));

        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender.SendAsync(Message, CancellationToken.None));

        Assert.Single(_authorizations);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("MessageRejected", error.ErrorType);
        Assert.False(error.IsTransient);
        Assert.Contains("Email address is not verified", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_that_outlast_the_retries_are_reported_as_transient()
    {
        for (var i = 0; i < 10; i++)
        {
            _script.Enqueue((503, """{"message":"Service unavailable"}""", "ServiceUnavailable"));
        }

        var error = await Assert.ThrowsAsync<EmailSendException>(() => Sender.SendAsync(Message, CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Equal(4, _authorizations.Count); // the first attempt and three retries
    }

    [Fact]
    public void Missing_sender_address_fails_options_validation()
    {
        using var services = SesServices.Build("http://127.0.0.1:1", settings: new Dictionary<string, string?> { ["Ses:FromAddress"] = "" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SesOptions>>().Value);

        Assert.Contains(nameof(SesOptions.FromAddress), error.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_stub is not null)
        {
            await _stub.DisposeAsync();
        }
    }
}
