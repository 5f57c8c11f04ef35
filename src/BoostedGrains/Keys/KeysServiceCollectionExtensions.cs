using BoostedGrains.Diagnostics;
using BoostedGrains.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the signing keys feature on a silo.</summary>
public static class KeysServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>KeyRing</c> from <paramref name="configuration"/> (validated at start) and registers the KEK protector,
    /// the per-silo <see cref="SigningKeyCache"/> and its refresh service, <see cref="IAssertionSigner"/>, and
    /// <see cref="TimeProvider.System"/> unless a TimeProvider is registered already.
    /// </summary>
    public static IServiceCollection AddBoostedKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KeyRingOptions>().Bind(configuration.GetSection(KeyRingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPrivateKeyProtector, AesGcmPrivateKeyProtector>();
        services.TryAddSingleton<SigningKeyCache>();
        services.AddHostedService<SigningKeyRefreshService>();
        services.TryAddSingleton<IAssertionSigner, AssertionSigner>();
        return services;
    }

    /// <summary>
    /// Makes the silo's start import <c>KeyRing__Import__*</c> (if set) and load the ring before the silo reports
    /// started: a KEK that cannot decrypt the ring fails the start instead of serving without a key.
    /// </summary>
    public static IServiceCollection AddKeyRingStartupCheck(this IServiceCollection services)
    {
        services.TryAddSingleton<AdminAudit>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, KeyRingStartup>();
        return services;
    }
}
