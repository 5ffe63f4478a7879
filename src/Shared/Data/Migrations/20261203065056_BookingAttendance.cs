using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <inheritdoc />
    public partial class BookingAttendance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "attendance",
                table: "bookings",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "expected");

            migrationBuilder.AddColumn<Instant>(
                name: "attendance_marked_at",
                table: "bookings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "attendance_marked_by",
                table: "bookings",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_bookings_attendance",
                table: "bookings",
                sql: "attendance IN ('expected','checked-in','no-show')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_bookings_attendance",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "attendance",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "attendance_marked_at",
                table: "bookings");

            migrationBuilder.DropColumn(
                name: "attendance_marked_by",
                table: "bookings");
        }
    }
}
