namespace BoostedGrains.Client;

/// <summary>
/// The token handler could not attach a Boosted token, so the request was not sent. The message says why; the inner
/// exception is the cluster's typed error, when there was one. Never carries a token.
/// </summary>
public sealed class BoostedTokenUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
