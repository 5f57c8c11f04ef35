namespace BoostedGrains.Silo.Security;

/// <summary>
/// The check that a silo talking to a real Boosted holds no development key: none of the keys this repository publishes
/// (the embedded default's and docker-compose.yml's) and none shorter than <see cref="MinLength"/> characters.
/// </summary>
public static class DevelopmentKeys
{
    /// <summary>The shortest key accepted with a real Boosted: 32 characters, e.g. <c>openssl rand -base64 32</c> (44).</summary>
    public const int MinLength = 32;

    private static readonly string[] Published = ["dev-api-key", "dev-admin-key", "5db9d40a5917d8e1c61aab9d95a2b6f4c4b8a4fb758982e5"];

    /// <summary>What is wrong with the first key of <paramref name="keys"/> that is a development key, naming its setting; null when none is.</summary>
    public static string? Problem(IEnumerable<(string Setting, string Key)> keys)
    {
        foreach (var (setting, key) in keys)
        {
            if (Published.Contains(key, StringComparer.Ordinal))
                return $"{setting} is a development key published with BoostedGrains, and Boosted__BaseUrl names a real Boosted: "
                    + $"give it a random key of at least {MinLength} characters (e.g. openssl rand -base64 32).";
            if (key.Length < MinLength)
                return $"{setting} is {key.Length} characters long, and Boosted__BaseUrl names a real Boosted: "
                    + $"give it a random key of at least {MinLength} characters (e.g. openssl rand -base64 32).";
        }
        return null;
    }
}
