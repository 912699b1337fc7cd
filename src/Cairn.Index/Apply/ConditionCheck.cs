using Cairn.Index.Commands;
using Cairn.Index.Objects;
using Cairn.Index.Records;

namespace Cairn.Index.Apply;

/// <summary>
/// Evaluates an <see cref="ObjectCondition"/> against the version it guards, at apply time, so the check
/// and the change are one atomic step. A delete marker counts as no object.
/// </summary>
internal static class ConditionCheck
{
    public static void Require(ObjectCondition? condition, VersionRecord? target, string key)
    {
        if (condition is null || condition.IsEmpty) return;
        var live = target is { IsDeleteMarker: false } ? target : null;
        if (condition.IfNoneMatchAny && live is not null) throw ObjectErrors.PreconditionFailed("If-None-Match");
        var needsObject = condition.IfMatch is not null || condition.IfMatchLastModified is not null || condition.IfMatchSize is not null;
        if (!needsObject) return;
        if (live is null) throw ObjectErrors.NoSuchKey(key);
        if (condition.IfMatch is { } etag && !EtagMatches(etag, live.ETag)) throw ObjectErrors.PreconditionFailed("If-Match");
        if (condition.IfMatchLastModified is { } at && TruncateToSeconds(at) != TruncateToSeconds(live.LastModified))
            throw ObjectErrors.PreconditionFailed("x-amz-if-match-last-modified-time");
        if (condition.IfMatchSize is { } size && size != live.Size) throw ObjectErrors.PreconditionFailed("x-amz-if-match-size");
    }

    /// <summary>If-Match takes a quoted ETag, a bare one, or "*" (any object).</summary>
    private static bool EtagMatches(string wanted, string actual)
    {
        var w = wanted.Trim();
        return w == "*" || w.Trim('"') == actual.Trim('"');
    }

    /// <summary>Last-Modified is exchanged in HTTP dates, whole seconds.</summary>
    private static long TruncateToSeconds(DateTimeOffset t) => t.ToUnixTimeSeconds();
}
