using System.Net;
using System.Net.Sockets;

namespace BoostedGrains.Hosting.Tests.Infrastructure;

/// <summary>Waits for a child process to listen on its port.</summary>
internal static class FreePorts
{
    /// <summary>Polls until <paramref name="port"/> accepts connections; fails at once when <paramref name="owner"/> exits.</summary>
    public static async Task WaitListeningAsync(int port, TimeSpan timeout, ChildProcess owner)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (owner.HasExited)
                throw new InvalidOperationException($"{owner.Name} exited with code {owner.ExitCode} before listening on {port}.\n{owner.Output}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException e)
            {
                throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout}. {owner.Output}", e);
            }
        }
    }
}
