using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BoostedGrains.Keys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Security;

/// <summary>
/// Proves that a grain call was made inside the silos: an HMAC over the call's target, interface, method and time, keyed
/// with a sub-key (HKDF) of each KEK this host holds. App servers never hold a KEK, so they cannot make one, whatever
/// caller ID or request context they send.
/// </summary>
internal sealed class SiloCallProof
{
    /// <summary>The request context entry that carries the proof.</summary>
    public const string ContextKey = "boostedgrains.silo-call";

    /// <summary>How far a proof's time may be from the receiving silo's clock, either way (clock skew, queued messages).</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(5);

    private static readonly byte[] Purpose = "BoostedGrains silo call proof v1"u8.ToArray();

    private readonly TimeProvider _time;
    private readonly Lazy<byte[][]> _keys;

    public SiloCallProof(IOptions<KeyRingOptions> options, TimeProvider time, ILoggerFactory? loggers = null)
    {
        _time = time;
        // Read at the first call, not while Orleans builds its filters: the KEK settings are validated at start first.
        _keys = new Lazy<byte[][]>(() => DeriveKeys(options.Value, loggers ?? NullLoggerFactory.Instance));
    }

    /// <summary>A proof for a call to <paramref name="method"/> of <paramref name="target"/>, made now: one MAC per KEK held.</summary>
    public string Mint(GrainId target, GrainInterfaceType interfaceType, string method)
    {
        var issued = _time.GetUtcNow().ToUnixTimeSeconds();
        var macs = _keys.Value.Select(key => Base64Url(Mac(key, issued, target, interfaceType, method)));
        return string.Join('.', [issued.ToString(CultureInfo.InvariantCulture), .. macs]);
    }

    /// <summary>True when <paramref name="proof"/> was made for this very call, recently, under a KEK this silo holds.</summary>
    public bool Verify(object? proof, GrainId target, GrainInterfaceType interfaceType, string method)
    {
        if (proof is not string text)
            return false;
        var parts = text.Split('.');
        if (parts.Length < 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var issued))
            return false;
        var age = _time.GetUtcNow().ToUnixTimeSeconds() - issued;
        if (Math.Abs(age) > (long)Validity.TotalSeconds)
            return false;
        foreach (var key in _keys.Value)
        {
            var expected = Mac(key, issued, target, interfaceType, method);
            foreach (var presented in parts.AsSpan(1))
                if (TryFromBase64Url(presented) is { } mac && CryptographicOperations.FixedTimeEquals(mac, expected))
                    return true;
        }
        return false;
    }

    private static byte[][] DeriveKeys(KeyRingOptions options, ILoggerFactory loggers)
    {
        var keks = new KekSet(options, loggers.CreateLogger<KekSet>());
        var ids = options.PreviousKeks.Where(k => k.IsConfigured).Select(k => k.Id!).Prepend(keks.CurrentId).Distinct(StringComparer.Ordinal);
        // Every KEK held, so that silos on either side of a KEK rotation still accept each other's proofs.
        return ids.Select(id => HKDF.DeriveKey(HashAlgorithmName.SHA256, keks.Find(id)!, 32, salt: [], info: Purpose)).ToArray();
    }

    // Each field length-prefixed, so that no two different calls give the same input.
    private static byte[] Mac(byte[] key, long issued, GrainId target, GrainInterfaceType interfaceType, string method)
    {
        using var input = new MemoryStream();
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, issued);
        Field(input, time);
        Field(input, Encoding.UTF8.GetBytes(target.ToString()));
        Field(input, Encoding.UTF8.GetBytes(interfaceType.ToString()));
        Field(input, Encoding.UTF8.GetBytes(method));
        return HMACSHA256.HashData(key, input.ToArray());
    }

    private static void Field(Stream stream, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        stream.Write(length);
        stream.Write(value);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? TryFromBase64Url(string text)
    {
        if (text.Length > 64)
            return null;
        var padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4);
        var buffer = new byte[48];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }
}
