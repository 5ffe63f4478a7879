using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Workers.Email;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Workers.Tests.Email;

/// <summary>
/// SES publishes an email's tags with its bounce and complaint events. The local SES server validates the
/// <c>EmailTags</c> field but does not keep it in <c>GET /store</c>, so the request body is read on its way there.
/// </summary>
public sealed class SesEmailTagsTests : IDisposable
{
    private static readonly string ServiceUrl = Platform.SesUrl;

    private readonly List<string> _bodies = [];
    private readonly ServiceProvider _services;

    public SesEmailTagsTests()
    {
        _services = SesServices.Build(
            ServiceUrl,
            services => services.AddHttpClient<SesEmailSender>().AddHttpMessageHandler(() => new RecordingHandler(_bodies)),
            new Dictionary<string, string?> { ["Ses:ConfigurationSetName"] = "bookingaws-events" });
    }

    [Fact]
    public async Task Tags_and_configuration_set_go_with_the_email_and_the_server_accepts_them()
    {
        var tenant = Guid.NewGuid();
        var subject = $"Tagged {Guid.NewGuid():N}";
        var sender = _services.GetRequiredService<IEmailSender>();

        var messageId = await sender.SendAsync(
            new EmailMessage
            {
                To = ["guest@example.com"],
                Subject = subject,
                TextBody = "See you Friday",
                Tags = new Dictionary<string, string> { [EmailTagNames.TenantId] = tenant.ToString("D"), [EmailTagNames.Kind] = "booking-confirmed" },
            },
            CancellationToken.None);

        using var request = JsonDocument.Parse(Assert.Single(_bodies));
        Assert.Equal("bookingaws-events", request.RootElement.GetProperty("ConfigurationSetName").GetString());
        var tags = request.RootElement.GetProperty("EmailTags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("Name").GetString()!, t => t.GetProperty("Value").GetString());
        Assert.Equal(tenant.ToString("D"), tags[EmailTagNames.TenantId]);
        Assert.Equal("booking-confirmed", tags[EmailTagNames.Kind]);

        using var http = new HttpClient { BaseAddress = new Uri(ServiceUrl) };
        using var store = await http.GetFromJsonAsync<JsonDocument>("store");
        Assert.Contains(store!.RootElement.GetProperty("emails").EnumerateArray(), e => e.GetProperty("messageId").GetString() == messageId);
    }

    [Fact]
    public async Task A_tag_SES_would_refuse_is_rejected_before_anything_is_sent()
    {
        var sender = _services.GetRequiredService<IEmailSender>();

        await Assert.ThrowsAsync<ArgumentException>(() => sender.SendAsync(
            new EmailMessage
            {
                To = ["guest@example.com"],
                Subject = "Bad tag",
                TextBody = "x",
                Tags = new Dictionary<string, string> { ["kind"] = "booking confirmed!" },
            },
            CancellationToken.None));
        Assert.Empty(_bodies);
    }

    public void Dispose() => _services.Dispose();

    private sealed class RecordingHandler(List<string> bodies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (bodies)
            {
                bodies.Add(body);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
