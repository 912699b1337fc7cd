using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>A server that lets one client address hold three connections.</summary>
public sealed class ConnectionLimitFixture : ServerFixture
{
    public const int Limit = 3;

    protected override string[] ServerArguments => ["--max-connections-per-client", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)];
}

/// <summary>
/// --max-connections-per-client: a client's connection beyond the limit is answered 503 SlowDown in S3's XML and closed;
/// once one of its connections closes, a new one is served. The test's sockets come from their own loopback address
/// (127.0.0.2), so the fixture's own pooled connections from 127.0.0.1 are not counted with them.
/// </summary>
public sealed class ConnectionLimitTests(ConnectionLimitFixture fixture) : IClassFixture<ConnectionLimitFixture>
{
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task A_connection_over_the_limit_is_SlowDown_and_closed_and_a_freed_slot_is_served_again()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var open = new List<TcpClient>();
        try
        {
            for (var i = 0; i < ConnectionLimitFixture.Limit; i++)
            {
                var connection = await ConnectAsync(deadline.Token);
                open.Add(connection);
                // An anonymous ListBuckets: refused (403), but answered and the connection kept alive.
                var (status, _, closed) = await ExchangeAsync(connection, deadline.Token);
                Assert.Equal(403, status);
                Assert.False(closed);
            }

            using (var over = await ConnectAsync(deadline.Token))
            {
                var (status, body, closed) = await ExchangeAsync(over, deadline.Token);
                Assert.Equal(503, status);
                var error = XDocument.Parse(body).Root!;
                Assert.Equal("SlowDown", error.Element("Code")?.Value);
                Assert.Equal("Please reduce your request rate.", error.Element("Message")?.Value);
                Assert.True(closed, "the answer over the limit does not say Connection: close");
                // And the server does close it: the stream ends.
                Assert.Equal(0, await over.GetStream().ReadAsync(new byte[1], deadline.Token));
            }

            open[0].Dispose();
            open.RemoveAt(0);
            // The server learns of the close asynchronously: retry until the freed slot is taken (the deadline bounds it).
            while (true)
            {
                using var again = await ConnectAsync(deadline.Token);
                var (status, _, _) = await ExchangeAsync(again, deadline.Token);
                if (status == 403) break;
                Assert.Equal(503, status);
                await Task.Delay(50, deadline.Token);
            }
        }
        finally
        {
            foreach (var connection in open) connection.Dispose();
        }
    }

    private async Task<TcpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient(new IPEndPoint(Client, 0));
        await client.ConnectAsync(IPAddress.Loopback, fixture.Server.Port, cancellationToken);
        return client;
    }

    /// <summary>One GET / on the connection: the status, the body, and whether the answer says the connection closes after it.</summary>
    private static async Task<(int Status, string Body, bool Closed)> ExchangeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), cancellationToken);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOfBlankLine(received)) < 0)
        {
            var n = await stream.ReadAsync(buffer, cancellationToken);
            if (n == 0) throw new IOException("The server closed the connection before its answer's headers.");
            received.Write(buffer, 0, n);
        }
        var head = Encoding.ASCII.GetString(received.GetBuffer(), 0, headerEnd);
        var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))["Content-Length:".Length..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
        while (received.Length < headerEnd + 4 + length)
        {
            var n = await stream.ReadAsync(buffer, cancellationToken);
            if (n == 0) throw new IOException("The server closed the connection inside its answer's body.");
            received.Write(buffer, 0, n);
        }
        var body = Encoding.UTF8.GetString(received.GetBuffer(), headerEnd + 4, length);
        var status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var closes = head.Contains("\r\nConnection: close", StringComparison.OrdinalIgnoreCase);
        return (status, body, closes);
    }

    private static int IndexOfBlankLine(MemoryStream received)
    {
        var bytes = received.GetBuffer().AsSpan(0, (int)received.Length);
        return bytes.IndexOf("\r\n\r\n"u8);
    }
}
