using System.Buffers;
using System.Security.Cryptography;
using Cairn.Core.Encryption;
using Cairn.FrontDoor.Objects;

namespace Cairn.FrontDoor.Encryption;

/// <summary>
/// Reads plaintext from a source and yields it as a sealed segment (<see cref="SealedBlocks"/>): the header, then each
/// block's ciphertext and tag, a block at a time through two pooled buffers — nothing of the object is held whole.
/// </summary>
public sealed class SealingStream : ForwardOnlyStream
{
    private readonly Stream source;
    private readonly AesGcm aes;
    private readonly byte[] header = new byte[SealedBlocks.HeaderSize];
    private readonly byte[] plain = ArrayPool<byte>.Shared.Rent(SealedBlocks.BlockSize);
    private readonly byte[] sealedBlock = ArrayPool<byte>.Shared.Rent(SealedBlocks.SealedBlockSize);
    private ReadOnlyMemory<byte> pending;
    private long block;
    private bool sourceEnded;
    private bool disposed;

    public SealingStream(Stream source, ReadOnlySpan<byte> dataKey)
    {
        this.source = source;
        aes = new AesGcm(dataKey, SealedBlocks.TagSize);
        SealedBlocks.NewHeader(header);
        pending = header;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (pending.IsEmpty && !sourceEnded) pending = await NextBlockAsync(cancellationToken).ConfigureAwait(false);
        var n = Math.Min(buffer.Length, pending.Length);
        pending[..n].CopyTo(buffer);
        pending = pending[n..];
        return n;
    }

    private async ValueTask<ReadOnlyMemory<byte>> NextBlockAsync(CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < SealedBlocks.BlockSize)
        {
            var n = await source.ReadAsync(plain.AsMemory(filled, SealedBlocks.BlockSize - filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                sourceEnded = true;
                break;
            }
            filled += n;
        }
        if (filled == 0) return ReadOnlyMemory<byte>.Empty;
        SealedBlocks.SealBlock(aes, header, block++, plain.AsSpan(0, filled), sealedBlock.AsSpan(0, filled + SealedBlocks.TagSize));
        return sealedBlock.AsMemory(0, filled + SealedBlocks.TagSize);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            aes.Dispose();
            ArrayPool<byte>.Shared.Return(plain);
            ArrayPool<byte>.Shared.Return(sealedBlock);
        }
        base.Dispose(disposing);
    }
}
