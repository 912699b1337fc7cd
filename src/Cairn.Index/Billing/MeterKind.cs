namespace Cairn.Index.Billing;

/// <summary>What a ledger line charges for. Delete markers are never metered.</summary>
public enum MeterKind
{
    /// <summary>Storage of current versions.</summary>
    Current,

    /// <summary>Storage of noncurrent versions (versioned buckets).</summary>
    Noncurrent,

    /// <summary>Storage of the parts of uploads not yet completed or aborted.</summary>
    IncompleteUpload,

    /// <summary>The remaining days of a class's minimum duration, charged when an object leaves it early.</summary>
    EarlyDelete,
}

/// <summary>One closed charge in the billing ledger: byte-days of one kind in one class, and why it closed.</summary>
public sealed record LedgerLine
{
    public required string Bucket { get; init; }
    public required string Key { get; init; }
    public required string StorageClass { get; init; }
    public required MeterKind Kind { get; init; }

    /// <summary>Billable bytes × clock days.</summary>
    public required double ByteDays { get; init; }

    /// <summary>delete, overwrite, transition, expiration, abort, complete, replace.</summary>
    public required string Reason { get; init; }

    public required DateTimeOffset At { get; init; }
}
