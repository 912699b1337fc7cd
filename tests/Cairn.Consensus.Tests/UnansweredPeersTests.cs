using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Cairn.Transport;
using Cairn.Transport.Raft;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Consensus.Tests;

/// <summary>
/// A node that leaves a Raft request unanswered (cut off, not dead) is not dialled again for a while, so Raft's calls
/// to it fail at once instead of holding a candidate's vote count past its voting window; any answer clears it.
/// </summary>
public sealed class UnansweredPeersTests : IDisposable
{
    private readonly FakeTimeProvider time = new();
    private readonly Socket peer = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly RaftConnector connector;

    public UnansweredPeersTests()
    {
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peer.Listen(16);
        connector = new RaftConnector(new ClusterSecret(RandomNumberGenerator.GetBytes(32)), new Dictionary<IPEndPoint, IPEndPoint>(), time);
    }

    private EndPoint Member => RaftEndPoints.Of((IPEndPoint)peer.LocalEndPoint!, "g1");

    [Fact]
    public async Task A_request_given_up_unanswered_stops_dialling_the_node_until_its_backoff_then_one_probe_goes_through()
    {
        var first = await connector.ConnectAsync(Member);
        using var accepted = await peer.AcceptAsync();
        await first.Transport.Output.WriteAsync(new byte[] { 1, 2, 3 }); // a request; the peer never answers
        time.Advance(UnansweredPeers.Threshold + TimeSpan.FromMilliseconds(1));
        await first.DisposeAsync(); // Raft gives up on it

        await Assert.ThrowsAsync<IOException>(() => connector.ConnectAsync(Member).AsTask());
        time.Advance(UnansweredPeers.Backoff);
        var probe = await connector.ConnectAsync(Member);
        // While the probe is out, others are refused at once rather than pile up on the silent node.
        await Assert.ThrowsAsync<IOException>(() => connector.ConnectAsync(Member).AsTask());
        await probe.DisposeAsync();
    }

    [Fact]
    public async Task An_answer_clears_the_node()
    {
        var first = await connector.ConnectAsync(Member);
        using var accepted = await peer.AcceptAsync();
        await first.Transport.Output.WriteAsync(new byte[] { 1 });
        time.Advance(UnansweredPeers.Threshold * 2);
        await first.DisposeAsync();
        time.Advance(UnansweredPeers.Backoff);

        var probe = await connector.ConnectAsync(Member);
        using var probed = await peer.AcceptAsync();
        await probe.Transport.Output.WriteAsync(new byte[] { 1 });
        await probed.SendAsync(new byte[] { 42 }); // answered
        var answer = await probe.Transport.Input.ReadAsync();
        Assert.Equal(42, answer.Buffer.FirstSpan[0]);
        probe.Transport.Input.AdvanceTo(answer.Buffer.End);

        await (await connector.ConnectAsync(Member)).DisposeAsync();
        await (await connector.ConnectAsync(Member)).DisposeAsync();
        await probe.DisposeAsync();
    }

    [Fact]
    public async Task A_request_given_up_quickly_or_a_connection_closed_between_requests_marks_nothing()
    {
        // A vote the candidate itself stopped waiting for within its voting window is not the peer's silence.
        var quick = await connector.ConnectAsync(Member);
        using var a = await peer.AcceptAsync();
        await quick.Transport.Output.WriteAsync(new byte[] { 1 });
        time.Advance(UnansweredPeers.Threshold / 2);
        await quick.DisposeAsync();
        await (await connector.ConnectAsync(Member)).DisposeAsync();
        using var dialled = await peer.AcceptAsync();

        // Closed idle, long after its last answer (a leader stepping down closes its connections).
        var idle = await connector.ConnectAsync(Member);
        using var b = await peer.AcceptAsync();
        await idle.Transport.Output.WriteAsync(new byte[] { 1 });
        await b.SendAsync(new byte[] { 2 });
        var read = await idle.Transport.Input.ReadAsync();
        idle.Transport.Input.AdvanceTo(read.Buffer.End);
        time.Advance(UnansweredPeers.Threshold * 10);
        await idle.DisposeAsync();
        await (await connector.ConnectAsync(Member)).DisposeAsync();
    }

    public void Dispose()
    {
        connector.Dispose();
        peer.Dispose();
    }
}
