using BoostedGrains.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the signing keys feature on a silo (part of <c>AddBoostedGrains</c>).</summary>
internal static class KeysServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>KeyRing</c> from the host's configuration (validated at start) and registers the KEK protector,
    /// the per-silo <see cref="SigningKeyCache"/> and its refresh service, <see cref="IAssertionSigner"/>, and
    /// <see cref="TimeProvider.System"/> unless a TimeProvider is registered already.
    /// </summary>
    public static IServiceCollection AddBoostedKeys(this IServiceCollection services)
    {
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPrivateKeyProtector, AesGcmPrivateKeyProtector>();
        services.TryAddSingleton<RecordBinder>();
        services.TryAddSingleton<KeyRingStateBinding>();
        services.TryAddSingleton<SigningKeyCache>();
        services.AddHostedService<SigningKeyRefreshService>();
        services.TryAddSingleton<IAssertionSigner, AssertionSigner>();
        return services;
    }
}
