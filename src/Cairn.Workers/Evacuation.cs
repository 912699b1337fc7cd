using Cairn.Index.Objects;

namespace Cairn.Workers;

/// <summary>How much a drive still holds that the index references: a drive (or a node, all its drives) may be removed once none is left.</summary>
/// <param name="Draining">Whether the map has the drive (or its node) draining.</param>
public sealed record EvacuationStatus(string DriveId, bool Draining, long FragmentsRemaining, long BytesRemaining)
{
    /// <summary>No fragment the index references is left on the drive; unreferenced files are the GC's.</summary>
    public bool Evacuated => FragmentsRemaining == 0;
}

/// <summary>Whether draining drives are empty yet: what removing a drive or a node waits for.</summary>
public interface IEvacuation
{
    Task<EvacuationStatus> StatusAsync(string driveId, CancellationToken cancellationToken);

    /// <summary>The status of several drives from one walk of the layouts.</summary>
    Task<IReadOnlyList<EvacuationStatus>> StatusAsync(IReadOnlyCollection<string> driveIds, CancellationToken cancellationToken);
}

/// <summary>Counts, from every referenced blob's layout (one walk of the index, no fragment read), the fragments each drive still holds.</summary>
public sealed class LayoutEvacuation(BlobBookkeeping bookkeeping, IDriveAvailability availability) : IEvacuation
{
    public async Task<EvacuationStatus> StatusAsync(string driveId, CancellationToken cancellationToken) =>
        (await StatusAsync([driveId], cancellationToken).ConfigureAwait(false))[0];

    public async Task<IReadOnlyList<EvacuationStatus>> StatusAsync(IReadOnlyCollection<string> driveIds, CancellationToken cancellationToken)
    {
        var counts = driveIds.Distinct(StringComparer.Ordinal).ToDictionary(d => d, _ => (Fragments: 0L, Bytes: 0L), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var reference in bookkeeping.ReferencesAsync(cancellationToken).ConfigureAwait(false))
        {
            // A blob referenced from two ranges (a copy's) is walked twice: counted once.
            if (reference.Layout is not { } layout || !seen.Add(layout.BlobId)) continue;
            foreach (var drive in layout.Drives)
                if (counts.TryGetValue(drive, out var c))
                    counts[drive] = (c.Fragments + 1, c.Bytes + (layout.IsStriped ? layout.FragmentLength : layout.Length));
        }
        var draining = availability.Draining();
        return counts.Select(c => new EvacuationStatus(c.Key, draining.Contains(c.Key), c.Value.Fragments, c.Value.Bytes)).ToArray();
    }
}
