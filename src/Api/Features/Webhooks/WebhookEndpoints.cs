using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Webhooks;

/// <summary>
/// A business's webhook endpoints, their deliveries and attempts, and redelivery on demand. Owner-only: the secret
/// signs what the business's systems will trust, and payloads carry customers' bookings. The secret is shown once
/// (on create and on rotation). Sending is the workers' (src/Workers/Webhooks).
/// </summary>
public static class WebhookEndpoints
{
    private const int MaxEndpoints = 20;

    /// <summary>A receiver has a day to switch to the new secret after a rotation.</summary>
    private static readonly Duration RotationOverlap = Duration.FromHours(24);

    public static void MapWebhookEndpoints(this RouteGroupBuilder dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        var group = dashboard.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Owner);
        group.MapGet("/", List).WithName("ListWebhookEndpoints");
        group.MapGet("/event-types", EventTypes).WithName("ListWebhookEventTypes");
        group.MapPost("/", Create).WithName("CreateWebhookEndpoint");
        group.MapGet("/{id:guid}", Get).WithName("GetWebhookEndpoint");
        group.MapPut("/{id:guid}", Update).WithName("UpdateWebhookEndpoint");
        group.MapDelete("/{id:guid}", Delete).WithName("DeleteWebhookEndpoint");
        group.MapPost("/{id:guid}/rotate-secret", RotateSecret).WithName("RotateWebhookSecret");
        group.MapGet("/{id:guid}/deliveries", ListDeliveries).WithName("ListWebhookDeliveries");
        group.MapGet("/{id:guid}/deliveries/{deliveryId:guid}", GetDelivery).WithName("GetWebhookDelivery");
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", Redeliver).WithName("RedeliverWebhook");
    }

    public static async Task<Ok<List<WebhookEndpointDto>>> List(BookingDbContext db, CancellationToken ct)
    {
        var endpoints = await db.WebhookEndpoints.OrderBy(e => e.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(endpoints.ConvertAll(WebhookEndpointDto.From));
    }

    /// <summary>What an endpoint may subscribe to, so the dashboard offers exactly what registration accepts.</summary>
    public static Ok<WebhookEventTypesDto> EventTypes() => TypedResults.Ok(new WebhookEventTypesDto([.. WebhookEvents.Types], WebhookEvents.All));

    public static async Task<Results<Ok<WebhookEndpointDto>, NotFound>> Get(Guid id, BookingDbContext db, CancellationToken ct) =>
        await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct) is { } endpoint
            ? TypedResults.Ok(WebhookEndpointDto.From(endpoint))
            : TypedResults.NotFound();

    public static async Task<Created<WebhookEndpointCreated>> Create(
        WebhookEndpointRequest request, TenantContext scope, BookingDbContext db, IConfiguration configuration, IClock clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = await ValidateAsync(request.Url, request.EventTypes, configuration, ct);
        if (await db.WebhookEndpoints.CountAsync(ct) >= MaxEndpoints)
        {
            throw DomainException.Invalid("url", $"A business can have at most {MaxEndpoints} webhook endpoints.");
        }

        var endpoint = new WebhookEndpoint
        {
            TenantId = scope.Tenant.Id,
            Url = url.AbsoluteUri,
            EventTypes = request.EventTypes.Distinct().ToList(),
            Description = request.Description?.Trim(),
            SigningSecret = WebhookSignature.NewSecret(),
            CreatedAt = clock.GetCurrentInstant(),
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/tenants/{scope.Tenant.Slug}/webhooks/{endpoint.Id}", new WebhookEndpointCreated(WebhookEndpointDto.From(endpoint), endpoint.SigningSecret));
    }

    public static async Task<Results<Ok<WebhookEndpointDto>, NotFound>> Update(
        Guid id, WebhookEndpointUpdate request, BookingDbContext db, IConfiguration configuration, IClock clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null)
        {
            return TypedResults.NotFound();
        }

        var url = await ValidateAsync(request.Url, request.EventTypes, configuration, ct);
        endpoint.Url = url.AbsoluteUri;
        endpoint.EventTypes = request.EventTypes.Distinct().ToList();
        endpoint.Description = request.Description?.Trim();
        if (request.Enabled && endpoint.DisabledAt is not null)
        {
            // On again: a fresh start for the failing clock; its deliveries given up meanwhile can be redelivered.
            endpoint.DisabledAt = null;
            endpoint.DisabledReason = null;
            endpoint.FailingSince = null;
        }
        else if (!request.Enabled && endpoint.DisabledAt is null)
        {
            endpoint.DisabledAt = clock.GetCurrentInstant();
            endpoint.DisabledReason = "turned off by the business";

            // Turned off by hand: no notice (the owner did it), so none is pending.
            endpoint.DisabledNoticeId = null;
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(WebhookEndpointDto.From(endpoint));
    }

    public static async Task<Results<NoContent, NotFound>> Delete(Guid id, BookingDbContext db, CancellationToken ct) =>
        await db.WebhookEndpoints.Where(e => e.Id == id).ExecuteDeleteAsync(ct) == 0 ? TypedResults.NotFound() : TypedResults.NoContent();

    public static async Task<Results<Ok<WebhookSecretRotated>, NotFound>> RotateSecret(Guid id, BookingDbContext db, IClock clock, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null)
        {
            return TypedResults.NotFound();
        }

        var until = clock.GetCurrentInstant() + RotationOverlap;
        endpoint.PreviousSigningSecret = endpoint.SigningSecret;
        endpoint.PreviousSecretExpiresAt = until;
        endpoint.SigningSecret = WebhookSignature.NewSecret();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new WebhookSecretRotated(endpoint.SigningSecret, until.ToDateTimeOffset()));
    }

    /// <summary>Newest first, at most <paramref name="limit"/>; <paramref name="state"/> filters (pending, delivered, failed).</summary>
    public static async Task<Results<Ok<List<WebhookDeliveryDto>>, NotFound>> ListDeliveries(
        Guid id, BookingDbContext db, string? state = null, int limit = 50, CancellationToken ct = default)
    {
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        if (state is not null and not (WebhookDeliveryState.Pending or WebhookDeliveryState.Delivered or WebhookDeliveryState.Failed))
        {
            throw DomainException.Invalid("state", "The state must be pending, delivered or failed.");
        }

        var deliveries = await db.WebhookDeliveries
            .Where(d => d.EndpointId == id && (state == null || d.State == state))
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Take(Math.Clamp(limit, 1, 200))
            .ToListAsync(ct);
        return TypedResults.Ok(deliveries.ConvertAll(WebhookDeliveryDto.From));
    }

    public static async Task<Results<Ok<WebhookDeliveryDetail>, NotFound>> GetDelivery(Guid id, Guid deliveryId, BookingDbContext db, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == id, ct);
        if (delivery is null)
        {
            return TypedResults.NotFound();
        }

        var attempts = await db.WebhookAttempts.Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.AttemptedAt).ThenBy(a => a.Id)
            .Select(a => new WebhookAttemptDto(a.AttemptedAt.ToDateTimeOffset(), a.StatusCode, a.LatencyMs, a.Succeeded, a.Error))
            .ToListAsync(ct);
        return TypedResults.Ok(new WebhookDeliveryDetail(WebhookDeliveryDto.From(delivery), delivery.Payload, attempts));
    }

    /// <summary>Sends the same event (same id, same body) again now, whatever its state; retries follow for another 72 hours.</summary>
    public static async Task<Results<Accepted<WebhookDeliveryDto>, NotFound>> Redeliver(
        Guid id, Guid deliveryId, TenantContext scope, BookingDbContext db, IConfiguration configuration, IClock clock, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == id, ct);
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (delivery is null || endpoint is null)
        {
            return TypedResults.NotFound();
        }

        if (endpoint.DisabledAt is not null)
        {
            throw new DomainException(StatusCodes.Status409Conflict, "The endpoint is turned off.", "Turn the endpoint on again before redelivering to it.", "enabled");
        }

        var now = clock.GetCurrentInstant();
        delivery.State = WebhookDeliveryState.Pending;
        delivery.NextAttemptAt = now;
        delivery.GiveUpAt = now + Duration.FromTimeSpan(configuration.GetValue("Webhooks:RetryWindow", TimeSpan.FromHours(72)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/api/v1/tenants/{scope.Tenant.Slug}/webhooks/{id}/deliveries/{deliveryId}", WebhookDeliveryDto.From(delivery));
    }

    /// <summary>The URL on its face, then every address its host resolves to (the workers check again at each connection).</summary>
    private static async Task<Uri> ValidateAsync(string url, List<string> eventTypes, IConfiguration configuration, CancellationToken ct)
    {
        var allowLoopback = configuration.GetValue("Webhooks:AllowLoopbackTargets", false);
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            throw DomainException.Invalid("url", "The URL must be absolute, such as https://example.com/hooks/bookingaws.");
        }

        if (WebhookTargets.WhyRefused(uri, allowLoopback) is { } why)
        {
            throw DomainException.Invalid("url", $"The URL {why}.");
        }

        try
        {
            await WebhookTargets.ResolveAsync(uri.IdnHost, allowLoopback, ct);
        }
        catch (WebhookTargetRefusedException e)
        {
            throw DomainException.Invalid("url", $"The URL cannot be used: {e.Message}.");
        }

        if (eventTypes.Find(t => !WebhookEvents.IsKnown(t)) is { } unknown)
        {
            throw DomainException.Invalid("eventTypes", $"Unknown event type {unknown}; known: {string.Join(", ", WebhookEvents.Types)} (or * for all).");
        }

        return uri;
    }
}
