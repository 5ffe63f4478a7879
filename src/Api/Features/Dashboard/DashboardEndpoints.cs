using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace BookingAws.Api.Features.Dashboard;

/// <summary>How the dashboard signs people in: the user pool's endpoint and the dashboard's app client.</summary>
public sealed record DashboardConfigDto(string Region, string CognitoUrl, string ClientId);

/// <summary>A business the signed-in person works at, and their role there.</summary>
public sealed record MyBusinessDto(string Slug, string Name, string Role, string TimeZone, string Currency);

public static class DashboardEndpoints
{
    /// <summary>Where the dashboard lives when the API serves it (no CDN); CloudFront uses the same path.</summary>
    public const string BasePath = "/dashboard";

    public static void MapDashboardEndpoints(this RouteGroupBuilder api, RouteGroupBuilder dashboard)
    {
        dashboard.MapCustomerHistoryEndpoints();
        api.MapGet("/dashboard/config", Config).WithName("GetDashboardConfig").WithTags("Dashboard").AllowAnonymous();
        api.MapGet("/me/businesses", MyBusinesses).WithName("ListMyBusinesses").WithTags("Dashboard").RequireAuthorization(Policies.Customer);
    }

    /// <summary>
    /// The settings the browser needs to call the user pool itself (InitiateAuth): read at run time, so one
    /// build of the dashboard serves every stage. Dashboard:ClientId names the dashboard's app client; without
    /// it the first accepted client is used, which is the dashboard's in the local pool and in the CDK app.
    /// </summary>
    public static Ok<DashboardConfigDto> Config(IOptions<AuthOptions> auth, IOptions<CognitoOptions> cognito, IConfiguration configuration)
    {
        var c = cognito.Value;
        var url = string.IsNullOrWhiteSpace(c.ServiceUrl) ? $"https://cognito-idp.{c.Region}.amazonaws.com/" : c.ServiceUrl.TrimEnd('/') + "/";
        var clientId = configuration["Dashboard:ClientId"] is { Length: > 0 } id ? id : auth.Value.ClientIds.FirstOrDefault() ?? "";
        return TypedResults.Ok(new DashboardConfigDto(c.Region, url, clientId));
    }

    /// <summary>The businesses the caller is owner or staff of, so the dashboard can open one without asking for its slug.</summary>
    public static async Task<Ok<List<MyBusinessDto>>> MyBusinesses(Caller caller, BookingDbContext db, CancellationToken ct)
    {
        var person = await caller.PersonAsync(ct);
        if (person is null)
        {
            return TypedResults.Ok(new List<MyBusinessDto>());
        }

        // A person invited to a business sees it on their first sign-in: the dashboard starts here.
        await caller.JoinInvitationsAsync(ct);

        // Across businesses by nature: the person's own memberships, before any business is in scope.
        using var rowScope = DatabaseScope.System("listing the businesses a signed-in person works at");
        var rows = await db.StaffUsers.IgnoreQueryFilters()
            .Where(m => m.PersonId == person.Id)
            .Join(db.Tenants, m => m.TenantId, t => t.Id, (m, t) => new { t.Slug, t.Name, m.Role, t.TimeZone, t.Currency })
            .OrderBy(b => b.Name)
            .Select(b => new MyBusinessDto(b.Slug, b.Name, b.Role, b.TimeZone, b.Currency))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    /// <summary>
    /// Serves a built dashboard under /dashboard when Dashboard:Root names its folder: for installs without a
    /// CDN and for the browser tests. The app routes in the URL's fragment, so no fallback to index.html is needed.
    /// </summary>
    public static WebApplication UseDashboardFiles(this WebApplication app)
    {
        if (app.Configuration["Dashboard:Root"] is not { Length: > 0 } root)
        {
            return app;
        }

        if (!Directory.Exists(root))
        {
            app.Logger.LogWarning("Dashboard:Root {DashboardRoot} does not exist; the dashboard is not served", root);
            return app;
        }

        var files = new PhysicalFileProvider(Path.GetFullPath(root));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = BasePath });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = BasePath });
        return app;
    }
}
