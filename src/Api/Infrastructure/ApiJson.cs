using System.Text.Json;
using System.Text.Json.Serialization;

namespace BookingAws.Api.Infrastructure;

/// <summary>The API's JSON shape, for bodies the API serialises itself (stored idempotent responses).</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
