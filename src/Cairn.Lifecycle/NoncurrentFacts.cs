using Cairn.Core.StorageClasses;

namespace Cairn.Lifecycle;

/// <summary>What the planner needs to know about one noncurrent version of a key.</summary>
public sealed record NoncurrentFacts
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public required string Key { get; init; }

    public long Size { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = NoTags;

    public string StorageClass { get; init; } = StorageClassTable.Standard;

    public required DateTimeOffset LastModified { get; init; }

    public bool IsDeleteMarker { get; init; }

    /// <summary>When the version stopped being current: the creation time of its successor.</summary>
    public required DateTimeOffset NoncurrentSince { get; init; }

    /// <summary>How many noncurrent versions of this key are newer than this one.</summary>
    public int NewerNoncurrentCount { get; init; }
}
