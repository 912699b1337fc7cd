using System.Globalization;

namespace Cairn.Lifecycle;

/// <summary>An object tag a filter requires. A tag given without Value matches only an empty value.</summary>
public sealed record LifecycleTag(string Key, string Value);

/// <summary>
/// Which objects a rule applies to. Every condition that is set must hold (the And of S3's
/// &lt;Filter&gt;); an empty filter matches every object.
/// </summary>
public sealed record LifecycleFilter
{
    public static LifecycleFilter All { get; } = new();

    /// <summary>Null when the configuration named no prefix (same effect as the empty prefix).</summary>
    public string? Prefix { get; init; }

    public IReadOnlyList<LifecycleTag> Tags { get; init; } = [];

    public long? ObjectSizeGreaterThan { get; init; }

    public long? ObjectSizeLessThan { get; init; }

    public bool HasTags => Tags.Count > 0;

    public bool HasObjectSize => ObjectSizeGreaterThan is not null || ObjectSizeLessThan is not null;

    /// <summary>How many conditions the filter names; more than one needs &lt;And&gt; in XML.</summary>
    internal int ConditionCount =>
        (Prefix is null ? 0 : 1) + Tags.Count + (ObjectSizeGreaterThan is null ? 0 : 1) + (ObjectSizeLessThan is null ? 0 : 1);

    public bool Matches(string key, long size, IReadOnlyDictionary<string, string> tags)
    {
        if (Prefix is not null && !key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        if (ObjectSizeGreaterThan is { } min && size <= min) return false;
        if (ObjectSizeLessThan is { } max && size >= max) return false;
        foreach (var tag in Tags)
            if (!tags.TryGetValue(tag.Key, out var value) || !string.Equals(value, tag.Value, StringComparison.Ordinal)) return false;
        return true;
    }

    /// <summary>Uploads have no tags or size yet, so only the prefix can select them.</summary>
    public bool MatchesKey(string key) => Prefix is null || key.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The filter as AWS names it in validation messages, e.g. "(prefix=logs/ and tag={key=a, value=b})".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Prefix is not null || ConditionCount == 0) parts.Add("prefix=" + (Prefix ?? ""));
        parts.AddRange(Tags.Select(t => $"tag={{key={t.Key}, value={t.Value}}}"));
        if (ObjectSizeGreaterThan is { } min) parts.Add("objectsizegreaterthan=" + min.ToString(CultureInfo.InvariantCulture));
        if (ObjectSizeLessThan is { } max) parts.Add("objectsizelessthan=" + max.ToString(CultureInfo.InvariantCulture));
        return "(" + string.Join(" and ", parts) + ")";
    }
}
