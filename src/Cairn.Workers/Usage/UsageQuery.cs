namespace Cairn.Workers.Usage;

/// <summary>
/// Which samples a usage read wants: those taken in [From, To] (either end open when null), of one bucket or all, each
/// bucket's figures or each class's summed over the buckets. Both projections add up across nodes, so each node
/// applies them to its own share before the shares are summed.
/// </summary>
public sealed record UsageQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Bucket = null, bool PerClass = false)
{
    public UsageSample Project(UsageSample sample)
    {
        if (Bucket is not null) sample = sample.OfBucket(Bucket);
        return PerClass ? sample.PerClass() : sample;
    }

    public IEnumerable<UsageSample> Read(UsageHistory history) => history.Read(From, To).Select(Project);
}
