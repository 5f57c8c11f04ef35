namespace BoostedGrains.Boosted;

/// <summary>Reads an HTTP answer's body up to a cap, so that no answer from outside is buffered without bound.</summary>
internal static class BoundedBody
{
    /// <summary>The largest body a silo reads from Boosted or from the public JWKS URL (1 MiB; their answers are a few KB).</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/>; reads at most one chunk past the cap.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
            return null;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                    return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException e)
        {
            // As HttpClient's own buffering reports it: a body cut short is a transport failure, which the retries handle.
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The answer ended before its whole body was read.", e);
        }
        return buffer.ToArray();
    }
}
