using BoostedGrains.Boosted;
using BoostedGrains.Diagnostics;
using BoostedGrains.Hosting;
using BoostedGrains.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace BoostedGrains.Tokens;

/// <summary>
/// What every user grain of a silo uses, resolved once: a grain holds one reference to it instead of a field per
/// service (docs/benchmarks.md, row 5: a silo holds one user grain per active user).
/// </summary>
public sealed class UserTokenGrainServices(
    BoostedTokenClient tokenClient,
    BoostedAccountClient accountClient,
    IAssertionSigner signer,
    IOptions<BoostedOptions> options,
    IOptions<TokenOptions> tokenOptions,
    UserTokenProtector protector,
    TimeProvider time,
    BoostedGrainsMetrics metrics,
    ILogger<UserTokenGrain> logger,
    [FromKeyedServices(GrainStorage.Name)] IGrainStorage storage,
    IServiceProvider services)
{
    internal BoostedTokenClient TokenClient => tokenClient;
    internal BoostedAccountClient AccountClient => accountClient;
    internal IAssertionSigner Signer => signer;
    internal BoostedOptions Options { get; } = options.Value;
    internal bool Persist { get; } = tokenOptions.Value.Persist;
    internal UserTokenProtector Protector => protector;
    internal TimeProvider Time => time;
    internal BoostedGrainsMetrics Metrics => metrics;
    internal ILogger<UserTokenGrain> Logger => logger;
    internal IGrainStorage Storage => storage;
    internal UserStateBinding Binding { get; } = services.GetRequiredService<UserStateBinding>();

    /// <summary>The scopes callers may ask user tokens for.</summary>
    internal IReadOnlySet<string> AllowedScopes => Options.EffectiveAllowedUserScopes;

    /// <summary>The default scope set, under its one spelling: every grain shares the string.</summary>
    internal string UserScope => _userScope ??= ScopeSet.Normalize(Options.UserScope, AllowedScopes);

    private string? _userScope;
}
