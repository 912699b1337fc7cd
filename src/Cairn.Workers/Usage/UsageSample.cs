using Cairn.Index.Billing;

namespace Cairn.Workers.Usage;

/// <summary>
/// One measure of usage: when it was taken, how long the walk took, and per bucket and storage class what is stored and the
/// byte-days billed so far (<see cref="ClassUsage"/>). In a cluster, a node's sample is of the ranges it leads; <see cref="UsageShares"/> adds the nodes' up.
/// </summary>
public sealed record UsageSample(DateTimeOffset At, double MeasuredSeconds, IReadOnlyList<ClassUsage> Classes)
{
    /// <summary>The bucket name of a class's figures summed over every bucket (<see cref="PerClass"/>): no bucket can be named so.</summary>
    public const string AllBuckets = "*";

    /// <summary>The figures of one bucket alone.</summary>
    public UsageSample OfBucket(string bucket) => this with { Classes = Classes.Where(c => c.Bucket == bucket).ToArray() };

    /// <summary>The figures of each storage class summed over the buckets, bucket <see cref="AllBuckets"/>.</summary>
    public UsageSample PerClass() => this with { Classes = ClassUsage.Sum(Classes, _ => AllBuckets) };
}
