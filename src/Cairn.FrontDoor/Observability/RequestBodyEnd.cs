using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.FrontDoor.Observability;

/// <summary>
/// The request body as the handlers read it, noting on the <see cref="RequestRecord"/> when its last byte arrived: S3's
/// turn-around time starts there, not at the request's first byte. The end is the read that brings the declared length's
/// last byte, or the read that finds no more (a body of unknown length).
/// </summary>
public sealed class RequestBodyEnd : Stream
{
    private readonly Stream inner;
    private readonly RequestRecord record;
    private readonly long? length;
    private long read;

    private RequestBodyEnd(Stream inner, RequestRecord record, long? length) => (this.inner, this.record, this.length) = (inner, record, length);

    /// <summary>Puts the watch on a request that may have a body; a request without one needs none (its turn-around starts at its arrival).</summary>
    public static void Watch(HttpContext http, RequestRecord record)
    {
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false } || http.Request.ContentLength == 0) return;
        http.Request.Body = new RequestBodyEnd(http.Request.Body, record, http.Request.ContentLength);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer), buffer.Length);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    private int Count(int n, int asked)
    {
        read += n;
        if ((n == 0 && asked > 0) || read == length) record.BodyEnded();
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
