using System.Buffers;

namespace BoostedGrains.Emulator.Hosting;

/// <summary>Reads request bodies with a hard size limit, so a huge body is refused instead of buffered.</summary>
internal static class BodyReader
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>Returns the body bytes, or null when the body exceeds <see cref="MaxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            var total = 0;
            while (total <= MaxBytes)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(total, MaxBytes + 1 - total), ct);
                if (read == 0)
                {
                    return buffer.AsSpan(0, total).ToArray();
                }

                total += read;
            }

            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
