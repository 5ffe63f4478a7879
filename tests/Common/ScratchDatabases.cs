using Npgsql;

namespace BookingAws.Tests.Common;

/// <summary>Dropping the databases tests create for themselves.</summary>
public static class ScratchDatabases
{
    /// <summary>
    /// Drops <paramref name="name"/> over <paramref name="connection"/> (open, to another database), ending its sessions.
    /// PostgreSQL 15's FORCE refuses when an autovacuum worker (a process of no role the owner may signal) has just started on the new
    /// tables; the worker is short, so this waits for it rather than failing the test that owned the database.
    /// </summary>
    public static async Task DropAsync(NpgsqlConnection connection, string name)
    {
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
