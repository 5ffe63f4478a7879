using System.Data.Common;
using System.Text.Json.Nodes;

namespace BookingAws.Cdk.Tests;

/// <summary>The real render-env, as an instance runs it, against the stand-in aws serving what AWS would.</summary>
public sealed class BootRenderEnvTests : IDisposable
{
    private readonly InstanceFolder _instance = new();

    public BootRenderEnvTests()
    {
        _instance.WriteSources("api");
        _instance.WriteSources("workers");
    }

    private Dictionary<string, string> Render(string service, params string[] args)
    {
        var result = _instance.RenderEnv([service, .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return _instance.ReadEnv(_instance.EnvPath(service));
    }

    private static DbConnectionStringBuilder Parse(string connectionString) => new() { ConnectionString = connectionString };

    [Fact]
    public void The_env_file_is_readable_by_root_only()
    {
        Render("api");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Boot.Mode(_instance.EnvPath("api")));
    }

    [Fact]
    public void Connection_strings_come_from_the_app_secret_with_the_reader_endpoint_for_the_replica()
    {
        var env = Render("api");
        var primary = Parse(env["ConnectionStrings__Primary"]);
        Assert.Equal("writer.cluster.example", primary["Host"]);
        Assert.Equal("bookingaws_app", primary["Username"]);
        Assert.Equal("app-password", primary["Password"]);
        Assert.Equal("bookingaws", primary["Database"]);
        Assert.Equal("Require", primary["SSL Mode"]);
        var replica = Parse(env["ConnectionStrings__Replica"]);
        Assert.Equal("reader.cluster.example", replica["Host"]);
        Assert.Equal("bookingaws_app", replica["Username"]);
    }

    [Fact]
    public void Redis_stripe_link_key_portal_url_and_plain_settings_are_written()
    {
        var env = Render("workers");
        Assert.Equal("cache.example:6380,ssl=true,abortConnect=false,user=bookingaws-dev-app,password=cache-token", env["ConnectionStrings__Redis"]);
        Assert.Equal("sk_live_key", env["Stripe__ApiKey"]);
        Assert.Equal("whsec_secret", env["Stripe__WebhookSecret"]);
        Assert.Equal("link-signing-key", env["Links__SigningKey"]);
        Assert.Equal("https://portal.example.com", env["Links__PortalBaseUrl"]);
        Assert.Equal("eu-west-1", env["AWS_REGION"]);
        Assert.Equal("https://sqs.eu-west-1.amazonaws.com/1/n", env["Sqs__Queues__Notifications"]);
    }

    [Fact]
    public void A_bare_auth_token_still_signs_in_as_the_default_user()
    {
        // The secret's shape before RBAC: a deploy that has not replaced it yet keeps a working connection string.
        _instance.State["secrets"]!["arn:cache"] = "legacy-token";
        var env = Render("workers");
        Assert.Equal("cache.example:6380,ssl=true,abortConnect=false,password=legacy-token", env["ConnectionStrings__Redis"]);
    }

    [Fact]
    public void A_secret_without_a_host_uses_the_writer_endpoint_of_the_stack()
    {
        ((JsonObject)_instance.State["secrets"]![InstanceFolder.AppSecretArn]!).Remove("host");
        var env = Render("api");
        Assert.Equal("writer.cluster.example", Parse(env["ConnectionStrings__Primary"])["Host"]);
    }

    [Fact]
    public void Without_the_rehearsal_overrides_tls_is_required_and_with_them_the_local_servers_are_reachable()
    {
        var aws = Render("workers");
        Assert.Equal("Require", Parse(aws["ConnectionStrings__Replica"])["SSL Mode"]);
        Assert.Equal("5432", Parse(aws["ConnectionStrings__Replica"])["Port"]);

        var sources = _instance.Sources("workers");
        sources["readerPort"] = 55433;
        sources["databaseSslMode"] = "Disable";
        sources["cacheSsl"] = false;
        File.WriteAllText(Path.Combine(_instance.Etc, "workers.sources.json"), sources.ToJsonString());
        _instance.State["secrets"]!["arn:cache"] = "";
        var local = Render("workers");
        Assert.Equal("55433", Parse(local["ConnectionStrings__Replica"])["Port"]);
        Assert.Equal("5432", Parse(local["ConnectionStrings__Primary"])["Port"]);
        Assert.Equal("Disable", Parse(local["ConnectionStrings__Primary"])["SSL Mode"]);
        Assert.Equal("cache.example:6380,ssl=false,abortConnect=false", local["ConnectionStrings__Redis"]);
    }

    [Theory]
    [InlineData("pa$$word")]
    [InlineData("with \"quotes\" and `ticks` and \\back\\slashes")]
    [InlineData("semi;colon='single'")]
    [InlineData("both ' and \" ; here")]
    public void Special_characters_in_a_password_reach_npgsql_unchanged_through_systemd_and_bash(string password)
    {
        _instance.State["secrets"]![InstanceFolder.AppSecretArn]!["password"] = password;
        var env = Render("api");
        Assert.Equal(password, Parse(env["ConnectionStrings__Primary"])["Password"]);
        var sourced = _instance.SourcedByBash(_instance.EnvPath("api"), "ConnectionStrings__Primary");
        Assert.Equal(env["ConnectionStrings__Primary"], sourced);
    }

    [Fact]
    public void A_failed_portal_url_read_keeps_the_last_known_value()
    {
        Render("api");
        ((JsonObject)_instance.State["parameters"]!).Remove(InstanceFolder.PortalParameter);
        var env = Render("api");
        Assert.Equal("https://portal.example.com", env["Links__PortalBaseUrl"]);
    }

    [Fact]
    public void Before_the_edge_stack_publishes_the_portal_url_a_placeholder_that_cannot_resolve_is_used()
    {
        ((JsonObject)_instance.State["parameters"]!).Remove(InstanceFolder.PortalParameter);
        var env = Render("api");
        Assert.Equal("https://portal-url-not-yet-known.invalid", env["Links__PortalBaseUrl"]);
    }

    [Fact]
    public void The_migration_credential_is_rendered_for_the_api_migration_step_only()
    {
        var service = Render("api", "--migration");
        Assert.DoesNotContain("ConnectionStrings__Migrations", service.Keys);
        var migrationFile = Path.Combine(_instance.Etc, "api.migrate.env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Boot.Mode(migrationFile));
        var migrations = Parse(_instance.ReadEnv(migrationFile)["ConnectionStrings__Migrations"]);
        Assert.Equal("bookingaws", migrations["Username"]);
        Assert.Equal("master-password", migrations["Password"]);
        Assert.Equal("writer.cluster.example", migrations["Host"]);

        var workers = _instance.RenderEnv("workers", "--migration");
        Assert.NotEqual(0, workers.ExitCode);
        Assert.Contains("no migrationSecretArn", workers.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_instance.Etc, "workers.migrate.env")));
    }

    [Fact]
    public void The_hourly_refresh_restarts_the_service_only_when_a_rotated_secret_changed_the_file()
    {
        Render("api", "--restart-on-change");
        Render("api", "--restart-on-change");
        Assert.DoesNotContain("systemctl", File.ReadAllText(_instance.Log), StringComparison.Ordinal);

        _instance.State["secrets"]![InstanceFolder.AppSecretArn]!["password"] = "rotated-password";
        var env = Render("api", "--restart-on-change");
        Assert.Equal("rotated-password", Parse(env["ConnectionStrings__Primary"])["Password"]);
        Assert.Contains("systemctl try-restart bookingaws-api.service", File.ReadAllText(_instance.Log), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_secret_fails_the_render_and_leaves_the_last_file_in_place()
    {
        var before = Render("api");
        ((JsonObject)_instance.State["secrets"]!).Remove("arn:stripe");
        var result = _instance.RenderEnv("api");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("ResourceNotFoundException", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, _instance.ReadEnv(_instance.EnvPath("api")));
    }

    public void Dispose() => _instance.Dispose();
}
