using BookingAws.Shared.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>The staff view: an owner invites, changes a role and removes; the invitee signs in to the business.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task An_owner_invites_someone_changes_their_role_and_removes_them_with_the_apis_errors_next_to_the_field()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business);

        // Owners find Staff in the menu, by keyboard like every view.
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Staff", Exact = true });
        await link.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Staff", Level = 1 })).ToBeFocusedAsync(new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("staff-member")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("staff-member")).ToContainTextAsync("(you)");

        var invite = page.GetByTestId("staff-invite");
        var email = invite.GetByLabel("Email");
        await email.FillAsync("not-an-email");
        await invite.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(page.Locator("#staff-invite-email-error")).ToBeVisibleAsync(Loaded);
        await Expect(email).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(email).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "staff-invite-error");

        var address = $"kim-{business.Slug}@example.test";
        await email.FillAsync(address);
        await invite.GetByLabel("Name (optional)").FillAsync("Kim");
        await invite.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(page.GetByTestId("staff-saved")).ToHaveTextAsync($"Invitation sent to {address}.", Loaded2);
        var row = page.Locator($"[data-testid=staff-member][data-email='{address}']");
        await Expect(row).ToContainTextAsync("not signed in yet");

        // The same address again: the API's 409 under the field it is about.
        await email.FillAsync(address.ToUpperInvariant());
        await invite.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(page.Locator("#staff-invite-email-error")).ToContainTextAsync("already on the business's staff", new() { Timeout = 15_000 });
        await email.FillAsync("");

        await row.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("owner");
        await row.GetByRole(AriaRole.Button, new() { Name = "Change the role of Kim" }).ClickAsync();
        await Expect(page.GetByTestId("staff-saved")).ToHaveTextAsync("Kim is now an owner.", Loaded2);
        await Expect(row.GetByLabel("Role", new() { Exact = true })).ToHaveValueAsync("owner");
        await Expect(row.GetByLabel("Role", new() { Exact = true })).ToBeFocusedAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Remove Kim" }).ClickAsync();
        var yes = row.GetByRole(AriaRole.Button, new() { Name = "Yes, remove Kim" });
        await Expect(yes).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "staff-remove-confirm");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("staff-saved")).ToHaveTextAsync("Kim was removed.", Loaded2);
        await Expect(page.GetByTestId("staff-member")).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "People" })).ToBeFocusedAsync();
        await DashboardFixture.ScreenshotAsync(page, "staff");

        using var owner = await platform.OwnerClientAsync(business);
        var members = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/staff"));
        Assert.Equal([DashboardFixture.OwnerEmail(business)], members.EnumerateArray().Select(m => m.GetProperty("email").GetString()));
    }

    [Fact]
    public async Task The_last_owner_is_refused_with_the_reason_at_phone_width_and_an_invitee_signs_in_as_staff_without_the_staff_view()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        using var owner = await platform.OwnerClientAsync(business);
        var invitee = $"sam-{business.Slug}@example.test";
        await DashboardFixture.ReadAsync(await DashboardFixture.PostJsonAsync(owner, $"/api/v1/tenants/{business.Slug}/staff", new { email = invitee, name = "Sam", role = "staff" }));

        var page = await platform.NewPageAsync(phone: true);
        await platform.SignInAsync(page, business, "#/staff");
        var me = page.Locator($"[data-testid=staff-member][data-email='{DashboardFixture.OwnerEmail(business)}']");
        await me.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("staff", new() { Timeout = 15_000 });
        await me.GetByRole(AriaRole.Button, new() { Name = "Change the role of Owner" }).ClickAsync();
        await Expect(me.GetByRole(AriaRole.Alert)).ToContainTextAsync("A business needs at least one owner", new() { Timeout = 15_000 });
        await Expect(me.GetByLabel("Role", new() { Exact = true })).ToHaveValueAsync("owner");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "the page scrolls sideways at phone width");
        await DashboardFixture.ScreenshotAsync(page, "staff-last-owner-phone");

        // The invitee, with the password they chose (Cognito's temporary one is changed at first sign-in; cognito-local sends none).
        var cognito = platform.Services.GetRequiredService<CognitoClient>();
        await cognito.AdminSetUserPasswordAsync(invitee, ApiWithWorkers.OwnerPassword, permanent: true, CancellationToken.None);
        var theirs = await platform.NewPageAsync();
        await theirs.GotoAsync("/dashboard/#/staff");
        await theirs.GetByLabel("Email").FillAsync(invitee);
        await theirs.GetByLabel("Password").FillAsync(ApiWithWorkers.OwnerPassword);
        await theirs.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(theirs.Locator("#business-name")).ToHaveTextAsync($"Harbour Kayaks {business.Slug[^4..]}", Loaded2);
        await Expect(theirs.GetByTestId("staff-owners-only")).ToBeVisibleAsync(Loaded);
        await Expect(theirs.Locator("#nav a[data-view=staff]")).ToBeHiddenAsync();
        await Expect(theirs.GetByRole(AriaRole.Link, new() { Name = "Today", Exact = true })).ToBeVisibleAsync();

        var members = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/staff"));
        Assert.Equal("active", members.EnumerateArray().Single(m => m.GetProperty("email").GetString() == invitee).GetProperty("status").GetString());
    }
}
