using BoostedGrains.Keys;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Hosting;

/// <summary>
/// The public JWKS URL Boosted reads is https, as <see cref="OutboundHttpsRequirement"/> asks of Boosted's own URLs.
/// Takes <c>Boosted__AllowHttp</c> as a value, not through the Boosted options, so that reading the JWKS options never
/// validates the Boosted ones earlier than the start does.
/// </summary>
internal sealed class JwksHttpsRequirement(bool allowHttp) : IValidateOptions<JwksOptions>
{
    public ValidateOptionsResult Validate(string? name, JwksOptions options)
    {
        if (allowHttp)
            return ValidateOptionsResult.Success;
        var failures = new List<string>();
        OutboundHttpsRequirement.Check(failures, "Jwks__PublicUrl", options.PublicUrl, "Boosted trusts every key it serves");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
