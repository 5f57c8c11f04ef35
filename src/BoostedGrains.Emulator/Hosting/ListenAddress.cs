namespace BoostedGrains.Emulator.Hosting;

/// <summary>Turns a Kestrel listen address into a base URL a client can call.</summary>
internal static class ListenAddress
{
    /// <summary>Maps wildcard hosts (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) to <c>localhost</c> and ends the URL with a slash.</summary>
    public static string Normalize(string address)
    {
        var text = address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal);
        return text.EndsWith('/') ? text : text + "/";
    }
}
