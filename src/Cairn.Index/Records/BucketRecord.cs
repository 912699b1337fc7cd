namespace Cairn.Index.Records;

public enum VersioningState
{
    Unversioned,
    Enabled,
    Suspended,
}

public sealed record BucketRecord
{
    public required string Name { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string Owner { get; init; }
    public required string Region { get; init; }
    public VersioningState Versioning { get; init; }

    /// <summary>Present once Object Lock is enabled (at creation or by PutObjectLockConfiguration); never removed after.</summary>
    public ObjectLockConfiguration? ObjectLock { get; init; }

    /// <summary>
    /// Set while a DeleteBucket over several ranges is under way (its fence id): the range was empty when closed and
    /// refuses object writes until the delete finishes or a <see cref="Commands.ReopenBucket"/> of its fence comes: the
    /// deleter's, or the range leader's once the closing held <see cref="Closing.Lapse"/> (<see cref="Buckets.StalledClosings"/>).
    /// </summary>
    public Closing? ClosedFor { get; init; }
}

/// <summary>
/// A bucket closed in one range by the DeleteBucket whose fence is <paramref name="Fence"/>; <paramref name="Since"/> is the
/// closer's clock, for people to read: no decision compares it with another node's time.
/// </summary>
public sealed record Closing(string Fence, DateTimeOffset Since)
{
    /// <summary>
    /// How long a closing holds, in elapsed time as the node leading the range measures it (never by comparing wall clocks,
    /// which a node running minutes ahead would make lapse at once): a deleter that died between its steps does not close
    /// the bucket for good.
    /// </summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromSeconds(60);
}
