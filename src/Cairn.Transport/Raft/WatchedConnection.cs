using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.Transport.Raft;

/// <summary>
/// A Raft connection to a peer node that tells <see cref="UnansweredPeers"/> how the node answers: bytes read from it
/// clear it, and closing the connection while a request has waited long for its answer marks it. Raft writes a request
/// (flushes) then reads its answer, one at a time on a connection, so "flushed, and nothing read since" is a request
/// waiting. Everything else is the inner connection's.
/// </summary>
internal sealed class WatchedConnection : ForwardingConnection
{
    private readonly ConnectionContext inner;
    private readonly IPEndPoint node;
    private readonly UnansweredPeers peers;
    private readonly IDuplexPipe transport;
    private readonly Lock sync = new();
    private DateTimeOffset? waitingSince; // the last flush, unless bytes were read since
    private bool closed;

    public WatchedConnection(ConnectionContext inner, IPEndPoint node, UnansweredPeers peers) : base(inner)
    {
        this.inner = inner;
        this.node = node;
        this.peers = peers;
        transport = new Pipe(new Reader(inner.Transport.Input, this), new Writer(inner.Transport.Output, this));
    }

    public override IDuplexPipe Transport { get => transport; set => throw new NotSupportedException(); }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        Closing();
        inner.Abort(abortReason);
    }

    public override ValueTask DisposeAsync()
    {
        Closing();
        return inner.DisposeAsync();
    }

    private void Flushed()
    {
        // From the last flush: a long request being streamed (a snapshot) is not waiting for its answer yet.
        lock (sync) waitingSince = peers.Now;
    }

    private void Read()
    {
        lock (sync) waitingSince = null;
        peers.Heard(node);
    }

    private void Closing()
    {
        DateTimeOffset? since;
        lock (sync)
        {
            if (closed) return;
            closed = true;
            since = waitingSince;
        }
        if (since is { } start) peers.GaveUp(node, peers.Now - start);
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;
        public PipeWriter Output => output;
    }

    private sealed class Reader(PipeReader inner, WatchedConnection connection) : PipeReader
    {
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Seen(await inner.ReadAsync(cancellationToken).ConfigureAwait(false));

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result)) return false;
            Seen(result);
            return true;
        }

        private ReadResult Seen(ReadResult result)
        {
            if (!result.Buffer.IsEmpty) connection.Read();
            return result;
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);
        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);
        public override void CancelPendingRead() => inner.CancelPendingRead();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    private sealed class Writer(PipeWriter inner, WatchedConnection connection) : PipeWriter
    {
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            connection.Flushed();
            return inner.FlushAsync(cancellationToken);
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            connection.Flushed();
            return inner.WriteAsync(source, cancellationToken);
        }

        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;
        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
