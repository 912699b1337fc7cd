using System.Text.Json;

namespace Cairn.WebConsole.Pages.Operator;

// The parts of the admin API's answers (src/Cairn.Node/Admin) that the operator pages show; JSON in camelCase.

/// <summary>A drive as its node reports it; its fragments as of <paramref name="CountedAt"/> (null before its first count).</summary>
public sealed record ClusterDriveFigures(string Id, string State, string Path, long TotalBytes, long FreeBytes, long? Fragments, long? FragmentBytes,
    DateTimeOffset? CountedAt);

public sealed record NodeFigures(string Id, string State, string S3Address, ClusterDriveFigures[] Drives, long UsedBytes);

public sealed record ClusterFigures(string Node, NodeFigures[] Nodes);

public sealed record DurabilityFigures(long Scrubs, DateTimeOffset? LastScrub, long FragmentsLost, long FragmentsRebuilt, long UnrepairableBlobs,
    double MeanTimeToRepairHours, int Drives, int DrivesAvailable, int DataFragments, int ParityFragments, double EstimatedAnnualNines,
    long Stripes, long StripesLost, double StoreAnnualNines, UnreachableFigures[]? Unreachable = null);

public sealed record DurabilitySampleFigures(DateTimeOffset At, long FragmentsLost, long FragmentsRebuilt, long RepairQueue);

public sealed record ScrubFigures(long Pass, string Kind, string State, long BlobsTotal, long BlobsScrubbed, long BytesTotal, long BytesVerified,
    long BlobsDamaged, long FragmentsLost, long BlobsToRepair, long BlobsRepaired, long FragmentsRebuilt, double BytesPerSecond, double? EtaSeconds,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Node = null)
{
    public bool Running => State != "idle";
}

public sealed record ClassUsageFigures(string Bucket, string StorageClass, long Objects, long CurrentBytes, long NoncurrentBytes, long IncompleteUploadBytes,
    double CurrentByteDays, double NoncurrentByteDays, double IncompleteUploadByteDays, double EarlyDeleteByteDays)
{
    public long Bytes => CurrentBytes + NoncurrentBytes + IncompleteUploadBytes;

    public double ByteDays => CurrentByteDays + NoncurrentByteDays + IncompleteUploadByteDays + EarlyDeleteByteDays;
}

/// <summary>One sample of usage (admin <c>usage/history</c>, <c>usage/latest</c>): in a cluster, the nodes' shares added up.</summary>
public sealed record UsageSampleFigures(DateTimeOffset At, ClassUsageFigures[] Classes);

/// <summary>A node of the cluster that did not answer a read of every node's part.</summary>
public sealed record UnreachableFigures(string Node, string ClusterAddress, string Error)
{
    /// <summary>What the pages say of such nodes: that the figures miss their shares.</summary>
    public static string? Notice(IReadOnlyList<UnreachableFigures>? nodes) => nodes is not { Count: > 0 } ? null
        : $"{(nodes.Count == 1 ? "Node" : "Nodes")} {string.Join(", ", nodes.Select(n => n.Node))} did not answer: {(nodes.Count == 1 ? "its share is" : "their shares are")} missing from these figures.";
}

public sealed record UsageHistoryFigures(UsageSampleFigures[] Samples, UnreachableFigures[]? Unreachable = null);

public sealed record BillLineFigures(string Bucket, string StorageClass, string Kind, double ByteDays, double GibMonths, decimal Cost);

public sealed record BillFigures(DateTimeOffset At, BillLineFigures[] Lines, decimal StorageCost, decimal EarlyDeleteCost, decimal IncompleteUploadCost, decimal TotalCost);

public static class AdminFigures
{
    public static T Read<T>(this JsonDocument document)
    {
        using (document) return document.Deserialize<T>(JsonSerializerOptions.Web) ?? throw new JsonException($"The admin API answered null for {typeof(T).Name}.");
    }
}
