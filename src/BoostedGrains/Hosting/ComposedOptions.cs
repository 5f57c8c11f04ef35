using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BoostedGrains.Hosting;

/// <summary>
/// Options of a section the host binds while it is composed, because its values change what is registered (the
/// embedded emulator, the dashboard): the container's options start from that instance instead of binding the section
/// a second time. Post-configures and validations still run on it.
/// </summary>
public static class ComposedOptions
{
    /// <summary>Makes <paramref name="bound"/> the instance <see cref="IOptions{TOptions}"/> and the monitor build on.</summary>
    public static OptionsBuilder<TOptions> AddComposedOptions<TOptions>(this IServiceCollection services, TOptions bound)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(bound);
        services.AddTransient<IOptionsFactory<TOptions>>(provider => new Factory<TOptions>(
            bound,
            provider.GetServices<IConfigureOptions<TOptions>>(),
            provider.GetServices<IPostConfigureOptions<TOptions>>(),
            provider.GetServices<IValidateOptions<TOptions>>()));
        return services.AddOptions<TOptions>();
    }

    private sealed class Factory<TOptions>(
        TOptions bound,
        IEnumerable<IConfigureOptions<TOptions>> setups,
        IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
        IEnumerable<IValidateOptions<TOptions>> validations)
        : OptionsFactory<TOptions>(setups, postConfigures, validations)
        where TOptions : class
    {
        protected override TOptions CreateInstance(string name) =>
            name == Options.DefaultName ? bound : base.CreateInstance(name);
    }
}
