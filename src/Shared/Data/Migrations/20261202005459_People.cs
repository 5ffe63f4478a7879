using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <inheritdoc />
    public partial class People : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_staff_users_email",
                table: "staff_users");

            migrationBuilder.DropIndex(
                name: "ix_staff_users_tenant_id",
                table: "staff_users");

            migrationBuilder.AddColumn<Guid>(
                name: "person_id",
                table: "staff_users",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "person_id",
                table: "customers",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "people",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cognito_sub = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    created_at = table.Column<Instant>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_people", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_staff_users_person_id_tenant_id",
                table: "staff_users",
                columns: new[] { "person_id", "tenant_id" },
                unique: true,
                filter: "person_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_staff_users_tenant_id_email",
                table: "staff_users",
                columns: new[] { "tenant_id", "email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_customers_person_id_tenant_id",
                table: "customers",
                columns: new[] { "person_id", "tenant_id" },
                filter: "person_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_people_cognito_sub",
                table: "people",
                column: "cognito_sub",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_customers_people_person_id",
                table: "customers",
                column: "person_id",
                principalTable: "people",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_staff_users_people_person_id",
                table: "staff_users",
                column: "person_id",
                principalTable: "people",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_customers_people_person_id",
                table: "customers");

            migrationBuilder.DropForeignKey(
                name: "fk_staff_users_people_person_id",
                table: "staff_users");

            migrationBuilder.DropTable(
                name: "people");

            migrationBuilder.DropIndex(
                name: "ix_staff_users_person_id_tenant_id",
                table: "staff_users");

            migrationBuilder.DropIndex(
                name: "ix_staff_users_tenant_id_email",
                table: "staff_users");

            migrationBuilder.DropIndex(
                name: "ix_customers_person_id_tenant_id",
                table: "customers");

            migrationBuilder.DropColumn(
                name: "person_id",
                table: "staff_users");

            migrationBuilder.DropColumn(
                name: "person_id",
                table: "customers");

            migrationBuilder.CreateIndex(
                name: "ix_staff_users_email",
                table: "staff_users",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_staff_users_tenant_id",
                table: "staff_users",
                column: "tenant_id");
        }
    }
}
