using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Identity;
using BookingAws.Shared.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Npgsql;
using StackExchange.Redis;

namespace BookingAws.Api.Features.Customers;

public sealed record SignInCodeRequest([Required, EmailAddress, StringLength(254)] string Email);

/// <summary>What the portal keeps until the customer types the code: the challenge goes back with it.</summary>
public sealed record SignInCodeSent(string Challenge, DateTimeOffset ExpiresAt);

public sealed record SignInVerifyRequest(
    [Required, EmailAddress, StringLength(254)] string Email,
    [Required, StringLength(200)] string Challenge,
    [Required, StringLength(12)] string Code);

/// <summary>A customer session: a bearer access token for <c>/me/bookings</c> and the booking changes.</summary>
public sealed record CustomerSession(string AccessToken, string TokenType, int ExpiresIn, string Email);

/// <summary>
/// Passwordless sign-in for customers: the API emails a six-digit code (through the outbox and the workers, as a
/// guest's email proof), and the right code makes the address a pool user (if new) and opens a session for it
/// (<see cref="CustomerSessionTokens"/>). Asking for a code answers the same whether or not the address is anyone's.
/// </summary>
public static class CustomerSignInEndpoints
{
    /// <summary>Tries per code, right one included; then the customer asks for a new code.</summary>
    public const int MaxTries = 5;

    public static void MapCustomerSignInEndpoints(this RouteGroupBuilder publicTenant, RouteGroupBuilder api)
    {
        publicTenant.MapPost("/sign-in/code", RequestCode).WithName("RequestSignInCode").WithTags("Customers").AllowAnonymous();
        api.MapPost("/sign-in/verify", VerifyCode).WithName("VerifySignInCode").WithTags("Customers").AllowAnonymous();
    }

    /// <summary>Emails a sign-in code to the address (whoever it belongs to) from the business of the portal.</summary>
    public static async Task<Accepted<SignInCodeSent>> RequestCode(
        SignInCodeRequest request,
        TenantContext scope,
        CustomerSignInCodes codes,
        [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource primary,
        IClock clock,
        CancellationToken ct)
    {
        var email = CustomerSignInCodes.Normalize(request.Email);
        var now = clock.GetCurrentInstant();
        var challenge = codes.NewChallenge(email, now);
        await using (var connection = await primary.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await using var batch = RowScope.Batch(connection, tx);
            batch.BatchCommands.Add(Outbox.Insert(
                new CustomerSignInRequested(scope.Tenant.Id, email, challenge.Value, challenge.ExpiresAt.ToDateTimeOffset()), now));
            await batch.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }

        return TypedResults.Accepted((string?)null, new SignInCodeSent(challenge.Value, challenge.ExpiresAt.ToDateTimeOffset()));
    }

    /// <summary>The emailed code for a session. Wrong, expired and overused codes are 422 naming <c>code</c>.</summary>
    public static async Task<Results<Ok<CustomerSession>, ProblemHttpResult>> VerifyCode(
        SignInVerifyRequest request,
        CustomerSignInCodes codes,
        IConnectionMultiplexer redis,
        CognitoClient cognito,
        CustomerSessionTokens sessions,
        BookingDbContext db,
        ReadSession reads,
        IClock clock,
        CancellationToken ct)
    {
        var email = CustomerSignInCodes.Normalize(request.Email);
        var now = clock.GetCurrentInstant();
        var key = "signin:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(request.Challenge + "\n" + email)).AsSpan(0, 16));
        long tries;
        try
        {
            // Counted before the check, atomically, so parallel guesses cannot share a try; kept as long as a code lives.
            var redisDb = redis.GetDatabase();
            tries = await redisDb.StringIncrementAsync(key + ":tries");
            if (tries == 1)
            {
                await redisDb.KeyExpireAsync(key + ":tries", CustomerSignInCodes.Lifetime.ToTimeSpan());
            }
        }
        catch (RedisException e)
        {
            // Without the count, guessing would be unlimited: refuse rather than check.
            throw new DomainException(StatusCodes.Status503ServiceUnavailable, "Sign-in unavailable", "Sign-in is not available right now; try again shortly.")
            {
                Data = { ["cause"] = e.Message },
            };
        }

        if (tries > MaxTries)
        {
            return CodeProblem("Too many tries for this code; ask for a new one.");
        }

        switch (codes.Check(request.Challenge, email, request.Code, now))
        {
            case SignInCodeCheck.Expired:
                return CodeProblem("This code has expired; ask for a new one.");
            case SignInCodeCheck.UnknownChallenge or SignInCodeCheck.WrongCode:
                return CodeProblem(tries < MaxTries ? $"That is not the code we emailed; {MaxTries - tries} more tries." : "That is not the code we emailed; ask for a new one.");
        }

        // One session per code: a code read over someone's shoulder after use opens nothing.
        if (!await redis.GetDatabase().StringSetAsync(key + ":used", 1, CustomerSignInCodes.Lifetime.ToTimeSpan(), When.NotExists))
        {
            return CodeProblem("This code was already used; ask for a new one.");
        }

        CognitoUser user;
        try
        {
            user = await cognito.EnsurePasswordlessUserAsync(email, ct);
        }
        catch (CognitoUnavailableException e)
        {
            throw Caller.Unavailable(e);
        }

        await LinkCustomersAsync(db, user, email, now, ct);

        // Their first reads (my bookings) must see the rows just linked, not a replica that lags behind.
        await reads.RecordWriteAsync(CurrentUser.ForSubject(user.Sub), ct);
        return TypedResults.Ok(new CustomerSession(sessions.Issue(user), "Bearer", (int)CustomerSessionTokens.Lifetime.TotalSeconds, email));
    }

    /// <summary>
    /// The person behind the pool user, and the customer rows of the address at every business, bookings made as a
    /// guest included: the address is proven now, as a signed-in hold's is.
    /// </summary>
    private static async Task LinkCustomersAsync(BookingDbContext db, CognitoUser user, string email, Instant now, CancellationToken ct)
    {
        using var rowScope = DatabaseScope.System("a customer who proved their address joins their customer rows at every business");
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO people (id, cognito_sub, email, created_at) VALUES ({Guid.CreateVersion7()}, {user.Sub}, {email}, {now}) ON CONFLICT (cognito_sub) DO NOTHING",
            ct);
        var personId = await db.People.Where(p => p.CognitoSub == user.Sub).Select(p => p.Id).SingleAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE customers SET person_id = {personId} WHERE email = {email} AND person_id IS NULL", ct);
    }

    private static ProblemHttpResult CodeProblem(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            detail: detail,
            extensions: new Dictionary<string, object?> { ["field"] = "code" });
}
