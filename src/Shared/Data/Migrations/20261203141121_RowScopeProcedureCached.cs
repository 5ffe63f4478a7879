using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <summary>
    /// <c>set_row_scope</c> in PL/pgSQL rather than SQL. It leads nearly every batch and transaction the app sends;
    /// PostgreSQL 15 parses and plans a SQL-language procedure's body on every CALL, while PL/pgSQL keeps the plan of
    /// its statement for the session. Same signature and effect, so callers are unchanged.
    /// </summary>
    public partial class RowScopeProcedureCached : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE OR REPLACE PROCEDURE set_row_scope(scope text, tenant_id text) LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM set_config('bookingaws.scope', scope, true), set_config('bookingaws.tenant_id', tenant_id, true);
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE OR REPLACE PROCEDURE set_row_scope(scope text, tenant_id text) LANGUAGE sql AS $$
                  SELECT set_config('bookingaws.scope', scope, true), set_config('bookingaws.tenant_id', tenant_id, true)
                $$;
                """);
        }
    }
}
