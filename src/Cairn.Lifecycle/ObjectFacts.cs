using Cairn.Core.StorageClasses;

namespace Cairn.Lifecycle;

/// <summary>What the planner needs to know about any version of a key.</summary>
public abstract record VersionFacts
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public required string Key { get; init; }

    public long Size { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = NoTags;

    public string StorageClass { get; init; } = StorageClassTable.Standard;

    /// <summary>When this version was created; ages count from here.</summary>
    public required DateTimeOffset LastModified { get; init; }

    public bool IsDeleteMarker { get; init; }
}

/// <summary>The current version of a key.</summary>
public sealed record ObjectFacts : VersionFacts
{
    /// <summary>For a delete marker: true when no other version of the key is left behind it.</summary>
    public bool IsOnlyVersion { get; init; }
}

/// <summary>One noncurrent version of a key.</summary>
public sealed record NoncurrentFacts : VersionFacts
{
    /// <summary>When the version stopped being current: the creation time of its successor.</summary>
    public required DateTimeOffset NoncurrentSince { get; init; }

    /// <summary>How many noncurrent versions of this key are newer than this one.</summary>
    public int NewerNoncurrentCount { get; init; }
}
