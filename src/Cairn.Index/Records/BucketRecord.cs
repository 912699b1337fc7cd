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

    /// <summary>
    /// Set while a DeleteBucket over several ranges is under way (its fence id): the range was empty when closed and
    /// refuses object writes until the delete finishes, the deleter reopens it, or <see cref="Closing.Lapse"/> passes.
    /// </summary>
    public Closing? ClosedFor { get; init; }
}

/// <summary>A bucket closed in one range by the DeleteBucket whose fence is <paramref name="Fence"/>, since <paramref name="Since"/>.</summary>
public sealed record Closing(string Fence, DateTimeOffset Since)
{
    /// <summary>How long, by the commands' own clocks, a closing holds: a deleter that died between its steps does not close the bucket for good.</summary>
    public static readonly TimeSpan Lapse = TimeSpan.FromSeconds(60);

    public bool HoldsAt(DateTimeOffset at) => at < Since + Lapse;
}
