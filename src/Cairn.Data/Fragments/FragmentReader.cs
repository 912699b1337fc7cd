using System.Buffers;
using Cairn.Data.Drives;

namespace Cairn.Data.Fragments;

/// <summary>A fragment's block checksum did not match: these bytes must never be served.</summary>
public sealed class FragmentCorruptException(string message) : IOException(message);

/// <summary>Reads a range of a fragment's data, verifying every block it touches.</summary>
public static class FragmentReader
{
    private const int BlocksPerRead = 16;

    /// <summary>Streams data bytes [offset, offset+length) to <paramref name="deliver"/> after verification.</summary>
    public static async Task ReadRangeAsync(IFragmentSource source, long dataLength, long offset, long length,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken)
    {
        if (length == 0) return;
        var header = new byte[FragmentFormat.HeaderSize];
        if (await source.ReadAsync(0, header, cancellationToken).ConfigureAwait(false) != header.Length
            || !FragmentFormat.TryReadHeader(header, out var blockSize))
            throw new FragmentCorruptException("fragment header unreadable");
        if (source.Length < FragmentFormat.FileLength(dataLength, blockSize))
            throw new FragmentCorruptException("fragment shorter than its blob");

        var framed = blockSize + FragmentFormat.ChecksumSize;
        var buffer = ArrayPool<byte>.Shared.Rent(framed * BlocksPerRead);
        try
        {
            var block = offset / blockSize;
            var end = offset + length;
            while (offset < end)
            {
                var blocksLeft = (end - 1) / blockSize - block + 1;
                var count = (int)Math.Min(BlocksPerRead, blocksLeft);
                var blockStart = block * blockSize;
                var dataInRun = (int)Math.Min((long)count * blockSize, dataLength - blockStart);
                var runBytes = dataInRun + count * FragmentFormat.ChecksumSize;
                var read = 0;
                while (read < runBytes)
                {
                    var n = await source.ReadAsync(FragmentFormat.BlockOffset(block, blockSize) + read, buffer.AsMemory(read, runBytes - read), cancellationToken).ConfigureAwait(false);
                    if (n == 0) throw new FragmentCorruptException("fragment truncated");
                    read += n;
                }
                for (var i = 0; i < count; i++)
                {
                    var dataStart = block * blockSize;
                    var size = (int)Math.Min(blockSize, dataLength - dataStart);
                    var framedBlock = buffer.AsMemory(i * framed, size);
                    if (!FragmentFormat.Verify(framedBlock.Span, buffer.AsSpan(i * framed + size, FragmentFormat.ChecksumSize)))
                        throw new FragmentCorruptException($"block {block} failed its checksum");
                    var from = (int)Math.Max(0, offset - dataStart);
                    var to = (int)Math.Min(size, end - dataStart);
                    await deliver(framedBlock[from..to], cancellationToken).ConfigureAwait(false);
                    offset = dataStart + to;
                    block++;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
