namespace Cairn.Cli.Bench;

/// <summary>
/// A read-only, seekable stream of <paramref name="length"/> bytes that repeats one shared block, so a
/// worker can upload objects of any size without allocating or buffering them per operation.
/// </summary>
public sealed class RepeatingPayloadStream(ReadOnlyMemory<byte> block, long length) : Stream
{
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        var total = 0;
        while (destination.Length > 0 && position < length)
        {
            var inBlock = (int)(position % block.Length);
            var n = (int)Math.Min(Math.Min(destination.Length, block.Length - inBlock), length - position);
            block.Span.Slice(inBlock, n).CopyTo(destination);
            destination = destination[n..];
            position += n;
            total += n;
        }
        return total;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(destination.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
