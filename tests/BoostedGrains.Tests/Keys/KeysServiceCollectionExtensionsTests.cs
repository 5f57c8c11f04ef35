using BoostedGrains.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BoostedGrains.Tests.Keys;

public sealed class KeysServiceCollectionExtensionsTests
{
    private static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        var builder = Host.CreateApplicationBuilder();
        before?.Invoke(builder.Services);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddBoostedKeys();
        return builder.Build();
    }

    [Fact]
    public void A_bad_timeline_fails_the_boot_naming_the_setting()
    {
        using var host = Build(new() { ["KeyRing:RotationInterval"] = "1.00:00:00" });

        // What the host runs at start, before any hosted service (the refresh service needs a silo's grain factory).
        var error = Assert.Throws<OptionsValidationException>(host.Services.GetRequiredService<IStartupValidator>().Validate);
        Assert.Contains("KeyRing__RotationInterval", error.Message);
    }

    [Fact]
    public void Binds_the_KeyRing_section_and_keeps_a_registered_TimeProvider()
    {
        var fake = new FakeTimeProvider();
        using var host = Build(
            new() { ["KeyRing:Algorithm"] = "ES256", ["KeyRing:PropagationTime"] = "00:20:00", ["KeyRing:RefreshInterval"] = "00:00:05" },
            services => services.AddSingleton<TimeProvider>(fake));

        var options = host.Services.GetRequiredService<IOptions<KeyRingOptions>>().Value;
        Assert.Equal(KeyAlgorithm.ES256, options.Algorithm);
        Assert.Equal(TimeSpan.FromMinutes(20), options.PropagationTime);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RefreshInterval);
        Assert.Same(fake, host.Services.GetRequiredService<TimeProvider>());
        Assert.IsType<AesGcmPrivateKeyProtector>(host.Services.GetRequiredService<IPrivateKeyProtector>());
    }
}
