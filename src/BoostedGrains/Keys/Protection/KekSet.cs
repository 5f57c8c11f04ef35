using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace BoostedGrains.Keys;

/// <summary>
/// The configured KEKs (<c>KeyRing__Kek</c>, <c>KeyRing__PreviousKeks</c>) by ID, and which one encrypts now. Without a
/// configured KEK an ephemeral one shared by the whole process is used: enough for in-memory storage, useless for
/// storage that outlives the process.
/// </summary>
internal sealed partial class KekSet
{
    // Shared per process so that several silos in one process (tests, embedded mode) read each other's data.
    private static readonly Lazy<(string Id, byte[] Key)> Ephemeral =
        new(() => ($"ephemeral-{Guid.NewGuid():N}", RandomNumberGenerator.GetBytes(KekBytes.Length)));
    private static int _warned;

    private readonly Dictionary<string, byte[]> _keks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string KekId, string Purpose), byte[]> _subKeys = new();

    public KekSet(KeyRingOptions options, ILogger logger)
    {
        foreach (var previous in options.PreviousKeks.Where(k => k.IsConfigured))
            _keks[previous.Id!] = Decode(previous, "KeyRing__PreviousKeks");
        if (options.Kek.IsConfigured)
        {
            CurrentId = options.Kek.Id!;
            _keks[CurrentId] = Decode(options.Kek, "KeyRing__Kek__Key");
            return;
        }
        (CurrentId, var key) = Ephemeral.Value;
        _keks[CurrentId] = key;
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogEphemeralKek(logger);
        }
    }

    /// <summary>The ID of the KEK that encrypts new data.</summary>
    public string CurrentId { get; }

    /// <summary>The KEK that encrypts new data.</summary>
    public byte[] Current => _keks[CurrentId];

    /// <summary>The KEK with this ID, if configured.</summary>
    public byte[]? Find(string kekId) => _keks.GetValueOrDefault(kekId);

    /// <summary>The current KEK's sub-key for <paramref name="purpose"/> (a <see cref="KekPurpose"/>).</summary>
    public byte[] CurrentSubKey(string purpose) => FindSubKey(CurrentId, purpose)!;

    /// <summary>The sub-key for <paramref name="purpose"/> of the KEK with this ID, if configured: HKDF-SHA256 with the purpose as info.</summary>
    public byte[]? FindSubKey(string kekId, string purpose)
    {
        if (_subKeys.TryGetValue((kekId, purpose), out var cached))
            return cached;
        if (Find(kekId) is not { } kek)
            return null;
        var subKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, kek, KekBytes.Length, salt: [], info: Encoding.UTF8.GetBytes(purpose));
        return _subKeys.GetOrAdd((kekId, purpose), subKey);
    }

    private static byte[] Decode(KekOptions kek, string setting) => KekBytes.TryDecode(kek.Key!)
        ?? throw new InvalidOperationException($"{setting} must be 32 bytes in base64.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "No KeyRing__Kek__Id/KeyRing__Kek__Key configured: signing keys and stored tokens are encrypted "
        + "with an ephemeral KEK that dies with this process. Fine with in-memory storage; configure a KEK for persistent storage.")]
    private static partial void LogEphemeralKek(ILogger logger);
}
