using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <summary>
    /// Expand step of the booking policy snapshot. The column is added nullable and without a default on
    /// purpose: during the rolling update the previous release keeps inserting bookings with an INSERT
    /// that does not name it, and a NOT NULL column would make every one of its holds fail. Existing
    /// bookings are backfilled from their tenant's current policy (the policy that release applied to
    /// them). A row the previous release writes after this runs stays NULL; the new release reads such a
    /// row with its tenant's current policy (<c>BookingSql.PolicyOrTenant</c>, <c>Booking.WithPolicyOr</c>),
    /// which is again what that release applied. Contract step, in a release after this one is
    /// everywhere: backfill the stragglers the same way and make the column NOT NULL.
    /// </summary>
    public partial class BookingPolicySnapshot : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "policy_snapshot",
                table: "bookings",
                type: "jsonb",
                nullable: true);

            // The same JSON shape the application writes (camelCase names, the refund rule by name).
            migrationBuilder.Sql(
                """
                UPDATE bookings b SET policy_snapshot = jsonb_build_object(
                  'bufferBeforeMinutes', t.policy_buffer_before_minutes, 'bufferAfterMinutes', t.policy_buffer_after_minutes,
                  'rescheduleWindowHours', t.policy_reschedule_window_hours, 'cancellationWindowHours', t.policy_cancellation_window_hours,
                  'refundRule', t.policy_refund_rule, 'lateRefundPercent', t.policy_late_refund_percent)
                FROM tenants t
                WHERE t.id = b.tenant_id AND b.policy_snapshot IS NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "policy_snapshot",
                table: "bookings");
        }
    }
}
