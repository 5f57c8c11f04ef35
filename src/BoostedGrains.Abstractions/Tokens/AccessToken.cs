namespace BoostedGrains.Tokens;

/// <summary>A Boosted access token. <see cref="ToString"/> never prints the token value.</summary>
[GenerateSerializer, Immutable]
public sealed record AccessToken(
    [property: Id(0)] string Value,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] string Scope)
{
    /// <summary>Always <c>Bearer</c>.</summary>
    public string TokenType => "Bearer";

    /// <summary>Lowercase hex SHA-256 of the token: what to report when Boosted rejects it.</summary>
    public string Sha256 => TokenHash.Sha256Hex(Value);

    /// <inheritdoc />
    public override string ToString() => $"AccessToken {{ Scope = {Scope}, ExpiresAt = {ExpiresAt:O}, Value = *** }}";
}
