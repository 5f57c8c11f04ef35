using BoostedGrains.Silo.Admin;
using BoostedGrains.Silo.Gateway;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Silo.Security;

/// <summary>Fails the start of a silo whose Boosted is real while a gateway or admin key is a development one (<see cref="DevelopmentKeys"/>).</summary>
public sealed class DevelopmentKeyValidation(IOptions<AdminOptions> admin) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var keys = options.Resolved().Select(key => (key.Setting, key.Key))
            .Concat(admin.Value.ApiKeys.Where(key => !string.IsNullOrWhiteSpace(key.Value)).Select(key => ($"Admin__ApiKeys__{key.Key}", key.Value)));
        return DevelopmentKeys.Problem(keys) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
