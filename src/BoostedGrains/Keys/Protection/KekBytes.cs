namespace BoostedGrains.Keys;

/// <summary>Decodes a configured KEK.</summary>
internal static class KekBytes
{
    public const int Length = 32;

    public static byte[]? TryDecode(string base64)
    {
        var buffer = new byte[Length + 3];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == Length
            ? buffer[..Length]
            : null;
    }
}
