using System.Globalization;

namespace Cairn.Auth.Internal;

internal static class AmzDate
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString(SigV4Constants.AmzDateFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses the ISO 8601 basic form SigV4 signs (20130524T000000Z).</summary>
    public static bool TryParseIso(string? value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value, SigV4Constants.AmzDateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>Parses an HTTP Date header (RFC 1123), falling back to the ISO basic form.</summary>
    public static bool TryParseHttp(string? value, out DateTimeOffset time)
    {
        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return true;
        }
        return TryParseIso(value, out time);
    }
}
