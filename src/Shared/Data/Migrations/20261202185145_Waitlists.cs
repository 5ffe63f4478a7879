using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <summary>
    /// Waiting lists (issue 18): the entries table, under the same row-level security policy as every tenant table
    /// (<see cref="RowLevelSecurity"/>), and the business's offer minutes (existing businesses get the default).
    /// </summary>
    public partial class Waitlists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "policy_waitlist_offer_minutes",
                table: "tenants",
                type: "integer",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.CreateTable(
                name: "waitlist_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    package_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    starts_at = table.Column<Instant>(type: "timestamp with time zone", nullable: false),
                    seats = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    guest_must_prove_email = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<Instant>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<Instant>(type: "timestamp with time zone", nullable: false),
                    booking_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_waitlist_entries", x => x.id);
                    table.CheckConstraint("ck_waitlist_entries_offer", "(status = 'offered') = (booking_id IS NOT NULL)");
                    table.CheckConstraint("ck_waitlist_entries_seats", "seats > 0");
                    table.CheckConstraint("ck_waitlist_entries_status", "status IN ('waiting','offered','left','closed')");
                    table.ForeignKey(
                        name: "fk_waitlist_entries_bookings_booking_id",
                        column: x => x.booking_id,
                        principalTable: "bookings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_waitlist_entries_customers_customer_id",
                        column: x => x.customer_id,
                        principalTable: "customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_waitlist_entries_packages_package_id",
                        column: x => x.package_id,
                        principalTable: "packages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_waitlist_entries_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_entries_booking_id",
                table: "waitlist_entries",
                column: "booking_id",
                filter: "booking_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_entries_customer_id",
                table: "waitlist_entries",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_entries_package_id",
                table: "waitlist_entries",
                column: "package_id");

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_entries_queue",
                table: "waitlist_entries",
                columns: new[] { "tenant_id", "package_id", "starts_at", "created_at" },
                filter: "status = 'waiting'");

            migrationBuilder.CreateIndex(
                name: "ux_waitlist_entries_waiting_customer",
                table: "waitlist_entries",
                columns: new[] { "tenant_id", "package_id", "starts_at", "customer_id" },
                unique: true,
                filter: "status = 'waiting'");

            const string Visible =
                "current_setting('bookingaws.scope', true) = 'system' OR tenant_id = nullif(current_setting('bookingaws.tenant_id', true), '')::uuid";
            migrationBuilder.Sql("ALTER TABLE waitlist_entries ENABLE ROW LEVEL SECURITY;");
            migrationBuilder.Sql($"CREATE POLICY tenant_rows ON waitlist_entries USING ({Visible}) WITH CHECK ({Visible});");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "waitlist_entries");

            migrationBuilder.DropColumn(
                name: "policy_waitlist_offer_minutes",
                table: "tenants");
        }
    }
}
