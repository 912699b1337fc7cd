namespace Cairn.Core.StorageClasses;

/// <summary>
/// What a storage class means to Cairn: how far down the ladder it sits, whether its bytes must be
/// restored before a read, and what it costs. Prices are per GiB-month; durations in (clock) days.
/// </summary>
public sealed record StorageClass
{
    public required string Name { get; init; }

    /// <summary>0 for the hot classes; higher is colder. Lifecycle transitions only move down.</summary>
    public required int Rank { get; init; }

    /// <summary>GLACIER and DEEP_ARCHIVE: a GET needs a restored copy first.</summary>
    public bool NeedsRestore { get; init; }

    /// <summary>Deleting, overwriting or transitioning sooner than this bills the remaining days.</summary>
    public double MinimumDays { get; init; }

    /// <summary>Smaller objects are billed as if they were this size.</summary>
    public long MinimumBillableBytes { get; init; }

    public decimal PricePerGibMonth { get; init; }

    /// <summary>The drive tier its bytes live on: hot, warm or cold (a tier with no drives falls back to all drives).</summary>
    public string Tier { get; init; } = "hot";

    /// <summary>"K+M" for blobs of this class; null uses the node's default code.</summary>
    public string? Ec { get; init; }

    /// <summary>Restore delays in days by tier (Expedited, Standard, Bulk); absent tiers are refused.</summary>
    public IReadOnlyDictionary<string, double> RestoreDays { get; init; } = new Dictionary<string, double>();
}
