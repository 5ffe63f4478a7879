using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <summary>
    /// The outbox trigger stands aside for a transaction that set <c>bookingaws.outbox_wake = 'after_commit'</c>: the hold
    /// wakes the relay after its commit (<c>OutboxWaker</c>), because a NOTIFY at commit serialises the commits of every
    /// transaction that sends one. The condition is the trigger's WHEN, so skipping costs no function call.
    /// </summary>
    public partial class OutboxNotifyAfterCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages;
                CREATE TRIGGER outbox_messages_notify
                    AFTER INSERT ON outbox_messages
                    FOR EACH STATEMENT
                    WHEN (current_setting('bookingaws.outbox_wake', true) IS DISTINCT FROM 'after_commit')
                    EXECUTE FUNCTION outbox_messages_notify();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages;
                CREATE TRIGGER outbox_messages_notify
                    AFTER INSERT ON outbox_messages
                    FOR EACH STATEMENT EXECUTE FUNCTION outbox_messages_notify();
                """);
        }
    }
}
