using System.Text.Json;
using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.Data.Blobs;
using Cairn.Workers;
using Cairn.Workers.Lifecycle;
using Cairn.Index.Billing;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Node.Audit;
using Cairn.FrontDoor;
using Cairn.FrontDoor.Hosting;
using Microsoft.AspNetCore.Http;

namespace Cairn.Node.Admin;

/// <summary>
/// The operator's API under /_cairn/admin/v1/ (a path no bucket can have: '_' is not allowed in
/// bucket names). Every call must be SigV4-signed with the root credentials; answers are JSON.
/// </summary>
public sealed class AdminHandlers(BucketCatalog buckets, BucketUsage usage, BlobStore blobs, ServerInfo server, FrontDoorOptions options,
    ScrubAndRepair scrubber, DurabilityLedger ledger, ErasureSettings code, LifecyclePass lifecycle, BillCalculator billing, ClusterStatus cluster,
    ObjectCatalog objects, BlobBookkeeping bookkeeping, IDriveAvailability availability, ReturnedDriveRepair refill, ClusterAudit audit,
    Durability.ClusterDurability race, Usage.ClusterUsage usageShares, TimeProvider time,
    Cluster.RangeSplitter? splitter = null,
    Cluster.NodeAdmission? admission = null, Cluster.NodeDeparture? departure = null, Cluster.RangeMerger? merger = null, Cluster.DriveDrain? drain = null) : IAdminApi
{
    private const string Prefix = AdminPaths.Prefix;

    public async Task HandleAsync(HttpContext http, AuthResult auth)
    {
        if (auth.AccessKey != options.AccessKey) throw new S3Exception(S3ErrorCode.AccessDenied);
        var path = http.Request.Path.Value ?? "";
        var method = http.Request.Method;
        object result = (method, path) switch
        {
            ("GET", Prefix + "info") => await InfoAsync(http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "usage") => await UsageAsync(http.Request.Query["bucket"].ToString(), http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "usage/history") => await usageShares.HistoryAsync(Usage.UsageQueryText.Parse(http.Request.Query), http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "usage/latest") => await usageShares.LatestAsync(new Workers.Usage.UsageQuery(), http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "drives") => await DrivesAsync(http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "durability") => await DurabilityAsync(http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "scrub") => ScrubReport((await scrubber.ScrubAsync(null, http.RequestAborted).ConfigureAwait(false)), null),
            ("POST", Prefix + "repair") => await RepairAsync(http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "scrub/progress") => http.Request.Query["scope"].ToString() switch
            {
                "" or "cluster" => await race.ScrubAsync(http.RequestAborted).ConfigureAwait(false),
                // The pass of this node: what a caller that started one here follows (pass numbers are per node).
                "node" => scrubber.Progress,
                var other => throw new S3Exception(S3ErrorCode.InvalidArgument, $"scope must be cluster or node, not '{other}'."),
            },
            ("GET", Prefix + "durability/history") => await race.HistoryAsync(http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "audit") => await audit.ReadAsync(AuditQueryText.Parse(http.Request.Query), http.Request.QueryString, http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "lifecycle/run") => await LifecycleRunAsync(http.Request.Query["bucket"].ToString(), http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "cluster") => await cluster.ReportAsync(http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "drive/drain") => await DrainAsync(http.Request.Query["drive"].ToString(), http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "drive/replace") => await ReplaceAsync(http.Request.Query["drive"].ToString(), http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "cluster/split") => await SplitAsync(http.Request.Query["bucket"].ToString(), http.Request.Query["key"].ToString(),
                http.Request.Query["mergeable"] == "true", http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "cluster/merge") => await MergeAsync(http.Request.Query["bucket"].ToString(), http.Request.Query["key"].ToString(), http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "cluster/admit") => await AdmitAsync(http.Request.Query["node"].ToString(), http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "cluster/drain") => await DepartAsync(http.Request.Query["node"].ToString(), leave: false, http.RequestAborted).ConfigureAwait(false),
            ("POST", Prefix + "cluster/remove") => await DepartAsync(http.Request.Query["node"].ToString(), leave: true, http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "layout") => await LayoutAsync(http.Request.Query["bucket"].ToString(), http.Request.Query["key"].ToString(), http.RequestAborted).ConfigureAwait(false),
            ("GET", Prefix + "billing") => http.Request.Query["sample"].ToString() switch
            {
                "" => await BillingAsync(http.Request.Query["bucket"].ToString(), http.RequestAborted).ConfigureAwait(false),
                "latest" => await SampledBillAsync(http.Request.Query["bucket"].ToString(), http.RequestAborted).ConfigureAwait(false),
                var other => throw new S3Exception(S3ErrorCode.InvalidArgument, $"sample must be latest (the bill of the usage sampler's latest sample), not '{other}'."),
            },
            _ => throw new S3Exception(S3ErrorCode.NotImplemented, $"Unknown admin call {method} {path}"),
        };
        http.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(http.Response.Body, result, result.GetType(), AdminJson.Options, http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Splits the range holding (bucket, key) at that key: the key starts the new range, which the merger of small cold
    /// ranges leaves alone unless the operator said it may merge it back.
    /// </summary>
    private async Task<object> SplitAsync(string bucket, string key, bool mergeable, CancellationToken cancellationToken)
    {
        if (splitter is null) throw new S3Exception(S3ErrorCode.NotImplemented, "A single node has one range: only a cluster splits ranges.");
        if (bucket.Length == 0 || key.Length == 0) throw new S3Exception(S3ErrorCode.InvalidArgument, "A split needs a bucket and a key.");
        var right = await splitter.SplitAsync(bucket, key, cancellationToken, byOperator: !mergeable).ConfigureAwait(false);
        return new { range = Cluster.ClusterRuntime.GroupName(right.GroupId), start = Core.Keys.RangeKeys.Show(right.Start), end = Core.Keys.RangeKeys.Show(right.End) };
    }

    /// <summary>Merges the range holding (bucket, key) with the range after it.</summary>
    private async Task<object> MergeAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        if (merger is null) throw new S3Exception(S3ErrorCode.NotImplemented, "A single node has one range: only a cluster merges ranges.");
        if (bucket.Length == 0) throw new S3Exception(S3ErrorCode.InvalidArgument, "A merge needs a bucket (and a key: the range holding it merges with the next).");
        var merged = await merger.MergeAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        return new { range = Cluster.ClusterRuntime.GroupName(merged.GroupId), start = Core.Keys.RangeKeys.Show(merged.Start), end = Core.Keys.RangeKeys.Show(merged.End) };
    }

    /// <summary>Admits a node that waits to join: it becomes up and the groups' leaders add it as a member.</summary>
    private async Task<object> AdmitAsync(string node, CancellationToken cancellationToken) =>
        admission is null
            ? throw new S3Exception(S3ErrorCode.NotImplemented, "A single node has no cluster to admit a node into.")
            : await admission.AdmitAsync(node, cancellationToken).ConfigureAwait(false);

    /// <summary>Drains a node (its replicas, leaderships and fragments move away), or removes a drained one.</summary>
    private async Task<object> DepartAsync(string node, bool leave, CancellationToken cancellationToken) =>
        departure is null ? throw new S3Exception(S3ErrorCode.NotImplemented, "A single node has no cluster to take a node out of.")
        : leave ? await departure.RemoveAsync(node, cancellationToken).ConfigureAwait(false)
        : await departure.DrainAsync(node, cancellationToken).ConfigureAwait(false);

    /// <summary>Sets a drive draining: the mover empties it onto drives that keep the protection level.</summary>
    private async Task<object> DrainAsync(string drive, CancellationToken cancellationToken) =>
        drain is null
            ? throw new S3Exception(S3ErrorCode.NotImplemented, "A single node has nowhere to move a drive's fragments to: only a cluster drains drives.")
            : await drain.DrainAsync(drive, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A failed drive replaced by an empty one at the same path: rebuilds onto it now what the layouts name there, instead of
    /// waiting for the next scrub, deletes what it holds stale, and asks the mover to bring back what went elsewhere.
    /// </summary>
    private async Task<object> ReplaceAsync(string drive, CancellationToken cancellationToken)
    {
        if (!blobs.Drives.TryGetValue(drive, out var store)) throw new S3Exception(S3ErrorCode.InvalidArgument, $"No drive {drive}; `cairn admin drives` lists them.");
        if (!store.TryInitialize())
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"Drive {drive} is offline: put an empty, writable folder (the new disk) at its path first.");
        return await refill.RefillAsync(drive, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AdminInfo> InfoAsync(CancellationToken cancellationToken)
    {
        var figures = await MeasureAsync(null, cancellationToken).ConfigureAwait(false);
        return new AdminInfo(
            server.Version,
            (long)server.Uptime.TotalSeconds,
            server.DataPath,
            blobs.Drives.Values.Select(d => d.Stats()).Select(s => new AdminDrive(s.DriveId, s.Path, s.TotalBytes, s.FreeBytes)).ToArray(),
            figures.Count,
            figures.Sum(f => f.Objects),
            figures.Sum(f => f.TotalBytes));
    }

    private async Task<AdminUsage> UsageAsync(string bucket, CancellationToken cancellationToken)
    {
        if (bucket.Length > 0) await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        var figures = await MeasureAsync(bucket.Length > 0 ? bucket : null, cancellationToken).ConfigureAwait(false);
        return new AdminUsage(figures.Select(f => new AdminBucketUsage(f.Bucket, f.Objects, f.LiveBytes, f.NoncurrentVersions, f.NoncurrentBytes, f.DeleteMarkers, f.IncompleteUploadParts, f.IncompleteUploadBytes, f.TotalBytes)).ToArray());
    }

    /// <summary>
    /// Every drive listed now, local and other nodes' (each listed by its own node): exact, and as slow as the walk. The
    /// listings also refresh each drive's census, which the cheap views (the cluster's drives, durability, metrics) show.
    /// </summary>
    private async Task<AdminDriveState[]> DrivesAsync(CancellationToken cancellationToken)
    {
        var result = new List<AdminDriveState>();
        foreach (var drive in blobs.Drives.Values)
        {
            long fragments = 0, bytes = 0;
            try
            {
                await foreach (var f in drive.ListAsync(cancellationToken).ConfigureAwait(false)) { fragments++; bytes += f.Length; }
            }
            catch (IOException)
            {
                // A drive that cannot be listed (a dead disk, a down node) is reported offline, not an error.
                (fragments, bytes) = (0, 0);
            }
            var stats = drive.Stats();
            result.Add(new AdminDriveState(drive.DriveId, cluster.NodeOf(drive.DriveId), stats.Path, stats.Online ? "online" : "offline", fragments, bytes,
                stats.TotalBytes, stats.FreeBytes));
        }
        return [.. result];
    }

    /// <summary>
    /// The estimates, with the bytes a drive failure puts to rebuild taken from the fullest drive's census (its filesystem's
    /// used bytes before its first count): no drive is walked for them.
    /// </summary>
    private async Task<DurabilityReport> DurabilityAsync(CancellationToken cancellationToken)
    {
        var drives = blobs.Drives.Values.Select(d => d.Stats()).ToArray();
        var perDrive = drives.Length == 0 ? 0 : drives.Max(d => d.Census?.Bytes ?? (d.Online ? d.TotalBytes - d.FreeBytes : 0));
        var unavailable = availability.Unavailable();
        var margins = StripeDurability.Census(await bookkeeping.ReferencesAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false), unavailable);
        var (totals, unreachable) = await race.TotalsAsync(cancellationToken).ConfigureAwait(false);
        return ledger.Report(totals, drives.Length, drives.Count(d => !unavailable.Contains(d.DriveId)), code.DataFragments, code.ParityFragments, perDrive, margins)
            with { Unreachable = unreachable };
    }

    private async Task<AdminScrubReport> RepairAsync(CancellationToken cancellationToken)
    {
        var (scrub, repair) = await scrubber.ScrubAndRepairAsync(null, cancellationToken).ConfigureAwait(false);
        return ScrubReport(scrub, repair);
    }

    /// <summary>Where the current version of a key keeps its fragments: one drive per slot, for each blob (part).</summary>
    private async Task<AdminLayout> LayoutAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        var version = await objects.GetCurrentAsync(bucket, key, cancellationToken).ConfigureAwait(false) ?? throw new S3Exception(S3ErrorCode.NoSuchKey);
        return new AdminLayout(bucket, key, version.VersionId,
            version.Blobs().Select(b => new AdminBlobLayout(b.BlobId, b.DataFragments, b.ParityFragments, b.Drives.ToArray())).ToArray());
    }

    private async Task<AdminLifecycleRun> LifecycleRunAsync(string bucket, CancellationToken cancellationToken)
    {
        if (bucket.Length > 0) await buckets.RequireAsync(bucket, cancellationToken).ConfigureAwait(false);
        var outcomes = await lifecycle.RunAsync(bucket.Length > 0 ? bucket : null, ranges: null, cancellationToken).ConfigureAwait(false);
        return new AdminLifecycleRun(outcomes.Count, outcomes.ToArray());
    }

    private async Task<AdminBill> BillingAsync(string bucket, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (bucket.Length > 0) names.Add(bucket); // a deleted bucket's ledger is still billable history
        else names.AddRange((await buckets.ListAsync(cancellationToken).ConfigureAwait(false)).Select(b => b.Name));
        return Bill(await billing.ComputeAsync(names, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The bill as of the usage samplers' latest sum: no walk of the index (an empty bill, now, before the first sample).</summary>
    private async Task<AdminBill> SampledBillAsync(string bucket, CancellationToken cancellationToken)
    {
        var latest = await usageShares.LatestAsync(new Workers.Usage.UsageQuery(Bucket: bucket.Length > 0 ? bucket : null), cancellationToken).ConfigureAwait(false);
        var bill = latest.Samples is [var sample] ? Bill(billing.Price(sample.At, sample.Classes)) : Bill(new Bill(time.GetUtcNow(), []));
        return bill with { Unreachable = latest.Unreachable };
    }

    private static AdminBill Bill(Bill bill)
    {
        var lines = bill.Lines.Select(l => new AdminBillLine(l.Bucket, l.StorageClass, KindName(l.Kind), l.ByteDays, l.GibMonths, l.Cost)).ToArray();
        decimal Sum(MeterKind kind) => bill.Lines.Where(l => l.Kind == kind).Sum(l => l.Cost);
        return new AdminBill(bill.At, lines,
            Sum(MeterKind.Current) + Sum(MeterKind.Noncurrent), Sum(MeterKind.EarlyDelete), Sum(MeterKind.IncompleteUpload), bill.Total);
    }

    private static string KindName(MeterKind kind) => kind switch
    {
        MeterKind.Current => "current",
        MeterKind.Noncurrent => "noncurrent",
        MeterKind.IncompleteUpload => "incomplete-upload",
        _ => "early-delete",
    };

    private static AdminScrubReport ScrubReport(ScrubResult scrub, RepairResult? repair) =>
        new(scrub.Blobs, scrub.Bytes, scrub.Damaged.Count, scrub.Damaged.Sum(d => d.Damage.BadSlots.Count),
            repair?.BlobsRepaired, repair?.FragmentsRebuilt, repair?.BlobsLeftDegraded, repair?.BlobsUnrepairable);

    private async Task<List<BucketUsageFigures>> MeasureAsync(string? only, CancellationToken cancellationToken)
    {
        var result = new List<BucketUsageFigures>();
        foreach (var bucket in await buckets.ListAsync(cancellationToken).ConfigureAwait(false))
            if (only is null || bucket.Name == only)
                result.Add(await usage.MeasureAsync(bucket.Name, cancellationToken).ConfigureAwait(false));
        return result;
    }
}

/// <summary>Facts about this server process that the admin API reports.</summary>
/// <summary>The node's version and data folder, and when it started as a monotonic timestamp (uptime is elapsed time, not a clock difference).</summary>
public sealed record ServerInfo(string Version, long StartedTimestamp, string DataPath)
{
    public TimeSpan Uptime => System.Diagnostics.Stopwatch.GetElapsedTime(StartedTimestamp);
}

public sealed record AdminDrive(string Id, string Path, long TotalBytes, long FreeBytes);

public sealed record AdminInfo(string Version, long UptimeSeconds, string DataPath, AdminDrive[] Drives, int Buckets, long Objects, long Bytes);

public sealed record AdminBucketUsage(string Bucket, long Objects, long LiveBytes, long NoncurrentVersions, long NoncurrentBytes, long DeleteMarkers,
    long IncompleteUploadParts, long IncompleteUploadBytes, long TotalBytes);

public sealed record AdminUsage(AdminBucketUsage[] Buckets);

public sealed record AdminDriveState(string Id, string Node, string Path, string State, long Fragments, long FragmentBytes, long TotalBytes, long FreeBytes);

public sealed record AdminScrubReport(long BlobsScrubbed, long BytesVerified, long BlobsDamaged, long FragmentsLost,
    long? BlobsRepaired, long? FragmentsRebuilt, long? BlobsLeftDegraded, long? BlobsUnrepairable);

public sealed record AdminBlobLayout(string BlobId, int DataFragments, int ParityFragments, string[] Drives);

public sealed record AdminLayout(string Bucket, string Key, string? VersionId, AdminBlobLayout[] Blobs);

public sealed record AdminLifecycleRun(int Actions, LifecycleOutcome[] Outcomes);

public sealed record AdminBillLine(string Bucket, string StorageClass, string Kind, double ByteDays, double GibMonths, decimal Cost);

/// <summary>A bill; priced from the usage samples, it names the nodes whose shares it is missing.</summary>
public sealed record AdminBill(DateTimeOffset At, AdminBillLine[] Lines, decimal StorageCost, decimal EarlyDeleteCost, decimal IncompleteUploadCost, decimal TotalCost)
{
    public Workers.UnreachableNode[] Unreachable { get; init; } = [];
}

public static class AdminJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
