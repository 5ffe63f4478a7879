using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingAws.Shared.Data;

/// <summary>
/// The API and workers connect as their own login role with data rights only (no DDL, no superuser, no
/// RLS bypass); <c>migrate</c>, connected as the schema owner, provisions it. The password is set only
/// when the role is created: afterwards Secrets Manager rotation owns it, and resetting it from a stale
/// connection string would lock out every running instance.
/// </summary>
public static class AppDatabaseRole
{
    private const string Schema = "public";

    /// <summary>True when the app connects as a different user than the one migrating.</summary>
    public static bool IsSeparate(string migrations, string primary) =>
        !string.Equals(new NpgsqlConnectionStringBuilder(migrations).Username, new NpgsqlConnectionStringBuilder(primary).Username, StringComparison.Ordinal);

    /// <summary>Ensures the Primary connection's user exists with exactly the app's rights; run by the migrating user.</summary>
    public static async Task EnsureAsync(NpgsqlConnection owner, string primaryConnectionString, ILogger logger, CancellationToken ct)
    {
        var app = new NpgsqlConnectionStringBuilder(primaryConnectionString);
        var role = app.Username ?? throw new InvalidOperationException("ConnectionStrings:Primary names no user.");

        await using (var find = new NpgsqlCommand("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", owner))
        {
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = role });
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(0) || reader.GetBoolean(1))
                {
                    throw new InvalidOperationException($"The app's database role {role} is a superuser or bypasses row-level security; it must not.");
                }
            }
            else
            {
                await reader.DisposeAsync();
                var password = app.Password ?? throw new InvalidOperationException($"ConnectionStrings:Primary has no password to create role {role} with.");
                await ExecuteAsync(owner, $"CREATE ROLE {Identifier(role)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD {Literal(password)}", ct);
                logger.LogInformation("Created the app's database role {Role}", role);
            }
        }

        foreach (var grantee in await GranteesAsync(owner, role, ct))
        {
            await GrantAsync(owner, grantee, ct);
            logger.LogInformation("Granted the app's database role {Role} data rights on schema {Schema}", grantee, Schema);
        }
    }

    /// <summary>
    /// Secrets Manager's multi-user rotation alternates the app between <c>X</c> and <c>X_clone</c>. Both get the
    /// grants, so tables a later migration adds while the app runs as one are usable after it switches to the other.
    /// </summary>
    private static async Task<List<string>> GranteesAsync(NpgsqlConnection owner, string role, CancellationToken ct)
    {
        const string Clone = "_clone";
        var sibling = role.EndsWith(Clone, StringComparison.Ordinal) ? role[..^Clone.Length] : role + Clone;
        await using var find = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = $1 AND NOT rolsuper AND NOT rolbypassrls", owner);
        find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sibling });
        return (long)(await find.ExecuteScalarAsync(ct))! > 0 ? [role, sibling] : [role];
    }

    private static async Task GrantAsync(NpgsqlConnection owner, string role, CancellationToken ct)
    {
        var r = Identifier(role);
        var schema = Identifier(Schema);
        var database = Identifier(owner.Database);
        await ExecuteAsync(owner, $"""
            GRANT CONNECT ON DATABASE {database} TO {r};
            GRANT USAGE ON SCHEMA {schema} TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {r};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {r};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r};
            ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {r};
            REVOKE INSERT, UPDATE, DELETE ON TABLE {schema}."__ef_migrations_history" FROM {r};
            REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC;
            """, ct);
    }

    /// <summary>A double-quoted identifier: any name, spelled exactly, never SQL.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A string literal. Npgsql requires standard_conforming_strings, so backslashes are plain characters.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
