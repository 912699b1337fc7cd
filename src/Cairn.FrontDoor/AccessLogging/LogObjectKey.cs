using System.Globalization;
using System.Security.Cryptography;
using Cairn.Auth;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// The key of a delivered log object, as S3 names them: <c>TargetPrefixYYYY-mm-DD-HH-MM-SS-UniqueString</c>, or partitioned
/// <c>TargetPrefix</c><c>SourceAccountId/SourceRegion/SourceBucket/YYYY/MM/DD/YYYY-MM-DD-hh-mm-ss-UniqueString</c>, the date
/// directories being the first event's (EventTime) or the delivery's (DeliveryTime). The unique string is random, so
/// two nodes delivering the same second never collide.
/// </summary>
public static class LogObjectKey
{
    public static string For(LoggingStatus status, string sourceBucket, string region, DateTimeOffset delivered, DateTimeOffset firstEvent)
    {
        var name = delivered.UtcDateTime.ToString("yyyy-MM-dd-HH-mm-ss", CultureInfo.InvariantCulture) + "-" + RandomNumberGenerator.GetHexString(16);
        if (status.KeyFormat is null or LogKeyFormat.SimplePrefix) return status.TargetPrefix + name;
        var day = (status.KeyFormat == LogKeyFormat.PartitionedByEventTime ? firstEvent : delivered).UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{status.TargetPrefix}{Principal.AccountId}/{region}/{sourceBucket}/{day:yyyy}/{day:MM}/{day:dd}/{name}");
    }
}
