using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <inheritdoc />
    public partial class CalendarSequenceAndFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "calendar_feed_token_hash",
                table: "tenants",
                type: "bytea",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "calendar_sequence",
                table: "bookings",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "ix_tenants_calendar_feed_token_hash",
                table: "tenants",
                column: "calendar_feed_token_hash",
                unique: true,
                filter: "calendar_feed_token_hash IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tenants_calendar_feed_token_hash",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "calendar_feed_token_hash",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "calendar_sequence",
                table: "bookings");
        }
    }
}
