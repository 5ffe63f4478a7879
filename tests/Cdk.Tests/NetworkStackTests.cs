using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using BookingAws.Cdk.Stacks;

namespace BookingAws.Cdk.Tests;

public sealed class NetworkStackTests(ProdPlatform prod, DevPlatform dev) : IClassFixture<ProdPlatform>, IClassFixture<DevPlatform>
{
    [Fact]
    public void Prod_has_public_private_and_isolated_subnets_in_three_zones()
    {
        prod.Network.ResourceCountIs("AWS::EC2::Subnet", 9);
        var zones = PlatformFixture.Resources(prod.Network, "AWS::EC2::Subnet")
            .Select(s => s.Value["Properties"]!["AvailabilityZone"]!.ToString())
            .Distinct();
        Assert.Equal(3, zones.Count());
    }

    [Fact]
    public void The_api_trusts_forwarded_client_addresses_only_from_inside_this_vpc()
    {
        // The rate limits key on the client address the load balancer forwards; if the API's trusted networks and
        // the VPC drifted apart, every customer would share the balancer's address and one limit.
        var vpc = PlatformFixture.Resources(prod.Network, "AWS::EC2::VPC").Single().Value["Properties"]!["CidrBlock"]!.ToString();
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Api", "appsettings.json")))!;
        var trusted = settings["ReverseProxy"]!["KnownNetworks"]!.AsArray().Select(n => n!.ToString());
        Assert.Equal([vpc], trusted);
    }

    [Fact]
    public void Dev_spans_two_zones()
    {
        dev.Network.ResourceCountIs("AWS::EC2::Subnet", 6);
    }

    [Fact]
    public void Prod_has_a_nat_gateway_per_zone_and_dev_only_one()
    {
        prod.Network.ResourceCountIs("AWS::EC2::NatGateway", 3);
        dev.Network.ResourceCountIs("AWS::EC2::NatGateway", 1);
    }

    [Theory]
    [InlineData("sqs")]
    [InlineData("secretsmanager")]
    [InlineData("logs")]
    public void Interface_endpoints_exist_for_the_services_the_apps_call(string service)
    {
        prod.Network.HasResourceProperties("AWS::EC2::VPCEndpoint", new Dictionary<string, object>
        {
            ["ServiceName"] = $"com.amazonaws.eu-west-1.{service}",
            ["VpcEndpointType"] = "Interface",
            ["PrivateDnsEnabled"] = true,
        });
    }

    [Fact]
    public void S3_traffic_uses_a_gateway_endpoint()
    {
        prod.Network.HasResourceProperties("AWS::EC2::VPCEndpoint", new Dictionary<string, object>
        {
            ["VpcEndpointType"] = "Gateway",
        });
    }

    [Fact]
    public void Only_the_load_balancer_may_reach_the_api_port()
    {
        var albGroup = prod.Network.GetLogicalId(prod.Platform.Network.AlbSecurityGroup);
        var apiGroup = prod.Network.GetLogicalId(prod.Platform.Network.ApiSecurityGroup);
        var rules = PlatformFixture.Resources(prod.Network, "AWS::EC2::SecurityGroupIngress", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["GroupId"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new[] { apiGroup, "GroupId" } },
            }),
        });
        var rule = Assert.Single(rules).Value["Properties"]!;
        Assert.Equal(5080, (int)rule["FromPort"]!);
        Assert.Equal(albGroup, rule["SourceSecurityGroupId"]!["Fn::GetAtt"]![0]!.ToString());
    }

    private static List<System.Text.Json.Nodes.JsonNode> AlbIngress(PlatformFixture fixture)
    {
        var albGroup = fixture.Network.GetLogicalId(fixture.Platform.Network.AlbSecurityGroup);
        var inline = PlatformFixture.Resources(fixture.Network, "AWS::EC2::SecurityGroup")[albGroup]["Properties"]!["SecurityGroupIngress"]?.AsArray()
            .Select(r => r!) ?? [];
        var separate = PlatformFixture.Resources(fixture.Network, "AWS::EC2::SecurityGroupIngress").Values
            .Select(r => r["Properties"]!)
            .Where(p => p["GroupId"]!["Fn::GetAtt"]?[0]?.ToString() == albGroup);
        return inline.Concat(separate).ToList();
    }

    [Fact]
    public void The_load_balancer_accepts_only_cloudfront_origin_facing_addresses_on_https()
    {
        var rule = Assert.Single(AlbIngress(prod));
        Assert.Equal(443, (int)rule["FromPort"]!);
        Assert.Null(rule["CidrIp"]);
        // The prefix list id comes from the deploy-time lookup of AWS's managed list, by name.
        Assert.Contains("PrefixLists.0.PrefixListId", rule["SourcePrefixListId"]!.ToJsonString(), StringComparison.Ordinal);
        var lookup = PlatformFixture.Resources(prod.Network, "Custom::AWS").Single().Value["Properties"]!;
        Assert.Contains(NetworkStack.CloudFrontPrefixListName, lookup["Create"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_certificate_dev_opens_only_http_to_cloudfront()
    {
        var rule = Assert.Single(AlbIngress(dev));
        Assert.Equal(80, (int)rule["FromPort"]!);
        Assert.NotNull(rule["SourcePrefixListId"]);
    }

    [Fact]
    public void Rejected_traffic_is_logged()
    {
        prod.Network.HasResourceProperties("AWS::EC2::FlowLog", new Dictionary<string, object> { ["TrafficType"] = "REJECT" });
    }
}

internal static class TemplateExtensions
{
    /// <summary>The logical id CDK gave a construct's CloudFormation resource.</summary>
    public static string GetLogicalId(this Template _, global::Constructs.IConstruct construct)
    {
        var resource = construct as Amazon.CDK.CfnElement ?? (Amazon.CDK.CfnElement)construct.Node.DefaultChild!;
        return (string)Amazon.CDK.Stack.Of(resource).Resolve(resource.LogicalId);
    }
}
