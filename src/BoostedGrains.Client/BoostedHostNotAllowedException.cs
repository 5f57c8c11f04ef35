namespace BoostedGrains.Client;

/// <summary>
/// The token handler was asked to send a request to a host that Boosted tokens do not go to
/// (<see cref="BoostedUserTokenOptions.AllowedHosts"/>), so the request was not sent. Never carries a token.
/// </summary>
public sealed class BoostedHostNotAllowedException(string message) : InvalidOperationException(message);
