using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <summary>
    /// Row-level security on every table that holds a business's rows, as a second wall behind the
    /// queries' tenant filters (see <see cref="DatabaseScope"/>). Not FORCEd: the owner (the migrating
    /// user) keeps full access; the app role, which does not own the tables, is held to the policies.
    /// </summary>
    public partial class RowLevelSecurity : Migration
    {
        /// <summary>Tables with a tenant_id column. tenants, people and staff_users are directories read before a scope exists.</summary>
        internal static readonly string[] TenantTables =
        [
            "analytics_bookings", "booking_allocations", "booking_payments", "booking_reminders", "bookings", "closures", "customers",
            "email_deliveries", "email_suppressions", "idempotency_keys", "inventory_items", "opening_hours", "outbox_messages",
            "packages", "payment_anomalies", "payment_refunds", "tenant_daily_stats",
        ];

        // A row is visible (and may be written) in the system scope or in its own business's scope. With
        // neither setting, current_setting(…, true) is NULL (or '' once the session has used it): nothing matches.
        internal const string Visible =
            "current_setting('bookingaws.scope', true) = 'system' OR tenant_id = nullif(current_setting('bookingaws.tenant_id', true), '')::uuid";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A SQL procedure rather than SELECT set_config(…): CALL returns no result set, so it can lead any batch unseen.
            migrationBuilder.Sql(
                """
                CREATE PROCEDURE set_row_scope(scope text, tenant_id text) LANGUAGE sql AS $$
                  SELECT set_config('bookingaws.scope', scope, true), set_config('bookingaws.tenant_id', tenant_id, true)
                $$;
                """);

            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;");
                migrationBuilder.Sql($"CREATE POLICY tenant_rows ON {table} USING ({Visible}) WITH CHECK ({Visible});");
            }

            // No tenant_id of its own: visible exactly when its package is (the subquery is itself under packages' policy).
            migrationBuilder.Sql("ALTER TABLE package_inventory ENABLE ROW LEVEL SECURITY;");
            const string OwnPackage = "EXISTS (SELECT 1 FROM packages p WHERE p.id = package_id)";
            migrationBuilder.Sql($"CREATE POLICY tenant_rows ON package_inventory USING ({OwnPackage}) WITH CHECK ({OwnPackage});");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in TenantTables.Append("package_inventory"))
            {
                migrationBuilder.Sql($"DROP POLICY tenant_rows ON {table};");
                migrationBuilder.Sql($"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;");
            }

            migrationBuilder.Sql("DROP PROCEDURE set_row_scope(text, text);");
        }
    }
}
