namespace Cairn.Index.Records;

public enum RestoreState
{
    /// <summary>Requested; the restored copy is not readable yet.</summary>
    Ongoing,

    /// <summary>The restored copy is readable until it expires.</summary>
    Restored,

    /// <summary>The restored copy has expired; the version is archived again.</summary>
    Expired,
}

/// <summary>A RestoreObject request on a GLACIER or DEEP_ARCHIVE version: when its copy becomes readable and until when.</summary>
public sealed record RestoreRecord
{
    public required string Tier { get; init; }
    public required int Days { get; init; }
    public required DateTimeOffset Requested { get; init; }
    public required DateTimeOffset ReadyAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    public RestoreState StateAt(DateTimeOffset now) =>
        now < ReadyAt ? RestoreState.Ongoing : now < ExpiresAt ? RestoreState.Restored : RestoreState.Expired;
}
