using System.Buffers.Binary;
using System.Text;

namespace BoostedGrains.Keys;

/// <summary>
/// Fields as one unambiguous byte string: each is its UTF-8 length (4 bytes, big-endian; all ones for null) and its
/// bytes, so no list of fields can be read as another.
/// </summary>
internal static class LengthPrefixed
{
    public static byte[] Encode(params ReadOnlySpan<string?> fields)
    {
        var length = 0;
        foreach (var field in fields)
            length += 4 + (field is null ? 0 : Encoding.UTF8.GetByteCount(field));
        var buffer = new byte[length];
        var at = 0;
        foreach (var field in fields)
        {
            if (field is null)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(at), uint.MaxValue);
                at += 4;
                continue;
            }
            var written = Encoding.UTF8.GetBytes(field, buffer.AsSpan(at + 4));
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(at), (uint)written);
            at += 4 + written;
        }
        return buffer;
    }
}
