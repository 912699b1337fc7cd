using System.Net;
using System.Net.Sockets;
using System.Text;
using Cairn.Checking.Campaign.Network;

namespace Cairn.Checking.Tests.Network;

/// <summary>The fault proxy over real loopback sockets: it relays, a blackhole holds bytes and new connections until the heal, a dead target closes the client.</summary>
public sealed class FaultProxyTests : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Socket target = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public FaultProxyTests()
    {
        target.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        target.Listen(16);
    }

    private IPEndPoint Target => (IPEndPoint)target.LocalEndPoint!;

    [Fact]
    public async Task Relays_both_directions_and_a_close()
    {
        await using var proxy = new FaultProxy(Target);
        using var client = await ConnectAsync(proxy);
        using var server = await target.AcceptAsync().WaitAsync(Patience);

        await SendAsync(client, "ping");
        Assert.Equal("ping", await ReceiveAsync(server, 4));
        await SendAsync(server, "pong!");
        Assert.Equal("pong!", await ReceiveAsync(client, 5));

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await server.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(Patience));
        // Half-closed: the other direction still works.
        await SendAsync(server, "bye");
        Assert.Equal("bye", await ReceiveAsync(client, 3));
    }

    [Fact]
    public async Task A_blackhole_holds_bytes_both_ways_and_delivers_them_after_the_heal()
    {
        await using var proxy = new FaultProxy(Target);
        using var client = await ConnectAsync(proxy);
        using var server = await target.AcceptAsync().WaitAsync(Patience);
        await SendAsync(client, "a");
        Assert.Equal("a", await ReceiveAsync(server, 1));

        proxy.State = LinkState.Blackhole;
        await SendAsync(client, "request");
        await SendAsync(server, "answer");
        var toServer = ReceiveAsync(server, 7);
        var toClient = ReceiveAsync(client, 6);
        await Task.Delay(Quiet);
        Assert.False(toServer.IsCompleted, "bytes crossed a blackholed link to the target");
        Assert.False(toClient.IsCompleted, "bytes crossed a blackholed link to the client");

        proxy.State = LinkState.Pass;
        Assert.Equal("request", await toServer.WaitAsync(Patience));
        Assert.Equal("answer", await toClient.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_connection_made_during_a_blackhole_reaches_the_target_only_after_the_heal()
    {
        await using var proxy = new FaultProxy(Target);
        proxy.State = LinkState.Blackhole;
        using var client = await ConnectAsync(proxy);
        await SendAsync(client, "hello");
        var accepted = target.AcceptAsync();
        await Task.Delay(Quiet);
        Assert.False(accepted.IsCompleted, "a held connection reached the target during the blackhole");
        Assert.Equal(1, proxy.OpenConnections);
        Assert.Equal(1, proxy.AcceptedConnections);

        proxy.State = LinkState.Pass;
        using var server = await accepted.WaitAsync(Patience);
        Assert.Equal("hello", await ReceiveAsync(server, 5));
        await SendAsync(server, "hi");
        Assert.Equal("hi", await ReceiveAsync(client, 2));
    }

    [Fact]
    public async Task A_close_during_a_blackhole_reaches_the_other_side_after_the_heal()
    {
        await using var proxy = new FaultProxy(Target);
        using var client = await ConnectAsync(proxy);
        using var server = await target.AcceptAsync().WaitAsync(Patience);

        proxy.State = LinkState.Blackhole;
        await SendAsync(client, "last");
        client.Shutdown(SocketShutdown.Send);
        var end = ReceiveToEndAsync(server);
        await Task.Delay(Quiet);
        Assert.False(end.IsCompleted, "a close crossed a blackholed link");

        proxy.State = LinkState.Pass;
        Assert.Equal("last", await end.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_target_that_refuses_closes_the_client_connection()
    {
        var down = Target;
        target.Dispose(); // nothing listens there any more: connections are refused
        await using var proxy = new FaultProxy(down);
        using var client = await ConnectAsync(proxy);
        Assert.True(await ClosedAsync(client), "the client's connection stayed open though the target refused");

        // Still serving: the next connection is refused onward the same way, nothing thrown.
        using var again = await ConnectAsync(proxy);
        Assert.True(await ClosedAsync(again));
    }

    [Fact]
    public async Task Disposing_closes_every_connection_and_the_listener()
    {
        var proxy = new FaultProxy(Target);
        using var relaying = await ConnectAsync(proxy);
        using var server = await target.AcceptAsync().WaitAsync(Patience);
        proxy.State = LinkState.Blackhole;
        using var held = await ConnectAsync(proxy);
        await Task.Delay(100); // accepted by the proxy

        await proxy.DisposeAsync().AsTask().WaitAsync(Patience);
        Assert.True(await ClosedAsync(relaying));
        Assert.True(await ClosedAsync(held));
        Assert.True(await ClosedAsync(server));
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(proxy.EndPoint));
    }

    public void Dispose() => target.Dispose();

    private static async Task<Socket> ConnectAsync(FaultProxy proxy)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(proxy.EndPoint).WaitAsync(Patience);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text) => await socket.SendAsync(Encoding.ASCII.GetBytes(text));

    private static async Task<string> ReceiveAsync(Socket socket, int length)
    {
        var buffer = new byte[length];
        for (var read = 0; read < length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read)).AsTask().WaitAsync(Patience * 2);
            if (n == 0) throw new IOException($"closed after {read} of {length} bytes");
            read += n;
        }
        return Encoding.ASCII.GetString(buffer);
    }

    private static async Task<string> ReceiveToEndAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[256];
        while (await socket.ReceiveAsync(buffer.AsMemory()) is > 0 and var n) text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        return text.ToString();
    }

    /// <summary>Whether the peer closed or reset the connection (within the test's patience).</summary>
    private static async Task<bool> ClosedAsync(Socket socket)
    {
        try
        {
            var buffer = new byte[64];
            while (await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Patience) > 0) { }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
