using Cairn.Index.Billing;

namespace Cairn.Workers.Usage;

/// <summary>
/// One measure of usage: when it was taken, how long the walk took, and per bucket and storage class what is stored and the
/// byte-days billed so far (<see cref="ClassUsage"/>). In a cluster, of the ranges the measuring node leads.
/// </summary>
public sealed record UsageSample(DateTimeOffset At, double MeasuredSeconds, IReadOnlyList<ClassUsage> Classes)
{
    /// <summary>The bucket name of a class's figures summed over every bucket (<see cref="PerClass"/>): no bucket can be named so.</summary>
    public const string AllBuckets = "*";

    /// <summary>The figures of one bucket alone.</summary>
    public UsageSample OfBucket(string bucket) => this with { Classes = Classes.Where(c => c.Bucket == bucket).ToArray() };

    /// <summary>The figures of each storage class summed over the buckets, bucket <see cref="AllBuckets"/>.</summary>
    public UsageSample PerClass() => this with
    {
        Classes = Classes.GroupBy(c => c.StorageClass, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ClassUsage(AllBuckets, g.Key, g.Sum(c => c.Objects), g.Sum(c => c.CurrentBytes), g.Sum(c => c.NoncurrentBytes),
                g.Sum(c => c.IncompleteUploadBytes), g.Sum(c => c.CurrentByteDays), g.Sum(c => c.NoncurrentByteDays), g.Sum(c => c.IncompleteUploadByteDays),
                g.Sum(c => c.EarlyDeleteByteDays)))
            .ToArray(),
    };
}
