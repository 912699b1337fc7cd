using System.Buffers;
using Cairn.Data.Drives;

namespace Cairn.Data.Fragments;

/// <summary>
/// Frames data into checksummed blocks and streams them to a fragment sink. Output is staged in
/// one pooled buffer of several blocks so the drive sees large writes; while one buffer is being
/// written the caller fills the other (double buffering), so hashing and disk I/O overlap.
/// </summary>
public sealed class FragmentWriter : IAsyncDisposable
{
    private const int BlocksPerWrite = 16;
    private readonly IFragmentSink sink;
    private readonly int blockSize;
    private readonly int stageSize;
    private byte[] stage;
    private byte[] spare;
    private int staged;      // bytes framed into stage, including header and checksums
    private int blockFill;   // data bytes in the current, unfinished block
    private Task pendingWrite = Task.CompletedTask;

    public FragmentWriter(IFragmentSink sink, int blockSize = FragmentFormat.DefaultBlockSize)
    {
        this.sink = sink;
        this.blockSize = blockSize;
        stageSize = FragmentFormat.HeaderSize + BlocksPerWrite * (blockSize + FragmentFormat.ChecksumSize);
        stage = ArrayPool<byte>.Shared.Rent(stageSize);
        spare = ArrayPool<byte>.Shared.Rent(stageSize);
        FragmentFormat.WriteHeader(stage, blockSize);
        staged = FragmentFormat.HeaderSize;
    }

    public int BlockSize => blockSize;

    public long DataLength { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        while (!data.IsEmpty)
        {
            var take = Math.Min(blockSize - blockFill, data.Length);
            data.Span[..take].CopyTo(stage.AsSpan(staged + blockFill));
            blockFill += take;
            DataLength += take;
            data = data[take..];
            if (blockFill == blockSize)
            {
                SealBlock();
                if (staged + blockSize + FragmentFormat.ChecksumSize > stageSize) await FlushStageAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes the last partial block and makes the fragment durable.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (blockFill > 0) SealBlock();
        if (staged > 0) await FlushStageAsync(cancellationToken).ConfigureAwait(false);
        await pendingWrite.ConfigureAwait(false);
        await sink.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void SealBlock()
    {
        var block = stage.AsSpan(staged, blockFill);
        FragmentFormat.WriteChecksum(stage.AsSpan(staged + blockFill, FragmentFormat.ChecksumSize), block);
        staged += blockFill + FragmentFormat.ChecksumSize;
        blockFill = 0;
    }

    private async Task FlushStageAsync(CancellationToken cancellationToken)
    {
        await pendingWrite.ConfigureAwait(false);
        var full = stage;
        var length = staged;
        pendingWrite = sink.WriteAsync(full.AsMemory(0, length), cancellationToken).AsTask();
        (stage, spare) = (spare, stage);
        staged = 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await pendingWrite.ConfigureAwait(false);
        }
        catch
        {
            // The write already failed the request; disposal only has to release buffers and the sink.
        }
        ArrayPool<byte>.Shared.Return(stage);
        ArrayPool<byte>.Shared.Return(spare);
        await sink.DisposeAsync().ConfigureAwait(false);
    }
}
