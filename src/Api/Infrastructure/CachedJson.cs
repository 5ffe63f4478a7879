using System.ComponentModel;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// A public response as cached: its JSON body, serialised once as UTF-8, and a strong ETag (hash of that body), so
/// a hit costs no serialisation and a browser or CloudFront holding the same body gets 304 without it. Immutable
/// (and marked so): HybridCache then hands out the L1 instance itself instead of deserialising a copy per hit.
/// </summary>
[ImmutableObject(true)]
public sealed record CachedJson(byte[] Body, string ETag)
{
    public static CachedJson Of<T>(T value, JsonSerializerOptions json)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, json);
        var hash = SHA256.HashData(body);
        return new CachedJson(body, $"\"{Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_')}\"");
    }

    public static JsonSerializerOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    /// <summary>200 with the body, or 304 when the client already holds it; both carry the validators and <paramref name="cacheControl"/>.</summary>
    public IResult ToResult(HttpContext http, string cacheControl)
    {
        http.Response.Headers.ETag = ETag;
        http.Response.Headers.CacheControl = cacheControl;
        if (EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(new EntityTagHeaderValue(ETag), useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(Body, "application/json; charset=utf-8");
    }
}
