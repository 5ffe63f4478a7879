namespace BookingAws.Api.Infrastructure;

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>The one paging rule every list endpoint follows.</summary>
public static class Paging
{
    public const int MaxPageSize = 100;

    public static void Check(int page, int pageSize)
    {
        if (page < 1)
        {
            throw DomainException.Invalid("page", "Pages start at 1.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            throw DomainException.Invalid("pageSize", $"Page size must be between 1 and {MaxPageSize}.");
        }
    }
}
