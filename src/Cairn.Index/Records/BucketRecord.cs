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
}
