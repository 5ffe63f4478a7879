using System.Text.Json;
using System.Text.Json.Serialization;
using BookingAws.Api.Features.Analytics;
using BookingAws.Api.Features.ApiKeys;
using BookingAws.Api.Features.Availability;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Calendar;
using BookingAws.Api.Features.Catalog;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Features.Dashboard;
using BookingAws.Api.Features.Hours;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Features.Packages;
using BookingAws.Api.Features.Payments;
using BookingAws.Api.Features.Staff;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Features.Waitlists;
using BookingAws.Api.Features.Webhooks;
using BookingAws.Api.Infrastructure.ApiKeys;
using BookingAws.Api.Infrastructure.RateLimiting;
using BookingAws.Api.Infrastructure.Realtime;
using BookingAws.Api.Infrastructure.Tracing;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Caching;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Hosting;
using BookingAws.Shared.Identity;
using BookingAws.Shared.Messaging;
using BookingAws.Shared.Realtime;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Scalar.AspNetCore;
using Serilog;
using Serilog.Events;

namespace BookingAws.Api.Infrastructure;

public static class ApiServiceCollectionExtensions
{
    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddBookingData(configuration);
        services.AddRedis(configuration.GetConnectionString("Redis") ?? "127.0.0.1:56379");
        services.AddAvailabilityPush(configuration.GetConnectionString("Redis") ?? "127.0.0.1:56379");
        services.AddHubLimits();
        services.AddReadCache(configuration.GetConnectionString("Redis") ?? "127.0.0.1:56379");
        services.AddSqs();
        services.AddHttpContextAccessor();
        services.AddScoped<TenantContext>();
        builder.AddReadSession();
        services.AddBookingLinks();
        services.AddBookingCore(receivesWebhooks: true);
        services.AddAbuseLimits();
        services.AddTraceTrust();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions["correlationId"] = ctx.HttpContext.TraceIdentifier;
            if (ctx.ProblemDetails is HttpValidationProblemDetails validation)
            {
                CamelCaseFields(validation.Errors);
            }
        });
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddValidation();
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // Malformed bodies must reach the exception handler so the response names the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            // One bearer scheme for both credentials, so generated clients send either the same way.
            doc.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes["bearer"] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A Cognito access token (owner, staff, customer) or a business's API key (bka_…).",
            };
            return Task.CompletedTask;
        }));

        services.AddHealthChecks().AddBookingReadinessChecks();
        AddAuth(builder);
        return builder;
    }

    private static void AddAuth(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddCognitoIdentity();
        services.AddMemoryCache();
        services.AddScoped<Caller>();
        services.AddSingleton<CustomerSessionTokens>();

        // Cognito access tokens, exactly as the pool issues them: signed with one of its keys, from its
        // issuer, for one of our app clients, still valid. Who the caller is comes from "sub"; what they
        // may do comes from the database, never from a claim. Beside them, the customer sessions the API
        // issues for an emailed code (CustomerSessionTokens), each issuer held to its own algorithm.
        // Tenant API keys (bka_…) go to their own handler, everything else to Cognito's; one default scheme picks.
        services.AddAuthentication(ApiKeyAuthentication.Selector)
            .AddPolicyScheme(ApiKeyAuthentication.Selector, null, o => o.ForwardDefaultSelector = http =>
                ApiKeyAuthentication.Carries(http.Request) ? ApiKeyAuthentication.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, CustomerSessionTokens>((jwt, auth, sessions) =>
            {
                var o = auth.Value;
                var jwks = o.ResolveJwksUrl();
                jwt.MapInboundClaims = false;
                jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    jwks, new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = jwks.StartsWith("https://", StringComparison.Ordinal) });
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuers = [o.Authority, CustomerSessionTokens.Issuer],
                    IssuerSigningKeys = sessions.ValidationKeys,
                    ValidateIssuer = true,
                    ValidateAudience = false,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.HmacSha256],
                    NameClaimType = Claims.Username,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                jwt.Events = new JwtBearerEvents
                {
                    // Access tokens have no "aud": the app client is "client_id". An ID token (token_use "id")
                    // has the client as "aud" and would otherwise pass, so token_use is checked too.
                    OnTokenValidated = context =>
                    {
                        var principal = context.Principal!;
                        var session = principal.FindFirst("iss")?.Value == CustomerSessionTokens.Issuer;
                        var alg = (context.SecurityToken as JsonWebToken)?.Alg;
                        if (principal.FindFirst(Claims.TokenUse)?.Value != "access")
                        {
                            context.Fail("Not an access token.");
                        }
                        else if (alg != (session ? SecurityAlgorithms.HmacSha256 : SecurityAlgorithms.RsaSha256))
                        {
                            context.Fail("The token is not signed the way its issuer signs.");
                        }
                        else if (session)
                        {
                            if (principal.FindFirst(Claims.ClientId)?.Value != CustomerSessionTokens.ClientId)
                            {
                                context.Fail("Not a customer session.");
                            }
                        }
                        else if (principal.FindFirst(Claims.ClientId)?.Value is not { } client || !o.ClientIds.Contains(client, StringComparer.Ordinal))
                        {
                            context.Fail("The token was issued to another app client.");
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        services.AddScoped<IAuthorizationHandler, MembershipHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, StrangerIsNotFoundResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Owner, p => p.RequireAuthenticatedUser().AddRequirements(new MembershipRequirement(Roles.Owner)))
            .AddPolicy(Policies.Staff, p => p.RequireAuthenticatedUser().AddRequirements(new MembershipRequirement(Roles.Owner, Roles.Staff)))
            // A person's own things: a business's API key is not a person.
            .AddPolicy(Policies.Customer, p => p.RequireAuthenticatedUser().RequireAssertion(c => ApiKeyClaims.Of(c.User) is null));
    }

    /// <summary>Validation names fields as the JSON does ("name", "inventory[0].units"), not as C# does.</summary>
    private static void CamelCaseFields(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.ToList())
        {
            // Header names ("Idempotency-Key") are not JSON members and keep their spelling.
            var camel = key.Contains('-') ? key : string.Join('.', key.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
            if (camel != key)
            {
                errors[camel] = errors[key];
                errors.Remove(key);
            }
        }
    }

    public static WebApplication MapApi(this WebApplication app)
    {
        // Before the client address replaces the proxy's: trust in trace context is about who connected.
        app.UseMiddleware<EdgeTraceMiddleware>();
        // Next, so logs and rate limits see the client, not the load balancer.
        app.UseMiddleware<TrustedProxyMiddleware>();
        app.UseMiddleware<CorrelationIdMiddleware>();

        // One line per request (method, path, status, elapsed ms) for the slowest-routes query, instead of
        // ASP.NET Core's two (starting + finished): half the log volume on the hottest path. Health probes stay out.
        app.UseSerilogRequestLogging(o =>
        {
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms";
            o.GetLevel = (http, _, error) =>
                error is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : http.Request.Path.StartsWithSegments("/health") ? LogEventLevel.Verbose
                : LogEventLevel.Information;
        });
        app.UseExceptionHandler();

        // In AWS CloudFront serves the portal from S3. A self-hosted install without a CDN (and the browser
        // tests) can point Portal:Root at the portal's build folder to serve it from the same origin.
        if (app.Configuration["Portal:Root"] is { Length: > 0 } portalRoot)
        {
            if (Directory.Exists(portalRoot))
            {
                var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(portalRoot));
                app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
                app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
            }
            else
            {
                app.Logger.LogWarning("Portal:Root {PortalRoot} does not exist; the portal is not served", portalRoot);
            }
        }

        app.UseDashboardFiles();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseMiddleware<ApiKeyRateLimitMiddleware>();
        app.UseAuthorization();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(HealthTags.Ready),
            ResponseWriter = HealthCheckExtensions.WriteJsonAsync,
        });
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        var api = app.MapGroup("/api/v1").WithAbuseLimits();
        var publicTenant = api.MapGroup("/tenants/{slug}").AddEndpointFilter(new TenantScopeFilter(requireMembership: false));
        var dashboard = api.MapGroup("/tenants/{slug}")
            .RequireAuthorization(Policies.Staff)
            .AddEndpointFilter(new TenantScopeFilter(requireMembership: true));

        // Writes here change what the public catalogue and availability show: they drop the business's cache.
        var catalogue = dashboard.MapGroup("").AddEndpointFilter<CatalogueWriteInvalidation>();
        api.MapTenantEndpoints(catalogue);
        catalogue.MapInventoryEndpoints();
        catalogue.MapPackageEndpoints();
        catalogue.MapHoursEndpoints();
        dashboard.MapCustomerEndpoints();
        publicTenant.MapCustomerSignInEndpoints(api);
        publicTenant.MapCatalogEndpoints();
        publicTenant.MapAvailabilityEndpoints();
        api.MapBookingEndpoints(dashboard);
        api.MapManageLinkEndpoints();
        api.MapWaitlistEndpoints(dashboard);
        dashboard.MapAnalyticsEndpoints();
        api.MapPaymentEndpoints();
        api.MapCalendarFeedEndpoints(dashboard);
        api.MapDashboardEndpoints(dashboard);
        dashboard.MapApiKeyEndpoints();
        dashboard.MapWebhookEndpoints();
        dashboard.MapStaffEndpoints();
        // WebSockets only (what the portal uses): one request per connection, which the per-address cap counts.
        app.MapHub<AvailabilityHub>(AvailabilityHub.Path, o => o.Transports = HttpTransportType.WebSockets).AllowAnonymous().WithConnectionCapPerIp();
        return app;
    }
}
