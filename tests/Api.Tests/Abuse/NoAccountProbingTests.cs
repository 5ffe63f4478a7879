using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Identity;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Abuse;

/// <summary>No answer tells a stranger whether an email is known anywhere, or how the database is built.</summary>
[Collection(ApiCollection.Name)]
public sealed class NoAccountProbingTests(ApiFactory api)
{
    [Fact]
    public async Task Sign_up_with_the_email_of_another_business_staff_answers_exactly_as_for_a_new_email()
    {
        var existing = await api.CreateTenantAsync();
        var staffEmail = $"staff-{Guid.NewGuid():N}@example.test";
        await api.AddUserAsync(existing, "staff", staffEmail);

        var known = await api.CreateClient().PostAsJsonAsync("/api/v1/tenants", SignUp(staffEmail), ApiFactory.Json);
        var unknown = await api.CreateClient().PostAsJsonAsync("/api/v1/tenants", SignUp($"new-{Guid.NewGuid():N}@example.test"), ApiFactory.Json);

        // The same status and the same shape; nothing in either names a constraint or the other business.
        var a = await known.ReadAsync<SignUpResponse>(HttpStatusCode.Created);
        var b = await unknown.ReadAsync<SignUpResponse>(HttpStatusCode.Created);
        Assert.Equal(a.Tenant.Policy, b.Tenant.Policy);
        var body = await known.Content.ReadAsStringAsync();
        Assert.DoesNotContain("ix_", body, StringComparison.Ordinal);
        Assert.DoesNotContain(existing.Slug, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_unique_violation_is_409_naming_the_field_never_the_constraint()
    {
        var tenant = await api.CreateTenantAsync();
        var email = $"{Guid.NewGuid():N}@example.test";
        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), new CustomerRequest(email, "Ada", null, null), ApiFactory.Json)).ShouldBe(HttpStatusCode.Created);

        var taken = await api.CreateClient().PostAsJsonAsync("/api/v1/tenants", SignUp($"{Guid.NewGuid():N}@example.test", tenant.Slug), ApiFactory.Json);
        var twice = await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), new CustomerRequest(email, "Ada", null, null), ApiFactory.Json);

        foreach (var (response, field) in new[] { (taken, "slug"), (twice, "email") })
        {
            var problem = await response.ShouldBeProblem(HttpStatusCode.Conflict);
            var body = problem.GetRawText();
            Assert.False(problem.TryGetProperty("constraint", out _), body);
            Assert.DoesNotContain("ix_", body, StringComparison.Ordinal);
            Assert.DoesNotContain("pk_", body, StringComparison.Ordinal);
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    private static SignUpRequest SignUp(string email, string? slug = null) =>
        new(slug ?? "t-" + Guid.NewGuid().ToString("N")[..12], "Probe", "Etc/UTC", "GBP", email, "Owner", TestIdentity.Password);
}
