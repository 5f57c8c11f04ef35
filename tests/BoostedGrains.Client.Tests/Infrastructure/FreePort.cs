using System.Net;
using System.Net.Sockets;

namespace BoostedGrains.Client.Tests.Infrastructure;

/// <summary>Finds loopback ports nobody listens on, for silo, gateway and HTTP endpoints that must be known before start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
