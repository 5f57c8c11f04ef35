using BoostedGrains.Boosted;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Hosting;

/// <summary>
/// A silo that talks to a Boosted outside its process reaches it, and lets it read the public JWKS, over https only:
/// the token endpoint receives the client secret, and the JWKS decides which signatures Boosted trusts. Loopback hosts
/// are exempt (nothing leaves the machine), and so is a private network the operator names with <c>Boosted__AllowHttp</c>.
/// </summary>
internal sealed class OutboundHttpsRequirement : IValidateOptions<BoostedOptions>
{
    public ValidateOptionsResult Validate(string? name, BoostedOptions options)
    {
        if (options.AllowHttp)
            return ValidateOptionsResult.Success;
        var failures = new List<string>();
        Check(failures, "Boosted__BaseUrl", options.BaseUrl, "the token endpoint receives the client secret");
        Check(failures, "Boosted__TokenEndpoint", options.TokenEndpoint, "it receives the client secret");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>True when <paramref name="url"/> may be used without TLS: https, or a loopback host.</summary>
    public static bool IsSafe(Uri url) => !url.IsAbsoluteUri || url.Scheme == Uri.UriSchemeHttps || url.IsLoopback;

    /// <summary>Adds the failure for <paramref name="setting"/> when its <paramref name="url"/> is plain http to another host.</summary>
    public static void Check(List<string> failures, string setting, Uri? url, string why)
    {
        if (url is not null && !IsSafe(url))
            failures.Add($"{setting} is {url.GetLeftPart(UriPartial.Authority)}: use https ({why}). Plain http is allowed only on a loopback host, "
                + "or on a private network when Boosted__AllowHttp=true says so.");
    }
}
