using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <inheritdoc />
    public partial class PaymentMoneyChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Instant>(
                name: "event_created_at",
                table: "stripe_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "policy_version",
                table: "payment_refunds",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "payment_anomalies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    booking_id = table.Column<Guid>(type: "uuid", nullable: true),
                    payment_intent_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    stripe_event_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    occurred_at = table.Column<Instant>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_anomalies", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payment_anomalies_booking_id",
                table: "payment_anomalies",
                column: "booking_id",
                filter: "booking_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_payment_anomalies_occurred_at",
                table: "payment_anomalies",
                column: "occurred_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payment_anomalies");

            migrationBuilder.DropColumn(
                name: "event_created_at",
                table: "stripe_events");

            migrationBuilder.DropColumn(
                name: "policy_version",
                table: "payment_refunds");
        }
    }
}
