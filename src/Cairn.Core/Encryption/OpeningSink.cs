using System.Buffers;
using System.Security.Cryptography;

namespace Cairn.Core.Encryption;

/// <summary>
/// The read side of <see cref="SealedBlocks"/>: takes the stored bytes of consecutive sealed blocks of one segment as
/// they arrive (in chunks of any size), opens each block once it is whole and delivers the plaintext bytes of
/// [from, from+length) that it holds. One pooled block buffer; a block that does not open fails the read, so no
/// altered byte is served.
/// </summary>
public sealed class OpeningSink : IDisposable
{
    private readonly AesGcm aes;
    private readonly byte[] header;
    private readonly long segmentLength;
    private readonly long from;
    private readonly long end;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver;
    private readonly byte[] sealedBlock = ArrayPool<byte>.Shared.Rent(SealedBlocks.SealedBlockSize);
    private readonly byte[] plain = ArrayPool<byte>.Shared.Rent(SealedBlocks.BlockSize);
    private long block;
    private int filled;

    /// <param name="firstBlock">The block the stored bytes start with.</param>
    /// <param name="segmentLength">The segment's plaintext length (the last block is shorter).</param>
    /// <param name="from">First plaintext byte to deliver, within the segment.</param>
    public OpeningSink(ReadOnlySpan<byte> dataKey, byte[] header, long segmentLength, long firstBlock, long from, long length,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver)
    {
        aes = new AesGcm(dataKey, SealedBlocks.TagSize);
        this.header = header;
        this.segmentLength = segmentLength;
        block = firstBlock;
        this.from = from;
        end = from + length;
        this.deliver = deliver;
    }

    /// <summary>Where the stored bytes to feed start and end within the segment, for plaintext [from, from+length).</summary>
    public static (long FirstBlock, long StoredStart, long StoredEnd) StoredRange(long segmentLength, long from, long length)
    {
        var first = from / SealedBlocks.BlockSize;
        var last = (from + length - 1) / SealedBlocks.BlockSize;
        var lastLength = Math.Min(SealedBlocks.BlockSize, segmentLength - last * SealedBlocks.BlockSize);
        return (first, SealedBlocks.BlockOffset(first), SealedBlocks.BlockOffset(last) + lastLength + SealedBlocks.TagSize);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> stored, CancellationToken cancellationToken)
    {
        while (!stored.IsEmpty)
        {
            var sealedLength = (int)Math.Min(SealedBlocks.BlockSize, segmentLength - block * SealedBlocks.BlockSize) + SealedBlocks.TagSize;
            var n = Math.Min(sealedLength - filled, stored.Length);
            stored[..n].CopyTo(sealedBlock.AsMemory(filled));
            filled += n;
            stored = stored[n..];
            if (filled < sealedLength) continue;
            var plainLength = sealedLength - SealedBlocks.TagSize;
            try
            {
                SealedBlocks.OpenBlock(aes, header, block, sealedBlock.AsSpan(0, sealedLength), plain);
            }
            catch (CryptographicException e)
            {
                throw new SealedBlockException($"Sealed block {block} does not open: altered, or the wrong key.", e);
            }
            var blockStart = block * SealedBlocks.BlockSize;
            var lo = Math.Max(from, blockStart) - blockStart;
            var hi = Math.Min(end, blockStart + plainLength) - blockStart;
            if (hi > lo) await deliver(plain.AsMemory((int)lo, (int)(hi - lo)), cancellationToken).ConfigureAwait(false);
            block++;
            filled = 0;
        }
    }

    public void Dispose()
    {
        aes.Dispose();
        ArrayPool<byte>.Shared.Return(sealedBlock);
        ArrayPool<byte>.Shared.Return(plain);
    }
}

/// <summary>A sealed block that does not open: its bytes were altered, or the key given is not the object's.</summary>
public sealed class SealedBlockException(string message, Exception inner) : Exception(message, inner);
