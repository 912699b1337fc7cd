using System.Globalization;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.ObjectLock;

/// <summary>Object Lock's values as S3 spells them, in headers and XML alike: GOVERNANCE/COMPLIANCE, ON/OFF, ISO 8601 dates.</summary>
public static class ObjectLockValues
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"];

    public static string Name(RetentionMode mode) => mode == RetentionMode.Compliance ? "COMPLIANCE" : "GOVERNANCE";

    public static string Name(LegalHoldStatus status) => status == LegalHoldStatus.On ? "ON" : "OFF";

    /// <summary>Exact, upper-case names only, as S3's enumerations are.</summary>
    public static RetentionMode? Mode(string text) => text switch
    {
        "GOVERNANCE" => RetentionMode.Governance,
        "COMPLIANCE" => RetentionMode.Compliance,
        _ => null,
    };

    public static LegalHoldStatus? LegalHold(string text) => text switch
    {
        "ON" => LegalHoldStatus.On,
        "OFF" => LegalHoldStatus.Off,
        _ => null,
    };

    /// <summary>
    /// An ISO 8601 date with a time and a zone, kept to the millisecond: what is stored is exactly what GET returns, so a
    /// client that puts back the date it read is not taken to shorten the retention.
    /// </summary>
    public static DateTimeOffset? Date(string text)
    {
        if (!DateTimeOffset.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)) return null;
        return new DateTimeOffset(date.UtcTicks - date.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    public static string Text(DateTimeOffset date) => Xml.S3Xml.Timestamp(date);
}
