namespace BoostedGrains.Tokens;

/// <summary>A user's token as persisted: AES-256-GCM under a KEK, bound to the user, the scope and the expiry.</summary>
[GenerateSerializer]
public sealed class StoredToken
{
    /// <summary>Which KEK encrypted <see cref="Data"/>.</summary>
    [Id(0)] public required string KekId { get; init; }

    /// <summary>AES-GCM nonce, tag and ciphertext of the token value.</summary>
    [Id(1)] public required byte[] Data { get; init; }

    /// <summary>When the token expires.</summary>
    [Id(2)] public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the token was obtained: with the expiry, it places the refresh window as for a live token.</summary>
    [Id(3)] public required DateTimeOffset ObtainedAt { get; init; }

    /// <summary>The scope set the token is for (null in a token stored under its scope in <see cref="UserTokenState.Tokens"/> by earlier versions).</summary>
    [Id(4)] public string? Scope { get; init; }

    /// <summary>How <see cref="Data"/> was sealed: 1 under the KEK's user-token sub-key; 0 (written by earlier versions) under the KEK itself.</summary>
    [Id(5)] public int Format { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"StoredToken(kek {KekId}, expires {ExpiresAt:O}, {Data.Length} bytes)";
}
