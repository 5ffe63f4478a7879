using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.Dashboard;
using BookingAws.Api.Features.Staff;
using BookingAws.Api.Tests.Identity;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Tests.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BookingAws.Api.Tests.Staff;

/// <summary>
/// Owners manage who works at their business: an invitation by email (sent through the outbox, a queue and the
/// workers' email handler), the invitee's first sign-in taking it up, role changes and removal taking effect with
/// the member's next request, and a business that never loses its last owner.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StaffTests(ApiFactory api)
{
    [Fact]
    public async Task An_invitee_gets_the_email_through_the_workers_signs_in_sees_the_business_and_becomes_active()
    {
        var t = await api.CreateTenantAsync();
        var workers = await StartWorkersAsync(t);
        try
        {
            await InviteSignInAndJoinAsync(t);
        }
        finally
        {
            await workers.StopAsync();
            workers.Dispose();
        }
    }

    private async Task InviteSignInAndJoinAsync(TestTenant t)
    {
        var email = $"invitee-{Guid.NewGuid():N}@example.test";

        var invited = await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new StaffInviteRequest(email.ToUpperInvariant(), " Robin ", Roles.Staff), ApiFactory.Json))
            .ReadAsync<StaffMemberDto>(HttpStatusCode.Created);
        Assert.Equal((email, "Robin", Roles.Staff, StaffStatus.Invited), (invited.Email, invited.Name, invited.Role, invited.Status));
        var listed = await ListAsync(t);
        Assert.Equal([("owner-" + t.Slug + "@example.test", Roles.Owner, StaffStatus.Active), (email, Roles.Staff, StaffStatus.Invited)], listed.Select(m => (m.Email, m.Role, m.Status)));

        // The invitation arrives through the relay, the notifications queue and the handler, naming the business and its dashboard.
        var sent = Assert.Single(await EmailsToAsync(email, 1));
        Assert.Equal($"Owner invited you to Business {t.Slug}", sent.GetProperty("subject").GetString());
        var text = sent.GetProperty("body").GetProperty("text").GetString()!;
        Assert.Contains($"/dashboard/?business={t.Slug}", text, StringComparison.Ordinal);
        Assert.Contains("as a member of staff", text, StringComparison.Ordinal);

        // The pool user exists (invited, with a temporary password it would email in AWS); the invitee sets their own.
        var user = await api.Identity.Cognito.AdminGetUserAsync(email, CancellationToken.None);
        Assert.True(user is { EmailVerified: true });
        await api.Identity.Cognito.AdminSetUserPasswordAsync(email, TestIdentity.Password, permanent: true, CancellationToken.None);
        var invitee = await api.SignedInAsync(email);

        var businesses = await (await invitee.GetAsync("/api/v1/me/businesses")).ReadAsync<List<MyBusinessDto>>();
        Assert.Equal((t.Slug, Roles.Staff), (Assert.Single(businesses).Slug, businesses[0].Role));
        await (await invitee.GetAsync(t.Url("/policy"))).ShouldBe(HttpStatusCode.OK);
        await (await invitee.GetAsync(t.Url("/staff"))).ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.Equal(StaffStatus.Active, (await ListAsync(t)).Single(m => m.Email == email).Status);
    }

    [Fact]
    public async Task An_invitee_who_already_works_elsewhere_takes_the_invitation_up_with_their_next_call()
    {
        var t = await api.CreateTenantAsync();
        var elsewhere = await api.CreateTenantAsync();
        var email = $"busy-{Guid.NewGuid():N}@example.test";
        var person = await api.AddUserAsync(elsewhere, Roles.Staff, email);
        await (await person.GetAsync(t.Url("/policy"))).ShouldBeProblem(HttpStatusCode.NotFound);

        await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new StaffInviteRequest(email, null, Roles.Owner), ApiFactory.Json)).ShouldBe(HttpStatusCode.Created);

        // Same sign-in, no new password: the invitation is theirs from the next request on.
        await (await person.GetAsync(t.Url("/staff"))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(StaffStatus.Active, (await ListAsync(t)).Single(m => m.Email == email).Status);
        var businesses = await (await person.GetAsync("/api/v1/me/businesses")).ReadAsync<List<MyBusinessDto>>();
        Assert.Equal([(elsewhere.Slug, Roles.Staff), (t.Slug, Roles.Owner)], businesses.Select(b => (b.Slug, b.Role)).OrderBy(b => b.Slug == t.Slug));
    }

    [Fact]
    public async Task A_role_change_takes_effect_with_the_next_request_and_removal_revokes_access_at_once()
    {
        var t = await api.CreateTenantAsync();
        var email = $"member-{Guid.NewGuid():N}@example.test";
        var member = await api.AddUserAsync(t, Roles.Staff, email);
        var id = (await ListAsync(t)).Single(m => m.Email == email).Id;
        await (await member.GetAsync(t.Url("/staff"))).ShouldBe(HttpStatusCode.Forbidden);

        var promoted = await (await t.Owner.PutAsJsonAsync(t.Url($"/staff/{id}"), new StaffRoleRequest(Roles.Owner), ApiFactory.Json)).ReadAsync<StaffMemberDto>();
        Assert.Equal(Roles.Owner, promoted.Role);
        await (await member.GetAsync(t.Url("/staff"))).ShouldBe(HttpStatusCode.OK);

        await (await t.Owner.PutAsJsonAsync(t.Url($"/staff/{id}"), new StaffRoleRequest(Roles.Staff), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        await (await member.GetAsync(t.Url("/staff"))).ShouldBe(HttpStatusCode.Forbidden);
        await (await member.GetAsync(t.Url("/policy"))).ShouldBe(HttpStatusCode.OK);

        await (await t.Owner.DeleteAsync(t.Url($"/staff/{id}"))).ShouldBe(HttpStatusCode.NoContent);
        await (await member.GetAsync(t.Url("/policy"))).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await member.GetAsync(t.Url("/bookings"))).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Empty(await (await member.GetAsync("/api/v1/me/businesses")).ReadAsync<List<MyBusinessDto>>());
        Assert.DoesNotContain(await ListAsync(t), m => m.Email == email);
        await (await t.Owner.DeleteAsync(t.Url($"/staff/{id}"))).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_last_owner_can_be_neither_demoted_nor_removed_until_there_is_another()
    {
        var t = await api.CreateTenantAsync();
        var self = $"/staff/{t.OwnerId}";

        var demoted = await (await t.Owner.PutAsJsonAsync(t.Url(self), new StaffRoleRequest(Roles.Staff), ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("Last owner", demoted.GetProperty("title").GetString());
        var removed = await (await t.Owner.DeleteAsync(t.Url(self))).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("Last owner", removed.GetProperty("title").GetString());
        Assert.Equal(Roles.Owner, (await ListAsync(t)).Single(m => m.Id == t.OwnerId).Role);

        // An owner who has not signed in yet may never come: they do not count, and may themselves be removed.
        var invited = await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new StaffInviteRequest($"later-{Guid.NewGuid():N}@example.test", null, Roles.Owner), ApiFactory.Json))
            .ReadAsync<StaffMemberDto>(HttpStatusCode.Created);
        await (await t.Owner.PutAsJsonAsync(t.Url(self), new StaffRoleRequest(Roles.Staff), ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await t.Owner.DeleteAsync(t.Url($"/staff/{invited.Id}"))).ShouldBe(HttpStatusCode.NoContent);

        // Two owners: either may step down, and the one left is the last again.
        var other = await api.AddUserAsync(t, Roles.Owner);
        await (await t.Owner.PutAsJsonAsync(t.Url(self), new StaffRoleRequest(Roles.Staff), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        await (await t.Owner.GetAsync(t.Url("/staff"))).ShouldBe(HttpStatusCode.Forbidden);
        var otherId = (await (await other.GetAsync(t.Url("/staff"))).ReadAsync<List<StaffMemberDto>>()).Single(m => m.Role == Roles.Owner).Id;
        await (await other.DeleteAsync(t.Url($"/staff/{otherId}"))).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await other.DeleteAsync(t.Url(self))).ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Two_owners_demoting_each_other_at_once_leave_the_business_one_owner()
    {
        var t = await api.CreateTenantAsync();
        var other = await api.AddUserAsync(t, Roles.Owner);
        var otherId = (await ListAsync(t)).Single(m => m.Id != t.OwnerId).Id;

        var answers = await Task.WhenAll(
            t.Owner.PutAsJsonAsync(t.Url($"/staff/{otherId}"), new StaffRoleRequest(Roles.Staff), ApiFactory.Json),
            other.PutAsJsonAsync(t.Url($"/staff/{t.OwnerId}"), new StaffRoleRequest(Roles.Staff), ApiFactory.Json));

        // The second is refused as the last owner, or (had the first finished before it was let in) as no owner at all.
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Single(answers, a => a.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Forbidden);
        Assert.Single(await ListAsync(t, await Either(t.Owner, other, t)), m => m.Role == Roles.Owner);
    }

    [Fact]
    public async Task Inviting_a_member_again_is_409_and_a_bad_email_or_role_is_400_naming_the_field()
    {
        var t = await api.CreateTenantAsync();
        var elsewhere = await api.CreateTenantAsync();
        var email = $"twice-{Guid.NewGuid():N}@example.test";
        await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new StaffInviteRequest(email, null, Roles.Staff), ApiFactory.Json)).ShouldBe(HttpStatusCode.Created);

        var again = await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new StaffInviteRequest(email.ToUpperInvariant(), "Again", Roles.Owner), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal(("Already a member", "email"), (again.GetProperty("title").GetString(), again.GetProperty("field").GetString()));
        var owner = await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new StaffInviteRequest($"owner-{t.Slug}@example.test", null, Roles.Staff), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("Already a member", owner.GetProperty("title").GetString());

        // Another business's member is nobody here: inviting them is an invitation like any other, revealing nothing.
        await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new StaffInviteRequest($"owner-{elsewhere.Slug}@example.test", null, Roles.Staff), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.Created);

        await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new { email = "not-an-email", role = Roles.Staff }, ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.BadRequest, "email");
        await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new { role = Roles.Staff }, ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.BadRequest, "email");
        await (await t.Owner.PostAsJsonAsync(t.Url("/staff"), new { email = $"x-{email}", role = "admin" }, ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.BadRequest, "role");
        await (await t.Owner.PutAsJsonAsync(t.Url($"/staff/{t.OwnerId}"), new { role = Roles.Customer }, ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.BadRequest, "role");
        await (await t.Owner.PutAsJsonAsync(t.Url($"/staff/{Guid.NewGuid()}"), new StaffRoleRequest(Roles.Staff), ApiFactory.Json)).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(3, (await ListAsync(t)).Count);
    }

    [Fact]
    public async Task Staff_are_refused_and_another_business_owner_finds_nothing()
    {
        var t = await api.CreateTenantAsync();
        var staff = await api.AddUserAsync(t, Roles.Staff);
        var stranger = (await api.CreateTenantAsync()).Owner;
        var invite = new StaffInviteRequest($"sneaky-{Guid.NewGuid():N}@example.test", null, Roles.Owner);

        foreach (var (client, expected) in new[] { (staff, HttpStatusCode.Forbidden), (stranger, HttpStatusCode.NotFound) })
        {
            await (await client.GetAsync(t.Url("/staff"))).ShouldBeProblem(expected);
            await (await client.PostAsJsonAsync(t.Url("/staff"), invite, ApiFactory.Json)).ShouldBeProblem(expected);
            await (await client.PutAsJsonAsync(t.Url($"/staff/{t.OwnerId}"), new StaffRoleRequest(Roles.Staff), ApiFactory.Json)).ShouldBeProblem(expected);
            await (await client.DeleteAsync(t.Url($"/staff/{t.OwnerId}"))).ShouldBeProblem(expected);
        }

        // The stranger's own business does not know this business's members either.
        var strangerSlug = (await (await stranger.GetAsync("/api/v1/me/businesses")).ReadAsync<List<MyBusinessDto>>()).Single().Slug;
        await (await stranger.PutAsJsonAsync($"/api/v1/tenants/{strangerSlug}/staff/{t.OwnerId}", new StaffRoleRequest(Roles.Staff), ApiFactory.Json)).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(Roles.Owner, (await ListAsync(t)).Single(m => m.Id == t.OwnerId).Role);
        Assert.DoesNotContain(await ListAsync(t), m => m.Email == invite.Email);
    }

    private static Task<List<StaffMemberDto>> ListAsync(TestTenant t) => ListAsync(t, t.Owner);

    private static async Task<List<StaffMemberDto>> ListAsync(TestTenant t, HttpClient owner) =>
        await (await owner.GetAsync(t.Url("/staff"))).ReadAsync<List<StaffMemberDto>>();

    /// <summary>Whichever of the two is still an owner.</summary>
    private static async Task<HttpClient> Either(HttpClient a, HttpClient b, TestTenant t) =>
        (await a.GetAsync(t.Url("/staff"))).IsSuccessStatusCode ? a : b;

    /// <summary>The emails the SES-compatible server has stored for <paramref name="recipient"/>, once there are <paramref name="count"/>.</summary>
    private static async Task<List<JsonElement>> EmailsToAsync(string recipient, int count)
    {
        using var ses = new HttpClient { BaseAddress = new Uri(Environment.GetEnvironmentVariable("Ses__ServiceUrl") ?? "http://127.0.0.1:58005"), Timeout = TimeSpan.FromSeconds(10) };
        return await Eventually.Until(
            async () =>
            {
                using var store = await ses.GetFromJsonAsync<JsonDocument>("store");
                return store!.RootElement.GetProperty("emails").EnumerateArray()
                    .Where(e => e.GetProperty("destination").GetProperty("to").EnumerateArray().Any(to => string.Equals(to.GetString(), recipient, StringComparison.OrdinalIgnoreCase)))
                    .Select(e => e.Clone())
                    .ToList();
            },
            emails => emails.Count >= count,
            TimeSpan.FromSeconds(40));
    }

    /// <summary>The workers, relaying only this business's events and consuming their own notifications queue.</summary>
    private Task<IHost> StartWorkersAsync(TestTenant t) =>
        InProcessWorkers.StartAsync(api.Services.GetRequiredService<IConfiguration>(), t.Id, "staff", ["notifications"]);
}
