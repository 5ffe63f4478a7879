using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;
using NodaTime;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// Emails a guest the one-time code that proves the address of their hold. The code is derived from the booking
/// and the address (<see cref="Shared.Domain.Bookings.BookingLinks.EmailProofCode"/>), so it is never stored or queued.
/// Only this email goes to an address before it is proven, and it says what to do if the booking was not theirs.
/// </summary>
public sealed class GuestEmailProofHandler(BookingEmailServices services) : BookingEmailHandler<BookingHeld>(services)
{
    public const string Template = "email-proof";

    public override string Name => "notifications.email-proof";

    protected override bool Wants(BookingHeld message) => message.EmailProofRequired;

    protected override Task SendAsync(IncomingMessage message, BookingHeld evt, BookingEmailFacts facts, CancellationToken cancellationToken)
    {
        var values = facts.Values();
        values["code"] = Links.EmailProofCode(facts.Booking.Id, facts.Customer.Email);
        values["expiresAt"] = facts.Local(Instant.FromDateTimeOffset(evt.ExpiresAt));
        return SendTemplateAsync(message, Template, facts, values, [], cancellationToken);
    }
}
