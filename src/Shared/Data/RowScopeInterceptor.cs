using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace BookingAws.Shared.Data;

/// <summary>
/// Makes every EF Core command run under the ambient <see cref="DatabaseScope"/> without a round trip of
/// its own. Queries and bulk statements get <c>CALL set_row_scope(…);</c> prepended: Npgsql sends both
/// statements together in one implicit (or the open) transaction, and a CALL adds no result set and no
/// affected rows. SaveChanges is the exception, because the provider matches its statements to entities
/// by position; so under a scope it always runs in a transaction, and the scope is set when a
/// transaction starts (in the round trip that carries Npgsql's deferred BEGIN).
/// </summary>
internal sealed class RowScopeInterceptor : DbCommandInterceptor, IDbTransactionInterceptor, ISaveChangesInterceptor
{
    public static readonly RowScopeInterceptor Instance = new();

    private const string ScopeParameter = "__row_scope";
    private const string TenantParameter = "__row_tenant";

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        // Positional parameters ($1) forbid a second statement; EF names its parameters, so this is only a guard.
        if (DatabaseScope.Current is { } scope && eventData.CommandSource != CommandSource.SaveChanges
            && result is NpgsqlCommand command && command.Parameters.All(p => p.ParameterName.Length > 0))
        {
            command.CommandText = $"CALL set_row_scope(@{ScopeParameter}, @{TenantParameter});\n{command.CommandText}";
            command.Parameters.Add(new NpgsqlParameter<string>(ScopeParameter, RowScope.Kind(scope)));
            command.Parameters.Add(new NpgsqlParameter<string>(TenantParameter, RowScope.Tenant(scope)));
        }

        return result;
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        RequireTransactionUnderScope(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        RequireTransactionUnderScope(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var batch = ScopeBatch(connection, result);
        batch?.ExecuteNonQuery();
        return result;
    }

    public async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var batch = ScopeBatch(connection, result);
        if (batch is not null)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return result;
    }

    private static void RequireTransactionUnderScope(DbContext? context)
    {
        if (context is not null)
        {
            context.Database.AutoTransactionBehavior = DatabaseScope.Current is null ? AutoTransactionBehavior.WhenNeeded : AutoTransactionBehavior.Always;
        }
    }

    private static NpgsqlBatch? ScopeBatch(DbConnection connection, DbTransaction transaction) =>
        DatabaseScope.Current is not null && connection is NpgsqlConnection npgsql
            ? RowScope.Batch(npgsql, transaction as NpgsqlTransaction)
            : null;
}
