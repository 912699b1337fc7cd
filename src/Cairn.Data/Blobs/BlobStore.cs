using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Cairn.Core.Blobs;
using Cairn.Data.Drives;
using Cairn.Data.Fragments;
using Cairn.Erasure;
using Cairn.Placement;

namespace Cairn.Data.Blobs;

/// <summary>
/// The data plane's front: writes immutable blobs from a stream, reads verified ranges back, and
/// frees whole blobs. Blobs being written are tracked so the orphan sweep never frees one whose
/// index commit is still to come. A read that finds a fragment missing or rotten reports the blob to
/// <paramref name="repairs"/> (none in tools and tests that have no repair worker).
/// </summary>
public sealed class BlobStore(IReadOnlyDictionary<string, IFragmentStore> drives, IPlacement placement, ErasureSettings code, IRepairRequests? repairs = null)
{
    private readonly ConcurrentDictionary<(int K, int M), IErasureCodec> codecs = new();

    private const int CopyBufferSize = 1024 * 1024;
    private readonly ConcurrentDictionary<string, byte> inFlight = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, IFragmentStore> Drives => drives;

    public bool IsInFlight(string blobId) => inFlight.ContainsKey(blobId);

    /// <summary>
    /// Places a new blob on drives known to be online (a down node's drives are offline), so it is written with full
    /// redundancy; only when the online drives cannot hold the code is it placed as if all were up (a degraded write
    /// that repair completes).
    /// </summary>
    private IReadOnlyList<string> PlaceOnline(IPlacement placement, string blobId, int dataFragments, int parityFragments)
    {
        var offline = drives.Values.Where(d => !d.IsOnline).Select(d => d.DriveId).ToHashSet(StringComparer.Ordinal);
        if (offline.Count > 0)
        {
            try
            {
                return placement.Place(blobId, dataFragments, parityFragments, offline);
            }
            catch (PlacementException)
            {
            }
        }
        return placement.Place(blobId, dataFragments, parityFragments);
    }

    /// <summary>
    /// Copies the whole source into a new durable blob. The returned draft must be disposed once the
    /// index commit has happened (or failed): until then the GC leaves the blob alone.
    /// </summary>
    public Task<BlobDraft> WriteAsync(Stream source, CancellationToken cancellationToken = default) =>
        WriteAsync(source, new BlobMedium("default", code, placement), cancellationToken);

    /// <summary>As <see cref="WriteAsync(Stream, CancellationToken)"/>, onto a given medium (a storage class's drives and code).</summary>
    public async Task<BlobDraft> WriteAsync(Stream source, BlobMedium medium, CancellationToken cancellationToken = default)
    {
        var (code, placement) = (medium.Code, medium.Placement);
        var blobId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        inFlight[blobId] = 0;
        var draft = new BlobDraft(this, blobId);
        try
        {
            if (code.IsStriped)
            {
                var slots = PlaceOnline(placement, blobId, code.DataFragments, code.ParityFragments);
                draft.Layout = await StripedBlobWriter.WriteAsync(blobId, source, code, slots, drives, Codec(code.DataFragments, code.ParityFragments), cancellationToken).ConfigureAwait(false);
                return draft;
            }
            var driveId = PlaceOnline(placement, blobId, 1, 0)[0];
            var sink = await drives[driveId].CreateAsync(blobId, 0, cancellationToken).ConfigureAwait(false);
            await using var writer = new FragmentWriter(sink);
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                    await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            draft.Layout = new BlobLayout
            {
                BlobId = blobId,
                Length = writer.DataLength,
                BlockSize = writer.BlockSize,
                Drives = [driveId],
            };
            return draft;
        }
        catch
        {
            draft.Dispose();
            throw;
        }
    }

    /// <summary>Delivers verified bytes [offset, offset+length) of the blob; throws FragmentCorruptException rather than serve bad bytes.</summary>
    public async Task ReadAsync(BlobLayout layout, long offset, long length,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver, CancellationToken cancellationToken = default)
    {
        if (layout.IsStriped)
        {
            using var reader = new StripedBlobReader(layout, drives, Codec(layout.DataFragments, layout.ParityFragments));
            try
            {
                await reader.ReadAsync(offset, length, deliver, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Whether the read was served from parity or failed, the damage it met must not wait for the next scrub.
                if (reader.FailedSlots.Any()) repairs?.RequestRepair(layout.BlobId);
            }
            return;
        }
        if (!drives.TryGetValue(layout.Drives[0], out var drive))
            throw new FragmentCorruptException($"drive {layout.Drives[0]} of blob {layout.BlobId} is unknown");
        using var source = await drive.OpenAsync(layout.BlobId, 0, cancellationToken).ConfigureAwait(false)
            ?? throw new FragmentCorruptException($"fragment of blob {layout.BlobId} is missing");
        await FragmentReader.ReadRangeAsync(source, layout.Length, offset, length, deliver, cancellationToken).ConfigureAwait(false);
    }

    public async Task FreeAsync(BlobLayout layout, CancellationToken cancellationToken = default)
    {
        for (var slot = 0; slot < layout.Drives.Count; slot++)
        {
            if (!drives.TryGetValue(layout.Drives[slot], out var drive)) continue;
            try
            {
                await drive.DeleteAsync(layout.BlobId, slot, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A dead drive's bytes are gone anyway; the orphan sweep catches any that come back.
            }
        }
    }

    public IErasureCodec Codec(int k, int m) => codecs.GetOrAdd((k, m), key => ErasureCodecs.Create(key.K, key.M));

    /// <summary>
    /// The draft's commit is over. A blob written degraded (a drive down while it was written) goes to repair: its
    /// missing fragments are rebuilt as soon as a drive can take them, not at the next scrub; if the commit failed,
    /// repair finds nothing referencing it and lets it be.
    /// </summary>
    internal void Release(string blobId, BlobLayout? layout)
    {
        inFlight.TryRemove(blobId, out _);
        if (layout is { MissingSlots.Count: > 0 }) repairs?.RequestRepair(blobId);
    }
}

/// <summary>A written blob whose index commit is pending; disposing it lets the GC see it.</summary>
public sealed class BlobDraft(BlobStore store, string blobId) : IDisposable
{
    public string BlobId { get; } = blobId;

    public BlobLayout Layout { get; internal set; } = null!;

    public void Dispose() => store.Release(BlobId, Layout);
}
