using System.Net;
using System.Net.Sockets;

namespace BoostedGrains.Benchmarks.Infrastructure;

/// <summary>Loopback ports free at the time of asking; the silos need theirs known before they start.</summary>
public static class FreePorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
