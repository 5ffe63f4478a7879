using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Customers;

public sealed record CustomerRequest(
    [Required, EmailAddress, StringLength(254)] string Email,
    [Required, StringLength(200, MinimumLength = 1)] string Name,
    [StringLength(40)] string? Phone,
    [StringLength(4000)] string? Notes);

public sealed record CustomerDto(Guid Id, string Email, string Name, string? Phone, string? Notes, DateTimeOffset CreatedAt)
{
    public static CustomerDto From(Customer c) => new(c.Id, c.Email, c.Name, c.Phone, c.Notes, c.CreatedAt.ToDateTimeOffset());
}

public static class CustomerEndpoints
{
    public static void MapCustomerEndpoints(this RouteGroupBuilder dashboard)
    {
        var group = dashboard.MapGroup("/customers").WithTags("Customers");
        group.MapGet("/", List).WithName("ListCustomers");
        group.MapGet("/{id:guid}", Get).WithName("GetCustomer");
        group.MapPost("/", Create).WithName("CreateCustomer");
        group.MapPut("/{id:guid}", Update).WithName("UpdateCustomer");
    }

    /// <summary>Pages of customers, optionally searched by name or email (case-insensitive substring).</summary>
    public static async Task<Ok<PagedResult<CustomerDto>>> List(ReadSession reads, string? q = null, int page = 1, int pageSize = 20, CancellationToken ct = default)
    {
        Paging.Check(page, pageSize);
        var db = await reads.ReaderAsync(ct);
        var query = db.Customers.AsQueryable();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = "%" + EscapeLike(q.Trim()) + "%";
            query = query.Where(c => EF.Functions.ILike(c.Name, pattern, "\\") || EF.Functions.ILike(c.Email, pattern, "\\"));
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(c => c.Name).ThenBy(c => c.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedResult<CustomerDto>(items.ConvertAll(CustomerDto.From), page, pageSize, total));
    }

    public static async Task<Results<Ok<CustomerDto>, NotFound>> Get(Guid id, ReadSession reads, CancellationToken ct)
    {
        var db = await reads.ReaderAsync(ct);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct);
        return customer is null ? TypedResults.NotFound() : TypedResults.Ok(CustomerDto.From(customer));
    }

    public static async Task<Created<CustomerDto>> Create(
        CustomerRequest request, TenantContext scope, BookingDbContext db, ReadSession reads, IClock clock, CancellationToken ct)
    {
        var customer = new Customer
        {
            TenantId = scope.Tenant.Id,
            Email = request.Email.Trim().ToLowerInvariant(),
            Name = request.Name.Trim(),
            Phone = request.Phone?.Trim(),
            Notes = request.Notes,
            CreatedAt = clock.GetCurrentInstant(),
        };
        db.Customers.Add(customer);
        db.OutboxMessages.Add(Outbox.Message(
            new CustomerCreated(customer.TenantId, customer.Id, customer.Email, customer.Name, customer.CreatedAt.ToDateTimeOffset()), customer.CreatedAt));
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Created($"/api/v1/tenants/{scope.Tenant.Slug}/customers/{customer.Id}", CustomerDto.From(customer));
    }

    public static async Task<Results<Ok<CustomerDto>, NotFound>> Update(
        Guid id, CustomerRequest request, BookingDbContext db, ReadSession reads, IClock clock, CancellationToken ct)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return TypedResults.NotFound();
        }

        customer.Email = request.Email.Trim().ToLowerInvariant();
        customer.Name = request.Name.Trim();
        customer.Phone = request.Phone?.Trim();
        customer.Notes = request.Notes;
        var now = clock.GetCurrentInstant();
        db.OutboxMessages.Add(Outbox.Message(new CustomerUpdated(customer.TenantId, customer.Id, customer.Email, customer.Name, now.ToDateTimeOffset()), now));
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Ok(CustomerDto.From(customer));
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
