using Microsoft.Extensions.Options;

namespace BoostedGrains.Keys;

/// <summary>Checks <see cref="JwksOptions"/> at start with sentences naming the setting.</summary>
internal sealed class JwksOptionsValidator : IValidateOptions<JwksOptions>
{
    public ValidateOptionsResult Validate(string? name, JwksOptions options)
    {
        var failures = new List<string>();
        if (options.PublicUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http")))
            failures.Add("Jwks__PublicUrl must be an absolute http(s) URL: the jwks_uri registered with Boosted.");
        if (options.VerifyInterval <= TimeSpan.Zero)
            failures.Add("Jwks__VerifyInterval must be positive (default 00:02:00).");
        if (options.RequiredSeenFraction is not (> 0 and <= 1))
            failures.Add("Jwks__RequiredSeenFraction must be above 0 and at most 1 (default 0.9).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
