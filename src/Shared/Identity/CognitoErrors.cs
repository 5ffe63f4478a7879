namespace BookingAws.Shared.Identity;

/// <summary>Cognito refused the call; <see cref="Code"/> is its error type (e.g. "InvalidPasswordException").</summary>
public class CognitoException(string code, string message) : Exception($"{code}: {message}")
{
    public string Code { get; } = code;
}

/// <summary>Cognito could not be reached or failed on its side (network, timeout, 5xx): try again later.</summary>
public sealed class CognitoUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
