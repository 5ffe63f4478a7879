using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// A public response as cached: its JSON body, serialised once, and a strong ETag (hash of that body), so a
/// hit costs no serialisation and a browser or CloudFront holding the same body gets 304 without it.
/// </summary>
public sealed record CachedJson(string Body, string ETag)
{
    public static CachedJson Of<T>(T value, JsonSerializerOptions json)
    {
        var body = JsonSerializer.Serialize(value, json);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(body));
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

        return TypedResults.Text(Body, "application/json; charset=utf-8", Encoding.UTF8);
    }
}
