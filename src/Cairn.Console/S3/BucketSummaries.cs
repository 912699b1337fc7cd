using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.WebConsole.Sessions;

namespace Cairn.WebConsole.S3;

/// <summary>One row of the buckets page.</summary>
public sealed record BucketSummary(string Name, DateTime? Created, string Versioning, int? LifecycleRules, long? Objects, long? Bytes);

/// <summary>
/// What the buckets page shows of each bucket: versioning and lifecycle from S3 (two calls a bucket, a few buckets at
/// a time), object count and bytes from the admin usage report for root (the node counts them; the console never
/// lists a bucket to count it). A figure the caller may not read is left empty.
/// </summary>
public sealed class BucketSummaries(AdminApi admin)
{
    public async Task<IReadOnlyList<BucketSummary>> ReadAsync(ConsoleSession session, CancellationToken cancellationToken)
    {
        var buckets = (await session.S3.ListBucketsAsync(new ListBucketsRequest(), cancellationToken).ConfigureAwait(false)).Buckets ?? [];
        var usage = session.IsRoot ? await UsageAsync(session, cancellationToken).ConfigureAwait(false) : new Dictionary<string, (long Objects, long Bytes)>();
        var rows = new BucketSummary[buckets.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, buckets.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var name = buckets[i].BucketName;
            var versioning = await VersioningAsync(session.S3, name, ct).ConfigureAwait(false);
            var rules = await LifecycleRulesAsync(session.S3, name, ct).ConfigureAwait(false);
            var counted = usage.TryGetValue(name, out var u);
            rows[i] = new BucketSummary(name, buckets[i].CreationDate, versioning, rules, counted ? u.Objects : null, counted ? u.Bytes : null);
        }).ConfigureAwait(false);
        return rows;
    }

    private static async Task<string> VersioningAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var status = (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false)).VersioningConfig?.Status;
            return status is null || string.IsNullOrEmpty(status.Value) || status == VersionStatus.Off ? "Unversioned" : status.Value;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            return "—";
        }
    }

    private static async Task<int?> LifecycleRulesAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = (await s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false)).Configuration;
            return configuration?.Rules?.Count ?? 0;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchLifecycleConfiguration")
        {
            return 0;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    private async Task<Dictionary<string, (long Objects, long Bytes)>> UsageAsync(ConsoleSession session, CancellationToken cancellationToken)
    {
        using var report = await admin.GetAsync(session, "usage", cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, (long Objects, long Bytes)>(StringComparer.Ordinal);
        foreach (var bucket in report.RootElement.GetProperty("buckets").EnumerateArray())
            result[bucket.GetProperty("bucket").GetString()!] = (bucket.GetProperty("objects").GetInt64(), bucket.GetProperty("liveBytes").GetInt64());
        return result;
    }
}
