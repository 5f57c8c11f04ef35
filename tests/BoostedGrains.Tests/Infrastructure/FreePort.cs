using System.Net;
using System.Net.Sockets;

namespace BoostedGrains.Tests.Infrastructure;

/// <summary>Loopback ports nobody listens on, for hosts whose address must be known before they start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
