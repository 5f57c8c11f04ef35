using System.Net;
using System.Net.Sockets;

namespace BoostedGrains.Testing;

/// <summary>
/// Loopback ports that were free when asked, for hosts whose address must be known before they start. Shared by every
/// test project (linked into each).
/// </summary>
public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999): the outgoing connections of tests running in parallel take ports
    // from that range and could grab one between this check and the host's bind.
    private const int First = 20000;
    private const int Last = 32000;

    private static readonly HashSet<int> Handed = [];

    /// <summary>A port no one listens on now, never the same one twice in this process.</summary>
    public static int Next()
    {
        lock (Handed)
        {
            while (true)
            {
                var port = Random.Shared.Next(First, Last);
                if (!Handed.Contains(port) && CanBind(port))
                {
                    Handed.Add(port);
                    return port;
                }
            }
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
