using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.Options;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>Link key settings that would sign with a key nobody accepts, or accept a weak one, stop the host at start.</summary>
public sealed class ManageLinkKeyOptionsTests
{
    private const string Key = "a-link-signing-key-of-at-least-32-chars";

    [Fact]
    public void The_single_key_setting_alone_is_the_active_default_key()
    {
        var options = new BookingLinkOptions { SigningKey = Key };
        Assert.True(new BookingLinkOptionsValidator().Validate(null, options).Succeeded);
        Assert.StartsWith("default.", new BookingLinks(Options.Create(options)).TokenFor(Guid.NewGuid()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null)] // no key at all
    [InlineData(Key, "2027a", null)] // the active key is not listed
    [InlineData(Key, null, "short")] // a listed key is too short
    [InlineData(null, "bad.id", Key)] // a key id a token cannot carry
    public void Unusable_key_settings_are_refused(string? signingKey, string? activeKeyId, string? extraKey)
    {
        var options = new BookingLinkOptions { SigningKey = signingKey, ActiveKeyId = activeKeyId };
        if (extraKey is not null)
        {
            options.Keys[activeKeyId ?? "extra"] = extraKey;
        }

        Assert.True(new BookingLinkOptionsValidator().Validate(null, options).Failed);
    }

    [Fact]
    public void Keys_listed_by_id_work_without_the_single_key_setting()
    {
        var options = new BookingLinkOptions { ActiveKeyId = "k2" };
        options.Keys["k2"] = Key;
        Assert.True(new BookingLinkOptionsValidator().Validate(null, options).Succeeded);
        var links = new BookingLinks(Options.Create(options));
        var id = Guid.NewGuid();
        Assert.True(links.IsValid(id, links.TokenFor(id)));
        Assert.False(links.IsValid(Guid.NewGuid(), links.TokenFor(id)));
    }
}
