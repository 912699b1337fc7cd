using System.Collections.Concurrent;
using System.Globalization;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Lifecycle;

namespace Cairn.FrontDoor.Lifecycle;

/// <summary>
/// x-amz-expiration: expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="…", which PutObject, CopyObject,
/// CompleteMultipartUpload, GetObject and HeadObject answer when an enabled Expiration rule (Days or Date) whose filter
/// matches will expire the current version. NoncurrentVersionExpiration is not reported, as in S3.
/// </summary>
public sealed class ExpirationHeader(LifecycleStore store, ObjectCatalog objects, DayClock clock, StorageClassTable classes)
{
    /// <summary>
    /// Each bucket's rules as last parsed, with the stored text they came from: a request parses them again only when
    /// they changed. A pure function of that text, so no outcome depends on this node's copy.
    /// </summary>
    private readonly ConcurrentDictionary<string, (string Xml, LifecyclePlanner Planner)> planners = new(StringComparer.Ordinal);

    /// <summary>Writes the header for a version just made current, reading the bucket's rules.</summary>
    public async Task WriteAsync(S3Request s3, string key, VersionRecord version) =>
        await WriteAsync(s3, key, version, await store.GetAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>
    /// Writes the header for <paramref name="version"/> of <paramref name="key"/> under the bucket's rules as read with
    /// the bucket. A version a client named by id (<paramref name="named"/>) may be noncurrent: it is looked up as
    /// current first, and only then reported.
    /// </summary>
    public async Task WriteAsync(S3Request s3, string key, VersionRecord version, StoredLifecycle? lifecycle, bool named = false)
    {
        if (version.IsDeleteMarker || Planner(s3.Bucket!, lifecycle) is not { } planner) return;
        var facts = new ObjectFacts { Key = key, Size = version.Size, Tags = version.Tags, StorageClass = version.StorageClass, LastModified = version.LastModified };
        if (planner.ScheduledExpiration(facts) is not { } expiry) return;
        if (named && (await objects.GetCurrentAsync(s3.Bucket!, key, s3.Aborted).ConfigureAwait(false))?.Sequence != version.Sequence) return;
        s3.Response.Headers["x-amz-expiration"] =
            $"expiry-date=\"{expiry.Date.ToString("R", CultureInfo.InvariantCulture)}\", rule-id=\"{HeaderText(expiry.RuleId)}\"";
    }

    private LifecyclePlanner? Planner(string bucket, StoredLifecycle? stored)
    {
        if (stored is null)
        {
            planners.TryRemove(bucket, out _);
            return null;
        }
        if (planners.TryGetValue(bucket, out var known) && known.Xml == stored.Xml) return known.Planner;
        var planner = new LifecyclePlanner(LifecycleXml.Parse(System.Text.Encoding.UTF8.GetBytes(stored.Xml)), clock, classes);
        planners[bucket] = (stored.Xml, planner);
        return planner;
    }

    /// <summary>A header carries ASCII only: a rule ID with other characters (or a quote) is percent-encoded.</summary>
    private static string HeaderText(string ruleId) =>
        ruleId.All(c => c is >= ' ' and <= '~' and not '"') ? ruleId : Uri.EscapeDataString(ruleId);
}
