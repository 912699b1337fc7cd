using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cairn.Checking.Tests;

/// <summary>
/// A TCP proxy in front of an endpoint that dies the way a node does under kill -9: once it has passed a few calls
/// through, it lets the next DELETE reach the endpoint, waits until the endpoint has answered it (so it is applied),
/// then closes the client's connection cleanly without passing the answer on and refuses every new connection.
/// </summary>
internal sealed class DyingProxy : IAsyncDisposable
{
    private const int CallsBeforeDying = 3;

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Uri target;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private int calls;
    private int dead;

    private DyingProxy(Uri target)
    {
        this.target = target;
        listener.Start();
        accepting = AcceptAsync();
    }

    public static DyingProxy InFrontOf(Uri target) => new(target);

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");

    /// <summary>Whether the proxy died having let a DELETE through whose answer it kept back.</summary>
    public bool DiedAfterApplyingADelete => Volatile.Read(ref dead) == 1;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptSocketAsync(stop.Token);
                _ = Task.Run(() => RelayAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped: new connections are refused from here on.
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var _ = client;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(target.Host, target.Port);
            var held = new TaskCompletionSource();
            var answers = RelayAnswersAsync(server, client, held.Task);
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var read = await client.ReceiveAsync(buffer);
                if (read == 0) break;
                // One call at a time on a connection (HTTP/1.1 without pipelining): a read that starts with a method starts a call.
                var start = Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 8));
                var call = start.StartsWith("GET ", StringComparison.Ordinal) || start.StartsWith("PUT ", StringComparison.Ordinal)
                    || start.StartsWith("DELETE ", StringComparison.Ordinal) || start.StartsWith("HEAD ", StringComparison.Ordinal);
                if (call && Interlocked.Increment(ref calls) > CallsBeforeDying && start.StartsWith("DELETE ", StringComparison.Ordinal)
                    && Interlocked.CompareExchange(ref dead, 1, 0) == 0)
                    held.TrySetResult();
                await server.SendAsync(buffer.AsMemory(0, read));
            }
            await answers;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>Passes answers back until the DELETE the proxy dies at is answered; then dies.</summary>
    private async Task RelayAnswersAsync(Socket server, Socket client, Task held)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await server.ReceiveAsync(buffer);
            if (read == 0) return;
            if (held.IsCompleted)
            {
                // The endpoint applied the DELETE and answered: the "node" dies now, its answer unsent. A clean close
                // (FIN), as the kernel does for a killed process that had read everything sent to it.
                await stop.CancelAsync();
                listener.Stop();
                client.Shutdown(SocketShutdown.Both);
                client.Close();
                server.Close();
                return;
            }
            await client.SendAsync(buffer.AsMemory(0, read));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
