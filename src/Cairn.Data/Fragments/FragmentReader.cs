using System.Buffers;
using Cairn.Data.Drives;

namespace Cairn.Data.Fragments;

/// <summary>A fragment's block checksum did not match: these bytes must never be served.</summary>
public sealed class FragmentCorruptException(string message, long? block = null) : IOException(message)
{
    /// <summary>The first block found bad, or null when the fragment as a whole is (its header, its length).</summary>
    public long? Block { get; } = block;
}

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
        var current = ArrayPool<byte>.Shared.Rent(framed * BlocksPerRead);
        var ahead = ArrayPool<byte>.Shared.Rent(framed * BlocksPerRead);
        var end = offset + length;
        var block = offset / blockSize;
        var lastBlock = (end - 1) / blockSize;
        // Read-ahead: the next run of blocks is read from the drive while this one is verified and sent.
        var pending = ReadRunAsync(source, block, RunLength(block, lastBlock), blockSize, dataLength, current, cancellationToken);
        try
        {
            while (true)
            {
                var count = await pending.ConfigureAwait(false);
                var nextBlock = block + count;
                pending = nextBlock <= lastBlock
                    ? ReadRunAsync(source, nextBlock, RunLength(nextBlock, lastBlock), blockSize, dataLength, ahead, cancellationToken)
                    : Task.FromResult(0);
                for (var i = 0; i < count; i++, block++)
                {
                    var dataStart = block * blockSize;
                    var size = (int)Math.Min(blockSize, dataLength - dataStart);
                    var data = current.AsMemory(i * framed, size);
                    if (!FragmentFormat.Verify(data.Span, current.AsSpan(i * framed + size, FragmentFormat.ChecksumSize)))
                        throw new FragmentCorruptException($"block {block} failed its checksum", block);
                    var from = (int)Math.Max(0, offset - dataStart);
                    var to = (int)Math.Min(size, end - dataStart);
                    await deliver(data[from..to], cancellationToken).ConfigureAwait(false);
                    offset = dataStart + to;
                }
                if (nextBlock > lastBlock) break;
                (current, ahead) = (ahead, current);
            }
        }
        finally
        {
            // Never hand a buffer back to the pool while a read may still be filling it.
            try { await pending.ConfigureAwait(false); } catch { /* the read's failure no longer matters */ }
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(ahead);
        }
    }

    /// <summary>Reads and verifies data bytes [offset, offset+destination.Length) of a fragment into <paramref name="destination"/>.</summary>
    public static Task ReadIntoAsync(IFragmentSource source, long dataLength, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var written = 0;
        return ReadRangeAsync(source, dataLength, offset, destination.Length, (chunk, _) =>
        {
            chunk.CopyTo(destination[written..]);
            written += chunk.Length;
            return ValueTask.CompletedTask;
        }, cancellationToken);
    }

    /// <summary>
    /// Reads and verifies every block of a fragment, keeping none of its data (scrub). A checksum, header or
    /// length that is wrong is the verdict <see cref="FragmentHealth.Corrupt"/>; a read that fails still throws.
    /// </summary>
    public static async Task<FragmentCheck> VerifyAsync(IFragmentSource source, long dataLength, CancellationToken cancellationToken)
    {
        try
        {
            await ReadRangeAsync(source, dataLength, 0, dataLength, static (_, _) => ValueTask.CompletedTask, cancellationToken).ConfigureAwait(false);
            return FragmentCheck.Ok(dataLength);
        }
        catch (FragmentCorruptException e)
        {
            return FragmentCheck.Corrupt(e.Block, e.Message);
        }
    }

    private static int RunLength(long block, long lastBlock) => (int)Math.Min(BlocksPerRead, lastBlock - block + 1);

    /// <summary>Reads <paramref name="count"/> framed blocks starting at <paramref name="block"/>; returns count.</summary>
    private static async Task<int> ReadRunAsync(IFragmentSource source, long block, int count, int blockSize, long dataLength, byte[] buffer,
        CancellationToken cancellationToken)
    {
        var dataInRun = (int)Math.Min((long)count * blockSize, dataLength - block * blockSize);
        var runBytes = dataInRun + count * FragmentFormat.ChecksumSize;
        var read = 0;
        while (read < runBytes)
        {
            var n = await source.ReadAsync(FragmentFormat.BlockOffset(block, blockSize) + read, buffer.AsMemory(read, runBytes - read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                var cut = block + read / (blockSize + FragmentFormat.ChecksumSize);
                throw new FragmentCorruptException($"fragment truncated in block {cut}", cut);
            }
            read += n;
        }
        return count;
    }
}
