using Orleans.Hosting;
using BoostedGrains.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace BoostedGrains.Tests.Tokens;

public sealed class TokenOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddBoostedGrainServices()
            .BuildServiceProvider();

    [Fact]
    public void By_default_tokens_persist_and_only_user_grains_idle_out_after_20_minutes()
    {
        using var services = Build([]);

        Assert.True(services.GetRequiredService<IOptions<TokenOptions>>().Value.Persist);
        var collection = services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(20), Assert.Single(collection.ClassSpecificCollectionAge, e => e.Key == typeof(UserTokenGrain).FullName).Value);
    }

    [Fact]
    public void Tokens_IdleDeactivation_sets_the_user_grains_collection_age()
    {
        using var services = Build(new() { ["Tokens:IdleDeactivation"] = "00:45:00" });

        var collection = services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(45), collection.ClassSpecificCollectionAge[typeof(UserTokenGrain).FullName!]);
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("2.00:00:00")]
    public void An_idle_deactivation_out_of_range_fails_naming_the_setting(string value)
    {
        using var services = Build(new() { ["Tokens:IdleDeactivation"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TokenOptions>>().Value);
        Assert.Contains("Tokens__IdleDeactivation", error.Message);
    }
}
