using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <summary>
    /// No allocation longer than the longest occupied window the API can make (a 14-day package with a day's buffer on
    /// each side): the capacity reads bound their index scan by it (<c>OccupiedWindow.MaxSpan</c>).
    /// </summary>
    public partial class AllocationSpanBound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddCheckConstraint(
                name: "ck_booking_allocations_span",
                table: "booking_allocations",
                sql: "occupied_to - occupied_from <= interval '23040 minutes'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_booking_allocations_span",
                table: "booking_allocations");
        }
    }
}
