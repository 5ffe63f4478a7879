using System.Text.Json.Nodes;

namespace BookingAws.StripeEmulator;

/// <summary>An error answered in Stripe's shape: <c>{"error":{"type":…,"code":…,"message":…,"param":…}}</c>.</summary>
public sealed class StripeApiException(int status, string type, string? code, string message, string? param = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Code { get; } = code;

    public string? Param { get; } = param;

    public static StripeApiException InvalidRequest(string? code, string message, string? param = null) =>
        new(400, "invalid_request_error", code, message, param);

    public static StripeApiException Missing(string kind, string id, string param) =>
        new(404, "invalid_request_error", "resource_missing", $"No such {kind}: '{id}'", param);

    public JsonObject ToJson()
    {
        var error = new JsonObject { ["type"] = this.Type, ["message"] = this.Message };
        if (this.Code is not null)
        {
            error["code"] = this.Code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{this.Code.Replace('_', '-')}";
        }

        if (this.Param is not null)
        {
            error["param"] = this.Param;
        }

        return new JsonObject { ["error"] = error };
    }
}
