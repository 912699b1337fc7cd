namespace Cairn.Fuzz.Tests.Engine;

/// <summary>Reads a decoding stream to its end in reads of a given size, so every buffer boundary is crossed somewhere.</summary>
public static class Drain
{
    public static async Task<long> ReadToEndAsync(Stream stream, int readSize)
    {
        var buffer = new byte[Math.Clamp(readSize, 1, 64 * 1024)];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) total += n;
        return total;
    }
}

/// <summary>Serves bytes in pieces of at most <c>maxPerRead</c>, as a socket does.</summary>
public sealed class TrickleStream(byte[] data, int maxPerRead) : Stream
{
    private int position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, Math.Max(1, maxPerRead)), data.Length - position);
        data.AsSpan(position, n).CopyTo(buffer);
        position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
