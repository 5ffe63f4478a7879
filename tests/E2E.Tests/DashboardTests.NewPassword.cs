using System.Text.RegularExpressions;
using BookingAws.Shared.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>
/// First sign-in with a temporary password (an invited member; an owner signed up in AWS): Cognito answers
/// NEW_PASSWORD_REQUIRED and the dashboard asks for a password of the person's own.
/// </summary>
public sealed partial class DashboardTests
{
    private const string TemporaryPassword = "Temp-0rary-pass!";
    private const string ChosenPassword = "Kayak-harbour-9!";

    [Fact]
    public async Task An_invitee_signing_in_with_a_temporary_password_chooses_a_new_one_at_phone_width_then_signs_in_with_it()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var invitee = await InviteWithTemporaryPasswordAsync(business, "lee");

        var page = await platform.NewPageAsync(phone: true);
        await page.GotoAsync("/dashboard/");
        await page.GetByLabel("Email").FillAsync(invitee);
        await page.GetByLabel("Password").FillAsync(TemporaryPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password", Level = 1 })).ToBeVisibleAsync(Loaded);
        var newPassword = page.GetByLabel("New password", new() { Exact = true });
        var again = page.GetByLabel("New password again", new() { Exact = true });
        await Expect(newPassword).ToBeFocusedAsync();
        // The pool's rules are said before anyone trips on them, and read out with the field.
        await Expect(newPassword).ToHaveAccessibleDescriptionAsync(new Regex("At least 12 characters"));

        // Too short: refused under the field, before anything is sent (cognito-local enforces no policy; AWS's pool does).
        await newPassword.FillAsync("Short-1!");
        await again.FillAsync("Short-1!");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#new-password-error")).ToHaveTextAsync("The password needs at least 12 characters.");
        await Expect(newPassword).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(newPassword).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "the page scrolls sideways at phone width");
        await DashboardFixture.ScreenshotAsync(page, "new-password-too-short-phone");

        // Two different passwords: the second field is at fault.
        await newPassword.FillAsync(ChosenPassword);
        await again.FillAsync(ChosenPassword + "x");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#confirm-password-error")).ToHaveTextAsync("The two passwords are not the same.");
        await Expect(page.Locator("#new-password-error")).ToBeHiddenAsync();
        await Expect(again).ToBeFocusedAsync();

        // A good one, by keyboard: Cognito takes it and the dashboard opens as after any sign-in.
        await again.FillAsync(ChosenPassword);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(invitee, Loaded2);
        await Expect(page.Locator("#business-name")).ToHaveTextAsync($"Harbour Kayaks {business.Slug[^4..]}", Loaded2);

        // Next time the new password signs in directly, and the temporary one no longer does.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(invitee);
        await page.GetByLabel("Password").FillAsync(TemporaryPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong email or password.", Loaded2);
        await page.GetByLabel("Password").FillAsync(ChosenPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(invitee, Loaded2);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Cognitos_own_password_refusal_shows_under_the_field_and_an_expired_challenge_goes_back_to_sign_in()
    {
        // cognito-local answers NEW_PASSWORD_REQUIRED and RespondToAuthChallenge for real, but it enforces no password
        // policy and never expires a challenge's session. Those two answers are therefore played here by Playwright
        // request interception, with the bodies AWS Cognito sends; InitiateAuth still goes to cognito-local.
        var business = await platform.CreateBusinessAsync(units: 1);
        var invitee = await InviteWithTemporaryPasswordAsync(business, "ari");
        var answers = new Queue<string>([
            """{"__type":"InvalidPasswordException","message":"Password does not conform to policy: Password must have symbol characters"}""",
            """{"__type":"NotAuthorizedException","message":"Invalid session for the user, session is expired."}""",
        ]);
        var page = await platform.NewPageAsync();
        await page.RouteAsync("**/*", async route =>
        {
            var target = await route.Request.HeaderValueAsync("x-amz-target");
            if (target == "AWSCognitoIdentityProviderService.RespondToAuthChallenge" && answers.TryDequeue(out var body))
            {
                await route.FulfillAsync(new() { Status = 400, ContentType = "application/x-amz-json-1.1", Body = body });
                return;
            }

            await route.FallbackAsync();
        });

        await page.GotoAsync("/dashboard/");
        await page.GetByLabel("Email").FillAsync(invitee);
        await page.GetByLabel("Password").FillAsync(TemporaryPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var newPassword = page.GetByLabel("New password", new() { Exact = true });
        await Expect(newPassword).ToBeFocusedAsync(new() { Timeout = 15_000 });
        await newPassword.FillAsync(ChosenPassword);
        await page.GetByLabel("New password again", new() { Exact = true }).FillAsync(ChosenPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save password and sign in" }).ClickAsync();
        await Expect(page.Locator("#new-password-error")).ToHaveTextAsync("The sign-in service refused this password: Password must have symbol characters.", new() { Timeout = 15_000 });
        await Expect(newPassword).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "new-password-refused");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save password and sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This sign-in has expired. Sign in again with the password from your invitation.", Loaded2);
        await Expect(page.GetByLabel("Email")).ToHaveValueAsync(invitee);
        await Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
    }

    /// <summary>
    /// An invitation as the owner sends it (the API's AdminCreateUser with Cognito's invitation: the user is in
    /// FORCE_CHANGE_PASSWORD), with a temporary password the test knows, as the one Cognito emails in AWS.
    /// </summary>
    private async Task<string> InviteWithTemporaryPasswordAsync(Business business, string name)
    {
        using var owner = await platform.OwnerClientAsync(business);
        var invitee = $"{name}-{business.Slug}@example.test";
        await DashboardFixture.ReadAsync(await DashboardFixture.PostJsonAsync(owner, $"/api/v1/tenants/{business.Slug}/staff", new { email = invitee, name, role = "staff" }));
        var cognito = platform.Services.GetRequiredService<CognitoClient>();
        await cognito.AdminSetUserPasswordAsync(invitee, TemporaryPassword, permanent: false, CancellationToken.None);
        return invitee;
    }
}
