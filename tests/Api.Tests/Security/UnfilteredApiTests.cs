using System.Linq.Expressions;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Security;

/// <summary>
/// The API with every EF Core tenant filter removed, as if each query forgot it: over HTTP, a business's
/// dashboard still shows none of another business's rows, because the database holds the request to its scope.
/// </summary>
public sealed class UnfilteredApiTests(UnfilteredApiFactory api) : IClassFixture<UnfilteredApiFactory>
{
    [Fact]
    public async Task A_dashboard_whose_queries_forgot_their_tenant_filter_still_shows_none_of_another_business()
    {
        var a = await api.CreateTenantAsync();
        var b = await api.CreateTenantAsync();
        var marker = Guid.NewGuid().ToString("N");
        foreach (var tenant in new[] { a, b })
        {
            await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), new CustomerRequest($"{marker}-{tenant.Slug}@example.test", marker, null, null), ApiFactory.Json))
                .ShouldBe(HttpStatusCode.Created);
        }

        // The filter really is gone: a context set to business A, but in the system scope, reads both on the replica.
        var both = await Eventually.Until(
            async () =>
            {
                await using var scope = api.Services.CreateAsyncScope();
                using var rowScope = DatabaseScope.System("test: proving the query filter is removed");
                var read = scope.ServiceProvider.GetRequiredService<ReadDbContext>();
                read.TenantId = a.Id;
                return await read.Customers.Where(c => c.Name == marker).Select(c => c.TenantId).ToListAsync();
            },
            ids => ids.Count == 2);
        Assert.Equal(2, both.Count);

        var page = await (await a.Owner.GetAsync(a.Url($"/customers?q={marker}"))).ReadAsync<PagedResult<CustomerDto>>();

        Assert.Equal($"{marker}-{a.Slug}@example.test", Assert.Single(page.Items).Email);
        Assert.Equal(1, page.Total);
    }

    /// <summary>Rewrites every query as if it had called <c>IgnoreQueryFilters()</c>.</summary>
    internal sealed class DropQueryFilters : IQueryExpressionInterceptor
    {
        private static readonly MethodInfo Ignore = typeof(EntityFrameworkQueryableExtensions).GetMethods()
            .Single(m => m.Name == nameof(EntityFrameworkQueryableExtensions.IgnoreQueryFilters) && m.GetParameters().Length == 1);

        public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData) => new Roots().Visit(queryExpression);

        private sealed class Roots : ExpressionVisitor
        {
            protected override Expression VisitExtension(Expression node) =>
                node is EntityQueryRootExpression root ? Expression.Call(Ignore.MakeGenericMethod(root.ElementType), root) : base.VisitExtension(node);
        }
    }
}

/// <summary>The API under test with <see cref="UnfilteredApiTests.DropQueryFilters"/> on both data contexts.</summary>
public sealed class UnfilteredApiFactory : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            // No shared internal service provider: queries compiled with their filters elsewhere are not reused here.
            services.ConfigureDbContext<BookingDbContext>(o => o.AddInterceptors(new UnfilteredApiTests.DropQueryFilters()).EnableServiceProviderCaching(false));
            services.ConfigureDbContext<ReadDbContext>(o => o.AddInterceptors(new UnfilteredApiTests.DropQueryFilters()).EnableServiceProviderCaching(false));
        });
    }
}
