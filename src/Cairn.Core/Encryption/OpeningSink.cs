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
    /// <summary>Plaintext handed on at once, at most: one delivery per stored chunk rather than per 64 KiB block.</summary>
    private const int BatchBlocks = 16;

    private readonly AesGcm aes;
    private readonly byte[] header;
    private readonly long segmentLength;
    private readonly long from;
    private readonly long end;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver;
    private readonly byte[] sealedBlock = ArrayPool<byte>.Shared.Rent(SealedBlocks.SealedBlockSize);
    private readonly byte[] plain;
    private long block;
    private int filled;
    private int pendingStart;
    private int pendingEnd;

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
        var blocks = Math.Clamp((end - 1) / SealedBlocks.BlockSize - firstBlock + 1, 1, BatchBlocks);
        plain = ArrayPool<byte>.Shared.Rent((int)blocks * SealedBlocks.BlockSize);
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
            ReadOnlyMemory<byte> whole;
            if (filled == 0 && stored.Length >= sealedLength)
            {
                // The common case: the block lies whole in what arrived, and is opened where it is.
                whole = stored[..sealedLength];
                stored = stored[sealedLength..];
            }
            else
            {
                var n = Math.Min(sealedLength - filled, stored.Length);
                stored[..n].CopyTo(sealedBlock.AsMemory(filled));
                filled += n;
                stored = stored[n..];
                if (filled < sealedLength) continue;
                whole = sealedBlock.AsMemory(0, sealedLength);
                filled = 0;
            }
            Open(whole.Span, sealedLength - SealedBlocks.TagSize);
            if (plain.Length - pendingEnd < SealedBlocks.BlockSize) await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the block into the batch; only the range's first block starts past 0, only its last ends early.</summary>
    private void Open(ReadOnlySpan<byte> sealedSpan, int plainLength)
    {
        var at = pendingEnd;
        try
        {
            SealedBlocks.OpenBlock(aes, header, block, sealedSpan, plain.AsSpan(at, plainLength));
        }
        catch (CryptographicException e)
        {
            throw new SealedBlockException($"Sealed block {block} does not open: altered, or the wrong key.", e);
        }
        var blockStart = block * SealedBlocks.BlockSize;
        var lo = (int)(Math.Max(from, blockStart) - blockStart);
        var hi = (int)(Math.Max(Math.Min(end, blockStart + plainLength) - blockStart, lo));
        if (pendingStart == pendingEnd) pendingStart = pendingEnd = at + lo;
        pendingEnd = at + hi;
        block++;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (pendingEnd > pendingStart) await deliver(plain.AsMemory(pendingStart, pendingEnd - pendingStart), cancellationToken).ConfigureAwait(false);
        pendingStart = pendingEnd = 0;
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
