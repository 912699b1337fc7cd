using System.Buffers;
using Cairn.Core.Blobs;
using Cairn.Core.Errors;
using Cairn.Data.Drives;
using Cairn.Data.Drives.Remote;
using Cairn.Data.Fragments;
using Cairn.Erasure;

namespace Cairn.Data.Blobs;

/// <summary>
/// Reads a range of a striped blob. When every needed data shard reads and verifies, no decoding
/// happens; when one is missing, unreadable or fails its checksum, the stripe is rebuilt from any k
/// verified shards. A range reads only the stripes, and when healthy only the data shards, it needs.
/// </summary>
internal sealed class StripedBlobReader(BlobLayout layout, IReadOnlyDictionary<string, IFragmentStore> drives, IErasureCodec codec) : IDisposable
{
    private readonly IFragmentSource?[] sources = new IFragmentSource?[layout.TotalFragments];
    private readonly bool[] opened = new bool[layout.TotalFragments];
    private readonly bool[] failed = new bool[layout.TotalFragments];
    private readonly string?[] reasons = new string?[layout.TotalFragments];
    // Slots whose drive could not be reached (not a missing or rotten fragment): they may read again once it is back.
    private readonly bool[] away = new bool[layout.TotalFragments];

    /// <summary>Slots found missing or rotten during this read: the blob goes to repair.</summary>
    public IEnumerable<int> FailedSlots => Enumerable.Range(0, failed.Length).Where(i => failed[i]);

    public async Task ReadAsync(long offset, long length, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken)
    {
        if (length == 0) return;
        int k = layout.DataFragments, total = layout.TotalFragments;
        var buffer = ArrayPool<byte>.Shared.Rent(total * layout.ShardSize);
        try
        {
            var end = offset + length;
            for (var stripe = offset / layout.StripeSize; stripe * layout.StripeSize < end; stripe++)
            {
                var stripeStart = stripe * layout.StripeSize;
                var shardLength = layout.ShardLength(stripe);
                var from = (int)(Math.Max(offset, stripeStart) - stripeStart);
                var to = (int)(Math.Min(end, stripeStart + layout.StripeLength(stripe)) - stripeStart);
                var firstShard = from / shardLength;
                var lastShard = (to - 1) / shardLength;
                var present = new bool[total];
                var healthy = await ReadShardsAsync(stripe, shardLength, Enumerable.Range(firstShard, lastShard - firstShard + 1), buffer, present, cancellationToken).ConfigureAwait(false);
                if (!healthy) await RebuildAsync(stripe, shardLength, buffer, present, cancellationToken).ConfigureAwait(false);
                // Data shards sit back to back in the buffer, so the stripe's bytes are contiguous.
                await deliver(buffer.AsMemory(from, to - from), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads and verifies the given slots' shards of a stripe in parallel; false if any failed.</summary>
    private async Task<bool> ReadShardsAsync(long stripe, int shardLength, IEnumerable<int> slots, byte[] buffer, bool[] present, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(slots.Select(async slot =>
        {
            var source = await SourceAsync(slot, cancellationToken).ConfigureAwait(false);
            if (source is null) return false;
            try
            {
                await FragmentReader.ReadIntoAsync(source, layout.FragmentLength, stripe * layout.ShardSize,
                    buffer.AsMemory(slot * shardLength, shardLength), cancellationToken).ConfigureAwait(false);
                present[slot] = true;
                return true;
            }
            catch (IOException e)
            {
                failed[slot] = true;
                reasons[slot] = e.Message;
                away[slot] |= e is DriveUnavailableException;
                return false;
            }
        })).ConfigureAwait(false);
        return results.All(ok => ok);
    }

    private async Task RebuildAsync(long stripe, int shardLength, byte[] buffer, bool[] present, CancellationToken cancellationToken)
    {
        int k = layout.DataFragments, total = layout.TotalFragments;
        // Gather any k verified shards, preferring data shards (no decode needed for those).
        for (var slot = 0; slot < total && present.Count(p => p) < k; slot++)
        {
            if (present[slot] || failed[slot]) continue;
            await ReadShardsAsync(stripe, shardLength, [slot], buffer, present, cancellationToken).ConfigureAwait(false);
        }
        if (present.Count(p => p) < k && away.Any(a => a) && present.Count(p => p) + away.Count(a => a) >= k)
            throw new S3Exception(S3ErrorCode.ServiceUnavailable,
                $"Part of the object is on drives that cannot be reached now ({string.Join(", ", Enumerable.Range(0, total).Where(i => away[i]).Select(i => layout.Drives[i]))}); try again.");
        if (present.Count(p => p) < k)
            throw new FragmentCorruptException($"blob {layout.BlobId}: stripe {stripe} has fewer than {k} readable fragments ("
                + string.Join(", ", Enumerable.Range(0, total).Select(i => $"{i}@{layout.Drives[i]}: {(present[i] ? "ok" : reasons[i] ?? (failed[i] ? "missing" : "unread"))}")) + ")");
        var shards = new Memory<byte>[total];
        for (var i = 0; i < total; i++) shards[i] = buffer.AsMemory(i * shardLength, shardLength);
        codec.Reconstruct(shards, present);
    }

    private async ValueTask<IFragmentSource?> SourceAsync(int slot, CancellationToken cancellationToken)
    {
        if (opened[slot]) return sources[slot];
        opened[slot] = true;
        if (failed[slot] || layout.MissingSlots.Contains(slot) || !drives.TryGetValue(layout.Drives[slot], out var drive))
        {
            failed[slot] = true;
            return null;
        }
        try
        {
            sources[slot] = await drive.OpenAsync(layout.BlobId, slot, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            sources[slot] = null;
            reasons[slot] = e.Message;
            away[slot] = e is DriveUnavailableException;
        }
        if (sources[slot] is null) failed[slot] = true;
        // A drive that went offline (unmounted, its node away) may bring the fragment back.
        away[slot] |= sources[slot] is null && !drive.IsOnline;
        return sources[slot];
    }

    public void Dispose()
    {
        foreach (var source in sources) source?.Dispose();
    }
}
