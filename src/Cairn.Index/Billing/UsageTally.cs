using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Billing;

/// <summary>
/// One bucket and storage class as a tally found it: what is stored now (object sizes) and the byte-days billed so far
/// by kind (closed ledger lines plus the live accrual of what is still stored, at billable sizes).
/// </summary>
public sealed record ClassUsage(string Bucket, string StorageClass, long Objects, long CurrentBytes, long NoncurrentBytes, long IncompleteUploadBytes,
    double CurrentByteDays, double NoncurrentByteDays, double IncompleteUploadByteDays, double EarlyDeleteByteDays)
{
    public double ByteDays(MeterKind kind) => kind switch
    {
        MeterKind.Current => CurrentByteDays,
        MeterKind.Noncurrent => NoncurrentByteDays,
        MeterKind.IncompleteUpload => IncompleteUploadByteDays,
        _ => EarlyDeleteByteDays,
    };

    /// <summary>
    /// Figures added up per storage class and the bucket <paramref name="bucketOf"/> names (the figures' own, or one name
    /// for all), in bucket then class order (ordinal): several nodes' shares of a bucket, or a class over the buckets.
    /// </summary>
    public static ClassUsage[] Sum(IEnumerable<ClassUsage> figures, Func<ClassUsage, string> bucketOf) =>
        figures.GroupBy(c => (Bucket: bucketOf(c), c.StorageClass))
            .OrderBy(g => g.Key.Bucket, StringComparer.Ordinal).ThenBy(g => g.Key.StorageClass, StringComparer.Ordinal)
            .Select(g => new ClassUsage(g.Key.Bucket, g.Key.StorageClass, g.Sum(c => c.Objects), g.Sum(c => c.CurrentBytes), g.Sum(c => c.NoncurrentBytes),
                g.Sum(c => c.IncompleteUploadBytes), g.Sum(c => c.CurrentByteDays), g.Sum(c => c.NoncurrentByteDays), g.Sum(c => c.IncompleteUploadByteDays),
                g.Sum(c => c.EarlyDeleteByteDays)))
            .ToArray();
}

/// <summary>
/// Adds up, per bucket and storage class, what a walk of a bucket passes (versions, uploads in progress) and the ledger
/// lines of the ranges it read: the one count behind the bill and the usage sampler.
/// </summary>
public sealed class UsageTally(StorageMeter meter)
{
    private readonly Dictionary<(string Bucket, string StorageClass), Figures> figures = [];

    /// <summary>The closed ledger lines of <paramref name="bucket"/> in one range's snapshot (the ledger is range-local).</summary>
    public void AddLedger(IIndexSnapshot range, string bucket)
    {
        var (from, to) = IndexKeys.LedgerOfBucket(bucket);
        foreach (var entry in range.Scan(from, to))
        {
            var line = IndexJson.DecodeLedgerLine(entry.Value);
            Of(bucket, line.StorageClass).AddByteDays(line.Kind, line.ByteDays);
        }
    }

    /// <summary>A key's versions: the current one counts as an object; each accrues its byte-days until now.</summary>
    public void AddKey(string bucket, KeyVersions key)
    {
        for (var i = 0; i < key.NewestFirst.Count; i++)
        {
            var version = key.NewestFirst[i];
            if (version.IsDeleteMarker) continue;
            var f = Of(bucket, version.StorageClass);
            if (i == 0) { f.Objects++; f.CurrentBytes += version.Size; }
            else f.NoncurrentBytes += version.Size;
            foreach (var (kind, byteDays) in meter.Accrued(version, key.NoncurrentSince(i))) f.AddByteDays(kind, byteDays);
        }
    }

    /// <summary>An upload in progress: its parts' bytes and the byte-days they accrued so far.</summary>
    public void AddUpload(string bucket, KeyUpload upload)
    {
        var f = Of(bucket, upload.Upload.StorageClass);
        foreach (var part in upload.Parts)
        {
            f.IncompleteUploadBytes += part.Size;
            f.AddByteDays(MeterKind.IncompleteUpload, meter.AccruedPartByteDays(part));
        }
    }

    /// <summary>Every bucket and class seen, in bucket then class order (ordinal).</summary>
    public IReadOnlyList<ClassUsage> Classes() =>
        figures.OrderBy(f => f.Key.Bucket, StringComparer.Ordinal).ThenBy(f => f.Key.StorageClass, StringComparer.Ordinal)
            .Select(f => new ClassUsage(f.Key.Bucket, f.Key.StorageClass, f.Value.Objects, f.Value.CurrentBytes, f.Value.NoncurrentBytes,
                f.Value.IncompleteUploadBytes, f.Value.ByteDays[(int)MeterKind.Current], f.Value.ByteDays[(int)MeterKind.Noncurrent],
                f.Value.ByteDays[(int)MeterKind.IncompleteUpload], f.Value.ByteDays[(int)MeterKind.EarlyDelete]))
            .ToArray();

    private Figures Of(string bucket, string storageClass) =>
        figures.TryGetValue((bucket, storageClass), out var f) ? f : figures[(bucket, storageClass)] = new Figures();

    private sealed class Figures
    {
        public long Objects, CurrentBytes, NoncurrentBytes, IncompleteUploadBytes;
        public readonly double[] ByteDays = new double[4];

        // A line closed at the instant it opened (or a clock that stepped back) adds nothing.
        public void AddByteDays(MeterKind kind, double byteDays) => ByteDays[(int)kind] += Math.Max(0, byteDays);
    }
}
