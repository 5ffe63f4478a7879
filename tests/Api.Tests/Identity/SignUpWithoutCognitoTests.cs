using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Identity;

/// <summary>The API with its user pool unreachable (a closed port): sign-up must say so and write nothing.</summary>
public sealed class SignUpWithoutCognitoTests : IClassFixture<SignUpWithoutCognitoTests.UnreachablePoolFactory>
{
    private readonly UnreachablePoolFactory api;

    public SignUpWithoutCognitoTests(UnreachablePoolFactory api) => this.api = api;

    [Fact]
    public async Task Sign_up_answers_503_and_leaves_no_business_behind_when_the_user_pool_is_down()
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..12];
        var response = await api.CreateClient().PostAsJsonAsync(
            "/api/v1/tenants", new SignUpRequest(slug, "Down", "Etc/UTC", "GBP", $"owner-{slug}@example.test", "Owner", TestIdentity.Password), ApiFactory.Json);

        await response.ShouldBeProblem(HttpStatusCode.ServiceUnavailable);
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        Assert.False(await db.Tenants.AnyAsync(t => t.Slug == slug));
        Assert.False(await db.People.AnyAsync(p => p.Email == $"owner-{slug}@example.test"));
    }

    public sealed class UnreachablePoolFactory : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cognito:ServiceUrl"] = "http://127.0.0.1:9",
                ["Cognito:Timeout"] = "00:00:02",
            }));
        }
    }
}
