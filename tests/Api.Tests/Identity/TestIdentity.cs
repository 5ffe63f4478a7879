using System.Collections.Concurrent;
using BookingAws.Shared.Data;
using BookingAws.Shared.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Api.Tests.Identity;

/// <summary>
/// People in the real user pool (cognito-local, started by the platform script) and their real access
/// tokens: each test user is created once and signed in once, then the token is reused.
/// </summary>
public sealed class TestIdentity(IServiceProvider services)
{
    /// <summary>Meets Cognito's default password policy.</summary>
    public const string Password = "Test-passw0rd!";

    private readonly ConcurrentDictionary<string, Task<string>> tokens = new(StringComparer.OrdinalIgnoreCase);

    public CognitoClient Cognito => services.GetRequiredService<CognitoClient>();

    /// <summary>The app clients the API accepts: [0] dashboard, [1] portal.</summary>
    public string ClientId(int index = 0) =>
        services.GetRequiredService<IConfiguration>()[$"Auth:ClientIds:{index}"] ?? throw new InvalidOperationException("Auth:ClientIds is not configured; run ./platform services.");

    /// <summary>An access token for a pool user with the test password, signed in once per email.</summary>
    public Task<string> TokenAsync(string email) =>
        tokens.GetOrAdd(email, async e => (await Cognito.InitiateAuthAsync(ClientId(), e, Password, CancellationToken.None)).AccessToken);

    /// <summary>Makes <paramref name="email"/> a pool user and a person in the database; returns the person's id.</summary>
    public async Task<Guid> AddPersonAsync(string email)
    {
        var user = await Cognito.EnsureUserAsync(email, Password, CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO people (id, cognito_sub, email, created_at) VALUES ({Guid.CreateVersion7()}, {user.Sub}, {email}, {SystemClock.Instance.GetCurrentInstant()}) ON CONFLICT (cognito_sub) DO NOTHING");
        return await db.People.Where(p => p.CognitoSub == user.Sub).Select(p => p.Id).SingleAsync();
    }
}
