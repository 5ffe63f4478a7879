using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Features.Waitlists;
using Microsoft.Extensions.Options;

namespace BookingAws.Api.Infrastructure.RateLimiting;

/// <summary>
/// Applies <see cref="RateLimitsOptions"/> to the anonymous writes, named by endpoint so the features stay
/// unaware of it. It runs as an endpoint filter, after binding and validation: the guest's email is read from
/// the bound request (no second parse of the body), and a request refused as invalid costs no Redis call.
/// A refusal is 429 problem details with <c>Retry-After</c>.
/// </summary>
internal sealed class AbuseLimitFilter : IEndpointFilter
{
    private enum Kind
    {
        Holds,
        SignUps,
        BookingLinks,
        SignInCodes,
    }

    private static readonly Dictionary<string, Kind> Limited = new(StringComparer.Ordinal)
    {
        ["HoldBooking"] = Kind.Holds,

        // Joining a waiting list is a hold deferred: the same budget, so waiting cannot be used to get around it.
        ["JoinWaitlist"] = Kind.Holds,
        ["SignUpBusiness"] = Kind.SignUps,
        ["CancelBookingByLink"] = Kind.BookingLinks,
        ["RescheduleBookingByLink"] = Kind.BookingLinks,
        ["StartBookingPayment"] = Kind.BookingLinks,
        ["ProveBookingEmail"] = Kind.BookingLinks,
        ["LeaveWaitlist"] = Kind.BookingLinks,
        ["RequestSignInCode"] = Kind.SignInCodes,
        ["VerifySignInCode"] = Kind.BookingLinks,
    };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is not { } name
            || !Limited.TryGetValue(name, out var kind))
        {
            return await next(context);
        }

        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitsOptions>>().CurrentValue;
        if (!options.Enabled)
        {
            return await next(context);
        }

        var partitions = Partitions(kind, options, context);
        var decision = await http.RequestServices.GetRequiredService<RedisWindowLimiter>().AcquireAsync(partitions, kind.ToString());
        return decision.Allowed ? await next(context) : TooMany(http, kind, decision);
    }

    private static List<RatePartition> Partitions(Kind kind, RateLimitsOptions options, EndpointFilterInvocationContext context)
    {
        var http = context.HttpContext;
        var slug = kind == Kind.Holds ? http.Request.RouteValues["slug"] as string : null;
        var (limits, email) = kind switch
        {
            Kind.Holds => (
                options.HoldsFor(slug ?? ""),
                context.Arguments.OfType<HoldRequest>().FirstOrDefault()?.Customer?.Email
                    ?? context.Arguments.OfType<JoinWaitlistRequest>().FirstOrDefault()?.Customer?.Email),
            Kind.SignUps => (options.SignUps, context.Arguments.OfType<SignUpRequest>().FirstOrDefault()?.OwnerEmail),
            Kind.SignInCodes => (options.SignInCodes, context.Arguments.OfType<SignInCodeRequest>().FirstOrDefault()?.Email),
            _ => (options.BookingLinks, null),
        };

        var prefix = options.KeyPrefix + ":" + kind.ToString().ToLowerInvariant();
        var partitions = new List<RatePartition>(3);
        if (limits.PerIp is { } ip)
        {
            partitions.Add(new($"{prefix}:ip:{ClientKey(http.Connection.RemoteIpAddress)}", ip));
        }

        if (limits.PerEmail is { } perEmail && !string.IsNullOrWhiteSpace(email))
        {
            partitions.Add(new($"{prefix}:email:{Hash(email)}", perEmail));
        }

        if (limits.PerBusiness is { } business && slug is not null)
        {
            partitions.Add(new($"{prefix}:business:{slug.ToLowerInvariant()}", business));
        }

        return partitions;
    }

    /// <summary>IPv4 as is; IPv6 by its /64, which one subscriber usually holds whole.</summary>
    private static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    // Addresses are hashed so Redis holds no personal data; collisions at 128 bits do not happen in practice.
    private static string Hash(string email) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())).AsSpan(0, 16));

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooMany(HttpContext http, Kind kind, RateDecision decision)
    {
        var dimension = decision.RefusedKey?.Split(':')[2];
        var what = kind switch
        {
            Kind.Holds => "bookings",
            Kind.SignUps => "sign-ups",
            Kind.SignInCodes => "sign-in codes",
            _ => "changes to bookings",
        };
        var from = dimension switch
        {
            "email" => "for this email address",
            "business" => "at this business",
            _ => "from this network address",
        };
        string? field = dimension == "email" ? (kind switch { Kind.Holds => "customer.email", Kind.SignInCodes => "email", _ => "ownerEmail" }) : null;
        return decision.TooMany(http, seconds => $"Too many {what} {from} just now; try again in {seconds} s.", new Dictionary<string, object?> { ["field"] = field });
    }
}
