using System.Text.Json;
using BookingAws.Shared.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingAws.Api.Infrastructure;

/// <summary>Raised by handlers for rule violations that a client can fix; mapped to ProblemDetails.</summary>
public sealed class DomainException(int status, string title, string detail, string? field = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Field { get; } = field;

    public static DomainException Invalid(string field, string detail) =>
        new(StatusCodes.Status400BadRequest, "One or more validation errors occurred.", detail, field);

    /// <summary>Rejects dates far outside anything bookable, before calendar arithmetic overflows on them.</summary>
    public static void EnsureSaneDate(DateOnly date, string field)
    {
        if (date.Year is < 2000 or > 2999)
        {
            throw Invalid(field, "The date must be between the years 2000 and 2999.");
        }
    }
}

/// <summary>
/// Turns failures a client caused into RFC 7807 responses: malformed JSON and bad parameters become
/// 400 naming the field, PostgreSQL unique violations and serialization failures 409 (never naming a
/// constraint or table). A database that cannot be reached is 503 with Retry-After. Anything else is a genuine 500
/// and is logged by the framework.
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Map(exception);
        if (problem is null && DatabaseUnreachable(exception))
        {
            // The pooled connections to a server that died (or was failed over) are all dead; empty the pools so the
            // next requests open fresh ones, to the promoted writer or back to the fallback for reads.
            foreach (var key in new[] { DataSources.Primary, DataSources.Replica })
            {
                httpContext.RequestServices.GetKeyedService<NpgsqlDataSource>(key)?.Clear();
            }

            httpContext.Response.Headers.RetryAfter = "2";
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = "The booking database could not be reached for a moment; nothing was changed unless the response said so. Retry the request (with the same Idempotency-Key for a booking).",
            };
        }

        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails? Map(Exception exception) => exception switch
    {
        DomainException d when d.Field is not null && d.Status == StatusCodes.Status400BadRequest =>
            Validation(d.Field, d.Message),
        DomainException d => new ProblemDetails
        {
            Status = d.Status,
            Title = d.Title,
            Detail = d.Message,
            Extensions = { ["field"] = d.Field },
        },
        BadHttpRequestException { InnerException: JsonException json } =>
            Validation(JsonField(json.Path), $"The request body is not valid JSON for this endpoint: {json.Message}"),
        BadHttpRequestException bad => new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = "Bad request",
            Detail = bad.Message,
        },
        DbUpdateConcurrencyException => new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Conflict",
            Detail = "The resource was changed by someone else; read it again and retry.",
        },
        DbUpdateException { InnerException: PostgresException pg } => FromPostgres(pg),
        PostgresException pg => FromPostgres(pg),
        _ => null,
    };

    /// <summary>A lost or refused database connection (not an error the database answered with), anywhere in the chain.</summary>
    private static bool DatabaseUnreachable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            // Npgsql's own exceptions (not the server's answers) are about reaching a server: refused, broken, timed out,
            // or "no suitable host" while a failover has no writer yet. The server's shutdown and connection codes too.
            if (exception is NpgsqlException and not PostgresException
                || exception is PostgresException { SqlState: "57P01" or "57P02" or "57P03" } or PostgresException { SqlState: ['0', '8', ..] })
            {
                return true;
            }
        }

        return false;
    }

    // Constraint names are schema details: a client learns at most which of its own fields clashed. The
    // whole map is public knowledge (a slug is in every URL; a customer's email clashes only inside the
    // caller's own business), so naming these fields reveals nothing about anyone else's data.
    private static readonly Dictionary<string, string> FieldOfConstraint = new(StringComparer.Ordinal)
    {
        ["ix_tenants_slug"] = "slug",
        ["ix_customers_tenant_id_email"] = "email",
    };

    private static ProblemDetails? FromPostgres(PostgresException pg) => pg.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => Conflict("A resource with the same unique value already exists.", pg.ConstraintName),
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
            Conflict("A concurrent change conflicted with this request; retry it.", null),
        PostgresErrorCodes.ForeignKeyViolation => Conflict("The resource is still referenced by another resource.", null),
        _ => null,
    };

    private static ProblemDetails Conflict(string detail, string? constraint)
    {
        var problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = detail };
        if (constraint is not null && FieldOfConstraint.TryGetValue(constraint, out var field))
        {
            problem.Extensions["field"] = field;
        }

        return problem;
    }

    private static HttpValidationProblemDetails Validation(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };

    // System.Text.Json reports "$.seats"; clients know the field as "seats".
    private static string JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');
}
