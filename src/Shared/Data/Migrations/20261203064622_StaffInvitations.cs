using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BookingAws.Shared.Data.Migrations
{
    /// <summary>
    /// Invitations waiting for their person (person_id null), found by email when someone signs in. staff_users stays a
    /// directory without row-level security, as RowLevelSecurity left it: it is read before any business is in scope.
    /// </summary>
    public partial class StaffInvitations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_staff_users_email",
                table: "staff_users",
                column: "email",
                filter: "person_id IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_staff_users_email",
                table: "staff_users");
        }
    }
}
