using Npgsql;

namespace BookingAws.Shared.Data;

/// <summary>
/// Which rows the database lets the current flow see: one business's (<see cref="Tenant"/>) or every
/// business's (<see cref="System"/>, for lookups that span businesses by design). Row-level security on
/// every tenant table enforces it as a second wall behind the queries' own tenant filters: each
/// transaction carries the scope as transaction-local settings (<see cref="RowScope"/>), and a
/// transaction that carries none sees no tenant rows at all. Ambient (async-local): open it with
/// <c>using</c> in the method that runs the work; it flows into every call below and ends with the block
/// (an async method's changes never flow back to its caller, so a scope opened in a callee ends there).
/// </summary>
public sealed class DatabaseScope : IDisposable
{
    private static readonly AsyncLocal<DatabaseScope?> CurrentScope = new();

    private readonly DatabaseScope? previous;

    private DatabaseScope(Guid? tenantId, string? reason)
    {
        TenantId = tenantId;
        Reason = reason;
        previous = CurrentScope.Value;
        CurrentScope.Value = this;
    }

    /// <summary>The scope in force here, or null: then tenant tables look empty.</summary>
    public static DatabaseScope? Current => CurrentScope.Value;

    /// <summary>The business whose rows are visible; null for the system scope.</summary>
    public Guid? TenantId { get; }

    /// <summary>Why a system scope was opened: every cross-business lookup names its reason.</summary>
    public string? Reason { get; }

    public bool IsSystem => TenantId is null;

    /// <summary>Only <paramref name="tenantId"/>'s rows, for reads and writes alike.</summary>
    public static DatabaseScope Tenant(Guid tenantId) => new(tenantId, null);

    /// <summary>Every business's rows, for a lookup that must span businesses (say which, in <paramref name="reason"/>).</summary>
    public static DatabaseScope System(string reason) => new(null, reason);

    public void Dispose()
    {
        if (CurrentScope.Value == this)
        {
            CurrentScope.Value = previous;
        }
    }
}

/// <summary>
/// The row scope as SQL: <c>CALL set_row_scope(scope, tenant)</c> sets the settings the tables' policies
/// read, transaction-locally (the pools skip the reset on return, so a session-level setting would leak
/// to the next user of the connection). A CALL returns no result set and counts no rows, so readers,
/// scalars and affected-row counts of the statements after it are unchanged. It is always the first
/// statement of a batch or transaction, sent in the same round trip as the work.
/// </summary>
public static class RowScope
{
    /// <summary>The setting the policies read for the kind of scope: <c>system</c> or <c>tenant</c>.</summary>
    public const string ScopeSetting = "bookingaws.scope";

    /// <summary>The setting the policies read for the business (a uuid as text, or empty).</summary>
    public const string TenantSetting = "bookingaws.tenant_id";

    /// <summary>A connection-string <c>Options</c> value giving a whole process the system scope as its session default.</summary>
    public const string SystemSessionOption = "-c " + ScopeSetting + "=system";

    /// <summary>The statement that sets <paramref name="scope"/> for the current transaction, or null without one.</summary>
    public static NpgsqlBatchCommand? Command(DatabaseScope? scope)
    {
        if (scope is null)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand("CALL set_row_scope($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Kind(scope) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Tenant(scope) });
        return command;
    }

    /// <summary>A batch whose first statement sets the ambient scope (when there is one) for the transaction the batch runs in.</summary>
    public static NpgsqlBatch Batch(NpgsqlConnection connection, NpgsqlTransaction? transaction = null)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        if (Command(DatabaseScope.Current) is { } scope)
        {
            batch.BatchCommands.Add(scope);
        }

        return batch;
    }

    /// <summary>Sets the ambient scope on an open transaction (one round trip; for transactions not begun by a batch).</summary>
    public static async Task SetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        if (DatabaseScope.Current is null)
        {
            return;
        }

        await using var batch = Batch(connection, transaction);
        await batch.ExecuteNonQueryAsync(ct);
    }

    internal static string Kind(DatabaseScope scope) => scope.IsSystem ? "system" : "tenant";

    internal static string Tenant(DatabaseScope scope) => scope.TenantId?.ToString() ?? string.Empty;
}
