using System.Reflection;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>
/// Turns a stock Orleans client into a hand-crafted one: from now on every message it sends names another caller
/// (<c>SendingGrain</c>), as anyone may write into the messages of a client of their own. The gateway checks the client ID
/// only in the connection's preamble and forwards the messages' caller ID as written (Orleans 10.4.2).
/// </summary>
internal static class ForgedCaller
{
    public static void Impersonate(IClusterClient client, GrainId claimed)
    {
        // The stock client writes its own address's grain ID into each request (OutsideRuntimeClient.SendRequest).
        var runtimeType = typeof(IClusterClient).Assembly.GetType("Orleans.OutsideRuntimeClient", throwOnError: true)!;
        var runtime = client.ServiceProvider.GetService(runtimeType)
            ?? throw new InvalidOperationException("The client has no OutsideRuntimeClient: the forging trick needs updating for this Orleans version.");
        var address = runtimeType.GetProperty("CurrentActivationAddress", BindingFlags.Instance | BindingFlags.Public)!;
        var current = (GrainAddress)address.GetValue(runtime)!;
        address.SetValue(runtime, new GrainAddress { GrainId = claimed, SiloAddress = current.SiloAddress });
    }

    /// <summary>The ID of the client inside the silo at <paramref name="silo"/>, which the admin API calls grains through.</summary>
    public static GrainId HostedClientOf(SiloAddress silo) => GrainId.Create(GrainTypePrefix.ClientGrainType, "hosted-" + silo.ToParsableString());
}
