namespace BookingAws.Shared.Identity;

/// <summary>A pool user: <see cref="Sub"/> is the stable subject its tokens carry; the username may be the sub itself
/// when the pool signs people in by email.</summary>
public sealed record CognitoUser(string Username, string Sub, string? Email, bool EmailVerified);

/// <summary>What a successful sign-in returns.</summary>
public sealed record CognitoTokens(string AccessToken, string IdToken, string? RefreshToken, int ExpiresIn);
