using System.Net;
using System.Net.Sockets;

namespace Cairn.Checking.Campaign.Network;

/// <summary>
/// One client connection through a <see cref="FaultProxy"/>: held until its link passes, then connected to the target
/// and relayed both ways, each direction stopping at the link's gate while the link is blackholed. A target that
/// refuses, a side that closes or resets, and the proxy's disposal all end in both sockets closed; nothing throws.
/// </summary>
internal sealed class RelayedConnection(Socket client, IPEndPoint target, LinkGate gate) : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Socket onward = new(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A connection made while the link is cut does not reach the target until it heals (as a SYN dropped and resent).
            await gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
            await onward.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(PumpAsync(client, onward, cancellationToken), PumpAsync(onward, client, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception e) when (IsExpected(e))
        {
            // The target refused (its node is down) or the proxy stops: the client's connection closes below.
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Relays one direction until its sender closes (passed on as a half-close) or either side fails.</summary>
    private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                await gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                // Bytes (or a close) received just as the link was cut wait for it to heal, like the rest.
                await gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                for (var sent = 0; sent < read;)
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // A side reset (its node was killed): the other side learns it too, once the link passes.
            try
            {
                await gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            Dispose();
        }
        catch (Exception e) when (IsExpected(e))
        {
            Dispose();
        }
    }

    private static bool IsExpected(Exception e) => e is SocketException or IOException or ObjectDisposedException or OperationCanceledException;

    /// <summary>Closes both sides; any relay still running ends on the closed sockets.</summary>
    public void Dispose()
    {
        client.Dispose();
        onward.Dispose();
    }
}
