namespace BookingAws.Workers.Email;

public interface IEmailSender
{
    /// <summary>Sends <paramref name="message"/> and returns the provider's message id.</summary>
    /// <exception cref="EmailSendException">The provider rejected the message or could not be reached.</exception>
    Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
