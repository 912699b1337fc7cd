namespace Cairn.Index.Records;

/// <summary>S3's two retention modes: GOVERNANCE yields to x-amz-bypass-governance-retention, COMPLIANCE to nothing.</summary>
public enum RetentionMode
{
    Governance,
    Compliance,
}

/// <summary>A legal hold: while ON the version cannot be removed, whatever its retention says.</summary>
public enum LegalHoldStatus
{
    Off,
    On,
}

/// <summary>One version's retention: it cannot be removed (nor shortened, in COMPLIANCE mode) before <paramref name="RetainUntilDate"/>.</summary>
public sealed record ObjectRetention(RetentionMode Mode, DateTimeOffset RetainUntilDate)
{
    /// <summary>Whether the retention still holds at <paramref name="at"/>, the time a command carries.</summary>
    public bool HoldsAt(DateTimeOffset at) => RetainUntilDate > at;
}

/// <summary>The retention a bucket gives every new version that asks for none: a mode and either days or years.</summary>
public sealed record DefaultRetention(RetentionMode Mode, int? Days, int? Years);

/// <summary>A bucket's Object Lock configuration: once present (ObjectLockEnabled), it stays; only its default retention changes.</summary>
public sealed record ObjectLockConfiguration
{
    public DefaultRetention? DefaultRetention { get; init; }
}
