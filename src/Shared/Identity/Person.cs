using NodaTime;

namespace BookingAws.Shared.Identity;

/// <summary>
/// Someone who signs in: known to the platform once, whatever businesses they work for or book with.
/// <see cref="CognitoSub"/> is the subject of their tokens; what they may do comes from their staff
/// memberships and customer rows, never from the token.
/// </summary>
public sealed class Person
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string CognitoSub { get; init; }

    /// <summary>The pool's verified email when the person was first seen, lower-cased.</summary>
    public required string Email { get; set; }

    public Instant CreatedAt { get; init; }
}
