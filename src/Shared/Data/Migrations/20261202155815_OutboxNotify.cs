using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <summary>
    /// Wakes the outbox relay at commit: a statement-level trigger NOTIFYs channel <c>outbox_messages</c> (no payload,
    /// so PostgreSQL folds a transaction's notifications into one, delivered only if it commits). The relay still
    /// polls, slowly, for when its LISTEN connection is down. The function needs no privileges beyond the insert's own.
    /// </summary>
    public partial class OutboxNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE FUNCTION outbox_messages_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('outbox_messages', '');
                    RETURN NULL;
                END
                $$;

                CREATE TRIGGER outbox_messages_notify
                    AFTER INSERT ON outbox_messages
                    FOR EACH STATEMENT EXECUTE FUNCTION outbox_messages_notify();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages;
                DROP FUNCTION IF EXISTS outbox_messages_notify();
                """);
        }
    }
}
