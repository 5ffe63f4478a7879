using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BookingAws.Cdk.Tests;

/// <summary>The cache user's rotation function (cdk/assets/cache-user-rotation) through Secrets Manager's four steps, against stand-in AWS clients.</summary>
public sealed class CacheUserRotationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bookingaws-rotation-").FullName;

    // Answers as Secrets Manager and ElastiCache would, and records what the function changed.
    private const string StandIn = """
        import json
        versions = {
            "v1": {"stages": ["AWSCURRENT"], "value": json.dumps({"username": "bookingaws-prod-app", "password": "old-password"})},
            "v2": {"stages": ["AWSPENDING"], "value": None},
        }
        modified = []

        class ResourceNotFoundException(Exception):
            pass

        class _Exceptions:
            ResourceNotFoundException = ResourceNotFoundException

        class _SecretsManager:
            exceptions = _Exceptions

            def describe_secret(self, SecretId):
                return {"VersionIdsToStages": {k: list(v["stages"]) for k, v in versions.items()}}

            def get_secret_value(self, SecretId, VersionStage, VersionId=None):
                for k, v in versions.items():
                    if VersionStage in v["stages"] and VersionId in (None, k) and v["value"] is not None:
                        return {"SecretString": v["value"]}
                raise ResourceNotFoundException()

            def get_random_password(self, PasswordLength, ExcludePunctuation):
                return {"RandomPassword": "new-password"}

            def put_secret_value(self, SecretId, ClientRequestToken, SecretString, VersionStages):
                versions[ClientRequestToken]["value"] = SecretString

            def update_secret_version_stage(self, SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId):
                versions[RemoveFromVersionId]["stages"].remove(VersionStage)
                versions[MoveToVersionId]["stages"].append(VersionStage)

        class _ElastiCache:
            def modify_user(self, **args):
                modified.append(args)

        def client(name):
            return _SecretsManager() if name == "secretsmanager" else _ElastiCache()
        """;

    private const string Driver = """
        import json, os, sys
        sys.path.insert(0, sys.argv[1])
        sys.path.insert(0, sys.argv[2])
        os.environ["USER_ID"] = "bookingaws-prod-app"
        import boto3, index
        for step in ["createSecret", "setSecret", "testSecret", "finishSecret"]:
            index.handler({"SecretId": "arn:cache", "ClientRequestToken": "v2", "Step": step}, None)
        print(json.dumps({"modified": boto3.modified, "versions": boto3.versions}))
        """;

    [Fact]
    public void A_rotation_keeps_the_old_password_valid_beside_the_new_one_and_makes_the_new_one_current()
    {
        File.WriteAllText(Path.Combine(_dir, "boto3.py"), StandIn);
        File.WriteAllText(Path.Combine(_dir, "driver.py"), Driver);
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(_dir, "driver.py"), _dir, Path.Combine(RepoPaths.Root, "cdk", "assets", "cache-user-rotation") })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);

        var result = JsonNode.Parse(output)!;
        var modify = Assert.Single(result["modified"]!.AsArray())!;
        Assert.Equal("bookingaws-prod-app", modify["UserId"]!.ToString());
        Assert.Equal("""["old-password","new-password"]""", modify["AuthenticationMode"]!["Passwords"]!.ToJsonString());
        var pending = JsonNode.Parse(result["versions"]!["v2"]!["value"]!.ToString())!;
        Assert.Equal("bookingaws-prod-app", pending["username"]!.ToString());
        Assert.Equal("new-password", pending["password"]!.ToString());
        Assert.Contains("AWSCURRENT", result["versions"]!["v2"]!["stages"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("AWSCURRENT", result["versions"]!["v1"]!["stages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
