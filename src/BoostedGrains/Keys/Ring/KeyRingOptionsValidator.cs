using Microsoft.Extensions.Options;

namespace BoostedGrains.Keys;

/// <summary>Checks <see cref="KeyRingOptions"/> at start so a bad timeline fails the boot with a sentence naming the setting.</summary>
internal sealed class KeyRingOptionsValidator : IValidateOptions<KeyRingOptions>
{

    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var failures = new List<string>();
        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            failures.Add("KeyRing__RefreshInterval must be positive (default 00:01:00).");
        }
        if (options.PropagationTime <= options.RefreshInterval)
        {
            failures.Add("KeyRing__PropagationTime must be positive and exceed KeyRing__RefreshInterval: it must cover "
                + "the silos' refresh plus the longest time a verifier caches the JWKS (default 2.00:00:00).");
        }
        if (options.RotationInterval <= options.PropagationTime)
        {
            failures.Add("KeyRing__RotationInterval must exceed KeyRing__PropagationTime, or a successor would be due "
                + "before its predecessor signs (default 30.00:00:00).");
        }
        if (options.RetentionTime < options.RefreshInterval + AssertionSigner.LongestLife)
        {
            failures.Add($"KeyRing__RetentionTime must be at least KeyRing__RefreshInterval plus {AssertionSigner.LongestLife.TotalMinutes:0} minutes, so assertions "
                + "signed with a retiring key still verify (default 7.00:00:00).");
        }
        if (options.Algorithm == KeyAlgorithm.RS256 && (options.KeySize < 2048 || options.KeySize % 8 != 0))
        {
            failures.Add("KeyRing__KeySize must be a multiple of 8 and at least 2048 for RS256 (default 2048).");
        }
        if (!Enum.IsDefined(options.Algorithm))
        {
            failures.Add("KeyRing__Algorithm must be RS256 or ES256.");
        }
        ValidateKek(options.Kek, "KeyRing__Kek", failures);
        for (var i = 0; i < options.PreviousKeks.Count; i++)
        {
            ValidateKek(options.PreviousKeks[i], $"KeyRing__PreviousKeks__{i}", failures);
            if (!options.PreviousKeks[i].IsConfigured)
            {
                failures.Add($"KeyRing__PreviousKeks__{i}__Id and __Key must both be set.");
            }
        }
        ValidateImport(options.Import, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateImport(KeyImportOptions import, List<string> failures)
    {
        if (!import.IsRequested)
        {
            if (!string.IsNullOrWhiteSpace(import.Kid))
                failures.Add("KeyRing__Import__Kid is set but neither KeyRing__Import__Pem nor KeyRing__Import__PemFile is.");
            return;
        }
        if (!string.IsNullOrWhiteSpace(import.Pem) && !string.IsNullOrWhiteSpace(import.PemFile))
            failures.Add("Set either KeyRing__Import__Pem or KeyRing__Import__PemFile, not both.");
        if (string.IsNullOrWhiteSpace(import.Kid))
            failures.Add("KeyRing__Import__Kid must name the kid under which Boosted knows the imported key.");
        if (string.IsNullOrWhiteSpace(import.Pem) && !string.IsNullOrWhiteSpace(import.PemFile) && !File.Exists(import.PemFile))
            failures.Add($"KeyRing__Import__PemFile names a file that does not exist: {import.PemFile}.");
    }

    private static void ValidateKek(KekOptions kek, string prefix, List<string> failures)
    {
        var hasId = !string.IsNullOrWhiteSpace(kek.Id);
        var hasKey = !string.IsNullOrWhiteSpace(kek.Key);
        if (hasId != hasKey)
        {
            failures.Add($"{prefix}__Id and {prefix}__Key must be set together (or both left out for an ephemeral KEK).");
            return;
        }
        if (hasKey && KekBytes.TryDecode(kek.Key!) is null)
        {
            // Never echo the value: it is the secret.
            failures.Add($"{prefix}__Key must be 32 bytes in base64 (for example: openssl rand -base64 32).");
        }
    }
}
