using BoostedGrains.Emulator.Faults;
using BoostedGrains.Emulator.Tokens;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Emulator.Hosting;

/// <summary>Fails at start with a sentence naming the setting, instead of failing on the first request.</summary>
internal sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
    {
        var errors = new List<string>();
        if (options.TokenLifetimeSeconds <= 0)
        {
            errors.Add("Emulator:TokenLifetimeSeconds must be greater than 0.");
        }

        if (options.JwksCacheSeconds < 0)
        {
            errors.Add("Emulator:JwksCacheSeconds must not be negative.");
        }

        if (!Enum.IsDefined(options.SubjectClaim))
        {
            errors.Add("Emulator:SubjectClaim must be BoostedUserId or ExternalUserId.");
        }

        if (FaultState.Validate(options.Faults, "Emulator:Faults") is { } faultError)
        {
            errors.Add(faultError);
        }

        var extraUserScopes = Scopes.Split(options.ExtraUserScopes);
        if (extraUserScopes.Any(s => !Scopes.IsValidExtraUserScope(s)))
        {
            errors.Add($"Emulator:ExtraUserScopes must list space-delimited scope names other than {string.Join(", ", Scopes.Known)} (printable ASCII, no quote or backslash).");
        }

        var known = Scopes.Known.Concat(extraUserScopes).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Partners.Count; i++)
        {
            var partner = options.Partners[i];
            var prefix = $"Emulator:Partners:{i}";
            if (string.IsNullOrWhiteSpace(partner.ClientId))
            {
                errors.Add($"{prefix}:ClientId is required.");
            }
            else if (!seen.Add(partner.ClientId))
            {
                errors.Add($"{prefix}:ClientId '{partner.ClientId}' is configured twice.");
            }

            if (string.IsNullOrEmpty(partner.ClientSecret))
            {
                errors.Add($"{prefix}:ClientSecret is required.");
            }

            if (partner.JwksUri is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
            {
                errors.Add($"{prefix}:JwksUri is required: the absolute http(s) URL of the partner's JWKS.");
            }

            var scopes = Scopes.Split(partner.AllowedScopes);
            if (scopes.Length == 0 || scopes.Any(s => !known.Contains(s)))
            {
                errors.Add($"{prefix}:AllowedScopes must list scopes among: {string.Join(' ', known)} (Emulator:ExtraUserScopes adds user scopes).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
