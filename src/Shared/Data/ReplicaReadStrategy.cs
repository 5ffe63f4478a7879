using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace BookingAws.Shared.Data;

/// <summary>
/// Reads are idempotent, so a read that fails on a broken connection is retried. When the replica dies its idle
/// pooled connections are dead but look alive until used; the first read on one fails. Before the retry the pool
/// is emptied, so it opens a fresh connection, which the multi-host data source sends to the primary while the
/// replica is down (<see cref="DataServiceCollectionExtensions.ReadsPreferringReplica"/>).
/// </summary>
internal sealed class ReplicaReadStrategy(ExecutionStrategyDependencies dependencies, NpgsqlDataSource replica)
    : NpgsqlRetryingExecutionStrategy(dependencies, maxRetryCount: 2, maxRetryDelay: TimeSpan.FromMilliseconds(100), errorCodesToAdd: null)
{
    protected override void OnRetry()
    {
        replica.Clear();
        base.OnRetry();
    }
}
