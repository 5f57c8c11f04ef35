using System.Security.Cryptography;
using BoostedGrains.Keys;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Tests.Keys;

/// <summary>Shared set-up for the key tests: real keys, a real protector, the production timeline rules.</summary>
internal static class KeyTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static KeyRingOptions Options(KeyAlgorithm algorithm = KeyAlgorithm.ES256) => new() { Algorithm = algorithm };

    public static KekOptions NewKek(string id) => new() { Id = id, Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

    public static AesGcmPrivateKeyProtector Protector(KekOptions? kek = null, params KekOptions[] previous) =>
        new(Microsoft.Extensions.Options.Options.Create(new KeyRingOptions { Kek = kek ?? new KekOptions(), PreviousKeks = [.. previous] }),
            NullLogger<AesGcmPrivateKeyProtector>.Instance);

    public static KeyRecord NewKey(IPrivateKeyProtector protector, KeyAlgorithm algorithm = KeyAlgorithm.ES256) =>
        KeyFactory.Create(algorithm, 2048, protector);

    /// <summary>What the grain does on each read: add the key the schedule calls for, then prune.</summary>
    public static void Advance(KeyTimeline timeline, IPrivateKeyProtector protector, DateTimeOffset now, KeyAlgorithm algorithm = KeyAlgorithm.ES256)
    {
        var need = timeline.GetKeyNeed(now);
        if (need != KeyNeed.None)
        {
            timeline.AddScheduled(NewKey(protector, algorithm), need, now);
        }
        timeline.Prune(now);
    }

    /// <summary>A cache fed directly with snapshots: <see cref="SigningKeyCache.RefreshAsync"/> is never called, so no grain factory.</summary>
    public static SigningKeyCache Cache(IPrivateKeyProtector protector) =>
        new(null!, protector, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SigningKeyCache>.Instance);

    public static IOptions<T> Wrap<T>(T value) where T : class => Microsoft.Extensions.Options.Options.Create(value);
}
