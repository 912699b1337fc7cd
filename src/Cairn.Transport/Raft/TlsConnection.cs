using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using Cairn.Transport.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.Transport.Raft;

/// <summary>
/// A dialled connection with TLS over its pipes: reads and writes go through the TLS stream; everything else (closing,
/// aborting, the closed token Raft waits on, the endpoints) is the socket connection's, so it behaves as the plain one does.
/// </summary>
internal sealed class TlsConnection : ForwardingConnection
{
    private readonly ConnectionContext inner;
    private readonly SslStream tls;
    private readonly IDuplexPipe transport;

    private TlsConnection(ConnectionContext inner, SslStream tls) : base(inner)
    {
        this.inner = inner;
        this.tls = tls;
        transport = new Pipe(PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true)), PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true)));
    }

    /// <summary>Runs the client handshake over <paramref name="inner"/>; on failure the connection is disposed and the failure thrown.</summary>
    public static async ValueTask<ConnectionContext> AuthenticateAsync(ConnectionContext inner, ClusterTls tls, string host, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await tls.AuthenticateAsClientAsync(new PipeStream(inner.Transport), host, cancellationToken).ConfigureAwait(false);
            return new TlsConnection(inner, stream);
        }
        catch
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override IDuplexPipe Transport { get => transport; set => throw new NotSupportedException(); }

    public override void Abort(ConnectionAbortedException abortReason) => inner.Abort(abortReason);

    public override async ValueTask DisposeAsync()
    {
        await transport.Input.CompleteAsync().ConfigureAwait(false);
        await transport.Output.CompleteAsync().ConfigureAwait(false);
        await tls.DisposeAsync().ConfigureAwait(false);
        await inner.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;
        public PipeWriter Output => output;
    }

    /// <summary>The socket connection's pipes as the stream TLS runs over.</summary>
    private sealed class PipeStream(IDuplexPipe pipe) : Stream
    {
        private readonly Stream input = pipe.Input.AsStream(leaveOpen: true);
        private readonly Stream output = pipe.Output.AsStream(leaveOpen: true);

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => input.ReadAsync(buffer, offset, count, cancellationToken);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => output.WriteAsync(buffer, offset, count, cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        // SslStream is driven asynchronously here; the synchronous members exist because Stream requires them.
        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);
        public override void Flush() => output.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
