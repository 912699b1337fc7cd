namespace Cairn.Core.Time;

/// <summary>
/// The clock lifecycle, restore and billing count days with. A day lasts <see cref="DaySeconds"/>
/// seconds of wall time (86,400 unless scaled down for tests and demos, like Ceph RGW's
/// rgw_lc_debug_interval); timestamps themselves stay real wall time.
/// </summary>
public sealed class DayClock(TimeProvider time, double daySeconds = DayClock.RealDaySeconds)
{
    public const double RealDaySeconds = 86_400;

    public double DaySeconds { get; } = daySeconds > 0 ? daySeconds : throw new ArgumentOutOfRangeException(nameof(daySeconds), "A day must last more than zero seconds.");

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Clock days elapsed from one instant to another (negative if backwards).</summary>
    public double DaysBetween(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalSeconds / DaySeconds;

    public double DaysSince(DateTimeOffset from) => DaysBetween(from, Now);

    public DateTimeOffset AddDays(DateTimeOffset from, double days) => from.AddSeconds(days * DaySeconds);

    /// <summary>
    /// The start of the clock day after the one <paramref name="at"/> falls in, days counted from the Unix epoch: the
    /// next midnight UTC when a day is a real day, where S3 rounds expiration times up to.
    /// </summary>
    public DateTimeOffset NextDayStart(DateTimeOffset at) =>
        DateTimeOffset.UnixEpoch.AddSeconds((Math.Floor((at - DateTimeOffset.UnixEpoch).TotalSeconds / DaySeconds) + 1) * DaySeconds);
}
