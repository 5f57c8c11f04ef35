using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Keys;

/// <summary>
/// Authenticates stored records: an HMAC-SHA256 under the KEK's record-binding sub-key over the record's fields,
/// length-prefixed. A storage writer without the KEK cannot change what a record says or whom it belongs to.
/// </summary>
/// <remarks>
/// A seal starts with 4 bytes that depend on the sub-key alone, so a silo given another key under the same KEK ID is
/// told that, rather than that the record was altered.
/// </remarks>
internal sealed class RecordBinder(IOptions<KeyRingOptions> options, ILogger<RecordBinder> logger)
{
    private const int CheckLength = 4;
    private static readonly byte[] CheckInput = "kek-check"u8.ToArray();

    private readonly KekSet _keks = new(options.Value, logger);

    /// <summary>The ID of the KEK that seals now.</summary>
    public string CurrentKekId => _keks.CurrentId;

    /// <summary>The seal of <paramref name="fields"/> under the current KEK.</summary>
    public byte[] Seal(params ReadOnlySpan<string?> fields) => Seal(_keks.CurrentSubKey(KekPurpose.RecordBinding), fields);

    /// <summary>Whether <paramref name="seal"/> is the seal of <paramref name="fields"/> under KEK <paramref name="kekId"/>.</summary>
    public RecordCheck Check(string kekId, byte[] seal, params ReadOnlySpan<string?> fields)
    {
        if (_keks.FindSubKey(kekId, KekPurpose.RecordBinding) is not { } key)
            return RecordCheck.UnknownKek;
        var expected = Seal(key, fields);
        if (seal.Length != expected.Length || !CryptographicOperations.FixedTimeEquals(expected.AsSpan(0, CheckLength), seal.AsSpan(0, CheckLength)))
            return seal.Length == expected.Length ? RecordCheck.WrongKek : RecordCheck.Altered;
        return CryptographicOperations.FixedTimeEquals(expected, seal) ? RecordCheck.Valid : RecordCheck.Altered;
    }

    private static byte[] Seal(byte[] key, ReadOnlySpan<string?> fields)
    {
        var seal = new byte[CheckLength + HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, CheckInput).AsSpan(0, CheckLength).CopyTo(seal);
        HMACSHA256.HashData(key, LengthPrefixed.Encode(fields), seal.AsSpan(CheckLength));
        return seal;
    }
}
