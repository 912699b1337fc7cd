using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Cairn.Checking.Campaign.Network;

/// <summary>
/// A TCP proxy on 127.0.0.1 (an ephemeral port) in front of one target, whose link can be cut and healed at any time
/// (<see cref="State"/>): a network fault between two processes of one machine, without root. Every accepted
/// connection is connected onward to the target and relayed both ways while the link passes; while it is blackholed
/// nothing moves and new connections wait, and on the heal everything resumes where it stopped. A target that refuses
/// closes the client's connection. Nothing thrown by a connection escapes; disposal closes the listener and every
/// connection.
/// </summary>
public sealed class FaultProxy : IDisposable, IAsyncDisposable
{
    private readonly Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly LinkGate gate = new();
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<RelayedConnection, Task> connections = new();
    private readonly Task accepting;
    private int disposed;
    private int accepted;

    public FaultProxy(IPEndPoint target)
    {
        Target = target;
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        accepting = AcceptAsync();
    }

    /// <summary>Where the proxy relays to.</summary>
    public IPEndPoint Target { get; }

    /// <summary>Where the proxy listens: dial this instead of <see cref="Target"/>.</summary>
    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>Whether the link passes or is blackholed; switching applies at once to every connection, old and new.</summary>
    public LinkState State
    {
        get => gate.State;
        set => gate.State = value;
    }

    /// <summary>Connections accepted since the proxy started: whether anything dials through it.</summary>
    public int AcceptedConnections => Volatile.Read(ref accepted);

    /// <summary>Connections accepted and not yet closed (held ones included).</summary>
    public int OpenConnections => connections.Count;

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop.Token).ConfigureAwait(false);
            }
            catch (SocketException) when (!stop.IsCancellationRequested)
            {
                continue; // a connection that aborted before it was accepted
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            client.NoDelay = true;
            Interlocked.Increment(ref accepted);
            var connection = new RelayedConnection(client, Target, gate);
            var relay = new TaskCompletionSource();
            connections[connection] = relay.Task;
            _ = RelayAsync(connection, relay);
            if (stop.IsCancellationRequested) connection.Dispose(); // accepted as the proxy was being disposed
        }
    }

    private async Task RelayAsync(RelayedConnection connection, TaskCompletionSource done)
    {
        try
        {
            await connection.RunAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            connections.TryRemove(connection, out _);
            done.TrySetResult();
        }
    }

    public override string ToString() => $"{EndPoint} -> {Target} ({State})";

    /// <summary>Stops accepting and closes every connection, held or relaying.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        stop.Cancel();
        listener.Dispose();
        foreach (var connection in connections.Keys) connection.Dispose();
    }

    /// <summary>As <see cref="Dispose"/>, then waits for the relays to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await accepting.ConfigureAwait(false);
        await Task.WhenAll(connections.Values).ConfigureAwait(false);
    }
}
