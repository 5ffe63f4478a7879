using System.Text;

namespace BookingAws.StripeEmulator;

/// <summary>
/// Everything Stripe does around an API call before and after the endpoint runs: API-key check, parameter
/// parsing, idempotency (replay, mismatch, in-flight), fault injection, request log, error shape.
/// </summary>
public sealed class StripeApiMiddleware(
    RequestDelegate next, EmulatorState state, Faults faults, EmulatorSettings settings, TimeProvider time)
{
    public const string ParamsKey = "stripe.params";
    public const string RequestInfoKey = "stripe.request";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? string.Empty;
        var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
        var requestId = EmulatorState.NewId("req");
        response.Headers["Request-Id"] = requestId;
        response.Headers["Stripe-Version"] = request.Headers["Stripe-Version"].FirstOrDefault() ?? EmulatorState.ApiVersion;
        if (idempotencyKey is not null)
        {
            response.Headers["Idempotency-Key"] = idempotencyKey;
        }

        var status = 0;
        var replayed = false;
        string? fault = null;
        try
        {
            if (Unauthorized(request) is { } authError)
            {
                status = await WriteError(response, authError);
                return;
            }

            var parameters = await ReadParams(request, context.RequestAborted);
            context.Items[ParamsKey] = parameters;
            context.Items[RequestInfoKey] = new EmulatorState.RequestInfo(requestId, idempotencyKey);

            if (faults.AppliesTo(path) && faults.Current.LatencyMs is > 0 and var latency)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(latency), time, context.RequestAborted);
            }

            if (faults.TryTakeFailure(path))
            {
                fault = "fail";
                status = await WriteError(
                    response,
                    new StripeApiException(500, "api_error", null, "An unknown error occurred (injected by the local Stripe emulator)."));
                return;
            }

            var useIdempotency = idempotencyKey is not null && HttpMethods.IsPost(request.Method);
            if (useIdempotency)
            {
                var earlier = state.ClaimIdempotencyKey(idempotencyKey!, request.Method, path, parameters.Canonical());
                if (earlier is not null)
                {
                    (status, replayed) = await AnswerFromEarlier(response, earlier, idempotencyKey!, request.Method, path, parameters);
                    return;
                }
            }

            var original = response.Body;
            using var buffer = new MemoryStream();
            response.Body = buffer;
            try
            {
                try
                {
                    await next(context);
                    if (response.StatusCode == 404 && buffer.Length == 0)
                    {
                        throw new StripeApiException(
                            404, "invalid_request_error", null, $"Unrecognized request URL ({request.Method}: {path}).");
                    }
                }
                catch (StripeApiException ex)
                {
                    buffer.SetLength(0);
                    await WriteError(response, ex);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // An emulator bug must not leave the key "in progress" forever.
                    buffer.SetLength(0);
                    await WriteError(response, new StripeApiException(500, "api_error", null, "Emulator error: " + ex.Message));
                }

                status = response.StatusCode;
                if (useIdempotency)
                {
                    // Stripe keeps a result only once the endpoint has run; rejected parameters can be retried.
                    if (status is >= 200 and < 300)
                    {
                        state.CompleteIdempotencyKey(idempotencyKey!, status, Encoding.UTF8.GetString(buffer.ToArray()));
                    }
                    else
                    {
                        state.ReleaseIdempotencyKey(idempotencyKey!);
                    }
                }

                if (faults.TryTakeHang(path))
                {
                    fault = "hang";
                    var hang = faults.Current.HangMs is > 0 and var ms ? TimeSpan.FromMilliseconds(ms) : settings.MaxHang;
                    try
                    {
                        await Task.Delay(hang, time, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        status = 499;
                        return;
                    }
                }
            }
            finally
            {
                response.Body = original;
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            status = 499;
        }
        finally
        {
            state.Log(new RequestLogEntry(time.GetUtcNow(), request.Method, path, idempotencyKey, status, replayed, fault));
        }
    }

    private static async Task<(int Status, bool Replayed)> AnswerFromEarlier(
        HttpResponse response, EmulatorState.IdempotentResult earlier, string key, string method, string path, FormParams parameters)
    {
        if (!earlier.Done)
        {
            return (await WriteError(
                response,
                new StripeApiException(
                    409,
                    "idempotency_error",
                    "idempotency_key_in_use",
                    "There is currently another in-progress request using this Idempotent Key (that probably means you submitted "
                    + "twice, and the other request is still going through): " + key + ". Please try again later.")), false);
        }

        if (earlier.Method != method || earlier.Path != path || earlier.Canonical != parameters.Canonical())
        {
            return (await WriteError(
                response,
                new StripeApiException(
                    400,
                    "idempotency_error",
                    null,
                    "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                    + $"Try using a key other than '{key}' if you meant to execute a different request.")), false);
        }

        response.StatusCode = earlier.Status;
        response.ContentType = "application/json";
        response.Headers["Idempotent-Replayed"] = "true";
        await response.WriteAsync(earlier.Body);
        return (earlier.Status, true);
    }

    public static async Task<int> WriteError(HttpResponse response, StripeApiException error)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        await response.WriteAsync(error.ToJson().ToJsonString());
        return error.Status;
    }

    private static StripeApiException? Unauthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        string? key = null;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = header[7..].Trim();
        }
        else if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            // Stripe also takes the key as the basic-auth user name (curl -u sk_test_…:).
            try
            {
                key = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())).Split(':')[0];
            }
            catch (FormatException)
            {
                key = null;
            }
        }

        if (string.IsNullOrEmpty(key))
        {
            return new StripeApiException(
                401,
                "invalid_request_error",
                null,
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer "
                + "auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
        }

        if (!key.StartsWith("sk_test_", StringComparison.Ordinal) && !key.StartsWith("rk_test_", StringComparison.Ordinal))
        {
            var masked = key.Length > 12 ? key[..8] + new string('*', 4) + key[^4..] : "****";
            return new StripeApiException(401, "invalid_request_error", "api_key_invalid", $"Invalid API Key provided: {masked}");
        }

        return null;
    }

    private static async Task<FormParams> ReadParams(HttpRequest request, CancellationToken ct)
    {
        var query = request.QueryString.HasValue ? request.QueryString.Value! : string.Empty;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsDelete(request.Method))
        {
            return FormParams.Parse(query);
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        if (body.TrimStart().StartsWith('{'))
        {
            throw StripeApiException.InvalidRequest(
                null, "Invalid request: this v1 endpoint takes application/x-www-form-urlencoded parameters, not JSON.");
        }

        return FormParams.Parse(body.Length > 0 ? body : query);
    }
}
