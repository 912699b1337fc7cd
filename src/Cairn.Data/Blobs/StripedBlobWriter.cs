using System.Buffers;
using Cairn.Core.Blobs;
using Cairn.Core.Errors;
using Cairn.Data.Drives;
using Cairn.Data.Fragments;
using Cairn.Erasure;

namespace Cairn.Data.Blobs;

/// <summary>
/// Writes a blob as Reed–Solomon stripes: each stripe's k data shards and m parity shards go to
/// the k+m fragment files in parallel. A drive that fails is recorded as a missing slot for repair
/// as long as no more than m are missing; beyond that the write fails cleanly.
/// </summary>
internal static class StripedBlobWriter
{
    public static async Task<BlobLayout> WriteAsync(string blobId, Stream source, ErasureSettings code, IReadOnlyList<string> placement,
        IReadOnlyDictionary<string, IFragmentStore> drives, IErasureCodec codec, CancellationToken cancellationToken)
    {
        int k = code.DataFragments, m = code.ParityFragments, total = k + m;
        var writers = new FragmentWriter?[total];
        var missing = new SortedSet<int>();
        var stripe = ArrayPool<byte>.Shared.Rent(total * code.ShardSize);
        try
        {
            for (var slot = 0; slot < total; slot++)
            {
                // A drive already known to be away (its node cut off or down) is not waited for: the slot is written
                // missing at once, and the blob goes on the repair list with its commit.
                if (drives[placement[slot]].IsKnownAway)
                {
                    await LoseAsync(writers, missing, slot, m).ConfigureAwait(false);
                    continue;
                }
                try
                {
                    writers[slot] = new FragmentWriter(await drives[placement[slot]].CreateAsync(blobId, slot, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await LoseAsync(writers, missing, slot, m).ConfigureAwait(false);
                }
            }

            long length = 0;
            while (true)
            {
                var filled = await FillAsync(source, stripe.AsMemory(0, code.StripeSize), cancellationToken).ConfigureAwait(false);
                if (filled == 0) break;
                length += filled;
                var shardLength = (filled + k - 1) / k;
                stripe.AsSpan(filled, k * shardLength - filled).Clear();
                var data = new ReadOnlyMemory<byte>[k];
                var parity = new Memory<byte>[m];
                for (var i = 0; i < k; i++) data[i] = stripe.AsMemory(i * shardLength, shardLength);
                for (var i = 0; i < m; i++) parity[i] = stripe.AsMemory((k + i) * shardLength, shardLength);
                if (m > 0) codec.Encode(data, parity);

                await Task.WhenAll(Enumerable.Range(0, total).Where(s => writers[s] is not null).Select(async slot =>
                {
                    try
                    {
                        await writers[slot]!.WriteAsync(stripe.AsMemory(slot * shardLength, shardLength), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        await LoseAsync(writers, missing, slot, m).ConfigureAwait(false);
                    }
                })).ConfigureAwait(false);
                if (filled < code.StripeSize) break;
            }

            await Task.WhenAll(Enumerable.Range(0, total).Where(s => writers[s] is not null).Select(async slot =>
            {
                try
                {
                    await writers[slot]!.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await LoseAsync(writers, missing, slot, m).ConfigureAwait(false);
                }
            })).ConfigureAwait(false);

            return new BlobLayout
            {
                BlobId = blobId,
                Length = length,
                DataFragments = k,
                ParityFragments = m,
                StripeSize = code.StripeSize,
                BlockSize = FragmentFormat.DefaultBlockSize,
                Drives = [.. placement],
                MissingSlots = [.. missing],
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stripe);
            foreach (var writer in writers)
                if (writer is not null) await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Gives up on one slot; more than m lost slots fail the whole write.</summary>
    private static async Task LoseAsync(FragmentWriter?[] writers, SortedSet<int> missing, int slot, int parity)
    {
        lock (missing) missing.Add(slot);
        if (writers[slot] is { } writer)
        {
            writers[slot] = null;
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        int lost;
        lock (missing) lost = missing.Count;
        if (lost > parity)
            throw new S3Exception(S3ErrorCode.ServiceUnavailable, $"Too many drives are unavailable to store the object safely ({lost} of the fragments could not be written, at most {parity} may be missing).");
    }

    private static async Task<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await source.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }
}
