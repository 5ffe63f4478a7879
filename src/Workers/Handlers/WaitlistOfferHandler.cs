using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;
using NodaTime;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// Emails the first person waiting that a place is held for them, with the link to the held booking (pay, or let it
/// go) and, for a guest, the one-time code that proves the address (issue 13's proof, derived as for a hold, so the
/// guest enters it on the same page). An offer that is no longer held when this runs (it lapsed or was cancelled
/// while the queue was behind) is not sent: the place has moved on.
/// </summary>
public sealed class WaitlistOfferHandler(BookingEmailServices services) : BookingEmailHandler<WaitlistOfferMade>(services)
{
    public const string Template = "waitlist-offer";

    public override string Name => "notifications.waitlist-offer";

    protected override Task SendAsync(IncomingMessage message, WaitlistOfferMade evt, BookingEmailFacts facts, CancellationToken cancellationToken)
    {
        if (facts.Booking.Status != BookingStatus.Held)
        {
            return Task.CompletedTask;
        }

        var values = facts.Values();
        values["offerExpiresAt"] = facts.Local(Instant.FromDateTimeOffset(evt.ExpiresAt));
        values["proofStep"] = evt.EmailProofRequired
            ? $"First confirm this email address: on the booking page, enter the code {Links.EmailProofCode(facts.Booking.Id, facts.Customer.Email)}."
            : string.Empty;
        return SendTemplateAsync(message, Template, facts, values, [], cancellationToken);
    }
}
