using System.Buffers;
using Cairn.Core.Blobs;
using Cairn.Data.Drives;
using Cairn.Data.Fragments;
using Cairn.Erasure;

namespace Cairn.Data.Blobs;

/// <summary>What a scrub found wrong with one blob: the slots that are missing or fail their checksums.</summary>
public sealed record BlobDamage(BlobLayout Layout, IReadOnlyList<int> BadSlots)
{
    public int Survivors => Layout.TotalFragments - BadSlots.Count;
}

/// <summary>
/// Verifies every block of a blob's fragments (scrub), and rebuilds lost fragments from any k
/// survivors onto the drives it is given (repair). Neither touches a surviving fragment.
/// </summary>
public sealed class BlobRepair(IReadOnlyDictionary<string, IFragmentStore> drives, BlobStore blobs)
{
    /// <summary>
    /// Has every fragment verified end to end by the drive that holds it (for a remote drive, on its owner:
    /// only the verdict crosses the network); returns the bad slots and the bytes verified.
    /// </summary>
    public async Task<(IReadOnlyList<int> BadSlots, long BytesRead)> VerifyAsync(BlobLayout layout, CancellationToken cancellationToken)
    {
        var bad = new List<int>();
        long bytes = 0;
        var fragmentLength = layout.IsStriped ? layout.FragmentLength : layout.Length;
        for (var slot = 0; slot < layout.TotalFragments; slot++)
        {
            if (layout.MissingSlots.Contains(slot) || !drives.TryGetValue(layout.Drives[slot], out var drive)) { bad.Add(slot); continue; }
            try
            {
                var check = await drive.VerifyAsync(layout.BlobId, slot, fragmentLength, cancellationToken).ConfigureAwait(false);
                if (check.IsOk) bytes += check.BytesVerified;
                else bad.Add(slot);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A failing drive, or a remote one out of reach: its fragment cannot be counted on.
                bad.Add(slot);
            }
        }
        return (bad, bytes);
    }

    /// <summary>
    /// Copies the fragments of <paramref name="moves"/> (slot → drive) to their new drives, every block verified on
    /// the way, and returns the layout naming the new drives. The old copies stay: the caller flips the index first.
    /// A rotten or missing source throws an <see cref="IOException"/>; what was committed before is the caller's to free.
    /// </summary>
    public async Task<BlobLayout> CopyAsync(BlobLayout layout, IReadOnlyDictionary<int, string> moves, CancellationToken cancellationToken)
    {
        foreach (var (slot, driveId) in moves)
        {
            using var source = await drives[layout.Drives[slot]].OpenAsync(layout.BlobId, slot, cancellationToken).ConfigureAwait(false)
                ?? throw new FragmentCorruptException($"blob {layout.BlobId}: fragment {slot} is missing on {layout.Drives[slot]}");
            await using var writer = new FragmentWriter(await drives[driveId].CreateReplacementAsync(layout.BlobId, slot, cancellationToken).ConfigureAwait(false));
            await FragmentReader.ReadRangeAsync(source, layout.FragmentLength, 0, layout.FragmentLength, writer.WriteAsync, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        var moved = layout.Drives.ToArray();
        foreach (var (slot, driveId) in moves) moved[slot] = driveId;
        return layout with { Drives = moved };
    }

    /// <summary>
    /// Rebuilds <paramref name="targets"/> (slot → drive) stripe by stripe from k verified survivors and
    /// returns the layout with those slots moved and no longer missing. The caller flips the index to it.
    /// </summary>
    public async Task<BlobLayout> RebuildAsync(BlobLayout layout, IReadOnlySet<int> badSlots, IReadOnlyDictionary<int, string> targets, CancellationToken cancellationToken)
    {
        int k = layout.DataFragments, total = layout.TotalFragments;
        var codec = blobs.Codec(k, layout.ParityFragments);
        var writers = new Dictionary<int, FragmentWriter>();
        var sources = new IFragmentSource?[total];
        var buffer = ArrayPool<byte>.Shared.Rent(total * Math.Max(layout.ShardSize, 1));
        try
        {
            foreach (var (slot, driveId) in targets)
                writers[slot] = new FragmentWriter(await drives[driveId].CreateReplacementAsync(layout.BlobId, slot, cancellationToken).ConfigureAwait(false));
            for (var slot = 0; slot < total; slot++)
            {
                if (badSlots.Contains(slot) || !drives.TryGetValue(layout.Drives[slot], out var drive)) continue;
                try
                {
                    sources[slot] = await drive.OpenAsync(layout.BlobId, slot, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A drive that died (or a remote one out of reach) since the scrub: not a survivor.
                }
            }

            for (long stripe = 0; stripe < layout.StripeCount; stripe++)
            {
                var shardLength = layout.ShardLength(stripe);
                var present = new bool[total];
                var have = 0;
                for (var slot = 0; slot < total && have < k; slot++)
                {
                    if (sources[slot] is not { } source) continue;
                    try
                    {
                        await FragmentReader.ReadIntoAsync(source, layout.FragmentLength, stripe * layout.ShardSize, buffer.AsMemory(slot * shardLength, shardLength), cancellationToken).ConfigureAwait(false);
                        present[slot] = true;
                        have++;
                    }
                    catch (IOException)
                    {
                        // Rot found mid-repair: this survivor does not count for this stripe.
                    }
                }
                if (have < k) throw new FragmentCorruptException($"blob {layout.BlobId}: stripe {stripe} has fewer than {k} readable fragments; it cannot be repaired");
                var shards = new Memory<byte>[total];
                for (var i = 0; i < total; i++) shards[i] = buffer.AsMemory(i * shardLength, shardLength);
                codec.Reconstruct(shards, present);
                foreach (var (slot, writer) in writers)
                    await writer.WriteAsync(shards[slot], cancellationToken).ConfigureAwait(false);
            }
            await Task.WhenAll(writers.Values.Select(w => w.CommitAsync(cancellationToken))).ConfigureAwait(false);
            var moved = layout.Drives.ToArray();
            foreach (var (slot, driveId) in targets) moved[slot] = driveId;
            return layout with { Drives = moved, MissingSlots = [.. layout.MissingSlots.Where(s => !targets.ContainsKey(s))] };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            foreach (var source in sources) source?.Dispose();
            foreach (var writer in writers.Values) await writer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
