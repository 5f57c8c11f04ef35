namespace BoostedGrains.Silo.Gateway;

/// <summary>A request to the token API that cannot be served as sent; answered 400 with its message.</summary>
public sealed class GatewayBadRequestException(string message) : Exception(message);
