using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.WebConsole.Pages.Operator;
using Cairn.WebConsole.Sessions;

namespace Cairn.WebConsole.S3;

/// <summary>One row of the buckets page.</summary>
public sealed record BucketSummary(string Name, DateTime? Created, string Versioning, int? LifecycleRules, long? Objects, long? Bytes);

/// <summary>The buckets page's rows, and when their object counts and sizes were measured (null: not shown, or not measured yet).</summary>
public sealed record BucketSummaryList(IReadOnlyList<BucketSummary> Buckets, DateTimeOffset? CountedAt, string? Missing = null);

/// <summary>
/// What the buckets page shows of each bucket: versioning and lifecycle from S3 (two calls a bucket, a few buckets at
/// a time), object count and bytes for root from the node's usage sampler's latest sample (admin <c>usage/latest</c>:
/// measured every --usage-interval, so a page load never walks the index, and the console never lists a bucket to count
/// it). A figure the caller may not read, or not measured yet, is left empty.
/// </summary>
public sealed class BucketSummaries(AdminApi admin)
{
    public async Task<BucketSummaryList> ReadAsync(ConsoleSession session, CancellationToken cancellationToken)
    {
        var buckets = (await session.S3.ListBucketsAsync(new ListBucketsRequest(), cancellationToken).ConfigureAwait(false)).Buckets ?? [];
        var sampled = session.IsRoot ? (await admin.GetAsync(session, "usage/latest", cancellationToken).ConfigureAwait(false)).Read<UsageHistoryFigures>() : null;
        var latest = sampled?.Samples.SingleOrDefault();
        var usage = (latest?.Classes ?? []).GroupBy(c => c.Bucket, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Objects: g.Sum(c => c.Objects), Bytes: g.Sum(c => c.CurrentBytes)), StringComparer.Ordinal);
        var rows = new BucketSummary[buckets.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, buckets.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var name = buckets[i].BucketName;
            var versioning = await VersioningAsync(session.S3, name, ct).ConfigureAwait(false);
            var rules = await LifecycleRulesAsync(session.S3, name, ct).ConfigureAwait(false);
            // Measured, a bucket with nothing in it has no figures: it holds 0 objects.
            var (objects, bytes) = usage.GetValueOrDefault(name);
            rows[i] = new BucketSummary(name, buckets[i].CreationDate, versioning, rules, latest is null ? null : objects, latest is null ? null : bytes);
        }).ConfigureAwait(false);
        return new BucketSummaryList(rows, latest?.At, UnreachableFigures.Notice(sampled?.Unreachable));
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
}
