using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Data.Blobs;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Index.Shards;
using Cairn.Index.Uploads;
using Cairn.Lifecycle;
using Microsoft.Extensions.Logging;

namespace Cairn.Workers.Lifecycle;

/// <summary>
/// One lifecycle pass: for every bucket with rules, walks its keys in order (those of the ranges it is given, or all), asks the planner what is
/// due for each version and each upload, and does it. Every action is one conditional, atomic index
/// commit, so a pass is idempotent and a crash mid-pass leaves nothing half done (at worst an orphan
/// blob from an interrupted transition, which GC reclaims).
/// </summary>
public sealed partial class LifecyclePass(
    IndexRouter index,
    BucketCatalog buckets,
    LifecycleStore store,
    ObjectCatalog objects,
    UploadCatalog uploads,
    BlobStore blobs,
    StorageMedia media,
    IVersionBytes bytes,
    StorageClassTable classes,
    DayClock clock,
    ILogger<LifecyclePass> log,
    LifecycleTally? tally = null)
{
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    /// <summary>A pass over every bucket, or <paramref name="onlyBucket"/>; over the keys of the ranges <paramref name="ranges"/> accepts, or all.</summary>
    public async Task<IReadOnlyList<LifecycleOutcome>> RunAsync(string? onlyBucket, Func<IIndexShard, bool>? ranges, CancellationToken cancellationToken)
    {
        var outcomes = new List<LifecycleOutcome>();
        if (ranges is not null && !index.Shards.Any(ranges)) return outcomes;
        await oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var names = new List<string>();
            foreach (var bucket in await buckets.ListAsync(cancellationToken).ConfigureAwait(false))
                if (onlyBucket is null || bucket.Name == onlyBucket) names.Add(bucket.Name);
            foreach (var bucket in names)
                if (await store.GetAsync(bucket, cancellationToken).ConfigureAwait(false) is { } stored)
                    await RunBucketAsync(bucket, stored, ranges, outcomes, cancellationToken).ConfigureAwait(false);
            return outcomes;
        }
        finally
        {
            oneAtATime.Release();
            // What a failed pass did before it failed was done all the same.
            tally?.Record(outcomes);
        }
    }

    private async Task RunBucketAsync(string bucket, StoredLifecycle stored, Func<IIndexShard, bool>? ranges, List<LifecycleOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        var configuration = LifecycleXml.Parse(System.Text.Encoding.UTF8.GetBytes(stored.Xml));
        var planner = new LifecyclePlanner(configuration, clock, classes);
        var rules = configuration.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        await foreach (var key in BucketVersionWalk.KeysAsync(index, bucket, ranges, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var current = key.NewestFirst[0];
            var action = planner.CurrentVersionAction(new ObjectFacts
            {
                Key = key.Key, Size = current.Size, Tags = TagsOf(current), StorageClass = current.StorageClass, LastModified = current.LastModified,
                IsDeleteMarker = current.IsDeleteMarker, IsOnlyVersion = key.NewestFirst.Count == 1,
            });
            await ApplyAsync(bucket, key.Key, current, isCurrent: true, action, rules, stored, outcomes, cancellationToken).ConfigureAwait(false);
            for (var i = 1; i < key.NewestFirst.Count; i++)
            {
                var version = key.NewestFirst[i];
                var noncurrent = planner.NoncurrentVersionAction(new NoncurrentFacts
                {
                    Key = key.Key, Size = version.Size, Tags = TagsOf(version), StorageClass = version.StorageClass, LastModified = version.LastModified,
                    IsDeleteMarker = version.IsDeleteMarker, NoncurrentSince = key.NoncurrentSince(i)!.Value, NewerNoncurrentCount = i - 1,
                });
                await ApplyAsync(bucket, key.Key, version, isCurrent: false, noncurrent, rules, stored, outcomes, cancellationToken).ConfigureAwait(false);
            }
        }
        await AbortStaleUploadsAsync(bucket, planner, ranges, outcomes, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAsync(string bucket, string key, VersionRecord version, bool isCurrent, LifecycleAction action,
        IReadOnlyDictionary<string, LifecycleRule> rules, StoredLifecycle stored, List<LifecycleOutcome> outcomes, CancellationToken cancellationToken)
    {
        var ruleId = action.RuleId ?? "";
        switch (action.Kind)
        {
            case LifecycleActionKind.Transition when TransitionSizeFloor.Allows(stored.TransitionDefaultMinimumObjectSize, rules[ruleId], version.Size, action.TargetStorageClass!):
                if (await TransitionAsync(bucket, key, version, action.TargetStorageClass!, cancellationToken).ConfigureAwait(false))
                    outcomes.Add(new LifecycleOutcome(bucket, key, version.VersionId, "transition", action.TargetStorageClass, ruleId));
                break;
            case LifecycleActionKind.Expire when isCurrent:
                var marker = await objects.DeleteAsync(bucket, key, ifCurrentSequence: version.Sequence, cancellationToken: cancellationToken).ConfigureAwait(false);
                outcomes.Add(new LifecycleOutcome(bucket, key, version.VersionId, marker is null ? "expire" : "expire-with-delete-marker", null, ruleId));
                break;
            case LifecycleActionKind.ExpireNoncurrent:
            case LifecycleActionKind.RemoveExpiredDeleteMarker:
                try
                {
                    if (await objects.DeleteVersionAsync(bucket, key, version.VersionId, cancellationToken: cancellationToken).ConfigureAwait(false) is not null)
                        outcomes.Add(new LifecycleOutcome(bucket, key, version.VersionId,
                            action.Kind == LifecycleActionKind.ExpireNoncurrent ? "expire-noncurrent" : "remove-expired-delete-marker", null, ruleId));
                }
                catch (Cairn.Core.Errors.S3Exception e) when (e.Code.Code == Cairn.Core.Errors.S3ErrorCode.AccessDenied.Code)
                {
                    LogLocked(bucket, key, version.VersionId); // under Object Lock: the shard refused; a later pass tries again
                }
                break;
        }
    }

    /// <summary>Rewrites the bytes onto the target class's medium, then flips; the new blob is freed if the version changed meanwhile.</summary>
    private async Task<bool> TransitionAsync(string bucket, string key, VersionRecord version, string target, CancellationToken cancellationToken)
    {
        if (version.Inline is not null || version.Size == 0 && version.Blob is null && version.Parts is null)
            return await objects.TransitionAsync(bucket, key, version, target, rewritten: null, cancellationToken).ConfigureAwait(false);
        await using var source = bytes.OpenStream(version, cancellationToken);
        using var draft = await blobs.WriteAsync(source, media.For(target), cancellationToken).ConfigureAwait(false);
        if (await objects.TransitionAsync(bucket, key, version, target, draft.Layout, cancellationToken).ConfigureAwait(false)) return true;
        await blobs.FreeAsync(draft.Layout, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private async Task AbortStaleUploadsAsync(string bucket, LifecyclePlanner planner, Func<IIndexShard, bool>? ranges, List<LifecycleOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        var stale = new List<(string Key, string UploadId, string RuleId)>();
        foreach (var listed in await uploads.AllUploadsAsync(bucket, ranges, cancellationToken).ConfigureAwait(false))
            if (planner.AbortUpload(listed.Key, listed.Upload.Initiated) is { } ruleId) stale.Add((listed.Key, listed.Upload.UploadId, ruleId));
        foreach (var (key, uploadId, ruleId) in stale)
        {
            try
            {
                await uploads.AbortAsync(bucket, key, uploadId, "lifecycle-abort", cancellationToken).ConfigureAwait(false);
                outcomes.Add(new LifecycleOutcome(bucket, key, uploadId, "abort-upload", null, ruleId));
            }
            catch (Cairn.Core.Errors.S3Exception e) when (e.Code == Cairn.Core.Errors.S3ErrorCode.NoSuchUpload)
            {
                LogUploadGone(bucket, key, uploadId); // completed or aborted by a client meanwhile
            }
        }
    }

    private static IReadOnlyDictionary<string, string> TagsOf(VersionRecord version) => version.Tags;


    [LoggerMessage(Level = LogLevel.Debug, Message = "Version {VersionId} of {Bucket}/{Key} is under Object Lock: not expired")]
    private partial void LogLocked(string bucket, string key, string versionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upload {Bucket}/{Key} {UploadId} was gone before lifecycle could abort it")]
    private partial void LogUploadGone(string bucket, string key, string uploadId);
}
