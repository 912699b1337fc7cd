using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.Transport.Raft;

/// <summary>
/// A Kestrel connection lent to a Raft group: the same pipes, features and tokens, but disposing it only tells
/// the connection middleware that Raft is done. Kestrel owns the connection and closes it once the middleware
/// returns, so the middleware waits for <see cref="Released"/> instead of letting Raft dispose it directly.
/// <see cref="ConnectionClosed"/> is the middleware's: the peer closed, or the cluster port is shutting down.
/// </summary>
internal sealed class HandedOverConnection(ConnectionContext inner, CancellationToken closed) : ConnectionContext
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when Raft disposes the connection (or it was never accepted).</summary>
    public Task Released => released.Task;

    public override IDuplexPipe Transport { get => inner.Transport; set => inner.Transport = value; }
    public override string ConnectionId { get => inner.ConnectionId; set => inner.ConnectionId = value; }
    public override IFeatureCollection Features => inner.Features;
    public override IDictionary<object, object?> Items { get => inner.Items; set => inner.Items = value; }
    public override CancellationToken ConnectionClosed { get => closed; set => throw new NotSupportedException(); }
    public override EndPoint? LocalEndPoint { get => inner.LocalEndPoint; set => inner.LocalEndPoint = value; }
    public override EndPoint? RemoteEndPoint { get => inner.RemoteEndPoint; set => inner.RemoteEndPoint = value; }

    public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

    public override ValueTask DisposeAsync()
    {
        released.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
