using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace Cairn.Transport.Raft;

/// <summary>
/// The server side Raft sees: one virtual listener per group, bound by the group's <c>cairn-raft://</c>
/// address, accepting the connections the cluster port's <see cref="ClusterPortDemux"/> hands over to it.
/// Nothing listens on a socket here.
/// </summary>
internal sealed class RaftGroupListeners : IConnectionListenerFactory
{
    /// <summary>Connections waiting for the group to accept them; past this the newest is closed (the peer reconnects).</summary>
    private const int Backlog = 64;

    private readonly ConcurrentDictionary<string, GroupListener> bound = new(StringComparer.Ordinal);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (!RaftEndPoints.TryParse(endpoint, out _, out var group))
            throw new ArgumentException($"Not a Raft group member's cluster-port address: {endpoint}", nameof(endpoint));
        var listener = new GroupListener(this, endpoint, group);
        if (!bound.TryAdd(group, listener)) throw new AddressInUseException($"Raft group {group} is already listening on this cluster port.");
        return ValueTask.FromResult<IConnectionListener>(listener);
    }

    /// <summary>Queues the connection for the group's member; false when no member of that group listens here (or it is swamped).</summary>
    public bool TryHandOver(string group, ConnectionContext connection) => bound.TryGetValue(group, out var listener) && listener.TryQueue(connection);

    private sealed class GroupListener(RaftGroupListeners owner, EndPoint endPoint, string group) : IConnectionListener
    {
        private readonly Channel<ConnectionContext> queue = Channel.CreateBounded<ConnectionContext>(Backlog);

        public EndPoint EndPoint => endPoint;

        public bool TryQueue(ConnectionContext connection) => queue.Writer.TryWrite(connection);

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await queue.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null; // unbound: the accept loop ends
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => CloseAsync();

        public ValueTask DisposeAsync() => CloseAsync();

        /// <summary>
        /// Frees the group id (a restarted member binds it again) and closes what was queued but never accepted.
        /// Once the writer is complete a late hand-over fails instead of queueing, so none is left behind.
        /// </summary>
        private async ValueTask CloseAsync()
        {
            owner.bound.TryRemove(KeyValuePair.Create(group, this));
            queue.Writer.TryComplete();
            while (queue.Reader.TryRead(out var connection)) await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
