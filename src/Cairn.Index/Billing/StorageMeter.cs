using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Records;

namespace Cairn.Index.Billing;

/// <summary>
/// The billing meter. Stored bytes accrue byte-days from the moment they enter a class; when they
/// leave it (reap, transition, abort, complete) the accrued byte-days are closed into the ledger in
/// the same atomic batch as the change, with an early-delete line when the class's minimum duration
/// was not met. What is still stored is accrued live when a bill is asked for.
/// </summary>
public sealed class StorageMeter(StorageClassTable classes, DayClock clock)
{
    public DateTimeOffset Now => clock.Now;

    /// <summary>
    /// The lines that close a version being reaped or transitioned at <paramref name="at"/>.
    /// <paramref name="noncurrentSince"/> is when a newer version replaced it (null while current).
    /// </summary>
    public IEnumerable<LedgerLine> CloseVersion(string bucket, string key, VersionRecord version, DateTimeOffset? noncurrentSince, string reason, DateTimeOffset at)
    {
        if (version.IsDeleteMarker) yield break;
        var storageClass = classes[version.StorageClass];
        var bytes = BillableBytes(version.Size, storageClass);
        foreach (var (kind, days) in Segments(version.EnteredClass, noncurrentSince, at))
            yield return Line(bucket, key, version.StorageClass, kind, bytes * days, reason, at);
        var stored = Math.Max(0, clock.DaysBetween(version.EnteredClass, at));
        if (stored < storageClass.MinimumDays)
            yield return Line(bucket, key, version.StorageClass, MeterKind.EarlyDelete, bytes * (storageClass.MinimumDays - stored), reason, at);
    }

    /// <summary>The line that closes parts of an upload that are aborted, completed into an object, or replaced.</summary>
    public IEnumerable<LedgerLine> CloseParts(string bucket, string key, string storageClass, IEnumerable<PartRecord> parts, string reason, DateTimeOffset at)
    {
        double byteDays = 0;
        foreach (var part in parts) byteDays += part.Size * Math.Max(0, clock.DaysBetween(part.LastModified, at));
        if (byteDays > 0) yield return Line(bucket, key, storageClass, MeterKind.IncompleteUpload, byteDays, reason, at);
    }

    /// <summary>Byte-days a stored version has accrued in its class so far, split into current and noncurrent time.</summary>
    public IEnumerable<(MeterKind Kind, double ByteDays)> Accrued(VersionRecord version, DateTimeOffset? noncurrentSince)
    {
        if (version.IsDeleteMarker) yield break;
        var bytes = BillableBytes(version.Size, classes[version.StorageClass]);
        foreach (var (kind, days) in Segments(version.EnteredClass, noncurrentSince, clock.Now)) yield return (kind, bytes * days);
    }

    public double AccruedPartByteDays(PartRecord part) => part.Size * Math.Max(0, clock.DaysBetween(part.LastModified, clock.Now));

    public static long BillableBytes(long size, StorageClass storageClass) => Math.Max(size, storageClass.MinimumBillableBytes);

    /// <summary>[since, now) split at the moment the version became noncurrent.</summary>
    private IEnumerable<(MeterKind Kind, double Days)> Segments(DateTimeOffset since, DateTimeOffset? noncurrentSince, DateTimeOffset now)
    {
        var split = noncurrentSince is { } n ? (n < since ? since : n > now ? now : n) : now;
        var current = clock.DaysBetween(since, split);
        var noncurrent = clock.DaysBetween(split, now);
        if (current > 0) yield return (MeterKind.Current, current);
        if (noncurrent > 0) yield return (MeterKind.Noncurrent, noncurrent);
    }

    private static LedgerLine Line(string bucket, string key, string storageClass, MeterKind kind, double byteDays, string reason, DateTimeOffset at) =>
        new() { Bucket = bucket, Key = key, StorageClass = storageClass, Kind = kind, ByteDays = byteDays, Reason = reason, At = at };
}
