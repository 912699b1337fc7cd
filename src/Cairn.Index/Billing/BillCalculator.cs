using Cairn.Core.StorageClasses;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;

namespace Cairn.Index.Billing;

/// <summary>One line of a bill: byte-days of one kind in one class of one bucket, and what they cost.</summary>
public sealed record BillLine(string Bucket, string StorageClass, MeterKind Kind, double ByteDays, double GibMonths, decimal Cost);

/// <summary>The bill so far: closed ledger lines plus what is still stored, accrued up to now.</summary>
public sealed record Bill(DateTimeOffset At, IReadOnlyList<BillLine> Lines)
{
    public decimal Total => Lines.Sum(l => l.Cost);
}

/// <summary>
/// Prices the ledger and the live accrual. A month is 30 clock days and a GiB 2^30 bytes; every kind
/// is priced at its class's storage rate (early-delete days are storage days charged in advance).
/// </summary>
public sealed class BillCalculator(IndexRouter index, StorageMeter meter, StorageClassTable classes)
{
    private const double GiB = 1024.0 * 1024 * 1024;
    private const double DaysPerMonth = 30;

    public async Task<Bill> ComputeAsync(IEnumerable<string> bucketNames, CancellationToken cancellationToken = default)
    {
        var at = meter.Now;
        var tally = new UsageTally(meter);
        foreach (var bucket in bucketNames)
        {
            // One snapshot per range for the ledger and the live accrual: a reap in between is counted once, on one side.
            var (ledgerFrom, ledgerTo) = IndexKeys.LedgerOfBucket(bucket);
            using var ranges = await index.ReadEveryRangeAsync(ReadScope.Bucket(bucket).With(ReadScope.Rows(ledgerFrom, ledgerTo)), cancellationToken)
                .ConfigureAwait(false);
            foreach (var part in ranges.Parts) tally.AddLedger(part.Snapshot, bucket);
            var uploads = new List<KeyUpload>();
            foreach (var key in BucketVersionWalk.Walk(ranges.Objects, bucket, uploads)) tally.AddKey(bucket, key);
            foreach (var upload in uploads) tally.AddUpload(bucket, upload);
        }

        return Price(at, tally.Classes());
    }

    /// <summary>The bill of figures already tallied (a usage sample's), as of <paramref name="at"/>: each kind's byte-days at its class's price.</summary>
    public Bill Price(DateTimeOffset at, IEnumerable<ClassUsage> usage)
    {
        var lines = usage
            .SelectMany(c => Enum.GetValues<MeterKind>().Select(kind => (Bucket: c.Bucket, Class: c.StorageClass, Kind: kind, ByteDays: c.ByteDays(kind))))
            .Where(t => t.ByteDays > 0)
            .OrderBy(t => t.Bucket, StringComparer.Ordinal).ThenBy(t => classes[t.Class].Rank).ThenBy(t => t.Class, StringComparer.Ordinal).ThenBy(t => t.Kind)
            .Select(t =>
            {
                var gibMonths = t.ByteDays / GiB / DaysPerMonth;
                return new BillLine(t.Bucket, t.Class, t.Kind, t.ByteDays, gibMonths, Math.Round((decimal)gibMonths * classes[t.Class].PricePerGibMonth, 10));
            })
            .ToArray();
        return new Bill(at, lines);
    }
}
